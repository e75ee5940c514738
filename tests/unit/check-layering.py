#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The layers of libmemplug: no file calls a file above it, so no cycle.

usage: check-layering.py LIBRARY_FILE

Reads the library's object files (LIBRARY_FILE.p/*.o, meson's layout) with
nm: each object's undefined symbols, resolved to the object that defines
them, are its calls.  Every call must go down LAYERS; a file that LAYERS
does not name fails too (a new file takes a place in the order).  Exit 0
when clean, 1 with one line per upward call.
"""
import glob
import os
import subprocess
import sys

# lowest first; the same order as the comment in lib/private.h
LAYERS = ["log", "lazy", "confine", "sysfs", "rundir", "order", "kernel", "iomem",
          "block", "node", "source", "device", "memmap", "hotplug", "lock",
          "dax", "namespace", "ctx"]


def nm(obj, *flags):
    out = subprocess.run(["nm", "-P"] + list(flags) + [obj],
                         stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: check-layering.py LIBRARY_FILE\n")
        return 2
    objs = sorted(glob.glob(argv[1] + ".p/*.o"))
    if not objs:
        print("FAIL: no object files in %s.p" % argv[1])
        return 1
    files = {}
    for o in objs:
        name = os.path.basename(o).split(".")[0]
        files[name] = (nm(o, "--defined-only", "-g"), nm(o, "-u"))
    bad = 0
    for name in sorted(files):
        if name not in LAYERS:
            print("FAIL: lib/%s.c has no place in LAYERS" % name)
            bad += 1
    owner = {}
    for name, (defined, _) in files.items():
        for sym in defined:
            owner[sym] = name
    edges = 0
    for name, (_, undefined) in sorted(files.items()):
        for sym in sorted(undefined):
            callee = owner.get(sym)
            if callee is None or callee == name:
                continue  # libc, json-c, libdaxctl...
            edges += 1
            if name in LAYERS and callee in LAYERS and \
                    LAYERS.index(callee) >= LAYERS.index(name):
                print("FAIL: upward call lib/%s.c -> lib/%s.c (%s)"
                      % (name, callee, sym))
                bad += 1
    if bad:
        return 1
    print("ok: %d files, %d calls between files, all downward: %s"
          % (len(files), edges, " < ".join(LAYERS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
