#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write-path logic of reconfigure/online/offline on generated sysfs trees.

Trees live in temp dirs only (sysfs_tree refuses anything under /sys, /proc,
/dev or /).  A tree has no kernel behind it: these tests check what memplug
decides and which files it writes (plans, refusals, the kernel-auto path's
save/restore of auto_online_blocks, the lock), not block state changes,
which the VM scenarios prove on real kernels.
"""
import fcntl
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


def devdax_vm():
    """vm-small, but dax0.0 in devdax mode (no memory blocks of its own)."""
    m = st.Machine("devdax-vm", 128 * st.MiB, kernel="6.1.0-18-amd64",
                   auto_online="offline",
                   params={"memmap_on_memory": "N",
                           "online_policy": "contig-zones"})
    m.add_node(0, "0-3")
    m.add_boot_block0(0)
    m.add_boot_range(0, 1, 15, zone="DMA32")
    m.add_nvdimm_dax(mode="devdax")
    return m


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class WritePaths(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-write-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def build(self, machine):
        return machine.write(os.path.join(self.tmp, machine.name))

    def run_mp(self, root, *args):
        p = subprocess.run([MEMPLUG, "--sysfs-root", root] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        self.assertGreaterEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def read(self, root, rel):
        with open(os.path.join(root, rel)) as f:
            return f.read().strip()

    def snapshot(self, root):
        files = {}
        for d, _, names in os.walk(root):
            if os.path.relpath(d, root).startswith("run"):
                continue  # the lock file is not kernel state
            for n in names:
                p = os.path.join(d, n)
                if not os.path.islink(p):
                    with open(p, "rb") as f:
                        files[p] = f.read()
        return files

    def test_parallel_detected(self):
        root = self.build(st.build("cxl-host-parallel"))
        rc, j, err = self.run_mp(root, "list")
        self.assertEqual(rc, 0, err)
        caps = j["system"]["capabilities"]
        self.assertTrue(caps["parallel_onlining"])
        self.assertTrue(caps["parallel_requested"])
        self.assertEqual(caps["parallel_hotplug_ratio"], 2)
        self.assertEqual(caps["parallel_evidence"], "kallsyms")
        self.assertEqual(j["system"]["online_path"], "kernel")
        self.assertEqual(j["warnings"], [])
        root2 = self.build(st.build("cxl-host"))
        rc, j, err = self.run_mp(root2, "list")
        self.assertFalse(j["system"]["capabilities"]["parallel_onlining"])
        self.assertFalse(j["system"]["capabilities"]["parallel_requested"])
        self.assertEqual(j["system"]["online_path"], "ordered-writes")

    def test_parallel_module_parameter_confirms(self):
        # a parameter file the kernel registered: no kallsyms needed
        m = st.build("cxl-host-parallel")
        m.kallsyms = None
        root = self.build(m)
        param = os.path.join(root, "sys/module/memory/parameters")
        os.makedirs(param)
        with open(os.path.join(param, "parallel_hotplug_ratio"), "w") as f:
            f.write("3\n")
        rc, j, err = self.run_mp(root, "list", "-s")
        self.assertEqual(rc, 0, err)
        caps = j["system"]["capabilities"]
        self.assertEqual((caps["parallel_onlining"], caps["parallel_evidence"],
                          caps["parallel_hotplug_ratio"]), (True, "module", 3))

    def test_cmdline_alone_is_no_evidence(self):
        # a kernel without the feature ignores parallel_hotplug_ratio=:
        # not parallel, the ordered path, and a warning that says why
        m = st.build("cxl-host-parallel")
        m.kallsyms = "ffffffff81000000 T _stext\nffffffff812a1c40 T online_pages\n"
        root = self.build(m)
        rc, j, err = self.run_mp(root, "list", "-s")
        self.assertEqual(rc, 0, err)
        caps = j["system"]["capabilities"]
        self.assertEqual((caps["parallel_onlining"], caps["parallel_requested"],
                          caps["parallel_evidence"]), (False, True, None))
        self.assertEqual(j["system"]["online_path"], "ordered-writes")
        self.assertEqual([(w["source"], w["code"]) for w in j["warnings"]],
                         [(None, "parallel-unconfirmed")])
        plan = self.run_mp(root, "reconfigure", "dax0.0", "--mode=devdax",
                           "--dry-run")
        self.assertEqual(plan[0], 0, plan[2])

    def test_list_reads_no_kallsyms_unless_asked(self):
        # without the command line parameter kallsyms is never opened: an
        # unreadable one (a FIFO would block a reader) changes nothing, and
        # list writes nothing below the root
        m = st.build("cxl-host")
        root = self.build(m)
        kallsyms = os.path.join(root, "proc/kallsyms")
        if os.path.lexists(kallsyms):
            os.unlink(kallsyms)
        os.mkfifo(kallsyms)

        def tree():
            return sorted((d, n, os.lstat(os.path.join(d, n)).st_mtime_ns)
                          for d, _, names in os.walk(root) for n in names)
        before = tree()
        rc, j, err = self.run_mp(root, "list")
        self.assertEqual(rc, 0, err)
        self.assertFalse(j["system"]["capabilities"]["parallel_onlining"])
        self.assertEqual(tree(), before)
        self.assertFalse(os.path.exists(os.path.join(root, "run")))

    def test_kallsyms_module_symbol(self):
        # a module's symbol reads "addr t name\t[module]"; a longer name
        # that starts with the symbol's does not count
        for text, expect in (("ffffffffc0a01000 t deferred_online_memory\t[hotplug_par]\n", True),
                             ("ffffffffc0a01000 t deferred_online_memory_x\n", False)):
            m = st.build("cxl-host-parallel")
            m.name = "kallsyms-%s" % expect
            m.kallsyms = "ffffffff81000000 T _stext\n" + "x" * 300000 + "\n" + text
            root = self.build(m)
            rc, j, err = self.run_mp(root, "list", "-s")
            self.assertEqual(rc, 0, err)
            self.assertIs(j["system"]["capabilities"]["parallel_onlining"], expect, text)

    def test_kernel_auto_path_restores_auto_online_blocks(self):
        root = self.build(devdax_vm())
        aob = "sys/devices/system/memory/auto_online_blocks"
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--parallel")
        # no kernel behind a tree: the bind is written, the mode stays, and
        # the end-state check refuses to call that a success
        self.assertEqual(rc, 3, err)
        t = j["targets"][0]
        self.assertEqual(t["result"], "partial")
        self.assertIn("end state differs from the request: dax0.0 is devdax, "
                      "not system-ram", t["error"])
        self.assertEqual(t["steps"][0], "bind dax0.0 to kmem, kernel onlines all blocks online_movable")
        self.assertEqual(self.read(root, aob), "offline")
        self.assertEqual(self.read(root, "sys/bus/dax/drivers/kmem/bind"), "dax0.0")
        self.assertEqual(self.read(root, "sys/bus/dax/drivers/kmem/new_id"), "dax0.0")
        self.assertEqual(self.read(root, "sys/bus/dax/drivers/device_dax/unbind"), "dax0.0")
        self.assertTrue(j["changed"])

    def test_ordered_path_plan(self):
        root = self.build(devdax_vm())
        before = self.snapshot(root)
        rc, j, err = self.run_mp(root, "reconfigure", "namespace0.0",
                                 "--mode=system-ram", "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.snapshot(root), before, "a dry run wrote files")
        self.assertEqual(j["dry_run"], True)
        self.assertEqual(j["changed"], False)
        self.assertEqual(j["would_change"], True)
        t = j["targets"][0]
        self.assertEqual(t["result"], "planned")
        self.assertEqual(t["source"], "dax0.0")
        self.assertEqual(t["steps"], ["bind dax0.0 to kmem",
                                      "online the new blocks online_movable (descending)"])
        self.assertIsNone(t["after"])

    def test_memmap_refused_without_knob(self):
        root = self.build(devdax_vm())
        before = self.snapshot(root)
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--memmap-on-memory")
        self.assertEqual(rc, 4)
        self.assertIn("knob", err)
        self.assertEqual(j["targets"][0]["result"], "refused")
        self.assertEqual(self.snapshot(root), before)

    def test_memmap_refused_without_boot_parameter(self):
        root = self.build(st.build("cxl-host-paramN"))
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--memmap-on-memory")
        self.assertEqual(rc, 4)
        self.assertIn("memory_hotplug.memmap_on_memory", err)

    def test_unchanged_is_exit_0(self):
        root = self.build(st.build("vm-small"))
        before = self.snapshot(root)
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=system-ram", "--zone=movable")
        self.assertEqual(rc, 0, err)
        self.assertEqual(j["changed"], False)
        self.assertEqual(j["targets"][0]["result"], "unchanged")
        self.assertEqual(j["targets"][0]["before"]["zones"]["Movable"], 15)
        self.assertEqual(self.snapshot(root), before)

    def test_offline_plan_is_hole_first(self):
        root = self.build(st.build("vm-small"))
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                 "--mode=devdax", "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(j["targets"][0]["steps"],
                         ["offline 15 blocks (hole-first)",
                          "unbind dax0.0 from kmem",
                          "bind dax0.0 to device_dax"])

    def test_lock_wait(self):
        root = self.build(st.build("vm-small"))
        os.makedirs(os.path.join(root, "run/memplug"), exist_ok=True)
        with open(os.path.join(root, "run/memplug/lock"), "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            rc, j, err = self.run_mp(root, "online", "dax0.0", "--wait=1")
        self.assertEqual(rc, 1)
        self.assertIsNone(j)
        self.assertIn("another memplug", err)
        self.assertEqual(len(err.strip().splitlines()), 1)

    def test_unknown_target_and_usage(self):
        root = self.build(st.build("vm-small"))
        rc, j, err = self.run_mp(root, "online", "dax9.9")
        self.assertEqual(rc, 1)
        self.assertEqual(j["targets"][0]["result"], "error")
        self.assertIn("dax9.9", j["targets"][0]["error"])
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0")
        self.assertEqual(rc, 2)
        self.assertIn("--mode", err)
        rc, j, err = self.run_mp(root, "online", "dax0.0", "--order=sideways")
        self.assertEqual(rc, 2)
        self.assertIn("--order", err)
        rc, j, err = self.run_mp(root, "online", "memory40-memory33")
        self.assertEqual(rc, 1)

    def test_several_targets_exit_code(self):
        root = self.build(st.build("vm-small"))
        # one unchanged, one unknown: nothing changed -> the failure's code
        rc, j, err = self.run_mp(root, "reconfigure", "dax0.0", "dax7.7",
                                 "--mode=system-ram")
        self.assertEqual(rc, 1)
        self.assertEqual([t["result"] for t in j["targets"]],
                         ["unchanged", "error"])

    def test_memmap_parameter_truth_values(self):
        # the kernel's bool parameter takes y as well as Y (and 1, force):
        # reconfigure must read the parameter the way the library does
        for param, want_rc in (("Y", 0), ("y", 0), ("1", 0), ("force", 0),
                               ("N", 4), ("n", 4), ("0", 4)):
            with self.subTest(param=param):
                m = st.build("cxl-host")
                m.name = "param-%s" % param
                m.params = dict(m.params, memmap_on_memory=param)
                root = self.build(m)
                rc, j, err = self.run_mp(root, "reconfigure", "dax0.0",
                                         "--mode=system-ram",
                                         "--memmap-on-memory", "--dry-run")
                self.assertEqual(rc, want_rc, err)
                t = j["targets"][0]
                self.assertEqual(t["result"],
                                 "unchanged" if want_rc == 0 else "refused")
                rc, j, err = self.run_mp(root, "list", "-s")
                self.assertEqual(j["system"]["memmap_on_memory"], param)

    def test_failed_stdout_write_is_an_error(self):
        # a full disk: exit 1 and one line naming stdout, never exit 0
        root = self.build(st.build("vm-small"))
        for args in (["list"], ["list", "-M"],
                     ["online", "dax0.0", "--dry-run"]):
            with self.subTest(args=args), open("/dev/full", "w") as full:
                p = subprocess.run([MEMPLUG, "--sysfs-root", root] + args,
                                   stdout=full, stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=60)
                self.assertEqual(p.returncode, 1, p.stderr)
                lines = p.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertTrue(lines[0].startswith("memplug: "), lines)
                self.assertIn("stdout", lines[0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
