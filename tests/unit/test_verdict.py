#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""memplug's verdict is the kernel's state, on generated sysfs trees.

Linux 7.3's dax device state in each of its values (list reports it and
never calls a device without its memory healthy; reconfigure plans the way
back), the refusal of blocks online in another zone, the kernel-memory
rule across nodes, and offline --unplug.  Trees have no kernel behind
them: these tests check what memplug reports, decides and plans; the VM
scenarios (dax-state, race-and-refusals) prove the writes on real kernels.
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

MEMPLUG = os.environ.get("MEMPLUG", "")
KERNEL_73 = "7.3.4+bpo-amd64"


def vm73(dax_state, blocks_state="online", zone="Movable"):
    """vm-small on 7.3: dax0.0 kmem-bound with its state file."""
    m = st.Machine("vm73-%s-%s" % (dax_state, blocks_state), 128 * st.MiB, kernel=KERNEL_73,
                   auto_online="offline", params=st.KERNEL_PARAMS)
    st.add_qemu_boot_ram(m)
    m.add_nvdimm_dax(dax_state=dax_state, state=blocks_state, zone=zone,
                     knob=0)
    return m


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Verdict(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-verdict-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def build(self, machine):
        return machine.write(os.path.join(self.tmp, machine.name))

    def run_mp(self, root, *args):
        p = subprocess.run([MEMPLUG, "--sysfs-root", root] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def source(self, j, name="dax0.0"):
        return [s for s in j["sources"] if s["source"] == name][0]

    def codes(self, obj):
        return [w["code"] for w in obj["warnings"]]

    def test_list_reports_every_dax_state(self):
        cases = [  # state file, blocks, expected warning codes
            ("unplugged", "online", ["memory-absent"]),
            ("offline", "offline", ["memory-offline"]),
            ("offline", "online", []),  # onlined block by block
            ("online_movable", "online", []),
            ("online", "online", []),
            ("online_kernel", "online", []),
        ]
        for dax_state, blocks, codes in cases:
            with self.subTest(state=dax_state, blocks=blocks):
                root = self.build(vm73(dax_state, blocks))
                rc, j, err = self.run_mp(root, "list")
                self.assertEqual(rc, 0, err)
                s = self.source(j)
                self.assertEqual(s["state"], dax_state)
                self.assertEqual(s["mode"], "system-ram")
                self.assertEqual(s["range_memblocks"], 15)
                self.assertEqual(self.codes(s), codes)
                self.assertEqual(s["warning"],
                                 s["warnings"][0]["message"] if codes else None)
                top = [(w["source"], w["code"]) for w in j["warnings"]]
                self.assertEqual(top, [("dax0.0", c) for c in codes])

    def test_unplugged_is_not_healthy(self):
        root = self.build(vm73("unplugged"))
        rc, j, err = self.run_mp(root, "list")
        s = self.source(j)
        self.assertEqual((s["total_memblocks"], s["online_memblocks"]), (0, 0))
        self.assertIn("provides no memory", s["warnings"][0]["message"])
        self.assertIn("state unplugged", s["warnings"][0]["message"])

    def test_unplugged_by_memplug_is_told_apart(self):
        root = self.build(vm73("online_movable"))
        rc, j, err = self.run_mp(root, "offline", "dax0.0", "--unplug")
        # the tree keeps its blocks (no kernel): the check says so, and
        # memplug's record of the unplug is written before
        self.assertEqual(rc, 3, err)
        self.assertIn("blocks are still present, not unplugged",
                      j["targets"][0]["error"])
        with open(os.path.join(root, "run/memplug/unplugged")) as f:
            self.assertEqual(f.read(), "dax0.0\n")
        root = self.build(vm73("unplugged"))
        os.makedirs(os.path.join(root, "run/memplug"))
        with open(os.path.join(root, "run/memplug/unplugged"), "w") as f:
            f.write("dax1.0\ndax0.0\n")
        rc, j, err = self.run_mp(root, "list")
        self.assertEqual(self.codes(self.source(j)), ["memory-unplugged"])
        # a bind puts the memory back: the record goes
        self.run_mp(root, "reconfigure", "dax0.0", "--mode=devdax")
        with open(os.path.join(root, "run/memplug/unplugged")) as f:
            self.assertEqual(f.read(), "dax1.0\n")

    def test_apply_refuses_a_namespace_that_stays_fsdax(self):
        # at boot a devdax namespace reads raw until its driver claims it:
        # apply waits (bounded by --wait) before it refuses one that stays
        root = self.build(st.build("vm-73"))
        conf = os.path.join(self.tmp, "conf")
        os.mkdir(conf, 0o755)
        with open(os.path.join(conf, "10.conf"), "w") as f:
            f.write("[namespace x]\nuuid = 3c2b1a09-8f7e-4d6c-9b5a-0123456789ab\n")
        rc, j, err = self.run_mp(root, "apply", "--config=" + conf, "--wait=1")
        self.assertEqual(rc, 4, err)
        t = j["targets"][0]
        self.assertEqual((t["target"], t["result"]), ("namespace1.0", "refused"))
        self.assertIn("never converts a namespace", t["error"])

    def test_no_state_file_reads_null(self):
        root = self.build(st.build("vm-small"))
        rc, j, err = self.run_mp(root, "list")
        self.assertEqual(rc, 0, err)
        self.assertIsNone(self.source(j)["state"])
        self.assertEqual(self.source(j)["warnings"], [])
        self.assertEqual(j["warnings"], [])

    def test_bad_state_text_is_not_a_state(self):
        m = vm73("online_movable")
        m.dax["dax0.0"]["dax_state"] = "online_movable\x1b[2J"
        root = self.build(m)
        rc, j, err = self.run_mp(root, "list")
        self.assertEqual(rc, 0, err)
        self.assertIsNone(self.source(j)["state"])

    def test_unplugged_reconfigure_plans_the_way_back(self):
        root = self.build(vm73("unplugged"))
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--dry-run")
        self.assertEqual(rc, 0, err)
        t = j["targets"][0]
        self.assertEqual(t["result"], "planned")
        self.assertTrue(j["would_change"])
        self.assertEqual(t["steps"], [
            "unbind dax0.0 from kmem (its memory is not present)",
            "bind dax0.0 to kmem",
            "online the new blocks online_movable (descending)"])
        self.assertEqual(t["before"]["state"], "unplugged")
        # --parallel: the kernel's whole-device write
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--parallel",
                                 "--zone=normal", "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(j["targets"][0]["steps"], [
            "write online_kernel to dax0.0/state: the kernel adds and "
            "onlines its 15 blocks"])
        # a memmap change cannot go through the state write: rebind
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--parallel",
                                 "--no-memmap-on-memory", "--dry-run")
        self.assertEqual(rc, 0, err)

    def test_unplugged_reconfigure_writes(self):
        root = self.build(vm73("unplugged"))
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--parallel")
        with open(os.path.join(root, "sys/bus/dax/devices/dax0.0/state")) as f:
            self.assertEqual(f.read().strip(), "online_movable")
        # no kernel behind the tree: no block appears, and memplug says so
        self.assertEqual(rc, 3, err)
        self.assertIn("0 of the device's 15 blocks are present",
                      j["targets"][0]["error"])

    def test_unplugged_to_devdax_plan(self):
        root = self.build(vm73("unplugged"))
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=devdax", "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(j["targets"][0]["steps"],
                         ["unbind dax0.0 from kmem", "bind dax0.0 to device_dax"])

    def test_online_of_unplugged_device_plans_rebind(self):
        root = self.build(vm73("unplugged"))
        rc, j, err = self.run_mp(root, "online", "dax0.0", "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(j["targets"][0]["steps"], [
            "unbind dax0.0 from kmem (its memory is not present)",
            "bind dax0.0 to kmem, online its blocks online_movable"])

    def test_offline_unplug(self):
        root = self.build(vm73("online_movable"))
        rc, j, err = self.run_mp(root, "offline", "dax0.0", "--unplug",
                                 "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(j["targets"][0]["steps"], [
            "offline 15 blocks (hole-first)",
            "write unplugged to dax0.0/state: remove its memory"])
        # no state file (before 7.3): refused with the reason, nothing done
        root = self.build(st.build("vm-small"))
        rc, j, err = self.run_mp(root, "offline", "dax0.0", "--unplug")
        self.assertEqual(rc, 1)
        self.assertIn("--unplug needs Linux 7.3+", err)
        rc, j, err = self.run_mp(root, "offline", "memory33", "--unplug")
        self.assertEqual(rc, 1)
        self.assertIn("--unplug takes a dax device", err)

    def test_unmet_zone_is_refused_not_unchanged(self):
        root = self.build(st.build("vm-small"))
        for cmd in (["reconfigure", "dax0.0", "--mode=system-ram"],
                    ["online", "dax0.0"]):
            with self.subTest(cmd=cmd[0]):
                rc, j, err = self.run_mp(root, *cmd, "--zone=normal")
                t = j["targets"][0]
                self.assertEqual((rc, t["result"], j["changed"]),
                                 (4, "refused", False), err)
                self.assertIn("15 blocks are online in Movable, not Normal",
                              t["error"])
                self.assertIn("onlined outside memplug", t["error"])
                self.assertIn("memplug %s dax0.0%s --zone=normal --force" % (
                    cmd[0], " --mode=system-ram" if cmd[0] == "reconfigure"
                    else ""), t["error"])
                self.assertEqual(err.count("\n"), 1, "one line on stderr")

    def test_zone_cause_names_memplug_and_the_kernel(self):
        root = self.build(st.build("vm-small"))
        os.makedirs(os.path.join(root, "run/memplug"))
        with open(os.path.join(root, "run/memplug/onlined"), "w") as f:
            f.write("33 47 Movable\n")
        rc, j, err = self.run_mp(root, "online", "dax0.0", "--zone=normal",
                                 "--dry-run")
        self.assertEqual(rc, 4)
        self.assertIn("memplug onlined them into Movable earlier",
                      j["targets"][0]["error"])
        os.unlink(os.path.join(root, "run/memplug/onlined"))
        with open(os.path.join(root, "sys/devices/system/memory/"
                               "auto_online_blocks"), "w") as f:
            f.write("online_movable\n")
        rc, j, err = self.run_mp(root, "online", "dax0.0", "--zone=normal",
                                 "--dry-run")
        self.assertIn("auto_online_blocks=online_movable",
                      j["targets"][0]["error"])

    def test_forced_zone_move_is_a_warning_with_a_code(self):
        root = self.build(st.build("vm-small"))
        rc, j, err = self.run_mp(root, "online", "dax0.0", "--zone=normal",
                                 "--force", "--dry-run")
        self.assertEqual(rc, 0, err)
        t = j["targets"][0]
        self.assertEqual([w["code"] for w in t["warnings"]], ["zone-mismatch"])
        self.assertEqual(j["warnings"][0]["target"], "dax0.0")
        self.assertIn("move 15 blocks to Normal", t["steps"])

    def test_cxl_host_keeps_kernel_memory(self):
        root = self.build(st.build("cxl-host"))
        rc, j, err = self.run_mp(root, "offline", "boot-node0", "boot-node1",
                                 "--dry-run")
        self.assertEqual(rc, 4, err)
        for t in j["targets"]:
            self.assertEqual(t["result"], "refused")
        self.assertIn("node 0 has CPUs and would keep no kernel-zone memory",
                      j["targets"][0]["error"])
        # 52 of node 1's 64 GiB: node 1 keeps kernel memory, but the
        # system would keep 76 GiB for 256 GiB of Movable (3.4:1)
        rc, j, err = self.run_mp(root, "offline", "memory33-58",
                                 "--dry-run")
        self.assertEqual(rc, 4, err)
        self.assertIn("Movable:kernel", j["targets"][0]["error"])
        # --force: planned, with the warning as data
        rc, j, err = self.run_mp(root, "offline", "memory33-58", "--force",
                                 "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual([w["code"] for w in j["warnings"]],
                         ["kernel-memory-forced"])

    def test_onlining_movable_beyond_the_ratio_is_refused(self):
        # 1 GiB of boot RAM, a 14 GiB namespace offline: 14:1 if Movable
        m = st.Machine("ratio", 128 * st.MiB, kernel=KERNEL_73,
                       auto_online="offline", params=st.KERNEL_PARAMS)
        st.add_qemu_boot_ram(m)
        m.add_nvdimm_dax(ns_size=14 * st.GiB + 32 * st.MiB, state="offline")
        root = self.build(m)
        rc, j, err = self.run_mp(root, "online", "dax0.0", "--dry-run")
        self.assertEqual(rc, 4, err)
        self.assertIn("above 3:1", j["targets"][0]["error"])
        rc, j, err = self.run_mp(root, "online", "dax0.0", "--zone=normal",
                                 "--dry-run")
        self.assertEqual(rc, 0, err)
        # online Movable beyond the ratio: offlining it only helps, never
        # refused (found by the 64 GiB bench: offline --unplug was)
        m = st.Machine("ratio-on", 128 * st.MiB, kernel=KERNEL_73,
                       auto_online="offline", params=st.KERNEL_PARAMS)
        st.add_qemu_boot_ram(m)
        m.add_nvdimm_dax(ns_size=14 * st.GiB + 32 * st.MiB,
                         dax_state="online_movable")
        root = self.build(m)
        rc, j, err = self.run_mp(root, "offline", "dax0.0", "--unplug",
                                 "--dry-run")
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
