#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# list-bench.sh: time `memplug list -M` against `lsmem --json -a` on the
# generated benchmark trees (tests/bench/gen-tree: huge-host, 4 TiB in 2048
# blocks of 2 GiB; wide-host, 512 GiB in 4096 blocks of 128 MiB).
#
#   list-bench.sh [--build DIR] [--runs N]
#
# The trees live in a mktemp directory that is removed at exit; both tools
# only read them. Prints median wall time and peak RSS (/usr/bin/time -f
# '%e %M %U %S'; wall time from python's perf_counter, user+sys CPU) per
# tool and tree, and the ratios memplug / lsmem.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
build="$TOP/build"
runs=5
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build="$2"; shift 2 ;;
	--runs) runs="$2"; shift 2 ;;
	-h | --help) sed -n '4,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "list-bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
memplug="$build/cli/memplug"
[ -x "$memplug" ] || { echo "list-bench: no $memplug" >&2; exit 1; }
command -v lsmem >/dev/null || { echo "list-bench: lsmem not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "list-bench: /usr/bin/time not installed" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "generating trees in $tmp ..." >&2
"$HERE/gen-tree" "$tmp/trees" >&2

python3 - "$memplug" "$tmp/trees" "$runs" "$tmp" <<'EOF'
import os, statistics, subprocess, sys, time

memplug, trees, runs, tmp = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def measure(argv):
    """median perf_counter wall (s), median user+sys CPU (s), max RSS (KiB), output bytes"""
    walls, twalls, rss, cpus, size = [], [], [], [], 0
    tf = os.path.join(tmp, "time.out")
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", tf, "-f", "%e %M %U %S"] + argv,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.exit("list-bench: %s exited %d: %s" % (argv, p.returncode, p.stderr[:400]))
        e, m, u, sy = open(tf).read().split()[-4:]
        twalls.append(float(e))
        cpus.append(float(u) + float(sy))
        rss.append(int(m))
        size = len(p.stdout)
    return statistics.median(walls), statistics.median(cpus), max(rss), size


rows = []
for tree in ("huge-host", "wide-host"):
    root = os.path.join(trees, tree)
    nblocks = len([d for d in os.listdir(os.path.join(root, "sys/devices/system/memory"))
                   if d.startswith("memory") and d[6:].isdigit()])
    mp = measure([memplug, "--sysfs-root", root, "list", "-M"])
    ls = measure(["lsmem", "--sysroot", root, "--json", "-a"])
    rows.append((tree, nblocks, mp, ls))

print()
print("median of %d runs; wall = python perf_counter around /usr/bin/time; CPU = user+sys (/usr/bin/time %%U+%%S, 10 ms resolution); RSS = max of %%M" % runs)
print()
print("| tree | blocks | memplug list -M wall | lsmem --json -a wall | ratio wall | memplug CPU | lsmem CPU | memplug RSS | lsmem RSS | ratio RSS |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for tree, n, mp, ls in rows:
    print("| %s | %d | %.1f ms | %.1f ms | %.2f | %.0f ms | %.0f ms | %d KiB | %d KiB | %.2f |" %
          (tree, n, mp[0] * 1e3, ls[0] * 1e3, mp[0] / ls[0], mp[1] * 1e3, ls[1] * 1e3,
           mp[2], ls[2], mp[2] / ls[2]))
print()
print("output sizes: " + ", ".join("%s memplug %d B, lsmem %d B" % (t, mp[3], ls[3]) for t, _, mp, ls in rows))
EOF
