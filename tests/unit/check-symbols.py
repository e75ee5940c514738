#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The library exports exactly the symbols of its version script.

usage: check-symbols.py LIBRARY_FILE LIBMEMPLUG_SYM

Compares the defined dynamic symbols of the built library (nm -D
--defined-only, minus the version nodes themselves) with the global names
of every version node in the .sym file, and checks that each exported
symbol carries a LIBMEMPLUG_ version.  Exit 1 with the differences.
"""
import re
import subprocess
import sys


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: check-symbols.py LIBRARY_FILE SYM_FILE\n")
        return 2
    out = subprocess.run(["nm", "-D", "--defined-only", "--with-symbol-versions",
                          argv[1]], stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    exported, unversioned = set(), []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        name, _, version = parts[2].partition("@")
        version = version.lstrip("@")
        if name == version or name.startswith("LIBMEMPLUG_"):
            continue  # the version node's own symbol
        exported.add(name)
        if not version.startswith("LIBMEMPLUG_"):
            unversioned.append(name)
    with open(argv[2]) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    listed = set()
    for body in re.findall(r"LIBMEMPLUG_\w+\s*\{(.*?)\}", text, re.S):
        body = body.split("local:")[0].replace("global:", "")
        listed |= {s.strip() for s in body.split(";") if s.strip()}
    bad = 0
    for name in sorted(exported - listed):
        print("FAIL: exported but not in %s: %s" % (argv[2], name))
        bad += 1
    for name in sorted(listed - exported):
        print("FAIL: in %s but not exported: %s" % (argv[2], name))
        bad += 1
    for name in unversioned:
        print("FAIL: exported without a LIBMEMPLUG_ version: %s" % name)
        bad += 1
    if not bad:
        print("ok: %d symbols exported, all in the map, all versioned"
              % len(exported))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
