#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-seed-tables.sh [--build DIR] [--rounds N] [--keep-log DIR] [TABLE...]
#
# The seeds' tables, side by side on this machine, in the QEMU guest (TCG),
# through run-reconf-bench.sh (devdax -> system-ram Movable along every
# path, medians of alternating rounds).  TABLE is one or more of:
#
#   zone     seed 000: 64 GiB and 256 GiB, kernel auto-online vs memplug
#            vs daxctl, on the test bed's 7.3 with and without the
#            zone-contiguity fix (7.3-patched, 7.3-fix)
#   ratio    seed 001: parallel_hotplug_ratio 0, 1, 2 on 7.3-patched with
#            2 vCPUs, 16 GiB and 64 GiB, the kernel's hot-add
#            (auto-online) and memplug
#   matrix   every kernel of the test bed (6.1, 6.12, 7.3, 7.3-fix,
#            7.3-parallel), 64 GiB: memplug's chosen path against every
#            other path and daxctl
#
# (default: all three).  Prints the tables on stdout; one guest at a time.
# Several hours of TCG in all on 2 cores; run it on an idle host.
# Nothing here writes the host's /sys or /proc.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
opts=()
tables=()
while [ $# -gt 0 ]; do
	case "$1" in
	--build | --rounds | --keep-log) opts+=("$1" "$2"); shift 2 ;;
	zone | ratio | matrix) tables+=("$1"); shift ;;
	*) sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
[ ${#tables[@]} -gt 0 ] || tables=(zone ratio matrix)

rc=0
bench() {
	echo "### run-reconf-bench.sh $*"
	"$HERE/run-reconf-bench.sh" "${opts[@]}" "$@" || rc=1
}

for t in "${tables[@]}"; do
	case "$t" in
	zone)
		for p in large huge; do
			bench --kernel 7.3-patched --kernel 7.3-fix --profile "$p" \
				--paths "memplug daxctl kauto"
		done
		;;
	ratio)
		for p in medium large; do
			for r in 0 1 2; do
				bench --kernel 7.3-patched --smp 2 --profile "$p" \
					--append "parallel_hotplug_ratio=$r" \
					--paths "memplug kauto"
			done
		done
		;;
	matrix)
		bench --kernel 6.1 --kernel 6.12 --kernel 7.3 --kernel 7.3-fix \
			--kernel 7.3-parallel
		;;
	esac
done
exit "$rc"
