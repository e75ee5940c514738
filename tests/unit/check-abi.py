#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The built libmemplug has the ABI recorded in lib/libmemplug.abi.xml.

usage: check-abi.py LIBRARY_FILE LIBMEMPLUG_ABI_XML LIBMEMPLUG_H

Runs abidiff (abigail-tools) from the recorded baseline to the built
library, with libmemplug.h as the only public header, so that types only
the library sees are not compared.  Any change fails with abidiff's
report: a changed signature, struct layout or enum value as much as an
added or removed function.  A deliberate change is recorded with
scripts/update-abi.sh.  Without abidiff the test is skipped (exit 77),
and fails under CI=true.
"""
import os
import shutil
import subprocess
import sys


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: check-abi.py LIBRARY_FILE ABI_XML HEADER\n")
        return 2
    library, baseline, header = argv[1:]
    if not shutil.which("abidiff"):
        if os.environ.get("CI") == "true":
            print("FAIL: no abidiff (abigail-tools): scripts/install-deps.sh"
                  " installs it")
            return 1
        print("SKIP: no abidiff (abigail-tools)")
        return 77
    # the debug info names the header relative to the build directory,
    # and abidiff matches it by that path
    build = os.path.dirname(os.path.dirname(os.path.abspath(library)))
    p = subprocess.run(["abidiff", "--header-file2",
                        os.path.relpath(header, build),
                        os.path.abspath(baseline), os.path.abspath(library)],
                       cwd=build, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    print(p.stdout)
    if p.returncode:
        print("FAIL: abidiff exit %d: the ABI is not %s's; after a "
              "deliberate change run scripts/update-abi.sh and commit %s"
              % (p.returncode, baseline, baseline))
        return 1
    print("ok: the ABI of %s is %s's" % (library, baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
