#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-state-bench.sh: run tests/bench/dax-state-paths.sh in the QEMU guest
# (TCG, kernel 7.3 by default) and print the medians of bringing an
# unplugged 64 GiB dax device online Movable along each path (memplug's
# rebind + ordered online, the whole-device state write, the raw write).
#
#   run-state-bench.sh [--build DIR] [--kernel 7.3]... [--keep-log DIR]
#                      [--metrics FILE]
#
# About 5 min per kernel under TCG.  Not part of any test suite.  Nothing
# here writes the host's /sys or /proc: all sysfs writes are in the guest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH=run-state-bench
BENCH_KERNELS="7.3"
bench_option() { return 1; }
# shellcheck source=tests/bench/vm-bench.sh
. "$HERE/vm-bench.sh"
bench_parse "$@"

for k in "${kernels[@]}"; do
	bench_run "$k" "$HERE/dax-state-paths.sh"
	PYTHONPATH="$HERE" python3 - "$k" "$bench_tmp/metrics-$k" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
import metrics

kernel, path, load = sys.argv[1:4]
runs, _ = metrics.rounds(path, skip_warmup=True)
print()
print("kernel %s, unplugged 64 GiB dax0.0 (503 blocks) -> online Movable, "
      "medians (ms); load average at the end: %s" % (kernel, load))
print()
print("| path | median ms | runs ms |")
print("|---|---:|---|")
for key, label in (("plug_rebind", "memplug reconfigure (default: unbind, bind, online descending)"),
                   ("plug_state", "memplug reconfigure --parallel (write online_movable to state)"),
                   ("plug_raw", "echo online_movable > state (no memplug)"),
                   ("unplug", "memplug offline --unplug (the way back)")):
    metrics.row(runs, key, label)
PY
done
