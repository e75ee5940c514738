#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The memplug.memplug Ansible collection with ansible-core on generated trees.

Everything runs below one temp dir: the collection (copied into the
ansible_collections/NS/NAME layout ansible needs), HOME, ansible's temp
dirs and the sysfs trees.  Real ansible-playbook, ansible-doc, ansible-test
sanity (offline, with Debian's linters) and ansible-lint.  A tree has no
kernel: after a real run the test plays the kernel's part (a block written
"online_movable" reads "online" in zone Movable) before the re-run.
Under CI=true a missing tool fails the test instead of skipping it.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "unit"))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
CI = os.environ.get("CI") == "true"
DEB_PYTHON = "/usr/bin/python3"   # Debian's, with Debian's linters
COLLECTION = os.path.join(SRC, "contrib", "ansible")
PLAYBOOK_EXAMPLE = os.path.join(COLLECTION, "playbooks", "memplug.yml")


def need(*tools):
    missing = [t for t in tools if not shutil.which(t)]
    if MEMPLUG == "" or not os.access(MEMPLUG, os.X_OK):
        missing.append("MEMPLUG")
    if missing:
        if CI:
            raise AssertionError("CI=true and missing: %s" % ", ".join(missing))
        raise unittest.SkipTest("missing: %s" % ", ".join(missing))


def tree_digest(root):
    """sha256 over every path, file content and link target below root
    (the lock under run/ is not kernel state)."""
    h = hashlib.sha256()
    for d, dirs, names in sorted(os.walk(root)):
        dirs.sort()
        rel = os.path.relpath(d, root)
        if rel == "run" or rel.startswith("run/"):
            continue
        for n in sorted(names):
            p = os.path.join(d, n)
            h.update(os.path.relpath(p, root).encode() + b"\0")
            if os.path.islink(p):
                h.update(b"L" + os.readlink(p).encode())
            else:
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def play_kernel(root):
    """What the kernel shows after memplug's writes: a block written
    online_movable/online_kernel reads 'online' with that zone."""
    mem = os.path.join(root, "sys/devices/system/memory")
    for n in os.listdir(mem):
        state = os.path.join(mem, n, "state")
        if not n.startswith("memory") or not os.path.isfile(state):
            continue
        with open(state) as f:
            s = f.read().strip()
        zone = {"online_movable": "Movable", "online_kernel": "Normal"}.get(s)
        if zone:
            with open(state, "w") as f:
                f.write("online\n")
            with open(os.path.join(mem, n, "valid_zones"), "w") as f:
                f.write(zone + "\n")


class Ansible(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need("ansible-playbook", "ansible-doc")
        cls.tmp = tempfile.mkdtemp(prefix="memplug-ansible-")
        coll = os.path.join(cls.tmp, "collections", "ansible_collections",
                            "memplug", "memplug")
        shutil.copytree(COLLECTION, coll)
        cls.coll = coll
        home = os.path.join(cls.tmp, "home")
        os.makedirs(home)
        cls.env = dict(os.environ,
                       HOME=home,
                       ANSIBLE_COLLECTIONS_PATH=os.path.join(cls.tmp, "collections"),
                       ANSIBLE_LOCAL_TEMP=os.path.join(cls.tmp, "atmp"),
                       ANSIBLE_REMOTE_TEMP=os.path.join(cls.tmp, "atmp"),
                       ANSIBLE_NOCOLOR="1",
                       ANSIBLE_PYTHON_INTERPRETER=DEB_PYTHON,
                       ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
                       ANSIBLE_LOCALHOST_WARNING="False",
                       ANSIBLE_RETRY_FILES_ENABLED="False")
        cls.env.pop("MEMPLUG_SYSFS_ROOT", None)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def tree(self, name, offline_dax=False):
        d = tempfile.mkdtemp(prefix="tree-", dir=self.tmp)
        root = st.build(name).write(os.path.join(d, name))
        if offline_dax:
            # dax0.0 bound to kmem, its blocks offline (as after kmem's
            # bind with auto_online_blocks=offline)
            mem = os.path.join(root, "sys/devices/system/memory")
            for i in range(33, 48):
                with open(os.path.join(mem, "memory%d" % i, "state"), "w") as f:
                    f.write("offline\n")
        return root

    def play(self, root, module, args, check=False, diff=False):
        """One task on localhost; return (ansible rc, the task's result).
        The result is registered and written out by a second task that
        runs in check mode too (Debian's ansible-core has no json
        callback)."""
        return self.run_play(root, module, args, {}, "r", check, diff)

    def run_play(self, root, module, args, task, result, check=False, diff=False):
        """The task (MODULE with ARGS, more keys in TASK) registered as r;
        return (ansible rc, RESULT, a Jinja expression of r, as data)."""
        args = dict(args, sysfs_root=root, executable=args.get("executable", MEMPLUG))
        out = os.path.join(self.tmp, "result.json")
        if os.path.exists(out):
            os.unlink(out)
        pb = [{"hosts": "localhost", "gather_facts": False,
               "tasks": [dict({"name": "t", module: args, "register": "r",
                               "ignore_errors": True}, **task),
                         {"name": "save", "check_mode": False, "diff": False,
                          "ansible.builtin.copy": {"content": "{{ %s | to_json }}" % result,
                                                   "dest": out}}]}]
        path = os.path.join(self.tmp, "play.yml")
        with open(path, "w") as f:
            json.dump(pb, f)   # JSON is YAML
        argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", path]
        if check:
            argv.append("--check")
        if diff:
            argv.append("--diff")
        p = subprocess.run(argv, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=300)
        self.assertTrue(os.path.exists(out), p.stdout)
        with open(out) as f:
            return p.returncode, json.load(f)

    def memplug_list(self, root):
        p = subprocess.run([MEMPLUG, "--sysfs-root", root, "list"],
                           stdout=subprocess.PIPE, universal_newlines=True,
                           check=True, timeout=60)
        return json.loads(p.stdout)

    SYSRAM = {"targets": ["dax0.0"], "mode": "system-ram", "zone": "movable",
              "parallel": False}

    def test_check_mode_writes_nothing(self):
        root = self.tree("vm-small", offline_dax=True)
        before = tree_digest(root)
        rc, r = self.play(root, "memplug.memplug.memplug", self.SYSRAM, check=True)
        self.assertEqual(rc, 0, r)
        self.assertEqual(tree_digest(root), before, "check mode wrote to the tree")
        self.assertIs(r["changed"], True)
        self.assertIs(r["dry_run"], True)
        self.assertIn("--dry-run", r["cmd"])
        self.assertEqual(r["targets"][0]["result"], "planned")
        self.assertNotIn("diff", r)

    def test_check_diff_shows_the_change(self):
        root = self.tree("vm-small", offline_dax=True)
        before = tree_digest(root)
        rc, r = self.play(root, "memplug.memplug.memplug", self.SYSRAM,
                          check=True, diff=True)
        self.assertEqual(rc, 0, r)
        self.assertEqual(tree_digest(root), before)
        d = r["diff"]
        self.assertEqual(d["before"]["dax0.0"]["online_memblocks"], 0)
        self.assertEqual(d["after"]["dax0.0"]["mode"], "system-ram")
        self.assertEqual(d["after"]["dax0.0"]["planned_steps"],
                         ["online 15 blocks online_movable (descending)"])
        self.assertNotEqual(d["before"], d["after"])
        # the predicted end state, not only the mode
        self.assertEqual(d["after"]["dax0.0"]["online_memblocks"], 15)
        self.assertEqual(d["after"]["dax0.0"]["total_memblocks"], 15)
        self.assertEqual(d["after"]["dax0.0"]["zones"]["Movable"], 15)
        self.assertEqual(sum(d["after"]["dax0.0"]["zones"].values()), 15)
        # devdax back: nothing online, no blocks (kmem unbound)
        rc, r = self.play(root, "memplug.memplug.memplug",
                          {"targets": ["dax0.0"], "mode": "devdax"}, check=True, diff=True)
        self.assertEqual(rc, 0, r)
        a = r["diff"]["after"]["dax0.0"]
        self.assertEqual((a["mode"], a["online_memblocks"], a["total_memblocks"]),
                         ("devdax", 0, 0))
        self.assertEqual(tree_digest(root), before)

    def devdax_tree(self):
        d = tempfile.mkdtemp(prefix="tree-", dir=self.tmp)
        return st.cxl_devdax_host().write(os.path.join(d, "cxl-devdax-host"))

    def test_check_diff_predicts_blocks_of_a_devdax_device(self):
        """A devdax device has no blocks before kmem binds: the prediction
        takes its block count from memplug list (range_memblocks)."""
        root = self.devdax_tree()
        before = tree_digest(root)
        rc, r = self.play(root, "memplug.memplug.memplug",
                          {"targets": ["hpa:0x4000000000"], "mode": "system-ram",
                           "zone": "normal"}, check=True, diff=True)
        self.assertEqual(rc, 0, r)
        self.assertEqual(r["resolved"], {"hpa:0x4000000000": "dax0.0"})
        self.assertEqual(r["diff"]["before"]["dax0.0"]["total_memblocks"], 0)
        a = r["diff"]["after"]["dax0.0"]
        self.assertEqual((a["mode"], a["online_memblocks"], a["total_memblocks"]),
                         ("system-ram", 4, 4))
        self.assertEqual(a["zones"]["Normal"], 4)
        self.assertEqual(a["zones"]["Movable"], 0)
        self.assertEqual(tree_digest(root), before)

    def test_identity_targets(self):
        """Issue 20, item 6: targets by stable identity, resolved by
        memplug's own memplug.conf matching; memplug gets kernel names."""
        root = self.tree("cxl-host")
        before = tree_digest(root)
        ok = [("hpa", ["hpa:0x4000000000"], ["dax0.0"]),
              ("hpa-dict-serial", [{"hpa": 0x6000000000, "serial": [0x1001]}], ["dax1.0"]),
              ("serial", ["serial:0x1000", "region1"], ["dax0.0", "region1"]),
              ("memdevs-dict", [{"memdevs": "4097"}], ["dax1.0"])]
        res = self.play_loop(root, "memplug.memplug.memplug",
                             {"targets": "{{ item.t }}", "mode": "system-ram",
                              "zone": "movable"}, [{"t": t} for _, t, _ in ok])
        for (name, _, want), r in zip(ok, res):
            with self.subTest(case=name):
                self.assertFalse(r.get("failed"), r)
                self.assertEqual([t["target"] for t in r["targets"]], want)
                self.assertEqual(r["cmd"][r["cmd"].index("--") + 1:], want)
                self.assertEqual([t["result"] for t in r["targets"]], ["unchanged"] * len(want))
                self.assertIs(r["changed"], False)
        self.assertEqual(res[1]["resolved"], {"hpa:0x6000000000 memdevs:0x1001": "dax1.0"})
        bad = [("absent", "hpa:0x8000000000", "hpa:0x8000000000 matches no device present"),
               ("decimal", "hpa:274877906944", "bad hpa in 'hpa:274877906944' (hex with 0x"),
               ("uuid", "uuid:zz", "bad uuid"),
               ("mixed", {"uuid": st.NS_UUID, "hpa": 1}, "mixes identities"),
               ("key", "node:2", "not a memplug target"),
               ("serial-wrong-set", "serial:0x1000,0x1001", "matches no device present")]
        res = self.play_loop(root, "memplug.memplug.memplug",
                             {"targets": "{{ item.t }}", "mode": "devdax"},
                             [{"t": [t]} for _, t, _ in bad])
        for (name, _, msg), r in zip(bad, res):
            with self.subTest(case=name):
                self.assertIs(r.get("failed"), True, r)
                self.assertIn(msg, r["msg"])
                self.assertIs(r["changed"], False)
        self.assertEqual(tree_digest(root), before)

    def test_namespace_uuid_target(self):
        root = self.tree("vm-small", offline_dax=True)
        rc, r = self.play(root, "memplug.memplug.memplug",
                          dict(self.SYSRAM, targets=["uuid:" + st.NS_UUID.upper()]),
                          check=True, diff=True)
        self.assertEqual(rc, 0, r)
        self.assertEqual(r["resolved"], {"uuid:" + st.NS_UUID.upper(): "dax0.0"})
        self.assertEqual(r["diff"]["after"]["dax0.0"]["online_memblocks"], 15)

    def test_force_and_move_zone_are_separate(self):
        """force (data, safety rules) does not move zones; move_zone does
        not destroy data: memplug has one --force, the module plans with
        it first and refuses what the task did not allow."""
        root = self.tree("cxl-host")   # CXL blocks online Movable
        before = tree_digest(root)
        normal = {"targets": ["dax0.0"], "mode": "system-ram", "zone": "normal"}
        rc, r = self.play(root, "memplug.memplug.memplug", normal)
        self.assertEqual((r["rc"], r["targets"][0]["result"]), (4, "refused"), r)
        self.assertNotIn("--force", r["cmd"])
        rc, r = self.play(root, "memplug.memplug.memplug", dict(normal, force=True))
        self.assertIs(r.get("failed"), True, r)
        self.assertRegex(r["msg"], r"^refused before memplug ran: dax0\.0: moves blocks "
                         r"between zones .*needs move_zone: true$")
        self.assertEqual(tree_digest(root), before)
        rc, r = self.play(root, "memplug.memplug.memplug", dict(normal, move_zone=True),
                          check=True, diff=True)
        self.assertEqual(rc, 0, r)
        self.assertIn("--force", r["cmd"])
        self.assertEqual(r["targets"][0]["result"], "planned")
        self.assertEqual([w["code"] for w in r["memplug_warnings"]], ["zone-mismatch"])
        self.assertTrue(r["warnings"][0].startswith("dax0.0: zone-mismatch: "), r["warnings"])
        a = r["diff"]["after"]["dax0.0"]
        self.assertEqual((a["zones"]["Normal"], a["zones"]["Movable"], a["online_memblocks"]),
                         (64, 0, 64))
        self.assertEqual(tree_digest(root), before)
        # a namespace conversion (live kernel only: its planned JSON)
        code = ("import json, sys\n"
                "from ansible_collections.memplug.memplug.plugins.modules import memplug\n"
                "m = type('M', (), {'params': {'mode': 'system-ram', 'force': False,\n"
                "    'move_zone': True, 'memmap_on_memory': None}})()\n"
                "print(json.dumps(memplug.forced_steps(m, json.load(sys.stdin))))\n")
        t = {"target": "namespace0.0", "namespace_mode": "fsdax", "before": None,
             "result": "planned", "warnings": []}
        p = subprocess.run([DEB_PYTHON, "-c", code], input=json.dumps(t),
                           stdout=subprocess.PIPE, universal_newlines=True,
                           env=dict(self.env, PYTHONPATH=os.path.join(self.tmp, "collections")),
                           check=True, timeout=60)
        self.assertEqual(json.loads(p.stdout),
                         [["converts fsdax namespace namespace0.0 (its data is lost)",
                           "force"]])

    def test_example_playbook_on_a_test_root(self):
        """The example playbook, unchanged, against a tree through its
        variables: check mode with diff, then the real run."""
        root = self.tree("vm-small", offline_dax=True)
        before = tree_digest(root)
        extra = json.dumps({"memplug_hosts": "localhost", "memplug_become": False,
                            "memplug_sysfs_root": root, "memplug_executable": MEMPLUG,
                            "memplug_targets": ["uuid:" + st.NS_UUID]})
        argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", "-e", extra,
                PLAYBOOK_EXAMPLE]
        p = subprocess.run(argv + ["--check", "--diff"], env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertRegex(p.stdout, r"\+\s+\"online_memblocks\": 15")
        self.assertRegex(p.stdout, r"dax0\.0: 0 of 15 blocks online")
        self.assertRegex(p.stdout, r"(?m)^localhost\s+: ok=\d+\s+changed=1 ")
        self.assertEqual(tree_digest(root), before)
        p = subprocess.run(argv, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
        # a tree has no kernel: the end-state check says partial (see above)
        self.assertIn('"rc": 3', p.stdout)
        with open(os.path.join(root, "sys/devices/system/memory/memory40/state")) as f:
            self.assertEqual(f.read().strip(), "online_movable")

    def test_diff_of_a_raw_namespace(self):
        """A raw namespace has no dax device and so no state in memplug's
        JSON (before: null, as the real kernel shows in the systemd
        guest's vm-ansible-nvdimm): the diff shows its namespace mode
        before, and the planned devdax namespace as system RAM after
        (no block count: memplug list has no blocks for it either)."""
        steps = ["namespace0.0: raw -> devdax", "dax0.0: bind kmem"]
        data = {"targets": [{"target": "namespace0.0", "action": "reconfigure",
                             "namespace_mode": "raw", "source": None,
                             "before": None, "after": None,
                             "result": "planned", "steps": steps}]}
        # Debian's python3 has Debian's ansible-core to import the module
        code = ("import json, sys\n"
                "from ansible_collections.memplug.memplug.plugins.modules import memplug\n"
                "p = dict(mode='system-ram', state=None, zone=None, online=True,\n"
                "         memmap_on_memory=None, executable='memplug', sysfs_root=None)\n"
                "m = type('M', (), {'params': p, 'run_command': lambda self, a, check_rc:\n"
                "         (0, json.dumps({'format_version': 2, 'sources': []}), '')})()\n"
                "print(json.dumps(memplug.diff_of(m, json.load(sys.stdin))))\n")
        p = subprocess.run([DEB_PYTHON, "-c", code], input=json.dumps(data),
                           stdout=subprocess.PIPE, universal_newlines=True,
                           env=dict(self.env, PYTHONPATH=os.path.join(self.tmp, "collections")),
                           check=True, timeout=60)
        d = json.loads(p.stdout)
        self.assertEqual(d["before"]["namespace0.0"],
                         {"namespace_mode": "raw", "mode": None})
        self.assertEqual(d["after"]["namespace0.0"],
                         {"namespace_mode": "devdax", "mode": "system-ram",
                          "planned_steps": steps})

    def test_apply_then_reapply_unchanged(self):
        root = self.tree("vm-small", offline_dax=True)
        # the check mode plans what the real run does
        rc, r = self.play(root, "memplug.memplug.memplug", self.SYSRAM, check=True,
                          diff=True)
        self.assertEqual(rc, 0, r)
        self.assertIs(r["changed"], True)
        self.assertEqual(r["diff"]["before"]["dax0.0"]["online_memblocks"], 0)
        # a tree has no kernel: the writes land, memplug's end-state check
        # reads the words written back and says partial (3); the task fails
        rc, r = self.play(root, "memplug.memplug.memplug", self.SYSRAM, diff=True)
        self.assertIs(r.get("failed"), True, r)
        self.assertEqual(r["rc"], 3)
        t = r["targets"][0]
        self.assertEqual((t["target"], t["source"], t["result"]),
                         ("dax0.0", "dax0.0", "partial"))
        self.assertIn("end state differs", t["error"])
        with open(os.path.join(root, "sys/devices/system/memory/memory40/state")) as f:
            self.assertEqual(f.read().strip(), "online_movable")
        play_kernel(root)  # what the kernel shows after those writes
        digest = tree_digest(root)
        rc, r = self.play(root, "memplug.memplug.memplug", self.SYSRAM, diff=True)
        self.assertEqual(rc, 0, r)
        self.assertIs(r["changed"], False)
        self.assertEqual(r["targets"][0]["result"], "unchanged")
        self.assertEqual(r["diff"]["before"], r["diff"]["after"])
        self.assertEqual(tree_digest(root), digest)

    def test_offline_state_idempotent(self):
        root = self.tree("vm-small")
        args = {"targets": ["memory33-47"], "state": "offline"}
        rc, r = self.play(root, "memplug.memplug.memplug", args)
        self.assertEqual(rc, 0, r)
        self.assertIs(r["changed"], True)
        rc, r = self.play(root, "memplug.memplug.memplug", args)
        self.assertEqual(rc, 0, r)
        self.assertIs(r["changed"], False)

    def test_refused_fails_with_reason(self):
        root = self.tree("vm-small", offline_dax=True)
        before = tree_digest(root)
        args = dict(self.SYSRAM, memmap_on_memory=True)
        rc, r = self.play(root, "memplug.memplug.memplug", args)
        self.assertIs(r["failed"], True)
        self.assertEqual(r["rc"], 4)
        self.assertRegex(r["msg"], r"^memplug refused \(exit 4\): dax0\.0: refused: .*knob")
        self.assertEqual(r["targets"][0]["result"], "refused")
        self.assertIs(r["changed"], False)
        self.assertEqual(tree_digest(root), before)

    def test_partial_names_blocks(self):
        # a tree cannot make blocks stay busy (the VM scenario partial.sh
        # does): replay the JSON memplug prints for a partial offline
        stub = os.path.join(self.tmp, "memplug-partial")
        j = {"changed": True, "dry_run": False, "would_change": True,
             "targets": [{"target": "dax0.0", "action": "offline",
                          "source": "dax0.0", "before": None, "after": None,
                          "result": "partial", "steps": [], "warnings": [],
                          "failed_blocks": [40, 41], "timings_ms": {},
                          "error": "2 blocks still online after 1 s"}]}
        with open(stub, "w") as f:
            f.write("#!/bin/sh\ncat <<'EOF'\n%s\nEOF\nexit 3\n" % json.dumps(j))
        os.chmod(stub, 0o755)
        root = self.tree("vm-small")
        pb_args = {"targets": ["dax0.0"], "state": "offline", "timeout": 1}
        old = MEMPLUG
        try:
            globals()["MEMPLUG"] = stub
            rc, r = self.play(root, "memplug.memplug.memplug", pb_args)
        finally:
            globals()["MEMPLUG"] = old
        self.assertIs(r["failed"], True)
        self.assertIs(r["changed"], True)
        self.assertEqual(r["rc"], 3)
        self.assertEqual(r["msg"], "memplug partial (exit 3): dax0.0: partial, blocks "
                         "memory40, memory41 not in the wanted state: "
                         "2 blocks still online after 1 s")
        self.assertEqual(r["targets"], j["targets"])

    def test_config_maps_to_apply(self):
        # the command line the module builds for `memplug apply
        # [--config=PATH] [--dry-run]`, recorded by a stub that answers as
        # apply does (the systemd guest scenarios run the real apply)
        j = {"changed": False, "dry_run": True, "would_change": True,
             "targets": [{"target": "region0", "result": "planned"}]}
        stub, argv_file = self.recording_stub("memplug-apply", j)
        root = self.tree("vm-small")
        conf = os.path.join(self.tmp, "memplug.conf")
        old = MEMPLUG
        try:
            globals()["MEMPLUG"] = stub
            rc, r = self.play(root, "memplug.memplug.memplug", {"config": conf}, check=True)
            with open(argv_file) as f:
                argv = f.read().split("\n")[:-1]
            rc2, r2 = self.play(root, "memplug.memplug.memplug",
                                {"config": conf, "zone": "movable"})
        finally:
            globals()["MEMPLUG"] = old
        self.assertEqual(argv, ["--sysfs-root=" + root, "apply", "--config=" + conf,
                                "--dry-run"])
        self.assertIs(r["changed"], True)
        self.assertEqual(r["targets"], j["targets"])
        self.assertIs(r2["failed"], True)
        self.assertEqual(r2["msg"], "config: cannot be combined with zone")

    def recording_stub(self, name, output=None, rc=0):
        """A memplug that records its argv (one word a line) and prints
        OUTPUT (a JSON object) with exit status RC; returns (stub, argv
        file)."""
        stub = os.path.join(self.tmp, name)
        argv_file = stub + ".argv"
        if os.path.exists(argv_file):
            os.unlink(argv_file)
        with open(stub, "w") as f:
            f.write("#!/bin/sh\nprintf '%%s\\n' \"$@\" > %s\n" % argv_file)
            if output is not None:
                f.write("cat <<'EOF'\n%s\nEOF\n" % json.dumps(output))
            f.write("exit %d\n" % rc)
        os.chmod(stub, 0o755)
        return stub, argv_file

    def play_loop(self, root, module, args, items):
        """The task once per item of ITEMS (as item.t); the registered
        results, one per item."""
        return self.run_play(root, module, args, {"loop": items}, "r.results")[1]

    # option-looking and malformed targets: memplug
    # would read them as options (--force widens the task, --dry-run makes
    # it a silent no-op) or as names of nothing
    BAD_TARGETS = ["--force", "-f", "-fN", "--dry-run", "--zone=normal", "-", "--",
                   "dax0.0 --force", "dax0.0\n", "", " dax0.0", "dax0.0;id",
                   "dax0.0$(id)", "dax00.0", "dax0", "dax0.0.0", "memory01",
                   "memory40-", "memory+40", "memory 40", "namespace0", "region",
                   "regionX", "ALL", "all,dax0.0", "../dax0.0", "dax\u00e9.0"]

    def test_option_looking_targets_refused(self):
        """Each bad target next to a good one: the task fails naming it,
        memplug is never run, the tree is untouched."""
        root = self.tree("vm-small")
        before = tree_digest(root)
        stub, argv_file = self.recording_stub("memplug-record")
        items = [{"t": ["dax0.0", bad]} for bad in self.BAD_TARGETS]
        for args in ({"targets": "{{ item.t }}", "mode": "devdax"},
                     {"targets": "{{ item.t }}", "state": "offline"}):
            res = self.play_loop(root, "memplug.memplug.memplug",
                                 dict(args, executable=stub), items)
            self.assertEqual(len(res), len(self.BAD_TARGETS))
            for bad, r in zip(self.BAD_TARGETS, res):
                with self.subTest(target=bad, args=args):
                    self.assertIs(r.get("failed"), True, r)
                    self.assertIn("targets: not a memplug target: %r" % bad, r["msg"])
                    self.assertIs(r["changed"], False)
            self.assertFalse(os.path.exists(argv_file), "memplug ran")
        # through the real memplug too: refused before it runs
        res = self.play_loop(root, "memplug.memplug.memplug",
                             {"targets": "{{ item.t }}", "mode": "devdax"},
                             [{"t": ["dax0.0", "--force"]}, {"t": ["dax0.0", "--dry-run"]}])
        self.assertEqual([r.get("failed") for r in res], [True, True], res)
        self.assertEqual(tree_digest(root), before)

    def test_targets_follow_double_dash(self):
        """Options first, then --, then the targets: memplug (GNU getopt)
        reads nothing after -- as an option, even under POSIXLY_CORRECT."""
        root = self.tree("vm-small")
        good = ["dax0.0", "namespace0.0", "region0", "all", "memory33",
                "memory33-47", "memory33-memory47", "dax10.2", "region17",
                "boot-node0"]
        out = {"format_version": 2, "changed": False, "dry_run": False,
               "would_change": False, "targets": []}
        stub, argv_file = self.recording_stub("memplug-dd", out)
        for args, cmd in (({"mode": "system-ram", "zone": "movable", "wait": 5,
                            "force": True}, "reconfigure"),
                          ({"state": "online", "zone": "movable"}, "online"),
                          ({"state": "offline", "timeout": 3}, "offline")):
            rc, r = self.play(root, "memplug.memplug.memplug",
                              dict(args, targets=good, executable=stub))
            self.assertEqual(rc, 0, r)
            with open(argv_file) as f:
                argv = f.read().splitlines()
            self.assertEqual(argv[:2], ["--sysfs-root=%s" % root, cmd])
            dd = argv.index("--")
            self.assertEqual(argv[dd + 1:], good, argv)
            self.assertTrue(all(a.startswith("--") for a in argv[2:dd]), argv)
            self.assertEqual(r["cmd"][1:], argv)
        # and memplug itself honours --: an option after it is a target
        for env in ({}, {"POSIXLY_CORRECT": "1"}):
            p = subprocess.run([MEMPLUG, "--sysfs-root", root, "offline", "--dry-run",
                                "--", "dax0.0", "--force"], env=dict(os.environ, **env),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=60)
            # a target, not the option: refused as a name (exit 2)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("invalid target '--force'", p.stderr)
            self.assertEqual(p.stdout, "")

    def test_info_device_is_a_name(self):
        root = self.tree("vm-small")
        stub, argv_file = self.recording_stub("memplug-info-rec")
        res = self.play_loop(root, "memplug.memplug.memplug_info",
                             {"device": "{{ item.t }}", "executable": stub},
                             [{"t": "--summary"}, {"t": "dax0.0 x"}, {"t": "memory3"}])
        for r in res:
            self.assertIs(r.get("failed"), True, r)
            self.assertIn("device: not a dax device, namespace or region", r["msg"])
        self.assertFalse(os.path.exists(argv_file), "memplug ran")

    ZONE_MSG = "15 blocks online in Normal, not Movable"

    def test_write_warnings_both_shapes(self):
        """memplug's warnings reach module.warn(), as
        TARGET: CODE: MESSAGE (objects, with the root's list) or TARGET:
        MESSAGE (strings, older memplug), and come back as
        memplug_warnings; the root's warnings, a key Ansible reserves, do
        not break the module."""
        root = self.tree("vm-small")
        obj = {"code": "zone-mismatch", "message": self.ZONE_MSG}
        t = {"target": "dax0.0", "source": "dax0.0", "action": "reconfigure",
             "before": None, "after": None, "result": "unchanged", "steps": [],
             "failed_blocks": [], "timings_ms": {}}
        base = {"format_version": 2, "changed": False, "dry_run": False,
                "would_change": False}
        new = dict(base, targets=[dict(t, warnings=[obj])],
                   warnings=[dict(obj, target="dax0.0"),
                             {"target": None, "code": "auto-online-movable",
                              "message": "auto_online_blocks is online_movable"}])
        old = dict(base, targets=[dict(t, warnings=[self.ZONE_MSG])])
        mid = dict(base, targets=[dict(t, warnings=[obj])])   # objects, no root list
        for name, j, want_text, want in (
                ("new", new,
                 ["dax0.0: zone-mismatch: " + self.ZONE_MSG,
                  "auto-online-movable: auto_online_blocks is online_movable"],
                 [dict(obj, target="dax0.0"),
                  {"target": None, "code": "auto-online-movable",
                   "message": "auto_online_blocks is online_movable"}]),
                ("mid", mid, ["dax0.0: zone-mismatch: " + self.ZONE_MSG],
                 [dict(obj, target="dax0.0")]),
                ("old", old, ["dax0.0: " + self.ZONE_MSG],
                 [{"target": "dax0.0", "code": None, "message": self.ZONE_MSG}])):
            with self.subTest(shape=name):
                stub, _ = self.recording_stub("memplug-warn-" + name, j)
                rc, r = self.play(root, "memplug.memplug.memplug",
                                  dict(self.SYSRAM, executable=stub))
                self.assertEqual(rc, 0, r)
                self.assertFalse(r.get("failed"), r)
                self.assertEqual(r["warnings"], want_text)
                self.assertEqual(r["memplug_warnings"], want)
                self.assertEqual(r["targets"], j["targets"])

    def test_info_warnings_both_shapes(self):
        root = self.tree("vm-small")
        unpl = {"code": "memory-unplugged",
                "message": "bound to kmem with no memory present"}
        src = {"source": "dax0.0", "type": "dax", "mode": "system-ram",
               "online_memblocks": 0, "total_memblocks": 0}
        sources = [dict(src, state="unplugged", warning=unpl["message"], warnings=[unpl]),
                   dict(src, source="boot-node0", type="boot", state=None, warning=None,
                        warnings=[])]
        new = {"format_version": 2, "system": {}, "sources": sources,
               "warnings": [dict(unpl, source="dax0.0")]}
        old = {"format_version": 2, "system": {}, "sources": [
            dict(src, warning=unpl["message"]), dict(src, source="boot-node0", warning=None)]}
        for name, j, want_text, want in (
                ("new", new, ["dax0.0: memory-unplugged: " + unpl["message"]],
                 [dict(unpl, source="dax0.0")]),
                ("old", old, ["dax0.0: " + unpl["message"]],
                 [{"source": "dax0.0", "code": None, "message": unpl["message"]}])):
            with self.subTest(shape=name):
                stub, _ = self.recording_stub("memplug-info-" + name, j)
                rc, r = self.play(root, "memplug.memplug.memplug_info", {"executable": stub})
                self.assertEqual(rc, 0, r)
                self.assertEqual(r["warnings"], want_text)
                self.assertEqual(r["memplug_warnings"], want)
                self.assertEqual(r["sources"], j["sources"])

    def test_unknown_target_fails(self):
        root = self.tree("vm-small")
        rc, r = self.play(root, "memplug.memplug.memplug",
                          {"targets": ["dax9.9"], "mode": "devdax"})
        self.assertIs(r["failed"], True)
        self.assertEqual(r["rc"], 1)
        self.assertIn("dax9.9", r["msg"])

    def test_info_matches_list(self):
        for name in ("vm-small", "cxl-host", "dimm-virtio"):
            root = self.tree(name)
            rc, r = self.play(root, "memplug.memplug.memplug_info", {}, check=True)
            self.assertEqual(rc, 0, r)
            self.assertIs(r["changed"], False)
            want = self.memplug_list(root)
            for key in ("system", "summary", "nodes", "sources"):
                self.assertEqual(r[key], want[key], "%s: %s" % (name, key))
        rc, r = self.play(root, "memplug.memplug.memplug_info",
                          {"memory_blocks": True, "node": 0})
        self.assertEqual(rc, 0, r)
        self.assertIn("--memory-blocks", r["cmd"])
        self.assertTrue(r["memory_blocks"])

    def test_ansible_doc_renders(self):
        for mod, opts in (("memplug", ("targets", "mode", "zone", "memmap_on_memory",
                                       "order", "timeout", "force", "move_zone", "config",
                                       "sysfs_root")),
                          ("memplug_info", ("memory_blocks", "sysfs_root"))):
            p = subprocess.run(["ansible-doc", "memplug.memplug." + mod],
                               env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True,
                               timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stderr.strip(), "")
            for o in opts:
                self.assertRegex(p.stdout, r"(?m)^[-=] %s\b" % o, mod)
            self.assertIn("EXAMPLES", p.stdout)
            self.assertIn("RETURN VALUES", p.stdout)

    def test_ansible_test_sanity(self):
        """ansible-test sanity offline: its per-test venvs are made here
        from Debian's python with system site packages (pylint, pycodestyle,
        voluptuous, yamllint from apt) instead of pip downloads."""
        need("ansible-test")
        if not os.path.exists(DEB_PYTHON):
            need(DEB_PYTHON)
        for tool in ("pylint", "pycodestyle", "voluptuous", "yamllint"):
            r = subprocess.run([DEB_PYTHON, "-c", "import " + tool],
                               stderr=subprocess.DEVNULL)
            if r.returncode:
                need("python3-module-" + tool)
        tests = ["validate-modules", "compile", "import", "pep8", "pylint",
                 "yamllint", "future-import-boilerplate",
                 "metaclass-boilerplate", "shebang", "line-endings",
                 "no-smart-quotes", "empty-init", "runtime-metadata",
                 "use-argspec-type-path", "ignores"]
        # a collection sanity run wants a git work tree (or none at all)
        subprocess.run(["git", "init", "-q", self.coll], check=True)
        subprocess.run(["git", "-C", self.coll, "add", "-A"], check=True)
        for t in tests:
            out = self.sanity(t)
            if out[0] != 0:
                m = re.search(r'^FATAL: Python [0-9.]+ at "(.*)/bin/python" does not '
                              r'have pip available', out[1], re.M)
                if m:
                    self.make_venv(m.group(1))
                    out = self.sanity(t)
            self.assertEqual(out[0], 0, "ansible-test sanity --test %s:\n%s" % (t, out[1]))
            self.assertIn('Running sanity test "%s"' % t, out[1])

    def sanity(self, test):
        p = subprocess.run(["ansible-test", "sanity", "--local", "--python",
                            "%d.%d" % self.deb_python_version(), "--test", test],
                           cwd=self.coll, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=600)
        return p.returncode, p.stdout

    @staticmethod
    def deb_python_version():
        p = subprocess.run([DEB_PYTHON, "-c",
                            "import sys; print(*sys.version_info[:2])"],
                           stdout=subprocess.PIPE, universal_newlines=True, check=True)
        return tuple(int(x) for x in p.stdout.split())

    @staticmethod
    def make_venv(path):
        if not path.startswith(tempfile.gettempdir()):
            raise AssertionError("venv path outside the temp HOME: " + path)
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([DEB_PYTHON, "-m", "venv", "--system-site-packages",
                        "--without-pip", path], check=True)
        for name, text in (("meta.yaml.json", "true"), ("meta.install.json", "[]"),
                           ("marker.txt", "")):
            with open(os.path.join(path, name), "w") as f:
                f.write(text)

    def test_ansible_lint_example(self):
        need("ansible-lint")
        p = subprocess.run(["ansible-lint", "--offline", "-p", PLAYBOOK_EXAMPLE],
                           cwd=self.tmp, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
