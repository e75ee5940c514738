#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite on a fresh Debian 12 machine, as root: installs what
# it needs (apt), builds, runs the unit tests on sysfs trees and the
# real-kernel scenarios in QEMU (kernels 6.1, 6.12 and 7.3), and ends with one
# line "N passed, N failed, N skipped".  Extra arguments go to meson test
# (e.g. --suite unit).
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
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
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
