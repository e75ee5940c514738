#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-reconf-bench.sh: run tests/bench/reconfigure-paths.sh in the QEMU guest
# (TCG) and print, per kernel, the medians of devdax -> system-ram Movable
# along each path (memplug, daxctl, the kernel's auto-online, memplug with
# --memmap-on-memory) and the memory each leaves to the kernel.
#
#   run-reconf-bench.sh [--build DIR] [--kernel K]... [--rounds N]
#                       [--append PARAMS] [--profile P] [--smp N]
#                       [--paths "memplug kauto ..."]
#                       [--keep-log DIR] [--metrics FILE]
#
# K: 6.1, 6.12, 7.3 or the test bed's own 7.3-patched, 7.3-fix,
# 7.3-parallel (tests/kernel).  --append adds kernel parameters (e.g.
# parallel_hotplug_ratio=2), --profile replaces the 64 GiB "large" machine
# (e.g. medium: 16 GiB, huge: 256 GiB), --smp gives the guest N vCPUs,
# --paths times only these of memplug daxctl split kauto memplugmom
# memplugord memplugkern.
# --build defaults to ./build; --kernel may be given several times (default
# 6.1 6.12 7.3), one guest at a time (run it under flock /work/coord/vm.lock
# on a shared machine). --rounds overrides ROUNDS (3). --keep-log DIR keeps
# the serial logs; --metrics FILE appends the raw "metric:" lines.
# About 5-10 min per kernel under TCG. Not part of any test suite.
# Nothing here writes the host's /sys or /proc: all sysfs writes happen in
# the guest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH=run-reconf-bench
BENCH_KERNELS="6.1 6.12 7.3"
rounds=""
append=""
profile=""
smp=""
paths=""
bench_option() {
	case "$1" in
	--rounds) rounds="$2" ;;
	--append) append="$2" ;;
	--profile) profile="$2" ;;
	--smp) smp="$2" ;;
	--paths) paths="$2" ;;
	*) return 1 ;;
	esac
}
# shellcheck source=tests/bench/vm-bench.sh
. "$HERE/vm-bench.sh"
bench_parse "$@"
case "$rounds" in
'' | [1-9] | [1-9][0-9]) ;;
*) echo "run-reconf-bench: --rounds must be 1-99" >&2; exit 2 ;;
esac

scenario="$bench_tmp/reconfigure-paths.sh"
case "$append$profile$smp$paths" in
*[!a-zA-Z0-9_.=,\ -]*) echo "run-reconf-bench: --append/--profile/--smp: unexpected characters" >&2; exit 2 ;;
esac
sed -e "${rounds:+s/^ROUNDS=.*/ROUNDS=$rounds/}" \
	-e "${append:+s/^\(# append:.*\)/\1 $append/}" \
	-e "${profile:+s/^# profile:.*/# profile: $profile/}" \
	-e "${smp:+s/^\(# timeout:.*\)/\1\n# qemu: -smp $smp/}" \
	-e "${paths:+s/^PATHS=.*/PATHS=\"$paths\"/}" \
	"$HERE/reconfigure-paths.sh" >"$scenario"

for k in "${kernels[@]}"; do
	bench_run "$k" "$scenario"
	load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
	PYTHONPATH="$HERE" python3 - "$k" "$bench_tmp/metrics-$k" "$load_after" \
		"$append${profile:+ profile=$profile}${smp:+ smp=$smp}" <<'EOF'
import sys
import metrics

kernel, path, load, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].strip()
runs, other = metrics.rounds(path)
# memplug's phases other than online (the kmem bind, mostly): total - online
for p in ("memplug", "memplugmom"):
    t, o = runs.get("phase_%s_total" % p), runs.get("phase_%s_online" % p)
    if t and o and len(t) == len(o):
        runs["phase_%s_bind" % p] = [a - b for a, b in zip(t, o)]
med = metrics.medians(runs)


def row(key, label):
    metrics.row(runs, key, label)


n = max((len(v) for v in runs.values()), default=0)
print()
blocks = other.get("dev_blocks", ("?",))[0]
print("kernel %s%s, dax0.0 (%s blocks of 128 MiB) -> system-ram Movable, "
      "medians of %d alternating rounds (ms); load average at the end: %s"
      % (kernel, (" + " + extra) if extra else "", blocks, n, load))
print()
print("| path | median ms | runs ms |")
print("|---|---:|---|")
row("reconf_memplug", "memplug reconfigure (memmap in node RAM)")
for k in sorted(k for k in med if k.startswith("phase_memplug_")):
    row(k, "&nbsp;&nbsp;memplug phase `%s`%s" % (k[len("phase_memplug_"):],
                                             " (total - online)" if k.endswith("_bind") else ""))
row("reconf_memplugord", "memplug reconfigure --no-parallel (its ordered writes)")
row("reconf_memplugkern", "memplug reconfigure --parallel (the kernel onlines in the bind)")
row("reconf_daxctl", "daxctl reconfigure-device")
row("reconf_daxctl_exit", "&nbsp;&nbsp;its exit status (non-zero: it took deferred blocks for failures)")
row("phase_split_bind", "&nbsp;&nbsp;daxctl --no-online: kmem bind alone")
row("phase_split_online", "&nbsp;&nbsp;daxctl online-memory after it")
row("phase_split_online_exit", "&nbsp;&nbsp;its exit status")
row("reconf_kauto", "kernel auto-online (online_movable) + daxctl --force: bind incl. online")
row("reconf_memplugmom", "memplug reconfigure --memmap-on-memory")
for k in sorted(k for k in med if k.startswith("settle_") and k != "settle_warmup"):
    if med[k] > 0:
        row(k, "&nbsp;&nbsp;after `%s` returned: until no block read offline"
            % k[len("settle_"):])
for k in sorted(k for k in med if k.startswith("phase_memplugmom_")):
    row(k, "&nbsp;&nbsp;memplug --memmap-on-memory phase `%s`%s" % (k[len("phase_memplugmom_"):],
                                                                " (total - online)" if k.endswith("_bind") else ""))


def ratio(a, b):
    return metrics.ratio(med, a, b)


print()
print("| derived | value |")
print("|---|---:|")
if "reconf_kauto" in med and "phase_split_bind" in med:
    print("| kernel auto-online: online share (kauto - plain bind), ms | %.0f |"
          % (med["reconf_kauto"] - med["phase_split_bind"]))
for a, b, what in [
    ("reconf_memplug", "reconf_kauto", "memplug / kernel auto-online (whole)"),
    ("reconf_memplug", "reconf_daxctl", "memplug / daxctl (whole)"),
    ("phase_memplug_online", "phase_split_online", "online phase: memplug / daxctl"),
    ("phase_memplug_bind", "phase_split_bind", "bind phase: memplug / daxctl"),
    ("reconf_memplugmom", "reconf_memplug", "memmap on device / in RAM (whole)"),
    ("phase_memplugmom_online", "phase_memplug_online", "memmap on device / in RAM (online phase)"),
]:
    print("| %s | %s |" % (what, ratio(a, b)))
if "phase_memplug_online" in med and "reconf_kauto" in med and "phase_split_bind" in med:
    share = med["reconf_kauto"] - med["phase_split_bind"]
    if share > 0:
        print("| online phase: memplug / kernel auto-online's share | %.2f |"
              % (med["phase_memplug_online"] / share))

mem = [k for k in med if k.startswith("mem_") and k.count("_") >= 2]
if mem:
    print()
    print("| after the run (node 0) | memmap in RAM | memmap on the device | difference |")
    print("|---|---:|---:|---:|")
    for f, label in [("node0_memtotal_kb", "MemTotal kB"), ("node0_memfree_kb", "MemFree kB"),
                     ("kernel_free_kb", "free in DMA+DMA32+Normal kB"),
                     ("movable_present", "Movable present pages"),
                     ("movable_managed", "Movable managed pages")]:
        a, b = med.get("mem_memplug_" + f), med.get("mem_memplugmom_" + f)
        print("| %s | %s | %s | %s |" % (label, "%.0f" % a if a is not None else "n/a",
                                         "%.0f" % b if b is not None else "n/a",
                                         "%+.0f" % (b - a) if a is not None and b is not None else "n/a"))
if other:
    print()
    for name in sorted(other):
        print("- %s: %s %s" % (name, other[name][0], other[name][1]))
EOF
done
exit "$bench_rc"
