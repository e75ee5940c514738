#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memplug's main job, end to end, in the QEMU test VM (no host has CXL or
# pmem at hand, and the host's /sys is never written): an emulated pmem
# namespace is converted to system-ram and onlined Movable in the fast
# order, then `memplug list` shows the block accounting and memmap
# placement.  Installs what it needs and builds first.  Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root" >&2; exit 1; }
scripts/install-deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "demo: booting Linux $(ls /lib/modules | sort -V | tail -n 1) in QEMU (about 10 s)..." >&2
rc=0
bash tests/vm/run-scenario.sh --build build --kernel "${KERNEL:-6.1}" \
	--scenario tests/vm/demo/demo.sh --keep-log "$log" || rc=$?
# the guest prints the commands and their JSON between these markers
sed -n '/MEMPLUG-DEMO-BEGIN/,/MEMPLUG-DEMO-END/p' "$log" | tr -d '\r' |
	grep -v 'MEMPLUG-DEMO-' || true
exit $rc
