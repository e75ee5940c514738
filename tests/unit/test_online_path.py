#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The online path per kernel, and blocks the kernel defers, on trees.

Detection of the zone-contiguity fix (release 7.4+, or
memory_hotplug.fast_contig), the path memplug takes per kernel and what
list says about it (online_path, online_path_reason), and the plans of
reconfigure and online on each.  Parallel deferred onlining is emulated:
a thread plays the kernel, taking each block's online write, leaving the
block `offline` and onlining it later (as Anolis and the test bed's
patched kernel do); memplug must wait, report the blocks as onlined, time
out with a clear reason, and converge after a kill -9.  The VM scenarios
prove the same on the patched kernel.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
MEMORY = "sys/devices/system/memory"
DAX_BLOCKS = list(range(33, 48))  # dax0.0 of the QEMU guest: 15 blocks


def machine(name, kernel, params=None, cmdline_extra="", mode="system-ram",
            **dax):
    """The 2 GiB QEMU guest with dax0.0 (add_nvdimm_dax(**dax)), on
    @kernel, with memory_hotplug parameters @params added."""
    cmdline = "BOOT_IMAGE=/boot/vmlinuz-%s root=/dev/vda1 ro%s" % (
        kernel, cmdline_extra)
    m = st.Machine(name, 128 * st.MiB, kernel=kernel, auto_online="offline",
                   params=dict(st.KERNEL_PARAMS, **(params or {})),
                   cmdline=cmdline)
    st.add_qemu_boot_ram(m)
    m.add_nvdimm_dax(mode=mode, **dax)
    return m


def write_file(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def parallel_kernel(root, ratio=1):
    """What the test bed's patched kernel registers with the feature on"""
    write_file(root, "sys/module/kernel/parameters/parallel_hotplug_ratio",
               "%d\n" % ratio)


class DeferringKernel(threading.Thread):
    """The kernel of a tree, for memory blocks, with parallel deferred
    onlining: a block's online write is taken (the file says what was
    written) and the block reads offline until its deferred phase, @delay
    seconds later, reads online in Movable.  @delay None: never.  A write
    to a block already pending keeps it pending."""

    def __init__(self, root, blocks, delay):
        super().__init__(daemon=True)
        self.root, self.blocks, self.delay = root, blocks, delay
        self.due = {}
        self.deferred = set()
        self.stop = threading.Event()

    def put(self, rel, text):
        path = os.path.join(self.root, MEMORY, rel)
        tmp = path + ".kernel"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)  # never an empty file for a reader

    def run(self):
        while not self.stop.is_set():
            now = time.monotonic()
            for b in self.blocks:
                try:
                    with open(os.path.join(self.root, MEMORY,
                                           "memory%d/state" % b)) as f:
                        text = f.read().strip()
                except OSError:
                    continue
                if text in ("online_movable", "online_kernel"):
                    self.deferred.add(b)
                    if b not in self.due:
                        self.due[b] = None if self.delay is None else \
                            now + self.delay
                    self.put("memory%d/state" % b, "offline\n")
                elif b in self.due and self.due[b] is not None and \
                        now >= self.due[b]:
                    self.put("memory%d/valid_zones" % b, "Movable\n")
                    self.put("memory%d/state" % b, "online\n")
                    del self.due[b]
            time.sleep(0.001)

    def finish(self):
        self.stop.set()
        self.join(5)


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class OnlinePath(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-path-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def build(self, m):
        return m.write(os.path.join(self.tmp, m.name))

    def run_mp(self, root, *args, timeout=60):
        p = subprocess.run([MEMPLUG, "--sysfs-root", root] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout)
        self.assertGreaterEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def system(self, root):
        rc, j, err = self.run_mp(root, "list", "-s")
        self.assertEqual(rc, 0, err)
        return j["system"]

    # ---- the zone-contiguity fix ------------------------------------------

    def test_fix_detection(self):
        cases = [  # release, fast_contig file, linear_evidence
            ("7.3.4+bpo-amd64", None, None),
            ("7.3.4-memplug", "N", None),
            ("7.3.4-memplug", "Y", "module"),
            ("7.3.4-memplug", "1", "module"),
            ("7.4.0-1-amd64", None, "release"),
            ("7.4", None, "release"),
            ("7.40.1", None, "release"),
            ("8.0.0-rc1", None, "release"),
            ("10.2.0", None, "release"),
            ("7.4.0-1-amd64", "N", None),  # the kernel's own word wins
            ("7.4.0-1-amd64", "maybe", "release"),  # not a bool: ignored
            ("6.12.9-amd64", None, None),
            ("7.39999999", None, None),  # not a minor number
            ("74", None, None),
            ("7.x", None, None),
            ("", None, None),
        ]
        for i, (release, param, evidence) in enumerate(cases):
            with self.subTest(release=release, fast_contig=param):
                params = {} if param is None else {"fast_contig": param}
                root = self.build(machine("fix%d" % i, release, params))
                sys_ = self.system(root)
                caps = sys_["capabilities"]
                self.assertEqual(caps["linear_evidence"], evidence)
                self.assertEqual(caps["linear_onlining"], evidence is not None)
                self.assertEqual(
                    (sys_["online_path"], sys_["online_path_reason"]),
                    ("kernel", "linear-zone-contiguity") if evidence else
                    ("ordered-writes", "ascending-quadratic"))

    def test_osrelease_missing(self):
        m = machine("no-release", "7.4.0-1-amd64")
        m.omit_paths.add("proc/sys/kernel/osrelease")
        sys_ = self.system(self.build(m))
        self.assertIsNone(sys_["kernel"])
        self.assertFalse(sys_["capabilities"]["linear_onlining"])
        self.assertEqual(sys_["online_path"], "ordered-writes")

    # ---- the path per kernel --------------------------------------------

    def test_path_per_kernel(self):
        cases = [  # name, release, fix, cmdline, confirmed ratio, path, reason
            ("stock61", "6.1.0-18-amd64", None, "", None,
             "ordered-writes", "ascending-quadratic"),
            # 6.1 ignores the parameter: the command line alone is no
            # evidence, and the kernel-auto path would be slower there
            ("stock61-asked", "6.1.0-18-amd64", None,
             " parallel_hotplug_ratio=1", None,
             "ordered-writes", "ascending-quadratic"),
            ("patched", "7.3.4-memplug", "N", "", None,
             "ordered-writes", "ascending-quadratic"),
            ("patched-fix", "7.3.4-memplug", "Y", "", None,
             "kernel", "linear-zone-contiguity"),
            ("patched-parallel", "7.3.4-memplug", "N",
             " parallel_hotplug_ratio=1", 1,
             "kernel", "parallel-onlining"),
            ("patched-both", "7.3.4-memplug", "Y",
             " parallel_hotplug_ratio=2", 2,
             "kernel", "parallel-onlining"),
            ("patched-ratio0", "7.3.4-memplug", "N",
             " parallel_hotplug_ratio=0", 0,
             "ordered-writes", "ascending-quadratic"),
            ("upstream74", "7.4.0-1-amd64", None, "", None,
             "kernel", "linear-zone-contiguity"),
        ]
        for name, rel, fix, cmdline, ratio, path, reason in cases:
            with self.subTest(kernel=name):
                params = {} if fix is None else {"fast_contig": fix}
                root = self.build(machine(name, rel, params, cmdline))
                if ratio is not None:
                    parallel_kernel(root, ratio)
                sys_ = self.system(root)
                self.assertEqual(
                    (sys_["online_path"], sys_["online_path_reason"]),
                    (path, reason))
                self.assertEqual(sys_["capabilities"]["parallel_onlining"],
                                 bool(ratio))

    def steps(self, root, *args):
        rc, j, err = self.run_mp(root, *args)
        self.assertEqual(rc, 0, err)
        return j["targets"][0]["steps"]

    def test_reconfigure_follows_the_path(self):
        kernel_steps = ["bind dax0.0 to kmem, kernel onlines all blocks "
                        "online_movable"]
        ordered_steps = ["bind dax0.0 to kmem",
                         "online the new blocks online_movable (descending)"]
        cases = [  # release, fast_contig, options, steps
            ("7.3.4-memplug", "N", [], ordered_steps),
            ("7.3.4-memplug", "Y", [], kernel_steps),
            ("7.4.0-1-amd64", None, [], kernel_steps),
            ("7.4.0-1-amd64", None, ["--no-parallel"], ordered_steps),
            ("7.3.4-memplug", "N", ["--parallel"], kernel_steps),
        ]
        for i, (rel, fix, opts, want) in enumerate(cases):
            with self.subTest(kernel=rel, fast_contig=fix, opts=opts):
                params = {} if fix is None else {"fast_contig": fix}
                root = self.build(machine("re%d" % i, rel, params,
                                          mode="devdax"))
                self.assertEqual(
                    self.steps(root, "reconfigure", "dax0.0",
                               "--mode=system-ram", "--dry-run", *opts),
                    want)

    def test_online_of_unplugged_device_follows_the_path(self):
        cases = [  # fast_contig, first step
            ("N", "unbind dax0.0 from kmem (its memory is not present)"),
            ("Y", "write online_movable to dax0.0/state: the kernel adds "
                  "and onlines its 15 blocks"),
        ]
        for fix, want in cases:
            with self.subTest(fast_contig=fix):
                root = self.build(machine("unplugged-" + fix, "7.3.4-memplug",
                                          {"fast_contig": fix},
                                          dax_state="unplugged", knob=0))
                self.assertEqual(
                    self.steps(root, "online", "dax0.0", "--dry-run")[0],
                    want)

    # ---- deferred blocks --------------------------------------------------

    def deferring_tree(self, name, delay, blocks_state="offline"):
        root = self.build(machine(name, "7.3.4-memplug", {"fast_contig": "N"},
                                  " parallel_hotplug_ratio=1",
                                  state=blocks_state))
        parallel_kernel(root)
        kernel = DeferringKernel(root, DAX_BLOCKS, delay)
        kernel.start()
        self.addCleanup(kernel.finish)
        return root, kernel

    def onlined_record(self, root):
        try:
            with open(os.path.join(root, "run/memplug/onlined")) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def test_deferred_blocks_are_waited_for(self):
        root, kernel = self.deferring_tree("deferred", 0.3)
        for target in ("memory33-47", "dax0.0"):
            with self.subTest(target=target):
                if target == "dax0.0":  # again, from offline
                    kernel.finish()
                    root, kernel = self.deferring_tree("deferred-dax", 0.3)
                rc, j, err = self.run_mp(root, "online", target)
                self.assertEqual(rc, 0, err)
                t = j["targets"][0]
                self.assertEqual(t["result"], "changed")
                self.assertEqual(t["error"], None)
                self.assertEqual(t["failed_blocks"], [])
                # every write was taken and deferred: memplug waited
                self.assertEqual(sorted(t["deferred_blocks"]), DAX_BLOCKS)
                self.assertEqual(sorted(kernel.deferred), DAX_BLOCKS)
                self.assertGreaterEqual(t["timings_ms"]["deferred_wait_ms"],
                                        200)
                self.assertEqual(t["after"]["online_memblocks"], 15)
                self.assertEqual(t["after"]["zones"]["Movable"], 15)
                self.assertEqual(self.onlined_record(root), "33 47 Movable\n")
                # and the next run has nothing to do
                rc, j, err = self.run_mp(root, "online", target)
                self.assertEqual((rc, j["targets"][0]["result"]),
                                 (0, "unchanged"), err)
                self.assertNotIn("deferred_blocks", j["targets"][0])

    def test_deferred_blocks_that_never_come_online_fail(self):
        root, kernel = self.deferring_tree("never", None)
        start = time.monotonic()
        rc, j, err = self.run_mp(root, "online", "memory33-47",
                                 "--timeout=1")
        self.assertLess(time.monotonic() - start, 10)
        self.assertEqual(rc, 1, err)
        t = j["targets"][0]
        self.assertEqual(t["result"], "error")
        self.assertEqual(sorted(t["failed_blocks"]), DAX_BLOCKS)
        self.assertEqual(sorted(t["deferred_blocks"]), DAX_BLOCKS)
        self.assertEqual(
            t["error"], "15 blocks deferred by the kernel: not online after 1 s")
        self.assertGreaterEqual(t["timings_ms"]["deferred_wait_ms"], 1000)
        self.assertEqual(t["after"]["online_memblocks"], 0)
        # nothing recorded as memplug's that is not online
        self.assertEqual(self.onlined_record(root), "")
        self.assertIn("deferred by the kernel", err)

    def test_stock_kernel_is_not_waited_for(self):
        # without confirmed parallel onlining a successful write is
        # believed: the kernel does not defer, and nothing is read back
        root = self.build(machine("stock", "7.3.4+bpo-amd64",
                                  cmdline_extra=" parallel_hotplug_ratio=1",
                                  state="offline"))
        kernel = DeferringKernel(root, DAX_BLOCKS, 0.2)
        kernel.start()
        self.addCleanup(kernel.finish)
        rc, j, err = self.run_mp(root, "online", "memory33-47")
        t = j["targets"][0]
        self.assertNotIn("deferred_blocks", t)
        self.assertNotIn("deferred_wait_ms", t["timings_ms"])
        # the end-state check reads the kernel again: the emulated
        # deferral shows as blocks not online, never as success
        self.assertNotEqual(rc, 0, err)

    def test_kill_while_waiting_then_rerun_converges(self):
        root, kernel = self.deferring_tree("kill", 1.5)
        p = subprocess.Popen([MEMPLUG, "--sysfs-root", root, "online",
                              "memory33-47"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while len(kernel.deferred) < 15 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(len(kernel.deferred), 15, "every block written")
        time.sleep(0.1)  # memplug is waiting for the deferred phase
        self.assertIsNone(p.poll(), "still waiting")
        p.send_signal(signal.SIGKILL)
        p.communicate()
        # nothing durable says memplug onlined blocks that are offline
        self.assertEqual(self.onlined_record(root), "")
        # a rerun at once: some blocks still pending; it converges
        rc, j, err = self.run_mp(root, "online", "memory33-47")
        self.assertEqual(rc, 0, err)
        t = j["targets"][0]
        self.assertIn(t["result"], ("changed", "unchanged"))
        self.assertEqual(t["after"]["online_memblocks"], 15)
        rc, j, err = self.run_mp(root, "online", "memory33-47")
        self.assertEqual((rc, j["targets"][0]["result"]), (0, "unchanged"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
