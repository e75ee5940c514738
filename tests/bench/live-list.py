#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""live-list.py: memplug list against this machine's own live kernel.

    tests/bench/live-list.sh [--build DIR] [--runs N]

(the .sh wrapper runs this inside tests/unit/live_ro.sh: /, /sys and /proc
read-only, so nothing can change the host).  Times, in alternating rounds,
`memplug list`, `list -M`, `list --table`, `lsmem --json -a`, `lsmem`
(its table) and `daxctl list -M`, and prints per command the median wall
time, median user+sys CPU, system calls (strace -c, one run), and the
ratios to lsmem's; then the target line: `list -M` wall <= 0.5x lsmem.
"""
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time


def once(argv):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        sys.exit("live-list: %s exited %d: %s" % (argv, p.returncode, p.stderr[:300]))
    return wall, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime


def syscalls(argv):
    p = subprocess.run(["strace", "-c", "-f", "-o", "/dev/stderr"] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       universal_newlines=True)
    m = re.search(r"\s(\d+)\s+(\d+\s+)?total", p.stderr)
    return int(m.group(1)) if m else 0


def main(argv):
    build, runs = "build", 21
    while argv:
        if argv[0] == "--build":
            build, argv = argv[1], argv[2:]
        elif argv[0] == "--runs":
            runs, argv = int(argv[1]), argv[2:]
        else:
            sys.exit("live-list: unknown argument %r" % argv[0])
    memplug = os.path.join(build, "cli", "memplug")
    cmds = {
        "memplug list": [memplug, "list"],
        "memplug list -M": [memplug, "list", "-M"],
        "memplug list --table": [memplug, "list", "--table"],
        "lsmem --json -a": ["lsmem", "--json", "-a"],
        "lsmem": ["lsmem"],
    }
    if shutil.which("daxctl"):
        cmds["daxctl list -M"] = ["daxctl", "list", "-M"]
    nblocks = len([d for d in os.listdir("/sys/devices/system/memory")
                   if re.fullmatch(r"memory\d+", d)])
    res = {k: [] for k in cmds}
    for c in cmds.values():  # warm the caches
        once(c)
    load0 = os.getloadavg()[0]
    for _ in range(runs):
        for k, c in cmds.items():
            res[k].append(once(c))
    load1 = os.getloadavg()[0]
    calls = {k: syscalls(c) for k, c in cmds.items()} if shutil.which("strace") else {}
    base = res["lsmem --json -a"]
    bw = statistics.median(r[0] for r in base)
    bc = statistics.median(r[1] for r in base)
    print("live host: %s, %d memory blocks; medians of %d alternating runs; "
          "load %.2f before, %.2f after (%d CPUs)" %
          (os.uname().release, nblocks, runs, load0, load1, os.cpu_count()))
    print()
    print("| command | wall | CPU | syscalls | wall / lsmem --json | CPU / lsmem --json |")
    print("|---|---:|---:|---:|---:|---:|")
    for k, v in res.items():
        w = statistics.median(r[0] for r in v)
        c = statistics.median(r[1] for r in v)
        print("| %s | %.2f ms | %.2f ms | %s | %.2f | %.2f |" %
              (k, w * 1e3, c * 1e3, calls.get(k, "-"), w / bw, c / bc if bc else 0))
    ratio = statistics.median(r[0] for r in res["memplug list -M"]) / bw
    print()
    print("metric: live_list_M_vs_lsmem %.2f (target <= 0.5: %s)" %
          (ratio, "met" if ratio <= 0.5 else "NOT met"))


if __name__ == "__main__":
    main(sys.argv[1:])
