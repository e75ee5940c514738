#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite on a fresh Debian 12 machine, as root: installs what
# it needs (apt), builds, runs the unit tests on sysfs trees and the
# real-kernel scenarios in QEMU (Debian's kernels 6.1, 6.12 and 7.3, and the
# test bed's own 7.3: the first VM test builds it once, ~15-25 min on a fresh
# machine, cached in ~/.cache/memplug-kernel; tests/kernel/README.md), then, in a
# second build (build-san: clang-14, ASan + UBSan + LeakSanitizer, libFuzzer
# targets), the unit suite again with every sanitizer report fatal and each
# fuzz target for 30 s, two at a time.  Ends with one line "N passed, N
# failed, N skipped" over both builds.  Extra arguments go to meson test of
# the first build (e.g. --suite unit) and skip the sanitizer build unless
# MEMPLUG_SAN=1.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "test.sh: run as root (it installs packages; the VM tests need nothing else)" >&2
	exit 1
fi
scripts/install-deps.sh || exit 1
if [ -d build ]; then
	meson setup --reconfigure -Ddocs=enabled build >/dev/null || exit 1
else
	meson setup -Ddocs=enabled build >/dev/null || exit 1
fi
ninja -C build || exit 1
meson test -C build --num-processes 2 --print-errorlogs "$@"
rc=$?
logs=(build/meson-logs/testlog.json)
if [ $# -eq 0 ] || [ "${MEMPLUG_SAN:-0}" = 1 ]; then
	san=(-Db_sanitize=address,undefined -Db_lundef=false -Dfuzzing=true -Ddocs=enabled)
	if [ -d build-san ]; then
		meson setup --reconfigure build-san "${san[@]}" >/dev/null || exit 1
	else
		CC=clang-14 meson setup build-san "${san[@]}" >/dev/null || exit 1
	fi
	ninja -C build-san || exit 1
	meson test -C build-san --num-processes 2 --print-errorlogs \
		--suite unit --suite fuzz || rc=1
	logs+=(build-san/meson-logs/testlog.json)
fi
python3 - "${logs[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in (l for f in sys.argv[1:] for l in open(f)):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
