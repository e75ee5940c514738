#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One vocabulary, identities to copy, and the shell, on generated trees.

- the same spellings and ranges on the command line and in memplug.conf
  (cli/vocab.c): booleans, modes, zones in any case, timeouts, nodes,
  addresses only as 0x hex;
- list shows each dax device's "match" (the config's key names), nodes[]
  carry mem_total_bytes and memory_block_count beside the deprecated keys;
- memplug config snapshot round-trips: its output passes config check
  --strict and apply --dry-run with it plans nothing; check --strict and
  apply report sections that match no device;
- did you mean, -v after the command, list --summary --table, --pairs
  names a shell can eval, a tree without memory hotplug.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
INFO_UUID = "4c1f3a4a-5b8a-4c38-9b0e-6b1c8a1f2d3e"


def normal_cxl():
    """cxl-host, but region1's dax1.0 online in Normal, knob 0"""
    m = st.cxl_host(knob=0, name="normal-cxl")
    for b in m.blocks.values():
        if b.source == "dax1.0":
            b.zone = b.valid_zones = "Normal"
    return m


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-vocab-")
        self.trees = {}

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def tree(self, name):
        if name not in self.trees:
            makers = {
                "offline-vm": lambda: st.nvdimm_vm("offline-vm",
                                                   state="offline"),
                "devdax-vm": lambda: st.nvdimm_vm("devdax-vm", mode="devdax"),
                "normal-cxl": normal_cxl}
            m = makers[name]() if name in makers else st.build(name)
            self.trees[name] = m.write(os.path.join(self.tmp, name))
        return self.trees[name]

    def conf(self, text, name="test.conf"):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def run_mp(self, root, *args):
        e = dict(os.environ)
        e.pop("MEMPLUG_CONFIG", None)
        e.pop("MEMPLUG_SYSFS_ROOT", None)
        p = subprocess.run([MEMPLUG, "--sysfs-root", root] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60, env=e)
        return p.returncode, p.stdout, p.stderr

    def ok_json(self, root, *args):
        rc, out, err = self.run_mp(root, *args)
        self.assertEqual(rc, 0, "%s: %s" % (args, err))
        return json.loads(out)

    def usage_error(self, root, args, pattern):
        """exit 2, nothing on stdout, one line on stderr"""
        rc, out, err = self.run_mp(root, *args)
        self.assertEqual(rc, 2, "%s: %s %s" % (args, out, err))
        self.assertEqual(out, "")
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertRegex(err, pattern)
        return err


class Vocabulary(Base):
    def test_zone_any_case_in_write_commands(self):
        root = self.tree("offline-vm")
        for zone, want in (("Movable", "online_movable"),
                           ("MOVABLE", "online_movable"),
                           ("movable", "online_movable"),
                           ("Normal", "online_kernel"),
                           ("kernel", "online_kernel"),
                           ("Auto", "online")):
            with self.subTest(zone=zone):
                j = self.ok_json(root, "online", "--dry-run", "dax0.0",
                                 "--zone=" + zone)
                steps = " ".join(j["targets"][0]["steps"])
                self.assertIn(want + " ", steps)
        for bad in ("DMA32", "none", "sideways", ""):
            with self.subTest(bad=bad):
                self.usage_error(root, ["online", "--dry-run", "dax0.0",
                                        "--zone=" + bad],
                                 "--zone")

    def test_list_zone_filter_any_case(self):
        root = self.tree("states")
        want = self.ok_json(root, "list", "-M", "--zone=Movable")
        self.assertTrue(want["memory_blocks"])
        for spelling in ("movable", "MOVABLE"):
            self.assertEqual(self.ok_json(root, "list", "-M",
                                          "--zone=" + spelling), want)
        normal = self.ok_json(root, "list", "-M", "--zone=Normal")
        self.assertEqual(self.ok_json(root, "list", "-M", "--zone=kernel"),
                         normal)
        self.usage_error(root, ["list", "--zone=auto"],
                         "want DMA, DMA32, Normal, Movable or none")

    def test_mode_and_order_any_case(self):
        root = self.tree("vm-small")
        j = self.ok_json(root, "reconfigure", "--dry-run", "dax0.0",
                         "--mode=DevDax", "--force", "--order=Ascending")
        self.assertEqual(j["targets"][0]["result"], "planned")

    def test_same_numbers_on_the_command_line_and_in_the_config(self):
        root = self.tree("offline-vm")
        # --timeout=0 (one attempt) on both sides, 86400 the top of both
        for t in ("0", "86400"):
            self.ok_json(root, "offline", "--dry-run", "dax0.0",
                         "--timeout=" + t)
            p = self.conf("[dax a]\nresource = 0x1\ntimeout = %s\n" % t)
            j = self.ok_json(root, "config", "show", "--config=" + p)
            self.assertEqual(j["targets"][0]["timeout"], int(t))
        for t in ("86401", "007", "-1", "+5", "1e3", "0x10"):
            with self.subTest(t=t):
                self.usage_error(root, ["offline", "--dry-run", "dax0.0",
                                        "--timeout=" + t], "--timeout")
                p = self.conf("[dax a]\nresource = 0x1\ntimeout = %s\n" % t)
                self.usage_error(root, ["config", "show", "--config=" + p],
                                 "bad value .* for timeout")
        # one node range: list --node and target_node
        self.ok_json(root, "list", "--node=4095")
        self.usage_error(root, ["list", "--node=4096"], "--node")
        p = self.conf("[dax a]\nresource = 0x1\ntarget_node = 4096\n")
        self.usage_error(root, ["config", "show", "--config=" + p],
                         "bad value '4096' for target_node")
        # --wait: the same range for apply as for the write commands
        p = self.conf("[dax a]\nresource = 0x1\n")
        self.ok_json(root, "apply", "--dry-run", "--wait=86400",
                     "--config=" + p)
        self.ok_json(root, "online", "--dry-run", "dax0.0", "--wait=86400")

    def test_booleans_everywhere(self):
        root = self.tree("vm-small")
        for word, want in (("yes", True), ("True", True), ("1", True),
                           ("NO", False), ("false", False), ("0", False)):
            with self.subTest(word=word):
                for sec in ("[namespace a]\nuuid = %s\n" % INFO_UUID,
                            "[reconfigure-device a]\nnvdimm.uuid = %s\n"
                            % INFO_UUID):
                    p = self.conf(sec + "online = %s\n" % word)
                    j = self.ok_json(root, "config", "show", "--config=" + p)
                    self.assertEqual(j["targets"][0]["online"], want)
                p = self.conf("[dax a]\nresource = 0x1\n"
                              "memmap_on_memory = %s\n" % word)
                j = self.ok_json(root, "config", "show", "--config=" + p)
                self.assertEqual(j["targets"][0]["memmap_on_memory"],
                                 "yes" if want else "no")
        p = self.conf("[dax a]\nresource = 0x1\nzone = Movable\n"
                      "mode = System-RAM\n")
        j = self.ok_json(root, "config", "show", "--config=" + p)
        self.assertEqual((j["targets"][0]["zone"], j["targets"][0]["mode"]),
                         ("movable", "system-ram"))

    def test_hpa_without_0x_is_an_error(self):
        root = self.tree("cxl-host")
        p = self.conf("[region a]\nhpa = 4000000000\n")
        self.usage_error(root, ["config", "check", "--config=" + p],
                         re.escape(p) + ":2: bad value '4000000000' for hpa "
                         "in \\[region a\\]: want a hex address starting "
                         "with 0x")
        rc, out, err = self.run_mp(root, "apply", "--dry-run",
                                   "--config=" + p)
        self.assertEqual(rc, 2, err)


class Identities(Base):
    def test_list_shows_what_the_config_matches(self):
        j = self.ok_json(self.tree("cxl-host"), "list")
        match = {s["source"]: s["match"] for s in j["sources"]}
        self.assertIsNone(match["boot-node0"])
        self.assertEqual(match["dax0.0"], {"uuid": None, "hpa": "0x4000000000",
                                           "memdevs": ["0x1000"],
                                           "resource": "0x4000000000"})
        self.assertEqual(match["dax1.0"]["memdevs"], ["0x1001"])
        j = self.ok_json(self.tree("vm-small"), "list")
        match = {s["source"]: s["match"] for s in j["sources"]}
        self.assertEqual(match["dax0.0"], {"uuid": INFO_UUID, "hpa": None,
                                           "memdevs": None,
                                           "resource": "0x102000000"})

    def test_each_identity_list_shows_matches(self):
        # copied from list into a section, every key names the device
        root = self.tree("cxl-host")
        m = {s["source"]: s["match"] for s in
             self.ok_json(root, "list")["sources"]}["dax1.0"]
        for sec in ("[region a]\nhpa = %s\n" % m["hpa"],
                    "[region a]\nmemdevs = %s\n" % ", ".join(m["memdevs"]),
                    "[dax a]\nresource = %s\n" % m["resource"]):
            with self.subTest(sec=sec):
                p = self.conf(sec)
                j = self.ok_json(root, "apply", "--dry-run", "--config=" + p)
                self.assertEqual([t["target"] for t in j["targets"]],
                                 ["dax1.0"])

    def test_table_columns_of_the_identities(self):
        rc, out, err = self.run_mp(self.tree("cxl-host"), "list", "--raw",
                                   "--noheadings", "-o",
                                   "SOURCE,UUID,HPA,MEMDEVS,RESOURCE")
        self.assertEqual(rc, 0, err)
        self.assertIn("dax1.0  0x6000000000 0x1001 0x6000000000",
                      out.splitlines())
        rc, out, err = self.run_mp(self.tree("vm-small"), "list", "--pairs",
                                   "-o", "SOURCE,UUID")
        self.assertIn('SOURCE="dax0.0" UUID="%s"' % INFO_UUID, out)

    def test_node_keys_with_units(self):
        j = self.ok_json(self.tree("cxl-host"), "list")
        for n in j["nodes"]:
            self.assertEqual(n["mem_total_bytes"], n["mem_total"])
            self.assertEqual(n["memory_block_count"], n["memory_blocks"])
            self.assertIsInstance(n["memory_block_count"], int)
        self.assertEqual(j["nodes"][0]["memory_block_count"], 32)
        j = self.ok_json(self.tree("cxl-host"), "list", "-u")
        self.assertRegex(j["nodes"][0]["mem_total_bytes"], "GiB$")


class Snapshot(Base):
    FIXTURES = ("vm-small", "vm-73", "cxl-host", "offline-vm", "devdax-vm",
                "normal-cxl", "dimm-virtio")

    def snapshot(self, name):
        rc, out, err = self.run_mp(self.tree(name), "config", "snapshot")
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        return self.conf(out, name + ".conf"), out

    def test_round_trip(self):
        for name in self.FIXTURES:
            with self.subTest(fixture=name):
                root = self.tree(name)
                p, text = self.snapshot(name)
                rc, out, err = self.run_mp(root, "config", "check", "--strict",
                                           "--config=" + p)
                self.assertEqual(rc, 0, err)
                self.assertEqual(err, "")
                check = json.loads(out)
                daxes = [s["source"] for s in
                         self.ok_json(root, "list", "-D")["sources"]]
                self.assertEqual(len(check["targets"]), len(daxes), text)
                j = self.ok_json(root, "apply", "--dry-run", "--config=" + p)
                self.assertFalse(j["would_change"], j)
                self.assertEqual(sorted(t["target"] for t in j["targets"]),
                                 sorted(daxes))
                for t in j["targets"]:
                    self.assertEqual((t["result"], t["steps"]),
                                     ("unchanged", []), t)
                self.assertEqual(j["warnings"], [])

    def test_what_it_writes(self):
        _, text = self.snapshot("normal-cxl")
        self.assertIn("[region region1]\nhpa = 0x6000000000\n"
                      "memdevs = 0x1001\nmode = system-ram\nzone = normal\n"
                      "online = yes\nmemmap_on_memory = no\n", text)
        _, text = self.snapshot("offline-vm")
        self.assertIn("[namespace namespace0.0]\nuuid = %s\n"
                      "mode = system-ram\nzone = movable\nonline = no\n"
                      "memmap_on_memory = keep\n" % INFO_UUID, text)
        _, text = self.snapshot("devdax-vm")
        self.assertIn("uuid = %s\nmode = devdax\n" % INFO_UUID, text)
        self.assertNotIn("zone", text)
        _, text = self.snapshot("dimm-virtio")
        self.assertNotIn("[", text)

    def test_snapshot_takes_no_config(self):
        self.usage_error(self.tree("vm-small"),
                         ["config", "snapshot", "--config=/dev/null"],
                         "no --config")
        self.usage_error(self.tree("vm-small"),
                         ["config", "show", "--strict"],
                         "--strict goes with check")


class Unmatched(Base):
    TEXT = ("[region gone]\nhpa = 0x9000000000\n"
            "[namespace here]\nuuid = %s\n" % INFO_UUID)

    def test_check_strict_fails_on_a_section_matching_nothing(self):
        root = self.tree("vm-small")
        p = self.conf(self.TEXT)
        rc, out, err = self.run_mp(root, "config", "check", "--config=" + p)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["warnings"], [])
        rc, out, err = self.run_mp(root, "config", "check", "--strict",
                                   "--config=" + p)
        self.assertEqual(rc, 1, err)
        ws = json.loads(out)["warnings"]
        self.assertEqual(len(ws), 1, ws)
        self.assertRegex(ws[0], re.escape(p) + r":1: \[region gone\] "
                         r"\(hpa 0x9000000000\) matches no device present")
        self.assertIn("[region gone]", err)

    def test_apply_warns_about_it(self):
        root = self.tree("vm-small")
        p = self.conf(self.TEXT)
        rc, out, err = self.run_mp(root, "apply", "--dry-run", "--config=" + p)
        self.assertEqual(rc, 0, err)
        j = json.loads(out)
        self.assertEqual([t["target"] for t in j["targets"]], ["dax0.0"])
        self.assertEqual(len(j["warnings"]), 1, j["warnings"])
        w = j["warnings"][0]
        self.assertEqual((w["target"], w["code"]), (None, "section-unmatched"))
        self.assertIn("[region gone]", w["message"])
        # nothing present at all: the same warning, no targets
        p = self.conf("[region gone]\nhpa = 0x9000000000\n", "gone.conf")
        j = self.ok_json(root, "apply", "--dry-run", "--config=" + p)
        self.assertEqual(j["targets"], [])
        self.assertEqual([w["code"] for w in j["warnings"]],
                         ["section-unmatched"])
        # udev's run for one device has no word on the others
        p = self.conf(self.TEXT)
        j = self.ok_json(root, "apply", "--dry-run", "--device=dax0.0",
                         "--config=" + p)
        self.assertEqual(j["warnings"], [])


class Shell(Base):
    def test_did_you_mean(self):
        root = self.tree("vm-small")
        self.usage_error(root, ["lst"],
                         r"^memplug: unknown command 'lst': did you mean "
                         r"'list'\?$")
        self.usage_error(root, ["help", "reconfgure"],
                         r"^memplug: help: unknown command 'reconfgure': "
                         r"did you mean 'reconfigure'\?$")
        self.usage_error(root, ["list", "--sumary"],
                         r"^memplug: list: unknown option '--sumary': did "
                         r"you mean '--summary'\?$")
        self.usage_error(root, ["online", "--zome=movable", "dax0.0"],
                         r"did you mean '--zone'\?$")
        self.usage_error(root, ["frobnicate"],
                         r"^memplug: unknown command 'frobnicate'$")
        p = subprocess.run([MEMPLUG, "--verbos", "list"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        self.assertEqual((p.returncode, p.stdout), (2, ""))
        self.assertRegex(p.stderr, r"^memplug: unknown option '--verbos': "
                         r"did you mean '--verbose'\?\n$")

    def test_verbose_after_the_command(self):
        root = self.tree("vm-small")
        quiet = self.ok_json(root, "list")
        for args in (["list", "-v"], ["list", "--verbose"], ["-v", "list"]):
            self.assertEqual(self.ok_json(root, *args), quiet)
        _, _, before = self.run_mp(root, "-v", "-v", "list")
        _, _, after = self.run_mp(root, "list", "-vv")
        self.assertTrue(before)
        self.assertEqual(before, after)

    def test_summary_has_no_table(self):
        root = self.tree("vm-small")
        for extra in (["--table"], ["-o", "SOURCE"], ["--pairs"]):
            self.usage_error(root, ["list", "--summary"] + extra,
                             "--summary is JSON only")

    def test_pairs_are_shell_variables(self):
        root = self.tree("vm-small")
        rc, out, err = self.run_mp(root, "list", "--pairs", "-o",
                                   "+MEMMAP-AT,TARGET-NODE,BASIS")
        self.assertEqual(rc, 0, err)
        for line in out.splitlines():
            for name in re.findall(r'(?:^| )([^ =]+)="', line):
                self.assertRegex(name, "^[A-Z_][A-Z0-9_]*$")
        self.assertIn('MEMMAP_AT="node:0"', out)
        # a shell takes each line as assignments
        sh = subprocess.run(["sh", "-c", 'eval "$1"; printf %s "$SOURCE '
                             '$MEMMAP_AT $TARGET_NODE"', "sh",
                             out.splitlines()[1]], stdout=subprocess.PIPE,
                            universal_newlines=True)
        self.assertEqual(sh.stdout, "dax0.0 node:0 0")
        # the printed names are accepted back by -o
        rc, out2, err = self.run_mp(root, "list", "--pairs", "-o",
                                    "SOURCE,memmap_at,target_node")
        self.assertEqual(rc, 0, err)
        self.assertIn('MEMMAP_AT="node:0" TARGET_NODE="0"', out2)

    def test_no_memory_hotplug(self):
        root = os.path.join(self.tmp, "nohotplug")
        os.makedirs(os.path.join(root, "sys", "devices", "system", "node"))
        for args in (["list"], ["list", "-M"], ["online", "all"],
                     ["config", "snapshot"]):
            with self.subTest(args=args):
                rc, out, err = self.run_mp(root, *args)
                self.assertEqual(rc, 1, err)
                self.assertEqual(out, "")
                self.assertEqual(len(err.splitlines()), 1, err)
                self.assertRegex(err, "^memplug: this system has no memory "
                                 "blocks: memory hotplug is not supported "
                                 "by this kernel")


if __name__ == "__main__":
    unittest.main(verbosity=2)
