#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""libmemplug and memplug must not link libdaxctl, libndctl or libkmod:
lib/lazy.c opens them with dlopen() on the first device change, so that
list and every other read pays nothing for them (and for libcrypto,
libzstd, liblzma and libudev behind them).  Each ELF file given must have
none of them among its DT_NEEDED entries; exit 1 naming the file and the
library otherwise."""
import subprocess
import sys

LAZY = ("libdaxctl.so", "libndctl.so", "libkmod.so", "libcrypto.so")


def needed(path):
    out = subprocess.run(["readelf", "-d", path], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines()
            if "(NEEDED)" in line]


def main(paths):
    bad = 0
    for p in paths:
        libs = needed(p)
        if "libc.so.6" not in libs:
            print("FAIL: %s: no DT_NEEDED libc.so.6: readelf output not understood" % p)
            bad += 1
        for lib in libs:
            if lib.startswith(LAZY):
                print("FAIL: %s links %s (it is loaded on first use by lib/lazy.c)" % (p, lib))
                bad += 1
        print("%s: %s" % (p, " ".join(libs)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
