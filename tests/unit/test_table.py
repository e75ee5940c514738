#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""memplug list --table (libsmartcols): every cell is the JSON's value, the
formats (--pairs, --raw, --noheadings, -o) behave like util-linux's, and
the JSON stays the default."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")

SOURCE_KEYS = {"SOURCE": "source", "TYPE": "type", "MODE": "mode", "SIZE": "size",
               "ONLINE": "online_memblocks", "TOTAL": "total_memblocks",
               "MEMMAP": "memmap_bytes", "MEMMAP-AT": "memmap_location",
               "BASIS": "memmap_basis", "KNOB": "memmap_on_memory_knob",
               "TARGET-NODE": "target_node", "NAMESPACE": "namespace",
               "REGION": "region"}
BLOCK_KEYS = {"RANGE": "range", "SIZE": "size", "STATE": "state", "BLOCK": "block",
              "NODE": "node", "ZONES": "zones", "SOURCE": "source"}


def text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Table(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="memplug-table-")
        cls.roots = {n: st.build(n).write(os.path.join(cls.tmp, n))
                     for n in ("vm-small", "cxl-host", "dimm-virtio", "states")}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_mp(self, root, *args):
        p = subprocess.run([MEMPLUG, "--sysfs-root", root, "list"] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def pairs(self, out):
        rows = []
        for line in out.splitlines():
            rows.append(dict((k, v) for k, v in
                             (w.split("=", 1) for w in shlex.split(line))))
        return rows

    def test_sources_cells_are_the_json(self):
        for name, root in self.roots.items():
            rc, out, err = self.run_mp(root)
            j = json.loads(out)
            cols = ",".join(SOURCE_KEYS)
            rc, out, err = self.run_mp(root, "--pairs", "--bytes", "-o", cols)
            self.assertEqual(rc, 0, err)
            rows = self.pairs(out)
            self.assertEqual(len(rows), len(j["sources"]), name)
            # --pairs names are shell variables: MEMMAP-AT is MEMMAP_AT
            for row, src in zip(rows, j["sources"]):
                self.assertEqual(list(row), [c.replace("-", "_")
                                             for c in SOURCE_KEYS])
                for col, key in SOURCE_KEYS.items():
                    self.assertEqual(row[col.replace("-", "_")],
                                     text(src[key]), (name, col))

    def test_blocks_cells_are_the_json(self):
        root = self.roots["states"]
        j = json.loads(self.run_mp(root, "-M")[1])
        rc, out, err = self.run_mp(root, "-M", "--pairs", "-b", "-o", ",".join(BLOCK_KEYS))
        self.assertEqual(rc, 0, err)
        rows = self.pairs(out)
        self.assertEqual(len(rows), len(j["memory_blocks"]))
        for row, b in zip(rows, j["memory_blocks"]):
            for col, key in BLOCK_KEYS.items():
                self.assertEqual(row[col], text(b[key]), col)

    def test_default_table(self):
        root = self.roots["vm-small"]
        rc, out, err = self.run_mp(root, "--table")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["SOURCE", "TYPE", "MODE", "SIZE", "ONLINE",
                                            "TOTAL", "ZONES", "NODES", "MEMMAP",
                                            "MEMMAP-AT"])
        self.assertEqual(lines[2].split(), ["dax0.0", "dax", "system-ram", "1.97",
                                            "GiB", "15", "15", "Movable:15", "0",
                                            "30", "MiB", "node:0"])
        # aligned: every header starts where its column's cells start
        pos = lines[0].index("ZONES")
        self.assertEqual(lines[2][pos:pos + 10], "Movable:15")
        rc, out, err = self.run_mp(root, "-M", "--table", "-n", "0", "-z", "Movable")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["RANGE", "SIZE", "STATE", "REMOVABLE",
                                            "BLOCK", "NODE", "ZONES", "SOURCE"])
        self.assertEqual(len(lines), 1 + 15)
        self.assertRegex(lines[1], r"^0x0000000108000000-0x000000010fffffff +128 MiB +online "
                         r"+true +33 +0 +Movable +dax0\.0$")

    def test_formats(self):
        root = self.roots["cxl-host"]
        rc, out, err = self.run_mp(root, "--raw", "--noheadings", "-o", "source,zones")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines(), ["boot-node0 Normal:31,none:1",
                                            "boot-node1 Normal:32",
                                            "dax0.0 Movable:64", "dax1.0 Movable:64"])
        rc, out, err = self.run_mp(root, "--noheadings", "-o", "+REGION")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[2].split()[-1], "region0")
        self.assertEqual(len(out.splitlines()[2].split()), 13)
        rc, out, err = self.run_mp(root, "-D", "--raw", "-o", "SOURCE")
        self.assertEqual(out.splitlines(), ["SOURCE", "dax0.0", "dax1.0"])

    def test_errors(self):
        root = self.roots["vm-small"]
        rc, out, err = self.run_mp(root, "-o", "SOURCE,BOGUS")
        self.assertEqual((rc, out), (2, ""))
        self.assertEqual(err.strip(), "memplug: list: unknown column 'BOGUS' in -o")
        rc, out, err = self.run_mp(root, "-M", "-o", "MEMMAP")
        self.assertEqual(rc, 2)
        self.assertIn("'MEMMAP'", err)

    def test_json_stays_default(self):
        root = self.roots["cxl-host"]
        rc, out, err = self.run_mp(root)
        self.assertEqual(rc, 0)
        j = json.loads(out)
        self.assertEqual(j["format_version"], 2)
        self.assertEqual(list(j), ["format_version", "system", "summary", "nodes",
                                   "sources", "namespaces", "regions", "memory_blocks",
                                   "warnings"])

    def test_help_lists_columns(self):
        p = subprocess.run([MEMPLUG, "list", "--help"], stdout=subprocess.PIPE,
                           universal_newlines=True)
        self.assertEqual(p.returncode, 0)
        for col in ("MEMMAP-AT", "REMOVABLE", "--pairs", "--noheadings", "--raw"):
            self.assertIn(col, p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
