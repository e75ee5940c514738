#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-boot-bench.sh: boot-to-online of a configured 64 GiB pmem namespace
# in the systemd guest (tests/bench/boot-online.sh, TCG): memplug's udev
# rule and units against ndctl's own daxctl rule and unit with a
# daxctl.conf.d section, and against RHEL's "online every block" rule,
# memplug absent.  Prints per kernel the median seconds from kernel start
# to the dax device, to every block online and to udev's queue empty, and
# the zone the device ended in.
#
#   run-boot-bench.sh [--build DIR] [--kernel 6.1|6.12|7.3]...
#                     [--keep-log DIR] [--metrics FILE]
#
# --build defaults to ./build (memplug is meson-installed into the guest);
# --kernel may be given several times (default 6.1 6.12 7.3).  7 boots per
# kernel, about 6 min under TCG; needs root (the systemd guest).  Not part
# of any test suite.  Nothing here writes the host's /sys or /proc.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH=run-boot-bench
BENCH_KERNELS="6.1 6.12 7.3"
# shellcheck source=tests/bench/vm-bench.sh
. "$HERE/vm-bench.sh"
bench_parse "$@"

for k in "${kernels[@]}"; do
	bench_run "$k" "$HERE/boot-online.sh"
	load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
	PYTHONPATH="$HERE" python3 - "$k" "$bench_tmp/metrics-$k" "$load_after" <<'PY'
import statistics, sys
import metrics

kernel, path, load = sys.argv[1], sys.argv[2], sys.argv[3]
vals = metrics.series(path)


def med(key):
    v = vals.get(key)
    return ("%.1f" % statistics.median(v), " ".join("%.1f" % x for x in v)) if v else ("-", "-")


print()
print("kernel %s, 64 GiB namespace by uuid, online at boot; seconds since the "
      "kernel started, medians of the boots of each path; load average at the "
      "end: %s" % (kernel, load))
print()
print("| path | dax0.0 appears | online | runs | udev settled | runs | Movable / total blocks |")
print("|---|---:|---:|---|---:|---|---|")
labels = {"memplug": "memplug rule + memplug.conf",
          "daxctl": "daxctl's rule + daxctl.conf (online, movable)",
          "rhel": "daxctl.conf (bind only) + RHEL 40-redhat.rules"}
for p in ("memplug", "daxctl", "rhel"):
    dv, _ = med(p + "_device_s")
    on, onr = med(p + "_online_s")
    st, sr = med(p + "_settled_s")
    mv = vals.get(p + "_movable_blocks", [None])[-1]
    tot = vals.get(p + "_total_blocks", [None])[-1]
    print("| %s | %s | %s | %s | %s | %s | %s / %s |" % (labels[p], dv, on, onr, st, sr,
          "-" if mv is None else "%d" % mv, "-" if tot is None else "%d" % tot))
PY
done
exit "$bench_rc"
