#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm-bench.sh: run tests/bench/online-order.sh in the QEMU guest (TCG)
# and print a table of medians and ratios.
#
#   run-vm-bench.sh [--build DIR] [--kernel 6.1|6.12|7.3]... [--keep-log DIR]
#                   [--metrics FILE] [--rounds N] [--reconf-rounds N]
#
# --build defaults to ./build; --kernel may be given several times (default
# 6.1), one guest at a time. --keep-log DIR keeps the serial logs there;
# --metrics FILE also appends the raw "metric:" lines to FILE.
# --rounds / --reconf-rounds override ROUNDS / RECONF_ROUNDS (3 and 3) of
# the scenario (a full run takes ~15 min under TCG on a loaded 2-core host).
# Nothing here writes the host's /sys or /proc: all sysfs writes happen in
# the guest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH=run-vm-bench
BENCH_KERNELS="6.1"
rounds=""
reconf_rounds=""
bench_option() {
	case "$1" in
	--rounds) rounds="$2" ;;
	--reconf-rounds) reconf_rounds="$2" ;;
	*) return 1 ;;
	esac
}
# shellcheck source=tests/bench/vm-bench.sh
. "$HERE/vm-bench.sh"
bench_parse "$@"

scenario="$bench_tmp/online-order.sh"
sed -e "${rounds:+s/^ROUNDS=.*/ROUNDS=$rounds/}" \
	-e "${reconf_rounds:+s/^RECONF_ROUNDS=.*/RECONF_ROUNDS=$reconf_rounds/}" \
	"$HERE/online-order.sh" >"$scenario"

for k in "${kernels[@]}"; do
	bench_run "$k" "$scenario"
	PYTHONPATH="$HERE" python3 - "$k" "$bench_tmp/metrics-$k" <<'EOF'
import sys
import metrics

kernel, path = sys.argv[1], sys.argv[2]
runs, other = metrics.rounds(path, unit="ms")
med = metrics.medians(runs)
LABEL = {
    "reconfigure_memplug": "memplug reconfigure --mode=system-ram",
    "reconfigure_daxctl": "daxctl reconfigure-device --mode=system-ram",
    "online_memplug": "memplug online --zone=movable (descending)",
    "online_daxctl": "daxctl online-memory",
    "online_rawasc": "raw loop online_movable ascending",
    "online_rawdesc": "raw loop online_movable descending",
    "online_memplugasc": "memplug online --order=ascending",
    "online_chmem": "chmem -b -e -z Movable (ascending)",
    "offline_memplug": "memplug offline (hole-first)",
    "offline_daxctl": "daxctl offline-memory",
    "offline_rawdesc": "raw loop offline descending",
    "offline_rawhole": "raw loop offline hole-first",
    "offline_chmem": "chmem -b -d (ascending)",
}
for k in (64, 128, 256):
    LABEL["scale%d_memplug" % k] = "top %d blocks: memplug online memoryA-B" % k
    LABEL["scale%d_rawasc" % k] = "top %d blocks: raw loop ascending" % k
    LABEL["scale%d_rawdax" % k] = "top %d blocks: raw loop in daxctl's order" % k


def ratio(a, b):
    return metrics.ratio(med, a, b)


blocks = other.get("blocks", ("?", ""))[0]
print()
print("kernel %s, %s blocks of 128 MiB, medians of %d runs (ms)" %
      (kernel, blocks, max((len(v) for v in runs.values()), default=0)))
print()
print("| variant | median ms | runs ms |")
print("|---|---:|---|")
for key in list(LABEL) + sorted(k for k in med if k not in LABEL):
    if key in med:
        print("| %s | %.0f | %s |" % (LABEL.get(key, key), med[key],
                                     " ".join("%.0f" % x for x in runs[key])))
print()
print("| ratio | value |")
print("|---|---:|")
for a, b, what in [
    ("reconfigure_memplug", "reconfigure_daxctl", "reconfigure: memplug / daxctl"),
    ("online_memplug", "online_daxctl", "online: memplug / daxctl"),
    ("online_memplug", "online_chmem", "online: memplug / chmem"),
    ("online_memplug", "online_rawdesc", "online: memplug / raw descending loop"),
    ("online_memplugasc", "online_rawasc", "online ascending: memplug / raw ascending loop"),
    ("online_rawasc", "online_rawdesc", "online: raw ascending / raw descending"),
    ("offline_memplug", "offline_daxctl", "offline: memplug / daxctl"),
    ("offline_memplug", "offline_chmem", "offline: memplug / chmem"),
    ("offline_memplug", "offline_rawdesc", "offline: memplug / raw descending loop"),
    ("offline_memplug", "offline_rawhole", "offline: memplug / raw hole-first loop"),
]:
    print("| %s | %s |" % (what, ratio(a, b)))

# time per block against size: the 64 GiB row is the rounds above
print()
print("| size | blocks | memplug ms/block | daxctl order ms/block | ascending ms/block | memplug / daxctl order |")
print("|---|---:|---:|---:|---:|---:|")
n = int(blocks) if blocks.isdigit() else 0
for k, keys in [(64, ("scale64_memplug", "scale64_rawdax", "scale64_rawasc")),
                (128, ("scale128_memplug", "scale128_rawdax", "scale128_rawasc")),
                (256, ("scale256_memplug", "scale256_rawdax", "scale256_rawasc")),
                (n, ("online_memplug", "online_daxctl", "online_rawasc"))]:
    if not k or keys[0] not in med:
        continue
    per = ["%.2f" % (med[x] / k) if x in med else "n/a" for x in keys]
    print("| %d GiB | %d | %s | %s | %s | %s |" %
          (k * 128 // 1024, k, per[0], per[1], per[2], ratio(keys[0], keys[1])))
if other:
    print()
    for name in sorted(other):
        if name != "blocks":
            print("- %s: %s %s" % (name, other[name][0], other[name][1]))
EOF
done
exit "$bench_rc"
