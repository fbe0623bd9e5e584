#!/usr/bin/env bash
# `cmake --install BUILD --prefix TMP` lays the files out: the binary runs, the man page (when
# help2man was there at build time: second argument "man") is a man page of papaya's commands,
# and the unit's ExecStart names TMP/bin/papaya with the key file under /etc/papaya.
set -euo pipefail
build=$1
want_man=${2:-man}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$tmp/usr" >/dev/null
[ -x "$tmp/usr/bin/papaya" ] || fail "no executable $tmp/usr/bin/papaya"
[ "$("$tmp/usr/bin/papaya" --version)" != "" ] || fail "the installed papaya prints no version"
if [ "$want_man" = man ]; then
  man=$tmp/usr/share/man/man1/papaya.1
  [ -f "$man" ] || fail "no man page $man"
  grep -q '^\.TH PAPAYA "1"' "$man" || fail "$man has no .TH PAPAYA 1 header"
  for cmd in serve chat check replay; do grep -q "$cmd" "$man" || fail "$man does not mention $cmd"; done
  ! grep -q "$build" "$man" || fail "$man names the build directory"
fi
unit=$tmp/usr/lib/systemd/system/papaya.service
[ -f "$unit" ] || fail "no unit $unit"
grep -qx "ExecStart=$tmp/usr/bin/papaya serve .*--key-file /etc/papaya/papaya.key.*" "$unit" ||
  fail "$unit: ExecStart does not run $tmp/usr/bin/papaya serve with /etc/papaya/papaya.key"
grep -q -- '--foreground' "$unit" || fail "$unit: not in the foreground (systemd supervises it)"
grep -q -- '--user papaya' "$unit" || fail "$unit: does not drop to a user"
for opt in NoNewPrivileges=yes ProtectSystem=strict CapabilityBoundingSet= WantedBy=multi-user.target; do
  grep -q "^$opt" "$unit" || fail "$unit: no $opt"
done
! grep -q '@[A-Z_]*@' "$unit" || fail "$unit: an unsubstituted @VARIABLE@"
# DESTDIR staging: the files go under DESTDIR, the unit still names the prefix.
DESTDIR=$tmp/stage cmake --install "$build" --prefix /opt/papaya >/dev/null
grep -q '^ExecStart=/opt/papaya/bin/papaya serve' "$tmp/stage/opt/papaya/lib/systemd/system/papaya.service" ||
  fail "DESTDIR install: the unit does not name /opt/papaya/bin/papaya"
echo "install_test: ok ($want_man)"
