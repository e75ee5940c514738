#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The library exports exactly the symbols its lists say.

usage: check-symbols.py LIBRARY_FILE LIBMEMPLUG_SYM LIBMEMPLUG_SYMBOLS
                        LIBMEMPLUG_H

The defined dynamic symbols of the built library (nm -D --defined-only
--with-symbol-versions), as name@NODE, must be the lines of
libmemplug.symbols (deb-src-symbols(5): " name@NODE version"); the global
names of the version script must be the same names, in the node of
libmemplug.symbols; and every exported function must be declared in
libmemplug.h, every function declared there exported.  Exit 1 with a diff
of what the library has against what the file says.
"""
import difflib
import re
import subprocess
import sys


def built_symbols(library):
    """name@NODE of every defined dynamic symbol; a node's own absolute
    symbol as NODE@NODE whichever way nm spells it"""
    out = subprocess.run(["nm", "-D", "--defined-only",
                          "--with-symbol-versions", library],
                         stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, sym = parts[1], parts[2]
        name, _, node = sym.partition("@")
        node = node.lstrip("@")
        if kind == "A" and node in ("", name):
            node = name  # the version node itself
        syms.add("%s@%s" % (name, node) if node else name)
    return syms


def listed_symbols(path):
    """name@NODE -> version of libmemplug.symbols, and its header line"""
    syms, header = {}, None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            # comments, and "* Field: value" lines of deb-src-symbols(5)
            if not line.strip() or line.startswith(("#", "* ")):
                continue
            if not line.startswith(" "):
                header = line.split()
                continue
            fields = line.split()
            if len(fields) != 2 or "@" not in fields[0]:
                raise SystemExit("%s:%d: not ' name@NODE version': %r"
                                 % (path, n, line))
            syms[fields[0]] = fields[1]
    return syms, header


def map_globals(path):
    """node -> global names of the version script"""
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    nodes = {}
    for node, body in re.findall(r"(\w+)\s*\{(.*?)\}", text, re.S):
        body = body.split("local:")[0].replace("global:", "")
        nodes[node] = {s.strip() for s in body.split(";") if s.strip()}
    return nodes


def header_functions(path):
    """names of the functions libmemplug.h declares (not its macros)"""
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    text = re.sub(r"^\s*#(?:.*\\\n)*.*$", "", text, flags=re.M)
    return set(re.findall(r"\b(memplug_\w+)\s*\(", text))


def diff(title_a, a, title_b, b):
    return list(difflib.unified_diff(sorted(a), sorted(b), title_a,
                                     title_b, lineterm="", n=0))


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    library, sym_file, symbols_file, header = argv[1:]
    bad = 0
    built = built_symbols(library)
    listed, first = listed_symbols(symbols_file)
    if not first or len(first) < 2 or \
            not first[0].startswith("libmemplug.so."):
        print("FAIL: %s: no 'libmemplug.so.N package' line" % symbols_file)
        bad += 1
    lines = diff(symbols_file, listed, "exported by " + library, built)
    if lines:
        print("FAIL: the library's symbols are not %s's: add an added "
              "symbol there (and to %s and libmemplug.h), remove a removed "
              "one:" % (symbols_file, sym_file))
        print("\n".join(lines))
        bad += 1
    nodes = {s.partition("@")[2] for s in listed}
    if len(nodes) != 1:
        print("FAIL: %s has version nodes %s: until the first release "
              "there is one" % (symbols_file, ", ".join(sorted(nodes))))
        bad += 1
    script = map_globals(sym_file)
    in_script = {"%s@%s" % (n, node) for node, names in script.items()
                 for n in names}
    in_script |= {"%s@%s" % (node, node) for node in script}
    lines = diff(symbols_file, listed, sym_file, in_script)
    if lines:
        print("FAIL: the version script and %s differ:" % symbols_file)
        print("\n".join(lines))
        bad += 1
    exported = {s.partition("@")[0] for s in built} - set(script) - nodes
    declared = header_functions(header)
    lines = diff("declared in " + header, declared,
                 "exported by " + library, exported)
    if lines:
        print("FAIL: an exported function is not declared in %s, or a "
              "declared one is not exported:" % header)
        print("\n".join(lines))
        bad += 1
    if not bad:
        print("ok: %d symbols exported, each in %s, %s and %s"
              % (len(built), symbols_file, sym_file, header))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
