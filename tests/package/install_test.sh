#!/usr/bin/env bash
# The .deb end to end: CPack builds it from this build tree, lintian finds no error, dpkg installs
# it into a fresh root (its own admin database), and the installed programs run from there with
# nothing of the build tree: --version, demo, status, the manual, a console screenshot. Then dpkg
# removes it and nothing is left behind.
#   install_test.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
step() { printf '== %s\n' "$*"; }

step "cpack -G DEB"
(cd "$WORK" && cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/out" >"$WORK/cpack.log" 2>&1) ||
  { tail -20 "$WORK/cpack.log" >&2; fail "cpack could not build the package (is the build complete?)"; }
DEB="$(ls "$WORK"/out/nbaops_*.deb)"
echo "$DEB: $(du -h "$DEB" | cut -f1)"
dpkg-deb -f "$DEB" Depends | grep -q libqt6widgets6 || fail "Depends has no Qt: shlibdeps did not run"

step "lintian"
command -v lintian >/dev/null || fail "lintian is not installed (apt-get install lintian; dev.sh installs it)"
lintian "$DEB" >"$WORK/lintian.log" 2>&1 || true
cat "$WORK/lintian.log"
if grep -q '^E:' "$WORK/lintian.log"; then fail "lintian reports errors"; fi

step "dpkg --root (a fresh root)"
ROOT="$WORK/root"
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates"
touch "$ROOT/var/lib/dpkg/status" "$ROOT/var/lib/dpkg/available"
# The fresh root has no libraries: the programs run on this machine's, so the dependencies are
# checked against this machine (apt resolves them) and forced in the root.
apt-get install --simulate --no-download "$DEB" >"$WORK/apt.log" 2>&1 ||
  { cat "$WORK/apt.log" >&2; fail "this machine cannot satisfy the package's Depends"; }
dpkg --root="$ROOT" --force-depends --force-not-root -i "$DEB" >"$WORK/dpkg.log" 2>&1 ||
  { cat "$WORK/dpkg.log" >&2; fail "dpkg could not install the package"; }
dpkg --root="$ROOT" -s nbaops | grep -q '^Status: install ok installed' || fail "dpkg does not list nbaops as installed"
for f in usr/bin/nbaops usr/bin/nbaops-console usr/share/applications/nbaops-console.desktop \
         usr/share/icons/hicolor/scalable/apps/nbaops-console.svg \
         usr/share/icons/hicolor/48x48/apps/nbaops-console.png usr/share/man/man1/nbaops.1.gz \
         usr/share/man/man1/nbaops-backfill.1.gz usr/share/man/man1/nbaops-console.1.gz \
         usr/lib/systemd/user/nbaops-nightly.timer usr/lib/systemd/user/nbaops-nightly.service \
         usr/share/doc/nbaops/copyright; do
  [ -e "$ROOT/$f" ] || fail "the package did not install /$f"
done
grep -q '^ExecStart="/usr/bin/nbaops" run --date yesterday$' "$ROOT/usr/lib/systemd/user/nbaops-nightly.service" ||
  fail "the nightly unit does not start /usr/bin/nbaops for the default database"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$ROOT/usr/share/applications/nbaops-console.desktop" || fail "the desktop entry is not valid"
fi

step "the installed programs, away from the build tree"
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/data" XDG_CONFIG_HOME="$WORK/home/config"
mkdir -p "$HOME"
cd "$HOME"
BIN="$ROOT/usr/bin"
"$BIN/nbaops" --version | tee "$WORK/version"
grep -Eq '^nbaops [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)' "$WORK/version" ||
  fail "nbaops --version does not give the version and the commit"
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$BIN/nbaops-console" --version | grep -q 'nbaops-console' ||
  fail "nbaops-console --version needs a display"
"$BIN/nbaops" demo --db "$HOME/demo.db" --quiet || fail "nbaops demo failed"
set +e
"$BIN/nbaops" status --db "$HOME/demo.db" >"$WORK/status" 2>&1
rc=$?
set -e
head -5 "$WORK/status"
[ "$rc" -le 2 ] || { cat "$WORK/status" >&2; fail "nbaops status exited $rc"; }
grep -q 'Phase' "$WORK/status" || fail "nbaops status printed no phases"
MANWIDTH=80 man -l "$ROOT/usr/share/man/man1/nbaops-backfill.1.gz" 2>/dev/null | grep -q 'nbaops backfill plan' ||
  fail "the nbaops-backfill manual page does not describe 'backfill plan'"
QT_QPA_PLATFORM=offscreen timeout 120 "$BIN/nbaops-console" --db "$HOME/demo.db" --page health \
  --screenshot "$WORK/health.png" || fail "the installed console could not render the Health page"
size=$(stat -c %s "$WORK/health.png")
[ "$size" -gt 20000 ] || fail "the console's screenshot is only $size bytes"
echo "console screenshot: $size bytes"

step "dpkg -r"
dpkg --root="$ROOT" --force-not-root -r nbaops >"$WORK/dpkg-r.log" 2>&1 || { cat "$WORK/dpkg-r.log" >&2; fail "dpkg -r failed"; }
left="$(find "$ROOT/usr" -type f 2>/dev/null | head -5 || true)"
[ -z "$left" ] || fail "files left after removal: $left"
echo "PASS: the package builds, passes lintian, installs, runs and removes cleanly"
