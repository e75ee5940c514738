#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The installed header compiles alone, as the first and only include.

usage: check-header.py LIBMEMPLUG_H

Compiles a file holding only #include <libmemplug.h> (from a directory
where nothing else is) with $CC as C99 and C11, and with $CXX (default
c++) as C++11, each with -Wall -Wextra -Werror -pedantic; and checks that
the header includes only standard headers.  Exit 1 on any failure.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

STANDARD = {"stdarg.h", "stdbool.h", "stdint.h", "stddef.h"}


def compile_alone(cmd, header, suffix, std):
    tmp = tempfile.mkdtemp(prefix="memplug-header-")
    try:
        os.mkdir(os.path.join(tmp, "include"))
        shutil.copy(header, os.path.join(tmp, "include", "libmemplug.h"))
        src = os.path.join(tmp, "alone" + suffix)
        with open(src, "w") as f:
            f.write("#include <libmemplug.h>\n")
        args = cmd + ["-std=" + std, "-Wall", "-Wextra", "-Werror",
                      "-pedantic", "-fsyntax-only", "-I",
                      os.path.join(tmp, "include"), src]
        p = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        return p.returncode, " ".join(args), p.stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: check-header.py LIBMEMPLUG_H\n")
        return 2
    header = argv[1]
    bad = 0
    with open(header) as f:
        includes = re.findall(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]',
                              f.read(), re.M)
    for inc in includes:
        if inc not in STANDARD:
            print("FAIL: libmemplug.h includes %s: a public header needs only"
                  " stdarg.h, stdbool.h, stddef.h, stdint.h"
                  % inc)
            bad += 1
    cc = shlex.split(os.environ.get("CC", "cc"))
    cxx = shlex.split(os.environ.get("CXX", "c++"))
    for cmd, suffix, std in ((cc, ".c", "c99"), (cc, ".c", "c11"),
                             (cxx, ".cc", "c++11")):
        rc, line, out = compile_alone(cmd, header, suffix, std)
        if rc:
            print("FAIL: %s\n%s" % (line, out))
            bad += 1
        else:
            print("ok: alone as %s" % std)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
