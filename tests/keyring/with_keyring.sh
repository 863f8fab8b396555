#!/bin/sh
# Runs one test program under its own D-Bus session bus and GNOME Keyring, so the real Secret
# Service path (libsecret over D-Bus) is exercised. HOME and the XDG folders point into a
# fresh folder, so the keyring file and anything else written are the test's own and removed.
#   with_keyring.sh PROGRAM [ARGS...]
set -eu
command -v dbus-run-session >/dev/null || { echo "with_keyring.sh: dbus-run-session is missing (apt-get install dbus-daemon)" >&2; exit 1; }
command -v gnome-keyring-daemon >/dev/null || { echo "with_keyring.sh: gnome-keyring-daemon is missing (apt-get install gnome-keyring)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nbaops-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/run"
chmod 700 "$tmp/run"
export HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" \
       XDG_RUNTIME_DIR="$tmp/run" NBAOPS_TEST_KEYRING=1
unset DISPLAY
rc=0
# The daemon creates and unlocks the "login" collection with this password, then serves
# org.freedesktop.secrets on the session bus; it exits with the bus.
dbus-run-session -- sh -c 'printf %s nbaops-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' \
    with_keyring "$@" 2>"$tmp/bus.log" || rc=$?
# The bus's own chatter (fd limits, activation) is dropped; the test's stderr is kept.
grep -v '^dbus-daemon\[' "$tmp/bus.log" >&2 || true
exit $rc
