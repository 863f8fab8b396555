#!/usr/bin/env bash
# nbaops developer entry point, for a fresh Debian 12 machine:
#   ./packaging/dev.sh run    install what is missing, build, open the console on the demo data
#   ./packaging/dev.sh test   install, build, lint, run every test: the unit tests under ASan+UBSan, the rest (dev)
#   ./packaging/dev.sh lint [quick]  install, build (dev), run clang-tidy over the sources (.clang-tidy)
#   ./packaging/dev.sh bench  install, build (release), run the benchmarks
#   ./packaging/dev.sh package  install, build (release, programs only), the .deb in build/package, lintian
#   ./packaging/dev.sh fuzz [SECONDS]  build the libFuzzer targets (clang, ASan + UBSan), run each SECONDS (60)
# Idempotent: a second call installs nothing and rebuilds only what changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CMD="${1:-run}"
LOG_DIR="$ROOT/build/logs"

PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  libcurl4-openssl-dev libsqlite3-dev libssl-dev zlib1g-dev libbrotli-dev
  nlohmann-json3-dev libcpp-httplib-dev libcli11-dev
  libsecret-1-dev gnome-keyring dbus-daemon
  libxgboost-dev xgboost
  xvfb xauth fonts-dejavu-core
  clang-tidy python3
  dpkg-dev fakeroot lintian librsvg2-bin man-db desktop-file-utils
)
# Only `fuzz` needs these (libFuzzer is clang's).
FUZZ_PACKAGES=(clang libclang-rt-14-dev)
# The benchmarks' reference: the same libxgboost driven from Python (nbaops-bench model).
BENCH_PACKAGES=(python3-xgboost python3-numpy)

say() { printf 'dev.sh: %s\n' "$*"; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "these Debian packages are missing and there is no sudo: ${missing[*]}"
    sudo=(sudo)
  fi
  mkdir -p "$LOG_DIR"
  if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
        --no-install-recommends "${missing[@]}"; } >"$LOG_DIR/apt.log" 2>&1; then
    tail -20 "$LOG_DIR/apt.log" >&2
    die "apt-get could not install the packages above (full log: $LOG_DIR/apt.log)"
  fi
}

# configure and build a preset quietly (all of it, or the targets named after it); show the log
# only when something fails
build() {
  local preset="$1"
  shift
  local targets=()
  [ $# -eq 0 ] || targets=(--target "$@")
  mkdir -p "$LOG_DIR"
  if [ ! -f "build/$preset/CMakeCache.txt" ]; then
    cmake --preset "$preset" >"$LOG_DIR/configure-$preset.log" 2>&1 ||
      { tail -40 "$LOG_DIR/configure-$preset.log" >&2; die "configuring '$preset' failed (log: $LOG_DIR/configure-$preset.log)"; }
  fi
  cmake --build --preset "$preset" "${targets[@]}" >"$LOG_DIR/build-$preset.log" 2>&1 ||
    { grep -E 'error|Error' "$LOG_DIR/build-$preset.log" | head -40 >&2; die "building '$preset' failed (log: $LOG_DIR/build-$preset.log)"; }
}

demo_db() {
  local data="${XDG_DATA_HOME:-$HOME/.local/share}/nbaops"
  echo "${NBAOPS_DEMO_DB:-$data/demo.db}"
}

# clang-tidy over every source file of the product (not the tests); the findings go to
# build/logs/lint.log and fail the command. `lint quick` leaves out the clang-analyzer checks and
# checks each target's files together as one unit (packaging/lint.py: the shared Qt and CLI11
# headers parsed once, about 3 min instead of 12 here): dev.sh test runs that. The full lint runs
# file by file, as the analyzer looks only at a unit's main file.
lint() {
  local tidy
  tidy="$(command -v clang-tidy || ls /usr/bin/clang-tidy-* 2>/dev/null | head -1)"
  [ -n "$tidy" ] || die "clang-tidy is not installed (apt-get install clang-tidy)"
  mkdir -p "$LOG_DIR"
  say "clang-tidy ${1:-} over core/, cli/, ui/ and app/ (log: $LOG_DIR/lint.log)"
  local ok=true
  if [ "${1:-}" = quick ]; then
    python3 packaging/lint.py build/dev "$tidy" "$(nproc)" --extra-arg=-Wno-unknown-warning-option \
      "--checks=-clang-analyzer-*" >"$LOG_DIR/lint.log" 2>&1 || ok=false
  else
    local files
    mapfile -t files < <(find core cli ui app -name '*.cpp' | sort)
    printf '%s\n' "${files[@]}" |
      xargs -P "$(nproc)" -n 4 "$tidy" -p build/dev --quiet --extra-arg=-Wno-unknown-warning-option \
      >"$LOG_DIR/lint.log" 2>&1 || ok=false
  fi
  if [ "$ok" != true ]; then
    grep -E 'warning:|error:|^lint:' "$LOG_DIR/lint.log" | sort -u | head -40 >&2
    die "clang-tidy found the problems above (full log: $LOG_DIR/lint.log)"
  fi
}

# Every fuzz target for $1 seconds, two at a time on two cores: its corpus grows in
# build/fuzz/corpus/<target> from the seeds (the simulated league's payloads, the resources and,
# when ../shared/data is there, the recorded real payloads); a finding is left in
# build/fuzz/findings/ and fails the command with how to replay it.
fuzz_all() {
  local secs="$1" dir="$ROOT/build/fuzz" shared="${NBAOPS_SHARED_DATA:-$ROOT/../shared/data}"
  [[ "$secs" =~ ^[0-9]+$ ]] || die "fuzz takes a number of seconds per target, not '$secs'"
  rm -rf "$dir/seeds"
  "$dir/tests/fuzz/nbaops-fuzz-replay" seeds "$dir/seeds" "$shared"
  mkdir -p "$dir/corpus" "$dir/findings" "$LOG_DIR/fuzz"
  local targets
  mapfile -t targets < <("$dir/tests/fuzz/nbaops-fuzz-replay" list | awk '{print $1}')
  say "fuzzing ${#targets[@]} targets for $secs s each, $(nproc) at a time (logs: $LOG_DIR/fuzz/)"
  export dir secs LOG_DIR
  printf '%s\n' "${targets[@]}" | xargs -P "$(nproc)" -I{} sh -c '
    mkdir -p "$dir/corpus/{}"
    "$dir/tests/fuzz/nbaops-fuzz-{}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$dir/findings/{}-" "$dir/corpus/{}" "$dir/seeds/{}" \
      >"$LOG_DIR/fuzz/{}.log" 2>&1 || true'
  local found=0 t
  printf '%-16s %12s %10s %8s %8s\n' target runs "runs/s" cov corpus
  for t in "${targets[@]}"; do
    local log="$LOG_DIR/fuzz/$t.log"
    printf '%-16s %12s %10s %8s %8s\n' "$t" \
      "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" \
      "$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")" \
      "$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)" \
      "$(find "$dir/corpus/$t" -type f | wc -l)"
  done
  for f in "$dir"/findings/*; do
    [ -e "$f" ] || continue
    found=$((found + 1))
    t="$(basename "$f" | sed -E 's/-(crash|leak|timeout|oom|slow-unit)-.*//')"
    printf 'finding: %s\n  replay: %s run %s %s\n  then keep it: cp %s tests/fuzz/regressions/%s/\n' \
      "$f" "$dir/tests/fuzz/nbaops-fuzz-replay" "$t" "$f" "$f" "$t" >&2
  done
  [ "$found" -eq 0 ] || die "$found finding(s) in $dir/findings (logs: $LOG_DIR/fuzz/)"
  say "no finding"
}

case "$CMD" in
  run)
    install_missing
    build dev
    DB="$(demo_db)"
    if [ ! -f "$DB" ]; then
      say "building the demo database $DB (14 simulated days with injected faults)"
      ./build/dev/app/nbaops demo --db "$DB" --quiet
    fi
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      exec ./build/dev/app/nbaops-console --db "$DB"
    fi
    ./build/dev/app/nbaops status --db "$DB" || true
    cat <<MSG

There is no display here, so the morning check is printed above instead of the console.
To open the console: run this command again from a desktop session, or
  xvfb-run -a ./build/dev/app/nbaops-console --db "$DB"
or save a page as a picture:
  QT_QPA_PLATFORM=offscreen ./build/dev/app/nbaops-console --db "$DB" --page health --screenshot health.png
MSG
    ;;
  lint)
    install_missing
    build dev
    lint "${2:-}"
    ;;
  test)
    install_missing
    # The debug build runs what is not labelled unit (the CLI end to end, the package): its
    # programs, the package's files, those tests and the benchmarks (built, so they compile). The
    # unit tests are built and run by the asan preset below.
    build dev nbaops nbaops-console nbaops_package_files nbaops_changelog tst_cli nbaops-bench nbaops-bench-console
    lint quick
    # Each test runs once: those labelled unit (most of them, the pages' too) under ASan + UBSan,
    # the rest (the CLI end to end, the package) in the debug build.
    say "running the integration and package tests (dev preset)"
    ctest --preset dev -j"$(nproc)" -LE unit
    say "building with AddressSanitizer + UndefinedBehaviorSanitizer and running the unit tests"
    build asan
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
    LSAN_OPTIONS="suppressions=$ROOT/packaging/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      ctest --preset asan -j"$(nproc)"
    say "all tests passed"
    ;;
  bench)
    install_missing "${BENCH_PACKAGES[@]}"
    build release
    shift || true
    ./build/release/tests/bench/nbaops-bench all "$@"
    # The console's first paint (the Trends page over a year of history), offscreen.
    QT_QPA_PLATFORM=offscreen ./build/release/tests/bench/nbaops-bench-console "$@"
    ;;
  fuzz)
    install_missing "${FUZZ_PACKAGES[@]}"
    build fuzz
    fuzz_all "${2:-60}"
    ;;
  package)
    install_missing
    build package
    say "building the .deb (CPack) and checking it with lintian"
    (cd build/package && cpack -G DEB >"$LOG_DIR/cpack.log" 2>&1) ||
      { tail -20 "$LOG_DIR/cpack.log" >&2; die "cpack failed (log: $LOG_DIR/cpack.log)"; }
    DEB="$(ls build/package/nbaops_*.deb)"
    if lintian "$DEB" 2>&1 | grep -v 'root privileges' | tee "$LOG_DIR/lintian.log" | grep -q '^E:'; then
      die "lintian reports errors in $DEB (log: $LOG_DIR/lintian.log)"
    fi
    say "$DEB: $(du -h "$DEB" | cut -f1); install it with: sudo apt install ./$DEB"
    ;;
  *)
    die "unknown command '$CMD': use run, test, lint, bench, package or fuzz"
    ;;
esac
