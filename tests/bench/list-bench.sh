#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# list-bench.sh: time `memplug list -M` against `lsmem --json -a` on the
# generated benchmark trees (tests/bench/gen-tree: huge-host, 4 TiB in 2048
# blocks of 2 GiB; wide-host, 512 GiB in 4096 blocks of 128 MiB;
# giant-host, 16 TiB in 65,536 blocks of 256 MiB).
#
#   list-bench.sh [--build DIR] [--runs N] [--tree NAME]... [--trees DIR]
#                 [--instructions]
#
# --tree picks trees (default: all three); --trees DIR keeps the trees in
# DIR (made there when missing, reused by later runs) instead of a mktemp
# directory removed at exit. Both tools only read them.
# The runs alternate memplug and lsmem. Prints per tool and tree the median
# wall time (python perf_counter), median user+sys CPU (getrusage of the
# children, in microseconds) and max peak RSS (/usr/bin/time %M), the output
# size, and the ratios memplug / lsmem, with the
# load average before and after: wall time on a loaded host is not worth
# much, CPU time and instructions are. --instructions adds user-space
# instructions per run (valgrind --tool=callgrind, one run each) and system
# calls (strace -c -f).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
build="$TOP/build"
runs=11
trees=()
keep=""
instructions=0
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build="$2"; shift 2 ;;
	--runs) runs="$2"; shift 2 ;;
	--tree) trees+=("$2"); shift 2 ;;
	--trees) keep="$2"; shift 2 ;;
	--instructions) instructions=1; shift ;;
	-h | --help) sed -n '4,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "list-bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ "${#trees[@]}" -gt 0 ] || trees=(huge-host wide-host giant-host)
memplug="$build/cli/memplug"
[ -x "$memplug" ] || { echo "list-bench: no $memplug" >&2; exit 1; }
command -v lsmem >/dev/null || { echo "list-bench: lsmem not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "list-bench: /usr/bin/time not installed (package time)" >&2; exit 1; }
if [ "$instructions" = 1 ]; then
	for t in valgrind strace; do
		command -v "$t" >/dev/null || { echo "list-bench: --instructions needs $t" >&2; exit 1; }
	done
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dir="${keep:-$tmp/trees}"
for t in "${trees[@]}"; do
	if [ ! -f "$dir/$t/.memplug-fixture" ]; then
		echo "generating $t in $dir ..." >&2
		"$HERE/gen-tree" --force "$dir" "$t" >&2
	fi
done

python3 - "$memplug" "$dir" "$runs" "$tmp" "$instructions" "${trees[@]}" <<'EOF'
import os, re, resource, statistics, subprocess, sys, time

memplug, trees, runs, tmp, instr = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
names = sys.argv[6:]
tf = os.path.join(tmp, "time.out")


def once(argv):
    """wall (s), user+sys CPU (s), peak RSS (KiB), output bytes"""
    with open(os.path.join(tmp, "out"), "wb") as out:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", tf, "-f", "%M"] + argv,
                           stdout=out, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("list-bench: %s exited %d: %s" % (argv, p.returncode, p.stderr[:400]))
    cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
    return wall, cpu, int(open(tf).read().split()[-1]), os.path.getsize(os.path.join(tmp, "out"))


def counts(argv):
    """user-space instructions (callgrind), system calls (strace -c)"""
    cg = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True)
    ir = re.search(r"Collected : (\d+)", cg.stderr)
    st = subprocess.run(["strace", "-c", "-f", "-o", os.path.join(tmp, "strace")] + argv,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    calls = re.search(r"\s(\d+)\s+(\d+\s+)?total", open(os.path.join(tmp, "strace")).read())
    return int(ir.group(1)) if ir else 0, int(calls.group(1)) if calls else 0


load0 = os.getloadavg()
rows = []
for tree in names:
    root = os.path.join(trees, tree)
    nblocks = len([d for d in os.listdir(os.path.join(root, "sys/devices/system/memory"))
                   if d.startswith("memory") and d[6:].isdigit()])
    cmds = {"memplug": [memplug, "--sysfs-root", root, "list", "-M"],
            "lsmem": ["lsmem", "--sysroot", root, "--json", "-a"]}
    res = {k: [] for k in cmds}
    for k in cmds:  # warm the page cache
        once(cmds[k])
    for _ in range(runs):
        for k in cmds:
            res[k].append(once(cmds[k]))
    med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v),
               max(r[2] for r in v), v[-1][3]) for k, v in res.items()}
    cnt = {k: counts(c) for k, c in cmds.items()} if instr else None
    rows.append((tree, nblocks, med, cnt))
load1 = os.getloadavg()

print()
print("medians of %d alternating runs; load average %.2f before, %.2f after (%d CPUs)" %
      (runs, load0[0], load1[0], os.cpu_count()))
print()
print("| tree | blocks | memplug wall | lsmem wall | ratio wall | memplug CPU | lsmem CPU | ratio CPU | memplug RSS | lsmem RSS | ratio RSS |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for tree, n, m, _ in rows:
    a, b = m["memplug"], m["lsmem"]
    print("| %s | %d | %.1f ms | %.1f ms | %.2f | %.0f ms | %.0f ms | %.2f | %d KiB | %d KiB | %.2f |" %
          (tree, n, a[0] * 1e3, b[0] * 1e3, a[0] / b[0], a[1] * 1e3, b[1] * 1e3,
           a[1] / b[1] if b[1] else 0, a[2], b[2], a[2] / b[2]))
if instr:
    print()
    print("| tree | blocks | memplug instructions | lsmem instructions | ratio | memplug per block | memplug syscalls | lsmem syscalls |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for tree, n, _, c in rows:
        a, b = c["memplug"], c["lsmem"]
        print("| %s | %d | %.1f M | %.1f M | %.2f | %d | %d | %d |" %
              (tree, n, a[0] / 1e6, b[0] / 1e6, a[0] / b[0] if b[0] else 0, a[0] // n, a[1], b[1]))
print()
print("output sizes: " + ", ".join("%s memplug %d B, lsmem %d B" % (t, m["memplug"][3], m["lsmem"][3])
                                   for t, _, m, _ in rows))
EOF
