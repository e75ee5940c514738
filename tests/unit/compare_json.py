#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Record what the CLI prints on every unit fixture, to prove a refactor
changes no output.

usage: compare_json.py MEMPLUG OUT.json     record
       compare_json.py MEMPLUG OUT.json BASE.json   record and diff

Runs `memplug list` in its variants and the write commands (with --dry-run,
and for real on a fresh copy of the tree) on each fixture of sysfs_tree.py,
keeping exit code, stdout (timings zeroed) and stderr (tree path replaced).
Trees are written below a fresh temp dir only (sysfs_tree refuses /sys,
/proc, /dev and /), copied to the same fixed name inside it before each
real write so that paths in the output compare equal.  Exit 1 on any
difference.  Set TMPDIR to a tmpfs: a run copies trees some 400 times.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

LIST = [[], ["-M"], ["-D"], ["-u"], ["-s"], ["-M", "-u"], ["--node", "0"],
        ["--node", "1"], ["--node", "3"], ["--zone", "Movable"],
        ["--zone", "Normal"], ["-M", "--zone", "Movable"],
        ["-M", "--zone", "Normal"], ["-M", "--zone", "DMA32", "--node", "0"],
        ["--device", "dax0.0"], ["--device", "region0"],
        ["--device", "namespace0.0"], ["--device", "nosuch"],
        ["-M", "-D"], ["--zone", "bogus"], ["extra"]]

WRITES = [["online", "all"], ["offline", "all"], ["online", "dax0.0"],
          ["offline", "dax0.0"], ["online", "memory33-memory35"],
          ["offline", "memory0-memory3"], ["offline", "memory37"],
          ["online", "memory33", "--zone", "normal"],
          ["online", "dax0.0", "-f"], ["online", "dax0.0", "--zone", "auto"],
          ["offline", "dax0.0", "--order", "ascending"],
          ["reconfigure", "dax0.0", "--mode=devdax"],
          ["reconfigure", "dax0.0", "--mode=devdax", "-f"],
          ["reconfigure", "dax0.0", "--mode=system-ram"],
          ["reconfigure", "dax0.0", "--mode=system-ram", "--memmap-on-memory"],
          ["reconfigure", "dax0.0", "--mode=system-ram",
           "--no-memmap-on-memory", "-f"],
          ["reconfigure", "dax0.0", "--mode=system-ram", "--no-online"],
          ["reconfigure", "dax0.0", "--mode=system-ram", "--parallel"],
          ["reconfigure", "all", "--mode=devdax"],
          ["reconfigure", "namespace0.0", "--mode=devdax"],
          ["reconfigure", "region0", "--mode=devdax"],
          ["reconfigure", "region0", "--mode=system-ram", "--zone", "normal"],
          ["reconfigure", "nosuch", "--mode=devdax"],
          ["reconfigure", "memory3", "--mode=devdax"],
          ["reconfigure", "dax0.0"], ["online"], ["online", "memory99999"],
          ["reconfigure", "dax0.0", "--mode=devdax", "--timeout", "x"]]

LEAN = ("huge-host", "wide-host")


def zero_timings(obj):
    if isinstance(obj, dict):
        return {k: ({t: 0 for t in v} if k == "timings_ms" and
                    isinstance(v, dict) else zero_timings(v))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [zero_timings(v) for v in obj]
    return obj


def run(memplug, root, args):
    p = subprocess.run([memplug, "--sysfs-root", root] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=120)
    out = p.stdout.replace(root, "ROOT")
    try:
        out = zero_timings(json.loads(out)) if out.strip() else out
    except ValueError:
        pass
    return {"rc": p.returncode, "stdout": out,
            "stderr": p.stderr.replace(root, "ROOT")}


def record(memplug):
    tmp = tempfile.mkdtemp(prefix="memplug-cmp-")
    res = {}
    try:
        for name in st.FIXTURES:
            src = st.build(name).write(os.path.join(tmp, "src-" + name))
            work = os.path.join(tmp, "tree")

            def fresh():
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(src, work, symlinks=True)
                return work

            root = fresh()
            for a in LIST:
                res["%s: list %s" % (name, " ".join(a))] = run(
                    memplug, root, ["list"] + a)
            if name in LEAN:
                continue
            for a in WRITES:  # a dry run writes nothing: one tree
                res["%s: %s --dry-run" % (name, " ".join(a))] = run(
                    memplug, root, a + ["--dry-run"])
            for a in WRITES:
                root = fresh()
                r = run(memplug, root, a)
                r["after"] = run(memplug, root, ["list", "-M"])
                res["%s: %s" % (name, " ".join(a))] = r
            shutil.rmtree(work, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    res = record(argv[1])
    with open(argv[2], "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
    if len(argv) == 3:
        print("%d runs recorded" % len(res))
        return 0
    with open(argv[3]) as f:
        base = json.load(f)
    bad = 0
    for k in sorted(set(base) | set(res)):
        if base.get(k) != res.get(k):
            bad += 1
            print("DIFF %s" % k)
    print("%d runs, %d differ" % (len(res), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
