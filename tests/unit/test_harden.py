#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile and broken kernel files, kill -9 and vanished devices on generated
trees: one test class per defect class (symlinks out of the root, huge
and special files, unparsable numbers, ...).

Every tree lives in a temp dir (sysfs_tree refuses /sys, /proc, /dev and /).
"Outside" files that a defect could reach live in the same temp dir, next to
the tree, never anywhere else.  Killing and failing system calls at an exact
point uses strace's fault injection (-P PATH -e inject=...).  Under CI=true a
test whose tool is missing fails instead of skipping.
"""
import json
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
CI = bool(os.environ.get("CI"))
SANITIZED = bool(os.environ.get("MEMPLUG_SANITIZED"))
STRACE = shutil.which("strace")
MEM = "sys/devices/system/memory"
AOB = MEM + "/auto_online_blocks"
DAX0 = st.ND_BUS + "/region0/dax0.1/dax0.0"
EXIT_CODES = (0, 1, 2, 3, 4)


def devdax_vm():
    """vm-small, but dax0.0 in devdax mode (no memory blocks of its own)."""
    m = st.Machine("devdax-vm", 128 * st.MiB, kernel="6.1.0-18-amd64",
                   auto_online="offline", params=st.KERNEL_PARAMS)
    st.add_qemu_boot_ram(m)
    m.add_nvdimm_dax(mode="devdax")
    return m


def limit_memory():
    # a reader that grows without bound must not take the shared machine
    # with it (ASan reserves terabytes of shadow: no limit there)
    os.setsid()
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Case(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-harden-")
        self.outside = os.path.join(self.tmp, "outside")
        os.makedirs(self.outside)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def need(self, tool, path):
        if not path:
            if CI:
                self.fail("%s is not installed (CI=true: a skip is a failure)" % tool)
            self.skipTest("%s not installed" % tool)

    def build(self, machine):
        return machine.write(os.path.join(self.tmp, machine.name))

    def put(self, root, rel, content, mode="w"):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if os.path.lexists(p):
            os.unlink(p)
        with open(p, mode) as f:
            f.write(content)

    def read(self, root, rel):
        with open(os.path.join(root, rel)) as f:
            return f.read().strip()

    def run_mp(self, root, *args, timeout=60, env=None, prefix=(), umask=None):
        e = dict(os.environ)
        e.pop("MEMPLUG_SYSFS_ROOT", None)
        e.pop("MEMPLUG_LOG", None)
        e["LC_ALL"] = "C"
        e.update(env or {})
        if prefix:  # LeakSanitizer cannot stop the world under ptrace
            e["ASAN_OPTIONS"] = e.get("ASAN_OPTIONS", "") + ":detect_leaks=0"

        def pre():
            limit_memory()
            if umask is not None:
                os.umask(umask)
        p = subprocess.Popen(list(prefix) + [MEMPLUG, "--sysfs-root", root] + list(args),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=e, preexec_fn=pre)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.communicate()
            self.fail("memplug %s hung (> %d s)" % (" ".join(args), timeout))
        return p.returncode, out, err

    def check_exit(self, rc, out, err, allowed=EXIT_CODES):
        """A documented exit code; JSON (valid UTF-8) on stdout or one clean
        error line; returns the JSON or None."""
        self.assertGreaterEqual(rc, 0, "killed by signal %d; stderr=%r" % (-rc, err[-2000:]))
        self.assertIn(rc, allowed, "exit %d; stderr=%r" % (rc, err[-2000:]))
        text = err.decode("utf-8", "strict")
        for ch in text:
            self.assertFalse(ord(ch) < 0x20 and ch not in "\n" or ord(ch) == 0x7f,
                             "control character %r on stderr: %r" % (ch, text))
        j = None
        if out:
            j = json.loads(out.decode("utf-8", "strict"))
        elif rc in (1, 2):
            lines = text.rstrip("\n").split("\n")
            self.assertEqual(len(lines), 1, "want one error line: %r" % text)
            self.assertTrue(lines[0].startswith("memplug: "), lines[0])
        return j

    def snapshot(self, root):
        files = {}
        for d, _, names in os.walk(root):
            if os.path.relpath(d, root).split(os.sep)[0] == "run":
                continue
            for n in names:
                p = os.path.join(d, n)
                if os.path.isfile(p) and not os.path.islink(p):
                    with open(p, "rb") as f:
                        files[p] = f.read()
        return files


class KillKeepsAutoOnline(Case):
    """1: kill -9 inside the kernel-auto path must not lose auto_online_blocks."""

    def kill_at_bind(self, root):
        bind = os.path.realpath(os.path.join(root, "sys/bus/dax/drivers/kmem/bind"))
        rc, out, err = self.run_mp(
            root, "reconfigure", "dax0.0", "--mode=system-ram", "--parallel",
            prefix=[STRACE, "-f", "-qq", "-o", "/dev/null", "-P", bind,
                    "-e", "trace=write,pwrite64", "-e", "inject=write,pwrite64:signal=KILL"])
        self.assertIn(rc, (-9, 137), "not killed at the kmem bind: %r" % err)

    def test_rerun_restores_original(self):
        self.need("strace", STRACE)
        root = self.build(devdax_vm())
        self.kill_at_bind(root)
        # the window the defect is about: the kernel-auto value is in place
        self.assertEqual(self.read(root, AOB), "online_movable")
        rc, out, err = self.run_mp(root, "list", "-s")
        self.check_exit(rc, out, err, (0,))
        self.assertIn("auto_online_blocks", err.decode(), "list does not warn of the leftover")
        # a tree has no kernel behind it: the bind changes no mode, and
        # the end-state check says so (exit 3); the journal is what counts
        rc, out, err = self.run_mp(root, "reconfigure", "dax0.0", "--mode=system-ram",
                                   "--parallel")
        self.check_exit(rc, out, err, (3,))
        self.assertIn(b"end state differs", err)
        self.assertEqual(self.read(root, AOB), "offline",
                         "the rerun saved the killed run's value and restored that")
        rc, out, err = self.run_mp(root, "list", "-s")
        self.check_exit(rc, out, err, (0,))
        self.assertNotIn("auto_online_blocks", err.decode(), "the leftover is still there")

    def test_any_write_command_repairs(self):
        self.need("strace", STRACE)
        root = self.build(devdax_vm())
        self.kill_at_bind(root)
        rc, out, err = self.run_mp(root, "online", "memory5", "--zone=auto")
        self.check_exit(rc, out, err, (0,))
        self.assertEqual(self.read(root, AOB), "offline")

    def test_journal_gone_after_a_normal_run(self):
        root = self.build(devdax_vm())
        rc, out, err = self.run_mp(root, "reconfigure", "dax0.0", "--mode=system-ram",
                                   "--parallel")
        self.check_exit(rc, out, err, (3,))  # no kernel: mode unchanged
        self.assertEqual(self.read(root, AOB), "offline")
        left = sorted(os.listdir(os.path.join(root, "run/memplug")))
        self.assertEqual([n for n in left if n not in ("lock", "kallsyms")], [])


class FailedConversion(Case):
    """2: a failed namespace conversion must end the target: exit 1, no bind."""

    def test_conversion_failure_binds_nothing(self):
        m = devdax_vm()
        m.namespaces["namespace0.0"]["sysfs_mode"] = "memory"  # fsdax
        root = self.build(m)
        before = self.snapshot(root)
        # a tree is not the live kernel: libndctl cannot convert -> error
        rc, out, err = self.run_mp(root, "reconfigure", "namespace0.0",
                                   "--mode=system-ram", "--force")
        j = self.check_exit(rc, out, err)
        self.assertEqual(rc, 1, err)
        self.assertEqual(j["targets"][0]["result"], "error")
        self.assertEqual(self.snapshot(root), before, "files written after the failure")


class RescanFailure(Case):
    """3: a rescan that fails after a device write (device gone): no crash."""

    def test_rescan_failure_after_unbind(self):
        self.need("strace", STRACE)
        root = self.build(st.build("vm-small"))
        rel = MEM + "/block_size_bytes"
        bsb = os.path.realpath(os.path.join(root, rel))
        # the first scan reads block_size_bytes; every later open fails
        rc, out, err = self.run_mp(
            root, "reconfigure", "dax0.0", "--mode=devdax",
            prefix=[STRACE, "-f", "-qq", "-o", "/dev/null", "-P", bsb, "-P", rel,
                    "-e", "trace=open,openat,openat2",
                    "-e", "inject=open,openat,openat2:error=ENOENT:when=2+"])
        j = self.check_exit(rc, out, err, (1, 3))
        self.assertIsNotNone(j)
        self.assertIn(j["targets"][0]["result"], ("error", "partial"))
        self.assertTrue(j["targets"][0]["error"])


class PhantomBlocks(Case):
    """4: only memoryN with N canonical decimal; a vanished block is gone."""

    def test_names_and_vanished(self):
        root = self.build(st.build("vm-small"))
        for name in ("memory-1", "memory+20", "memory 21", "memory007", "memory00",
                     "memory18446744073709551616", "memory18446744073709551615x"):
            self.put(root, "%s/%s/state" % (MEM, name), "online\n")
            self.put(root, "%s/%s/valid_zones" % (MEM, name), "Normal\n")
        # a block removed between readdir and the read of its state
        os.symlink("gone", os.path.join(root, MEM, "memory60"))
        rc, out, err = self.run_mp(root, "list", "-M")
        j = self.check_exit(rc, out, err, (0,))
        ids = [r["block"] for r in j["memory_blocks"]]
        self.assertEqual(ids, list(range(0, 16)) + list(range(33, 48)))
        self.assertEqual(j["summary"]["total_memblocks"], 31)
        self.assertEqual(j["summary"]["online_memblocks"], 31)


class Hang(Case):
    """5: huge ranges and tiny block sizes end quickly."""

    def mapping(self, start, end):
        m = st.build("vm-small")
        root = self.build(m)
        self.put(root, DAX0 + "/mapping0/start", "%#x\n" % start)
        self.put(root, DAX0 + "/mapping0/end", "%#x\n" % end)
        return root

    def test_range_to_2_63(self):
        root = self.mapping(0, (1 << 63) - 1)
        rc, out, err = self.run_mp(root, "list", "-s", timeout=20)
        self.check_exit(rc, out, err, (0, 1))

    def test_wrapping_range(self):
        root = self.mapping(0xfffffffff8000001, 0xfffffffffffffffe)
        rc, out, err = self.run_mp(root, "list", timeout=20)
        j = self.check_exit(rc, out, err, (0, 1))
        if j:
            dax = [s for s in j["sources"] if s["source"] == "dax0.0"][0]
            # only what /proc/iomem attributes to it (33-47), no boot block
            self.assertLessEqual(dax["total_memblocks"], 15, "a wrapped range claimed blocks")
            self.assertTrue(dax["first_block"] is None or dax["first_block"] >= 33, dax)

    def test_block_size_one(self):
        m = st.build("vm-small")
        m.block_size_text = "1"
        root = self.build(m)
        rc, out, err = self.run_mp(root, "list", "-s", timeout=20)
        self.check_exit(rc, out, err, (1,))
        self.assertIn("block_size_bytes", err.decode())


class Overflow(Case):
    """6: kernel numbers combined with checked arithmetic."""

    def zoneinfo_set(self, root, zone, key, value):
        p = os.path.join(root, "proc/zoneinfo")
        with open(p) as f:
            lines = f.read().split("\n")
        inside = False
        for i, line in enumerate(lines):
            if line.startswith("Node "):
                inside = line.split()[-1] == zone
            elif inside and line.split()[:1] == [key]:
                lines[i] = "        %s  %d" % (key, value)
        with open(p, "w") as f:
            f.write("\n".join(lines))

    def test_meminfo_kb_overflow(self):
        root = self.build(st.build("vm-small"))
        p = os.path.join(root, "sys/devices/system/node/node0/meminfo")
        with open(p) as f:
            text = f.read()
        import re
        text = re.sub(r"MemTotal: +\d+", "MemTotal:       %d" % (1 << 54), text)
        with open(p, "w") as f:
            f.write(text)
        rc, out, err = self.run_mp(root, "list")
        j = self.check_exit(rc, out, err, (0,))
        self.assertIsNone(j["nodes"][0]["mem_total"], "MemTotal * 1024 wrapped")

    def test_movable_ratio_wrap_still_refuses(self):
        root = self.build(st.build("vm-small"))
        # 100 * present wraps to 84: the 3:1 refusal became a plan
        self.zoneinfo_set(root, "Movable", "present", 184467440737095517)
        rc, out, err = self.run_mp(root, "offline", "memory5", "--dry-run")
        j = self.check_exit(rc, out, err)
        self.assertEqual(rc, 4, err)
        self.assertEqual(j["targets"][0]["result"], "refused")

    def test_no_nodes_no_blocks(self):
        # found by the mutation test under UBSan: qsort(NULL, 0)
        root = self.build(st.build("vm-small"))
        shutil.rmtree(os.path.join(root, "sys/devices/system/node"))
        for d in os.listdir(os.path.join(root, MEM)):
            if d.startswith("memory"):
                shutil.rmtree(os.path.join(root, MEM, d))
        rc, out, err = self.run_mp(root, "list", "-M")
        j = self.check_exit(rc, out, err, (0,))
        self.assertEqual(j["summary"]["total_memblocks"], 0)

    def test_present_minus_managed(self):
        # UBSan (sanitizer build) reports the signed overflow of the old code
        root = self.build(st.build("vm-small"))
        self.zoneinfo_set(root, "Movable", "present", (1 << 63) - 1)
        self.zoneinfo_set(root, "Movable", "managed", -9)
        rc, out, err = self.run_mp(root, "list")
        self.check_exit(rc, out, err, (0,))


class Confinement(Case):
    """7: nothing is read or written outside the sysfs root."""

    def test_holder_content_is_not_a_path(self):
        root = self.build(st.build("vm-small"))
        evil = os.path.join(self.outside, "evil")
        os.makedirs(evil)
        self.put(evil, "mode", "ram\n")
        rel = os.path.relpath(evil, os.path.join(root, "sys/bus/nd/devices"))
        self.put(root, st.ND_BUS + "/region0/namespace0.0/holder", rel + "\n")
        rc, out, err = self.run_mp(root, "list")
        j = self.check_exit(rc, out, err, (0,))
        self.assertIsNone(j["namespaces"][0]["map"], "holder content used as a path")

    def test_state_symlink_not_written(self):
        m = st.build("vm-small")
        m.blocks[40].state = "offline"
        m.blocks[40].valid_zones = "Movable Normal"
        root = self.build(m)
        victim = os.path.join(self.outside, "victim")
        self.put(self.outside, "victim", "offline\n")
        p = os.path.join(root, MEM, "memory40/state")
        os.unlink(p)
        os.symlink(victim, p)
        rc, out, err = self.run_mp(root, "online", "memory40")
        self.check_exit(rc, out, err)
        with open(victim) as f:
            self.assertEqual(f.read(), "offline\n", "wrote through a symlink out of the root")

    def test_osrelease_symlink_not_printed(self):
        root = self.build(st.build("vm-small"))
        self.put(self.outside, "secret", "SECRET-CONTENT\n")
        p = os.path.join(root, "proc/sys/kernel/osrelease")
        os.unlink(p)
        os.symlink(os.path.join(self.outside, "secret"), p)
        rc, out, err = self.run_mp(root, "list", "-s")
        self.check_exit(rc, out, err, (0, 1))
        self.assertNotIn(b"SECRET", out + err)

    def test_relative_symlink_escape(self):
        root = self.build(st.build("vm-small"))
        self.put(self.outside, "secret", "SECRET-CONTENT\n")
        p = os.path.join(root, "proc/sys/kernel/osrelease")
        os.unlink(p)
        os.symlink("../../../../outside/secret", p)
        rc, out, err = self.run_mp(root, "list", "-s")
        self.check_exit(rc, out, err, (0, 1))
        self.assertNotIn(b"SECRET", out + err)

    def test_dangling_lock_symlink(self):
        root = self.build(st.build("vm-small"))
        os.makedirs(os.path.join(root, "run/memplug"))
        target = os.path.join(self.outside, "created")
        os.symlink(target, os.path.join(root, "run/memplug/lock"))
        rc, out, err = self.run_mp(root, "online", "dax0.0")
        self.check_exit(rc, out, err, (1,))
        self.assertIn("lock", err.decode())
        self.assertFalse(os.path.lexists(target), "the lock created a file outside")

    def test_run_dir_symlink(self):
        root = self.build(st.build("vm-small"))
        os.symlink(self.outside, os.path.join(root, "run"))
        rc, out, err = self.run_mp(root, "online", "dax0.0")
        self.check_exit(rc, out, err, (1,))
        self.assertEqual(os.listdir(self.outside), [], "wrote below a symlinked run/")

    def test_in_tree_relative_links_work(self):
        # the kernel's own relative links (bus/dax/devices/dax0.0 -> ../../../devices/...)
        root = self.build(st.build("vm-small"))
        rc, out, err = self.run_mp(root, "list")
        j = self.check_exit(rc, out, err, (0,))
        dax = [s for s in j["sources"] if s["source"] == "dax0.0"][0]
        self.assertEqual(dax["total_memblocks"], 15)


class BlockingReads(Case):
    """8: FIFOs, devices and huge files in place of kernel files."""

    def replace(self, root, rel, make):
        p = os.path.join(root, rel)
        if os.path.lexists(p):
            os.unlink(p)
        make(p)

    def fifo(self, p):
        os.mkfifo(p)

    def zero(self, p):
        os.mknod(p, stat.S_IFCHR | 0o444, os.makedev(1, 5))

    def test_fifo_everywhere(self):
        for rel in (MEM + "/block_size_bytes", MEM + "/memory5/state",
                    MEM + "/memory40/valid_zones", "proc/zoneinfo", "proc/iomem",
                    "sys/devices/system/node/node0/meminfo", "proc/cmdline",
                    DAX0 + "/size", "proc/vmstat"):
            with self.subTest(file=rel):
                m = st.build("vm-small")
                m.name = "fifo-" + rel.replace("/", "-")
                root = self.build(m)
                self.replace(root, rel, self.fifo)
                rc, out, err = self.run_mp(root, "list", "-M", timeout=20)
                self.check_exit(rc, out, err, (0, 1))

    def test_dev_zero(self):
        for rel in ("proc/zoneinfo", "proc/iomem", "proc/kallsyms", "proc/vmstat",
                    "sys/devices/system/node/node0/meminfo"):
            with self.subTest(file=rel):
                m = st.build("cxl-host")
                m.name = "zero-" + rel.replace("/", "-")
                root = self.build(m)
                self.replace(root, rel, self.zero)
                rc, out, err = self.run_mp(root, "list", "-s", timeout=20)
                self.check_exit(rc, out, err, (0, 1))
                if rc == 1:
                    self.assertIn(os.path.basename(rel), err.decode())

    def test_oversized_iomem(self):
        root = self.build(st.build("vm-small"))
        with open(os.path.join(root, "proc/iomem"), "a") as f:
            f.write(("0-0 : x" * 1024 + "\n") * 4096)  # ~29 MiB of garbage
        rc, out, err = self.run_mp(root, "list", "-s", timeout=20)
        self.check_exit(rc, out, err, (0, 1))


class FileModes(Case):
    """9: files memplug creates have fixed modes, whatever the umask."""

    def test_umask_000(self):
        m = st.build("states")  # dax0.0 has offline blocks to online
        root = self.build(m)
        # one of its online blocks is in Normal: exit 3, the rest onlined
        rc, out, err = self.run_mp(root, "online", "dax0.0", umask=0)
        self.check_exit(rc, out, err, (3,))
        rc, out, err = self.run_mp(root, "list", "-s", umask=0)
        self.check_exit(rc, out, err, (0,))
        made = ["run", "run/memplug"] + ["run/memplug/" + n for n in
                                         sorted(os.listdir(os.path.join(root, "run/memplug")))]
        self.assertIn("run/memplug/lock", made)
        self.assertIn("run/memplug/onlined", made)
        for rel in made:
            mode = os.lstat(os.path.join(root, rel)).st_mode
            self.assertEqual(mode & 0o022, 0, "%s is group/world-writable: %o" % (rel, mode))


class Output(Case):
    """10: valid UTF-8 JSON, no escape sequences, MEMPLUG_LOG=7, is_live."""

    def test_non_utf8_in_kernel_files(self):
        m = st.build("vm-small")
        m.kernel = "6.1.0-\xff\xfe-amd64"
        root = self.build(m)
        with open(os.path.join(root, "proc/sys/kernel/osrelease"), "wb") as f:
            f.write(b"6.1.0-\xff\xfe\xc3-amd64\n")
        self.put(root, DAX0 + "/../../namespace0.0/mode", b"dax\x80\n", mode="wb")
        rc, out, err = self.run_mp(root, "list", "-M")
        self.check_exit(rc, out, err, (0,))
        rc, out, err = self.run_mp(root, "online", "dax0.0")
        self.check_exit(rc, out, err, (0,))

    def test_no_escape_sequences_on_stderr(self):
        m = st.build("vm-small")
        root = self.build(m)
        self.put(root, MEM + "/block_size_bytes", b"\x1b]0;owned\x07\x1b[2Jzz\n", mode="wb")
        rc, out, err = self.run_mp(root, "list")
        self.check_exit(rc, out, err, (1,))
        self.assertIn("block_size_bytes", err.decode())

    def test_memplug_log_7_is_debug(self):
        root = self.build(st.build("vm-small"))
        rc, out, err_debug = self.run_mp(root, "list", env={"MEMPLUG_LOG": "debug"})
        self.check_exit(rc, out, err_debug, (0,))
        self.assertTrue(err_debug, "MEMPLUG_LOG=debug printed nothing")
        rc, out, err7 = self.run_mp(root, "list", env={"MEMPLUG_LOG": "7"})
        self.check_exit(rc, out, err7, (0,))
        self.assertEqual(len(err7.splitlines()), len(err_debug.splitlines()),
                         "MEMPLUG_LOG=7 is not debug")
        rc, out, err6 = self.run_mp(root, "list", env={"MEMPLUG_LOG": "3"})
        self.assertEqual(err6, b"")


# Names no kernel gives, carrying shell and terminal metacharacters: as
# directory names in a tree, each a copy of dax0.0.
HOSTILE_NAMES = (
    "dax6.0$(touch${IFS}pwned)",
    "dax6.1`touch${IFS}pwned`",
    "dax6.2';touch pwned;'",
    'dax6.3";touch pwned;"',
    "dax6.4\nregion9",
    "dax6.5\x1b]0;owned\x07\x1b[2J",
    "dax6.6\u009b31m",
    "dax6.7 --force",
)


def terminal_clean(name):
    """what memplug prints for @name: C0, DEL and C1 as '?' (cli/text.c)"""
    return "".join("?" if ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 else c
                   for c in name)


def add_hostile_dax(root, names=HOSTILE_NAMES):
    region = os.path.join(root, st.ND_BUS, "region0/dax0.1")
    for name in names:
        shutil.copytree(os.path.join(region, "dax0.0"), os.path.join(region, name),
                        symlinks=True)
        os.symlink("../../../devices/platform/ACPI0012:00/ndbus0/region0/dax0.1/"
                   + name, os.path.join(root, "sys/bus/dax/devices", name))


class KernelNamesAreData(Case):
    """Kernel names are data in tables and errors, never acted on."""

    def no_control(self, text):
        for ch in text:
            self.assertFalse((ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) < 0xa0,
                             "control character %r in %r" % (ch, text))

    def test_table_cells_cleaned_like_errors(self):
        root = self.build(st.build("vm-small"))
        add_hostile_dax(root)
        want = sorted(["boot-node0", "dax0.0"] + [terminal_clean(n) for n in HOSTILE_NAMES])
        for lang in ("C", "C.UTF-8"):
            for fmt in ("--table", "--raw", "--pairs"):
                with self.subTest(lang=lang, fmt=fmt):
                    rc, out, err = self.run_mp(root, "list", fmt, "--noheadings",
                                               "-o", "SOURCE", env={"LC_ALL": lang})
                    self.assertEqual((rc, err), (0, b""))
                    text = out.decode("utf-8", "strict")
                    self.no_control(text)
                    rows = text.splitlines()
                    if fmt == "--pairs":
                        rows = [r[len('SOURCE="'):-1] for r in rows]
                    # libsmartcols writes what would break a --raw row or a
                    # --pairs value for the shell ($, `, ", space) as \xHH;
                    # one row per source: a newline makes no row of its own
                    got = [re.sub(r"\\x([0-9a-f]{2})",
                                  lambda m: chr(int(m.group(1), 16)), r.rstrip())
                           for r in rows]
                    self.assertEqual(sorted(got), want)

    def test_acting_on_a_hostile_name_is_a_usage_error(self):
        root = self.build(st.build("vm-small"))
        add_hostile_dax(root)
        before = self.snapshot(root)
        for name in HOSTILE_NAMES:
            for args in (("online", name), ("offline", name),
                         ("reconfigure", name, "--mode=devdax", "--force")):
                with self.subTest(args=args):
                    rc, out, err = self.run_mp(root, *args)
                    self.check_exit(rc, out, err, (2,))
                    self.assertEqual(out, b"")
                    self.assertIn("'%s'" % terminal_clean(name), err.decode())
        self.assertEqual(self.snapshot(root), before)
        for d in (self.tmp, os.getcwd()):
            self.assertFalse(os.path.exists(os.path.join(d, "pwned")))

    def test_hostile_names_on_the_command_line(self):
        root = self.build(st.build("vm-small"))
        for name in ("dax0.0\x1b[2J", "dax0.0;id", "../dax0.0", ".", "dax0.0 x", ""):
            with self.subTest(name=name):
                rc, out, err = self.run_mp(root, "online", "dax0.0", name, "--dry-run")
                self.check_exit(rc, out, err, (2,))
                self.assertEqual(out, b"")


class OptionEdges(Case):
    """Empty option values, -o limits, strict block lists."""

    def test_empty_option_value(self):
        root = self.build(st.build("vm-small"))
        for args, option in ((("config", "check", "--config="), "--config"),
                             (("config", "show", "-c", ""), "--config"),
                             (("apply", "--config=", "--dry-run"), "--config"),
                             (("list", "--device="), "--device"),
                             (("online", "dax0.0", "--zone="), "--zone")):
            with self.subTest(args=args):
                rc, out, err = self.run_mp(root, *args)
                self.check_exit(rc, out, err, (2,))
                self.assertIn("empty %s" % option, err.decode())
                self.assertNotIn(": : ", err.decode())

    def test_too_many_columns(self):
        root = self.build(st.build("vm-small"))
        for spec in (",".join(["SOURCE"] * 33), "+" + ",".join(["NODES"] * 23)):
            rc, out, err = self.run_mp(root, "list", "--table", "-o", spec)
            self.check_exit(rc, out, err, (2,))
            self.assertEqual(err.decode(), "memplug: list: too many columns in -o: at most 32\n")
        rc, out, err = self.run_mp(root, "list", "--table", "-o", ",".join(["SOURCE"] * 32))
        self.assertEqual(rc, 0, err)

    BAD_BLOCKS = ("memory 40", "memory+40", "memory-40", " memory40", "memory40 ",
                  "memory040", "memory0x28", "memory18446744073709551616",
                  "memory99999999999999999999999", "memory33-+47", "memory33- 47",
                  "memory33-memory-47", "memory33-18446744073709551616", "memory\t40")

    def test_block_lists_are_strict(self):
        root = self.build(st.build("vm-small"))
        before = self.snapshot(root)
        for name in self.BAD_BLOCKS:
            for cmd in ("online", "offline"):
                with self.subTest(cmd=cmd, name=name):
                    rc, out, err = self.run_mp(root, cmd, name)
                    self.check_exit(rc, out, err, (2,))
                    self.assertIn("'%s'" % terminal_clean(name), err.decode())
        self.assertEqual(self.snapshot(root), before)
        # well-formed but reversed or absent: an error of the target (1)
        for name in ("memory40-memory33", "memory99"):
            rc, out, err = self.run_mp(root, "online", name)
            self.check_exit(rc, out, err, (1,))

    def test_apply_block_is_strict(self):
        root = self.build(st.build("vm-small"))
        conf = os.path.join(self.tmp, "memplug.conf")
        with open(conf, "w") as f:
            f.write("[namespace a]\nuuid = %s\n" % st.NS_UUID)
        before = self.snapshot(root)
        for name in self.BAD_BLOCKS + ("memory33-33", "memory33-memory33"):
            with self.subTest(name=name):
                rc, out, err = self.run_mp(root, "apply", "--config=" + conf,
                                           "--block=" + name)
                self.check_exit(rc, out, err, (2,))
                self.assertIn("--block", err.decode())
        rc, out, err = self.run_mp(root, "apply", "--config=" + conf, "--block=memory40")
        self.check_exit(rc, out, err, (0,))
        self.assertEqual(self.snapshot(root), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
