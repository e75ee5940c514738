#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""memplug list on this machine's own live kernel: read-only and true.

Runs only through live_ro.sh (a mount namespace where /, /sys and /proc
are read-only), so nothing here can change the host.  Asserts what a user
relies on: `list`, `list -M` and `list --table` exit 0 and open no file
for writing, create or remove nothing, and read no /proc/kallsyms unless
the kernel command line asks for parallel onlining (strace); and the
blocks `list -M` reports agree with lsmem's, block by block (range, state,
removable, node, zones).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MEMPLUG = os.environ.get("MEMPLUG", "")
LIVE_RO = os.path.join(HERE, "live_ro.sh")
CI = os.environ.get("CI") == "true"
WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC")
CHANGES = ("mkdir", "unlink", "rename", "creat", "rmdir", "symlink", "link")


def needs():
    missing = [t for t in ("strace", "lsmem", "unshare") if not shutil.which(t)]
    if not os.path.isdir("/sys/devices/system/memory"):
        missing.append("/sys/devices/system/memory")
    return missing


class Live(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        miss = needs()
        if not MEMPLUG or miss:
            msg = "cannot run: %s" % (", ".join(miss) or "MEMPLUG not set")
            if CI:
                raise RuntimeError(msg)
            raise unittest.SkipTest(msg)

    def traced(self, *args):
        # the trace on stderr: the whole file system is read-only there.
        # LeakSanitizer cannot stop the world under ptrace: no leak check
        env = dict(os.environ)
        if "ASAN_OPTIONS" in env:
            env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"].replace(
                "detect_leaks=1", "detect_leaks=0")
        p = subprocess.run([LIVE_RO, "strace", "-f", "-qq",
                            "-e", "trace=%file", MEMPLUG] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=120, env=env)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        return p.stdout, p.stderr.splitlines()

    def test_list_is_read_only(self):
        with open("/proc/cmdline") as f:
            asked = "parallel_hotplug_ratio=" in f.read()
        for args in (["list"], ["list", "-M"], ["list", "--table"]):
            with self.subTest(args=args):
                out, calls = self.traced(*args)
                self.assertTrue(out.strip())
                opens = [c for c in calls if re.search(r"\bopen(at2?)?\(", c)]
                self.assertGreater(len(opens), 20, "strace saw no opens")
                for c in calls:
                    self.assertNotRegex(c, WRITE_FLAGS, c)
                    name = re.match(r"^(?:\d+\s+)?(\w+)\(", c)
                    if name:
                        self.assertNotIn(name.group(1), CHANGES, c)
                    if not asked:
                        self.assertNotIn("kallsyms", c)
                    self.assertNotIn("EROFS", c)

    def test_blocks_agree_with_lsmem(self):
        out, _ = self.traced("list", "-M")
        mine = {b["block"]: b for b in json.loads(out)["memory_blocks"]}
        p = subprocess.run([LIVE_RO, "lsmem", "--json", "-a", "-b", "-o",
                            "BLOCK,RANGE,STATE,REMOVABLE,NODE,ZONES"],
                           stdout=subprocess.PIPE, universal_newlines=True,
                           check=True, timeout=120)
        theirs = json.loads(p.stdout)["memory"]
        self.assertEqual(sorted(mine), sorted(int(r["block"]) for r in theirs))
        for r in theirs:
            b = mine[int(r["block"])]
            with self.subTest(block=r["block"]):
                self.assertEqual(b["range"], r["range"])
                self.assertEqual(b["state"], r["state"])
                self.assertEqual(b["removable"], r["removable"])
                self.assertEqual(b["node"], int(r["node"]))
                # lsmem spells the kernel's "none" "None"
                self.assertEqual(b["zones"].lower(), r["zones"].lower())
        print("%d blocks agree with lsmem" % len(theirs))


if __name__ == "__main__":
    unittest.main(verbosity=2)
