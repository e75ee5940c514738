#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Every command's JSON on every fixture tree validates against its schema in
Documentation/schema/ (python3-jsonschema, draft 2020-12), and the schemas
are strict enough to notice a renamed or retyped key."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.join(HERE, "..", "..", "Documentation", "schema")
sys.path.insert(0, HERE)
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
CI = os.environ.get("CI") == "true"
try:
    import jsonschema
except ImportError:
    jsonschema = None

LIST_ARGS = [[], ["-M"], ["-u"], ["-M", "-u"], ["-s"], ["-D"], ["-M", "--node=0"],
             ["--zone=Movable"]]
# write commands whose JSON a tree can produce (dry runs, refusals, errors,
# and real writes on a throwaway copy)
WRITE_ARGS = [
    ["reconfigure", "all", "--mode=system-ram", "--dry-run"],
    ["reconfigure", "all", "--mode=devdax", "--dry-run"],
    ["reconfigure", "dax0.0", "--mode=system-ram", "--memmap-on-memory", "--dry-run"],
    ["reconfigure", "dax9.9", "--mode=devdax"],
    ["online", "dax0.0", "--zone=movable"],
    ["offline", "dax0.0", "--dry-run"],
    ["offline", "memory1-3", "--dry-run"],
    ["online", "memory40-memory33"],
]


def fixture_names():
    p = subprocess.run([sys.executable, os.path.join(HERE, "sysfs_tree.py"), "--list"],
                       stdout=subprocess.PIPE, universal_newlines=True, check=True)
    return [ln.split()[0] for ln in p.stdout.splitlines() if ln and not ln[0].isspace()]


def load(cmd):
    with open(os.path.join(SCHEMA_DIR, cmd + ".json")) as f:
        return json.load(f)


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Schemas(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if jsonschema is None:
            if CI:
                raise AssertionError("CI=true and python3-jsonschema missing")
            raise unittest.SkipTest("python3-jsonschema missing")
        cls.tmp = tempfile.mkdtemp(prefix="memplug-schema-")
        cls.validators = {}
        for cmd in ("list", "reconfigure", "online", "offline"):
            s = load(cmd)
            jsonschema.Draft202012Validator.check_schema(s)
            cls.validators[cmd] = jsonschema.Draft202012Validator(s)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_mp(self, root, args):
        p = subprocess.run([MEMPLUG, "--sysfs-root", root] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=120)
        return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None)

    def check(self, cmd, j, what):
        errors = sorted(self.validators[cmd].iter_errors(j), key=lambda e: list(e.path))
        self.assertFalse(errors, "%s: %s" % (what, "; ".join(
            "%s: %s" % ("/".join(map(str, e.path)), e.message[:200]) for e in errors[:5])))

    def test_every_fixture(self):
        seen = {c: 0 for c in self.validators}
        for name in fixture_names():
            root = st.build(name).write(os.path.join(self.tmp, name))
            for args in LIST_ARGS:
                rc, j = self.run_mp(root, ["list"] + args)
                if rc != 0:
                    self.assertIsNone(j, (name, args))
                    continue
                self.check("list", j, "%s: list %s" % (name, " ".join(args)))
                seen["list"] += 1
            for args in WRITE_ARGS:
                rc, j = self.run_mp(root, args)
                if j is None:
                    self.assertIn(rc, (1, 2), (name, args))
                    continue
                self.check(args[0], j, "%s: %s" % (name, " ".join(args)))
                seen[args[0]] += 1
            shutil.rmtree(os.path.join(self.tmp, name))
        for c, n in seen.items():
            self.assertGreater(n, 0, "no %s output was validated" % c)

    def test_schema_notices_drift(self):
        root = st.build("cxl-host").write(os.path.join(self.tmp, "drift"))
        rc, j = self.run_mp(root, ["list", "-M"])
        self.assertEqual(rc, 0)
        self.check("list", j, "list -M")
        v = self.validators["list"]
        for mutate in (lambda x: x["sources"][0].update(memmap_place="self"),
                       lambda x: x["sources"][0].pop("memmap_basis"),
                       lambda x: x["summary"].update(total_memblocks="12"),
                       lambda x: x["memory_blocks"][0].update(state="onlin"),
                       lambda x: x.pop("format_version"),
                       lambda x: x["system"]["capabilities"].update(parallel_onlining=None)):
            bad = copy.deepcopy(j)
            mutate(bad)
            self.assertFalse(v.is_valid(bad))
        rc, j = self.run_mp(root, ["reconfigure", "all", "--mode=devdax", "--dry-run"])
        self.check("reconfigure", j, "reconfigure")
        bad = copy.deepcopy(j)
        bad["targets"][0]["result"] = "done"
        self.assertFalse(self.validators["reconfigure"].is_valid(bad))


if __name__ == "__main__":
    unittest.main(verbosity=2)
