#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every failure names its reason: one error channel, walked by injection.

For each write command on each fixture, a first run on a fresh tree finds
the kernel files the command writes.  Then, for each of them (the first
and last block state file of a run stand for all of them), a fresh tree has
that file replaced by an in-tree symlink to its content: reads still see
the old value, but memplug writes no symlink, so exactly that write fails.
The command must then fail with a documented exit code (1 error, 3
partial, 4 refused) and say why: the JSON's "error" of the failed target
and the stderr line name the file's device or block and a reason, and no
"unknown error" (or an empty reason) reaches stdout or stderr.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402
from test_write import devdax_vm  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")

CASES = [
    ("vm-small", ["offline", "dax0.0"]),
    ("vm-small", ["reconfigure", "dax0.0", "--mode=devdax", "--force"]),
    ("devdax-vm", ["reconfigure", "dax0.0", "--mode=system-ram"]),
    ("devdax-vm", ["reconfigure", "dax0.0", "--mode=system-ram", "--parallel"]),
    ("states", ["online", "dax0.0"]),
    ("dimm-virtio", ["offline", "memory40-memory47"]),
    ("cxl-host", ["reconfigure", "dax0.0", "--mode=devdax", "--force"]),
    ("cxl-host", ["offline", "dax1.0"]),
    ("vm-73", ["offline", "dax0.0", "--unplug"]),
]
BAD_WORDS = ("unknown error", "no error")


def snapshot(root):
    files = {}
    for d, _, names in os.walk(root):
        if os.path.relpath(d, root).split(os.sep)[0] in ("run", ".inject"):
            continue
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as f:
                    files[os.path.relpath(p, root)] = f.read()
    return files


def block_id(rel):
    parts = rel.split("/")
    for part in parts:
        if part.startswith("memory") and part[6:].isdigit():
            return int(part[6:])
    return None


def pick(written):
    """All non-block files; the first and last block state file."""
    blocks = sorted((f for f in written if block_id(f) is not None), key=block_id)
    others = [f for f in written if block_id(f) is None]
    return sorted(others) + ([blocks[0], blocks[-1]] if blocks else [])


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class ErrorChannel(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-errors-")
        self.trees = {}

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fresh(self, fixture):
        if fixture not in self.trees:
            m = devdax_vm() if fixture == "devdax-vm" else st.build(fixture)
            self.trees[fixture] = m.write(
                os.path.join(self.tmp, "base-" + fixture))
        self.n = getattr(self, "n", 0) + 1
        dst = os.path.join(self.tmp, "t%d" % self.n)
        shutil.copytree(self.trees[fixture], dst, symlinks=True)
        return dst

    def run_mp(self, root, args):
        p = subprocess.run([MEMPLUG, "--sysfs-root", root] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def inject(self, root, rel):
        """@rel reads as before but cannot be written."""
        path = os.path.join(root, rel)
        keep = os.path.join(root, ".inject", rel.replace("/", "_"))
        os.makedirs(os.path.dirname(keep), exist_ok=True)
        shutil.move(path, keep)
        os.symlink(os.path.relpath(keep, os.path.dirname(path)), path)

    def errors_of(self, out):
        """Every "error" string of the JSON, at any depth."""
        found = []

        def walk(o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k == "error" and v is not None:
                        found.append(v)
                    walk(v)
            elif isinstance(o, list):
                for v in o:
                    walk(v)
        walk(json.loads(out))
        return found

    def test_every_injected_write_failure_names_its_reason(self):
        walked = 0
        for fixture, args in CASES:
            root = self.fresh(fixture)
            before = snapshot(root)
            # on a tree a kmem bind adds no blocks: the verdict may fail,
            # what counts here is which files the command writes
            self.run_mp(root, args)
            after = snapshot(root)
            written = [f for f in after if before.get(f) != after[f]]
            self.assertTrue(written, "%s %s wrote nothing" % (fixture, args))
            for rel in pick(written):
                with self.subTest(fixture=fixture, args=args, file=rel):
                    root = self.fresh(fixture)
                    self.inject(root, rel)
                    rc, out, err = self.run_mp(root, args)
                    walked += 1
                    self.assertIn(rc, (1, 3, 4), err)
                    for word in BAD_WORDS:
                        self.assertNotIn(word, out.lower())
                        self.assertNotIn(word, err.lower())
                    lines = [l for l in err.splitlines() if l.strip()]
                    self.assertTrue(lines, "no error line on stderr")
                    for line in lines:
                        self.assertTrue(line.startswith("memplug: "), line)
                    errors = self.errors_of(out) if out.strip() else []
                    self.assertTrue(errors or rc == 1, out)
                    for e in errors:
                        # "what: reason", the reason not empty
                        self.assertRegex(e, r"\S.*: \S", e)
        print("%d injected write failures walked" % walked)


if __name__ == "__main__":
    unittest.main(verbosity=2)
