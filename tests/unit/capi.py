#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build a C API test the way a third-party program is built, and run it.

usage: capi.py BUILD_DIR TEST.c FIXTURE

Compiles TEST.c with $CC (default cc) and the flags of the uninstalled
libmemplug.pc that meson generates (BUILD_DIR/meson-uninstalled), with
-Wall -Wextra -Werror -pedantic, then runs it with a fresh FIXTURE tree
(tests/unit/sysfs_tree.py) in a temp dir as its only argument.  Exit
status: the test's.
"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402


def pkg_config(build, *args):
    env = dict(os.environ,
               PKG_CONFIG_PATH=os.path.join(build, "meson-uninstalled"))
    out = subprocess.run(["pkg-config"] + list(args) + ["libmemplug"],
                         stdout=subprocess.PIPE, check=True, env=env,
                         universal_newlines=True).stdout
    return shlex.split(out)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: capi.py BUILD_DIR TEST.c FIXTURE\n")
        return 2
    build, source, fixture = os.path.abspath(argv[1]), argv[2], argv[3]
    tmp = tempfile.mkdtemp(prefix="memplug-capi-")
    try:
        exe = os.path.join(tmp, os.path.basename(source)[:-2])
        libdir = [a[2:] for a in pkg_config(build, "--libs-only-L")]
        cc = shlex.split(os.environ.get("CC", "cc"))
        cmd = (cc + ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-pedantic",
                     "-o", exe, source] + pkg_config(build, "--cflags") +
               pkg_config(build, "--libs") +
               ["-Wl,-rpath," + d for d in libdir])
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        if p.returncode:
            print("FAIL: cannot build %s:\n%s\n%s" %
                  (source, " ".join(cmd), p.stdout))
            return 1
        root = st.build(fixture).write(os.path.join(tmp, fixture))
        return subprocess.call([exe, root])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
