#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Each member of struct memplug_ctx is written by the file that owns it.

lib/private.h names the owner of every member of the context: on the
member's line ("int refcount; /* ctx.c */") or in the comment just above
the definition of its type ("/* block.c: ... */ struct block_set {").
This check reads those names and every assignment to ctx->MEMBER... in
lib/*.c (=, op=, ++, --), and fails naming each file that writes a member
it does not own, and each member without an owner.

usage: check-owners.py LIBDIR
"""
import os
import re
import sys

TYPE_DEF = re.compile(r"/\*\s*([a-z]+\.c)[^*]*\*/\s*\nstruct (\w+) \{")
CTX = re.compile(r"struct memplug_ctx \{(.*?)\n\};", re.S)
MEMBER = re.compile(r"^[ \t]*(?:struct |enum )?(\w+)[ \t]+\**(\w+);[ \t]*(?:/\*(.*?)\*/)?", re.M)
WRITE = re.compile(r"ctx->(\w+)\b([\w.\[\]>-]*)\s*(?:[-+*/|&]?=(?!=)|\+\+|--)")
INCR = re.compile(r"(?:\+\+|--)\s*\w*->?ctx->(\w+)")


def owners(header):
    types = {name: {f} for f, name in TYPE_DEF.findall(header)}
    body = CTX.search(header).group(1)
    result = {}
    for typ, name, comment in MEMBER.findall(body):
        files = set(re.findall(r"[a-z]+\.c", comment or ""))
        result[name] = files or types.get(typ, set())
    return result


def main(libdir):
    with open(os.path.join(libdir, "private.h")) as f:
        own = owners(f.read())
    bad = [("private.h", "member %s has no owner" % m) for m, o in own.items() if not o]
    writes = 0
    for name in sorted(os.listdir(libdir)):
        if not name.endswith(".c"):
            continue
        with open(os.path.join(libdir, name)) as f:
            for no, line in enumerate(f, 1):
                # "a[x - ctx->b.c] = ..." writes a, not ctx->b
                found = [m for m, chain in WRITE.findall(line)
                         if chain.count("[") >= chain.count("]")]
                for member in found + INCR.findall(line):
                    writes += 1
                    if member not in own:
                        bad.append((name, "%d: ctx->%s is no member" % (no, member)))
                    elif name not in own[member]:
                        bad.append((name, "%d: writes ctx->%s, owned by %s" %
                                    (no, member, " ".join(sorted(own[member])))))
    for f, why in bad:
        print("FAIL: lib/%s: %s" % (f, why))
    if writes < 20:
        print("FAIL: only %d writes found: the pattern no longer matches" % writes)
        return 1
    if not bad:
        print("%d members, %d writes, all by their owners" % (len(own), writes))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
