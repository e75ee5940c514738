#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every man page renders clean: no groff warning and no stray markup.

usage: test_manpages.py PAGE...   (the pages meson built from Documentation/)

Each page is rendered by man(1) at 80 columns with every groff warning on,
as a reader sees it.  Outside literal blocks (examples, indented by a tab
in man's output) the text must hold no asciidoc markup that escaped
conversion: backticks, `*` stuck to a word (a bold that did not close),
`++`, a `::` line end, an unresolved `{attribute}`, a `'WORD'` emphasis
left in quotes, a backslash before `*`, and no glob that lost its star
(`conf.d/.conf`).  A page must also name every command memplug has in
memplug(1)'s COMMANDS.
"""
import os
import re
import subprocess
import sys

STRAY = [
    (re.compile(r"`"), "a backtick"),
    (re.compile(r"(^|[\s(\[])\*[-\w$]|[\w.)]\*($|[\s,.;:)=\]])"), "an asterisk stuck to a word"),
    (re.compile(r"\+\+"), "'++'"),
    (re.compile(r"::\s*$"), "a '::' line end"),
    (re.compile(r"\{[a-z][a-z_-]*\}"), "an unresolved {attribute}"),
    (re.compile(r"(^|\s)'[A-Z][A-Z_]+'($|[\s,.)])"), "a 'WORD' left in quotes"),
    (re.compile(r"\\\*"), "a backslash before '*'"),
    (re.compile(r"\.d/\.\w"), "a glob that lost its '*'"),
]
COMMANDS = ("list", "reconfigure", "online", "offline", "apply", "config", "version")


def render(page):
    env = dict(os.environ, MANWIDTH="80", MANROFFOPT="-ww", LC_ALL="C.UTF-8")
    p = subprocess.run(["man", "--warnings=w", "-l", page], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    text = subprocess.run(["col", "-b"], input=p.stdout, stdout=subprocess.PIPE,
                          universal_newlines=True).stdout
    return p.returncode, text, p.stderr


def main(pages):
    bad = 0
    if not pages:
        print("FAIL: no pages given")
        return 1
    for page in pages:
        rc, text, warnings = render(page)
        name = os.path.basename(page)
        if rc or not text.strip():
            print("FAIL: %s: man exited %d" % (name, rc))
            bad += 1
            continue
        for w in warnings.splitlines():
            print("FAIL: %s: groff: %s" % (name, w))
            bad += 1
        for no, line in enumerate(text.splitlines(), 1):
            if line.startswith("\t"):  # a literal block: shown as written
                continue
            for pattern, what in STRAY:
                if pattern.search(line):
                    print("FAIL: %s:%d: %s: %s" % (name, no, what, line.strip()))
                    bad += 1
        if name == "memplug.1":
            section = text.split("COMMANDS", 1)[-1].split("OUTPUT", 1)[0]
            for cmd in COMMANDS:
                if not re.search(r"^\s+%s\b" % cmd, section, re.M):
                    print("FAIL: memplug.1: COMMANDS does not name '%s'" % cmd)
                    bad += 1
        print("%s: %d lines" % (name, len(text.splitlines())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
