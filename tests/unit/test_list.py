#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of `memplug list` against fake sysfs trees (tests/unit/sysfs_tree.py).

MEMPLUG=/path/to/build/cli/memplug python3 tests/unit/test_list.py [-v]

Without MEMPLUG (or when it does not exist) only the fixture self-checks run
(they validate the generated trees with util-linux lsmem --sysroot).
Every tree lives in a private tempfile.mkdtemp() directory; nothing outside
it is written.  Expected values are computed from the fixture model
(sysfs_tree.Machine), never from memplug's output.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG")
HAVE_MEMPLUG = bool(MEMPLUG) and os.access(MEMPLUG, os.X_OK)
LSMEM = shutil.which("lsmem")
TIMEOUT = 120

ZONE_KEYS = ["DMA", "DMA32", "Normal", "Movable", "none", "unknown"]
STATE_KEYS = ["online", "offline", "going-offline"]
TOP_KEYS = ["system", "summary", "nodes", "sources", "namespaces", "regions", "memory_blocks",
            "warnings"]
KNOWN_ZONES = {"DMA", "DMA32", "Normal", "Movable"}

# fixtures that have memory blocks and on which `list` must succeed
GOOD = ["vm-small", "cxl-host", "cxl-host-knob0", "cxl-host-paramN", "cxl-host-parallel",
        "huge-host", "wide-host", "states", "old-kernel", "dimm-virtio"]
# fixtures lsmem can read (cross-check)
LSMEM_FIXTURES = GOOD + ["bad-zones", "dangling-node", "missing-state", "dax-noresource"]

_tmp = None
_trees = {}
_build_time = {}


def tree(name):
    """(root path, Machine) of a fixture, built once per test run."""
    global _tmp
    if name not in _trees:
        if _tmp is None:
            _tmp = tempfile.mkdtemp(prefix="memplug-unit-")
        t0 = time.monotonic()
        m = st.build(name)
        root = m.write(os.path.join(_tmp, name))
        _build_time[name] = time.monotonic() - t0
        _trees[name] = (root, m)
    return _trees[name]


def tearDownModule():
    if _tmp:
        # chmod 000 files are removable by their owner; restore dirs just in case
        for dp, dns, fns in os.walk(_tmp):
            for d in dns:
                p = os.path.join(dp, d)
                if not os.path.islink(p):
                    os.chmod(p, 0o755)
        shutil.rmtree(_tmp, ignore_errors=True)


def run_memplug(root, args, use_env=False):
    env = {k: v for k, v in os.environ.items() if k != "MEMPLUG_SYSFS_ROOT"}
    env["LC_ALL"] = "C"
    if use_env:
        env["MEMPLUG_SYSFS_ROOT"] = root
        cmd = [MEMPLUG] + list(args)
    else:
        cmd = [MEMPLUG, "--sysfs-root", root] + list(args)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=env, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def canon_zone(z):
    names = {"dma": "DMA", "dma32": "DMA32", "normal": "Normal", "movable": "Movable",
             "none": "None", "highmem": "Highmem", "device": "Device"}
    return names.get(z.lower(), "Unknown")


def zone_key(valid_zones):
    """Summary bucket of an online block from its valid_zones text."""
    if valid_zones is None:
        return "unknown"
    if valid_zones == "none":
        return "none"
    if valid_zones in KNOWN_ZONES:
        return valid_zones
    return "unknown"


def exp_zone_counts(blocks):
    z = dict.fromkeys(ZONE_KEYS, 0)
    for b in blocks:
        if b.state == "online":
            z[zone_key(b.valid_zones)] += 1
    return z


def exp_summary(m):
    bl = list(m.blocks.values())
    on = sum(1 for b in bl if b.state == "online")
    return {
        "total_memblocks": len(bl),
        "online_memblocks": on,
        "offline_memblocks": sum(1 for b in bl if b.state == "offline"),
        "going_offline_memblocks": sum(1 for b in bl if b.state == "going-offline"),
        "total_bytes": len(bl) * m.block_size,
        "online_bytes": on * m.block_size,
        "zones": exp_zone_counts(bl),
    }


NS_KEYS = ["namespace", "mode", "size", "map", "numa_node", "target_node", "dax"]
REGION_KEYS = ["region", "mode", "size", "resource", "committed", "dax"]


def subset(d, keys):
    """The contract's keys of d (extra keys are allowed); missing ones map to '<missing>'."""
    return {k: d.get(k, "<missing>") for k in keys}


def human_re():
    return re.compile(r"^\d+(\.\d+)? (B|KiB|MiB|GiB|TiB|PiB|EiB)$")


# ---------------------------------------------------------------------------
class FixtureSelfTest(unittest.TestCase):
    """The generator itself: safety, speed, and that util-linux reads the trees."""

    def test_refuses_unsafe_outdirs(self):
        gen = os.path.join(HERE, "sysfs_tree.py")
        tmp = tempfile.mkdtemp(prefix="memplug-unsafe-")
        try:
            link = os.path.join(tmp, "to-sys")
            os.symlink("/sys", link)
            nonempty = os.path.join(tmp, "nonempty")
            os.mkdir(nonempty)
            open(os.path.join(nonempty, "x"), "w").close()
            # Paths that resolve to the live /sys (or to / and so /sys
            # below it) go only to check_outdir(), which raises and never
            # writes: a broken guard must not let this test write there.
            for bad in ("/", "/sys", "/sys/devices/fake", link, link + "/sub"):
                with self.assertRaises(st.UnsafeOutput, msg=bad):
                    st.check_outdir(bad)
            # The command line refuses too: paths where even a broken
            # guard could not reach kernel state (procfs refuses mkdir).
            for bad in ("/proc", "/proc/x", "/dev", "/dev/shm/x", nonempty):
                p = subprocess.run([sys.executable, gen, "vm-small", bad],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=60)
                self.assertEqual(p.returncode, 2, "generator accepted %s" % bad)
                self.assertTrue(p.stderr.strip(), bad)
            self.assertEqual(os.listdir(nonempty), ["x"])
            with self.assertRaises(st.UnsafeOutput):
                st.build("vm-small").write("/proc/memplug-test")
        finally:
            os.unlink(os.path.join(tmp, "to-sys"))
            shutil.rmtree(tmp)

    def test_big_fixtures_are_fast(self):
        # ~1.5 s for both on an idle ext4; the bound is generous because file creation
        # cost depends on the host (seen at 0.45 ms per file on a loaded VM disk).
        for name, nblocks in (("huge-host", 2048), ("wide-host", 4096)):
            root, _ = tree(name)
            n = len([d for d in os.listdir(os.path.join(root, "sys/devices/system/memory"))
                     if d.startswith("memory")])
            self.assertEqual(n, nblocks)
            if _build_time.get(name) is not None:
                sys.stderr.write("[%s built in %.1f s] " % (name, _build_time[name]))
                self.assertLess(_build_time[name], 120.0, name)

    def test_model_sizes(self):
        self.assertEqual(len(st.build("huge-host").blocks) * 2 * st.GiB, 4 * st.TiB)
        self.assertEqual(len(st.build("wide-host").blocks) * 128 * st.MiB, 512 * st.GiB)
        m = st.build("vm-small")
        dax = [b.idx for b in m.blocks.values() if b.source == "dax0.0"]
        self.assertEqual(dax, list(range(33, 48)))

    def test_zoneinfo_consistency(self):
        root, m = tree("vm-small")
        zi = parse_zoneinfo(os.path.join(root, "proc/zoneinfo"))
        self.assertEqual(zi[(0, "Movable")], {"present": 15 * 32768, "managed": 15 * 32768,
                                              "spanned": 15 * 32768})
        root, m = tree("cxl-host")
        zi = parse_zoneinfo(os.path.join(root, "proc/zoneinfo"))
        per_block = 2 * st.GiB // 64 // 4096
        for n in (2, 3):
            z = zi[(n, "Movable")]
            self.assertEqual(z["present"], 64 * 2 * st.GiB // 4096)
            self.assertEqual(z["present"] - z["managed"], 64 * per_block)
            self.assertEqual(m.node_mem_total(n), z["managed"] * 4096)
        root, m = tree("cxl-host-paramN")
        zi = parse_zoneinfo(os.path.join(root, "proc/zoneinfo"))
        self.assertEqual(zi[(2, "Movable")]["present"], zi[(2, "Movable")]["managed"])

    @unittest.skipUnless(LSMEM, "lsmem not installed")
    def test_lsmem_reads_fixtures(self):
        for name in LSMEM_FIXTURES:
            with self.subTest(fixture=name):
                root, m = tree(name)
                rows = lsmem_rows(root)
                self.assertEqual(sorted(rows), sorted(m.blocks))
                for idx, r in rows.items():
                    b = m.blocks[idx]
                    s, e = m.block_range(b)
                    self.assertEqual(r["range"], "0x%016x-0x%016x" % (s, e))
                    self.assertEqual(int(r["size"]), m.block_size)
                    if "state" not in b.omit:
                        self.assertEqual(r["state"], {"going-offline": "on->off"}.get(b.state, b.state))
                    if b.node_link is None:
                        self.assertEqual(int(r["node"]), b.node)
                    self.assertEqual(r["zones"], "/".join(canon_zone(z) for z in b.valid_zones.split()))


def parse_zoneinfo(path):
    out = {}
    cur = None
    with open(path) as f:
        for line in f:
            mm = re.match(r"^Node (\d+), zone\s+(\S+)", line)
            if mm:
                cur = (int(mm.group(1)), mm.group(2))
                out[cur] = {}
                continue
            mm = re.match(r"^\s+(?:pages free\s+\d+|(spanned|present|managed)\s+(\d+))\s*$", line)
            if mm and mm.group(1) and cur:
                out[cur][mm.group(1)] = int(mm.group(2))
    return out


def lsmem_rows(root):
    p = subprocess.run([LSMEM, "--sysroot", root, "--json", "-a", "-b", "-o",
                        "RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=TIMEOUT)
    if p.returncode != 0:
        raise AssertionError("lsmem failed on %s: %s" % (root, p.stderr))
    return {int(r["block"]): r for r in json.loads(p.stdout)["memory"]}


# ---------------------------------------------------------------------------
@unittest.skipUnless(HAVE_MEMPLUG, "MEMPLUG not set or not executable")
class MemplugCase(unittest.TestCase):
    maxDiff = None

    def run_ok(self, name, *args, use_env=False):
        root, m = tree(name)
        rc, out, err = run_memplug(root, ("list",) + args, use_env=use_env)
        ctx = "%s: memplug list %s" % (name, " ".join(args))
        self.assertGreaterEqual(rc, 0, "%s: killed by signal %d; stderr=%r" % (ctx, -rc, err))
        self.assertEqual(rc, 0, "%s: exit %d, stderr=%r" % (ctx, rc, err))
        try:
            j = json.loads(out)
        except ValueError as e:
            self.fail("%s: stdout is not one JSON document (%s): %r" % (ctx, e, out[:300]))
        self.assertIsInstance(j, dict, ctx)
        return j, m

    def assert_error(self, rc, out, err, code, needle, ctx):
        self.assertGreaterEqual(rc, 0, "%s: killed by signal %d" % (ctx, -rc))
        self.assertEqual(rc, code, "%s: exit %d (want %d), stderr=%r" % (ctx, rc, code, err))
        self.assertEqual(out, "", "%s: stdout not empty on error" % ctx)
        lines = err.rstrip("\n").split("\n")
        self.assertEqual(len(lines), 1, "%s: want exactly one stderr line, got %r" % (ctx, err))
        self.assertTrue(lines[0].startswith("memplug: "), "%s: %r" % (ctx, lines[0]))
        self.assertIn(needle, lines[0], "%s: error line does not name %r" % (ctx, needle))

    def source(self, j, name):
        for s in j["sources"]:
            if s["source"] == name:
                return s
        self.fail("no source %r in %s" % (name, [s["source"] for s in j["sources"]]))


class ListShape(MemplugCase):
    def test_top_keys_every_fixture(self):
        for name in GOOD:
            with self.subTest(fixture=name):
                j, m = self.run_ok(name)
                self.assertEqual(list(j), ["format_version"] + TOP_KEYS)
                self.assertEqual(j["format_version"], 2)
                for k in TOP_KEYS[2:]:
                    self.assertIsInstance(j[k], list, k)
                self.assertEqual(j["memory_blocks"], [], "memory_blocks must be [] without -M")
                for k in ("sysfs_root", "kernel", "block_size_bytes", "auto_online_blocks",
                          "memmap_on_memory", "online_policy", "capabilities", "nr_memmap_pages"):
                    self.assertIn(k, j["system"])
                for k in ("dax_memmap_on_memory", "parallel_onlining", "parallel_hotplug_ratio",
                          "nr_memmap_pages"):
                    self.assertIn(k, j["system"]["capabilities"])
                for k in list(exp_summary(m)):
                    self.assertIn(k, j["summary"])
                self.assertEqual(sorted(j["summary"]["zones"]), sorted(ZONE_KEYS))
                for s in j["sources"]:
                    self.assertEqual(sorted(s["zones"]), sorted(ZONE_KEYS), s["source"])
                    self.assertEqual(sorted(s["states"]), sorted(STATE_KEYS), s["source"])
                    for k in ("source", "type", "mode", "size", "target_node",
                              "memmap_on_memory_knob", "namespace", "region", "first_block",
                              "last_block", "total_memblocks", "online_memblocks", "nodes",
                              "memmap_bytes", "memmap_location", "memmap_basis", "memmap_reason"):
                        self.assertIn(k, s, s["source"])
                for n in j["nodes"]:
                    for k in ("node", "mem_total", "memory_blocks", "online_memblocks", "zones"):
                        self.assertIn(k, n)

    def test_sysfs_root_env(self):
        root, _ = tree("vm-small")
        a, _ = self.run_ok("vm-small", "-M")
        b, _ = self.run_ok("vm-small", "-M", use_env=True)
        self.assertEqual(os.path.realpath(a["system"]["sysfs_root"]), os.path.realpath(root))
        self.assertEqual(a, b)


class ListSystem(MemplugCase):
    def check_system(self, name, **want):
        j, m = self.run_ok(name)
        sysd = j["system"]
        caps = sysd["capabilities"]
        for k, v in want.items():
            if k.startswith("cap_"):
                self.assertEqual(caps[k[4:]], v, "%s capabilities.%s" % (name, k[4:]))
            else:
                self.assertEqual(sysd[k], v, "%s system.%s" % (name, k))
        self.assertNotIsInstance(sysd["block_size_bytes"], bool)

    def test_vm_small(self):
        self.check_system("vm-small", kernel="6.1.0-18-amd64", block_size_bytes=128 * st.MiB,
                          auto_online_blocks="offline", memmap_on_memory="N",
                          online_policy="contig-zones", nr_memmap_pages=None,
                          cap_dax_memmap_on_memory=False, cap_parallel_onlining=False,
                          cap_parallel_hotplug_ratio=None, cap_nr_memmap_pages=False)

    def test_cxl_host(self):
        self.check_system("cxl-host", kernel="6.12.9-amd64", block_size_bytes=2 * st.GiB,
                          auto_online_blocks="online_movable", memmap_on_memory="Y",
                          online_policy="contig-zones", nr_memmap_pages=2 * 64 * 8192,
                          cap_dax_memmap_on_memory=True, cap_parallel_onlining=False,
                          cap_parallel_hotplug_ratio=None, cap_nr_memmap_pages=True)

    def test_cxl_host_knob0_capability_still_true(self):
        self.check_system("cxl-host-knob0", cap_dax_memmap_on_memory=True)

    def test_parallel(self):
        self.check_system("cxl-host-parallel", cap_parallel_onlining=True,
                          cap_parallel_hotplug_ratio=2)

    def test_old_kernel(self):
        self.check_system("old-kernel", kernel="5.10.0-28-amd64", auto_online_blocks="offline",
                          memmap_on_memory=None, online_policy=None, nr_memmap_pages=None,
                          cap_dax_memmap_on_memory=False, cap_nr_memmap_pages=False,
                          cap_parallel_onlining=False)

    def test_no_dax_device(self):
        self.check_system("huge-host", block_size_bytes=2 * st.GiB,
                          cap_dax_memmap_on_memory=None, memmap_on_memory="N")
        self.check_system("wide-host", block_size_bytes=128 * st.MiB,
                          cap_dax_memmap_on_memory=None)


class ListSummary(MemplugCase):
    def test_summary_every_fixture(self):
        for name in GOOD:
            with self.subTest(fixture=name):
                j, m = self.run_ok(name)
                exp = exp_summary(m)
                self.assertEqual({k: j["summary"][k] for k in exp}, exp)

    def test_states_numbers(self):
        # explicit numbers, independent of the helper above
        j, _ = self.run_ok("states")
        s = j["summary"]
        self.assertEqual(s["total_memblocks"], 31)
        self.assertEqual(s["online_memblocks"], 21)
        self.assertEqual(s["going_offline_memblocks"], 1)
        self.assertEqual(s["offline_memblocks"], 9)
        self.assertEqual(s["zones"], {"DMA": 0, "DMA32": 15, "Normal": 1, "Movable": 4,
                                      "none": 1, "unknown": 0})

    def test_summary_option(self):
        for name in ("vm-small", "cxl-host"):
            with self.subTest(fixture=name):
                full, m = self.run_ok(name)
                j, _ = self.run_ok(name, "--summary")
                for k in ("nodes", "sources", "namespaces", "regions", "memory_blocks"):
                    self.assertEqual(j[k], [], k)
                self.assertEqual(j["summary"], full["summary"])
                self.assertEqual(j["system"], full["system"])


class ListNodes(MemplugCase):
    def test_nodes_every_fixture(self):
        for name in GOOD:
            with self.subTest(fixture=name):
                j, m = self.run_ok(name)
                got = {n["node"]: n for n in j["nodes"]}
                self.assertEqual(sorted(got), sorted(m.nodes))
                for node in m.nodes:
                    n = got[node]
                    blocks = [b for b in m.blocks.values() if b.node == node]
                    self.assertEqual(n["mem_total"], m.node_mem_total(node), "node %d" % node)
                    self.assertEqual(n["memory_blocks"], len(blocks), "node %d" % node)
                    self.assertEqual(n["online_memblocks"],
                                     sum(1 for b in blocks if b.state == "online"), "node %d" % node)
                    zones = {z["zone"]: z for z in n["zones"]}
                    model = dict(m.node_zones(node))
                    for zname, s in model.items():
                        if s["present"] == 0:
                            continue
                        self.assertIn(zname, zones, "node %d zone %s missing" % (node, zname))
                    for zname, z in zones.items():
                        self.assertIn(zname, model, "node %d: zone %r not in zoneinfo" % (node, zname))
                        s = model[zname]
                        self.assertEqual((z["present_pages"], z["managed_pages"], z["spanned_pages"]),
                                         (s["present"], s["managed"], s["spanned"]),
                                         "node %d zone %s (present, managed, spanned)" % (node, zname))

    def test_cxl_movable_numbers(self):
        j, _ = self.run_ok("cxl-host")
        n2 = [n for n in j["nodes"] if n["node"] == 2][0]
        mov = [z for z in n2["zones"] if z["zone"] == "Movable"][0]
        self.assertEqual(mov["present_pages"], 33554432)
        self.assertEqual(mov["managed_pages"], 33554432 - 64 * 8192)
        self.assertEqual(n2["mem_total"], (33554432 - 64 * 8192) * 4096)


class ListSources(MemplugCase):
    def expected_size(self, m, name, blocks):
        if name in m.dax:
            return [m.dax[name]["size"]]
        if name in m.dimms:
            return [m.dimms[name]["size"]]
        if name in m.virtio:
            v = m.virtio[name]
            # plugged memory or the whole device region: both are defensible
            return [sum(e - s + 1 for s, e in v["ram"]), v["size"]]
        return [len(blocks) * m.block_size]

    def check_sources(self, name):
        j, m = self.run_ok(name)
        got = {s["source"]: s for s in j["sources"]}
        model = m.sources()
        self.assertEqual(sorted(got), sorted(model), name)
        for sname, blocks in model.items():
            s = got[sname]
            ctx = "%s source %s" % (name, sname)
            self.assertEqual(s["type"], blocks[0].stype, ctx)
            self.assertIn(s["size"], self.expected_size(m, sname, blocks), ctx + " size")
            self.assertEqual(s["total_memblocks"], len(blocks), ctx)
            self.assertEqual(s["online_memblocks"], sum(1 for b in blocks if b.state == "online"), ctx)
            self.assertEqual(s["first_block"], blocks[0].idx, ctx)
            self.assertEqual(s["last_block"], blocks[-1].idx, ctx)
            self.assertEqual(s["zones"], exp_zone_counts(blocks), ctx + " zones")
            self.assertEqual(s["states"], {k: sum(1 for b in blocks if b.state == k)
                                           for k in STATE_KEYS}, ctx + " states")
            self.assertEqual(sorted(s["nodes"]), sorted({b.node for b in blocks}), ctx + " nodes")
            self.assertEqual(s["memmap_bytes"], len(blocks) * m.block_size // 64, ctx + " memmap_bytes")
            if sname in m.dax:
                dv = m.dax[sname]
                self.assertEqual(s["mode"], dv["mode"], ctx)
                self.assertEqual(s["target_node"], dv["target_node"], ctx)
                self.assertEqual(s["memmap_on_memory_knob"], dv["knob"], ctx)
                self.assertEqual(s["namespace"], dv["namespace"], ctx)
                if not dv["namespace"]:     # nvdimm: see test_nvdimm_dax_region
                    self.assertEqual(s["region"], dv["region"], ctx)
            else:
                self.assertEqual(s["mode"], "system-ram", ctx)
                self.assertIsNone(s["memmap_on_memory_knob"], ctx)
                self.assertIsNone(s["namespace"], ctx)
            exp = m.expect.get(sname)
            if exp:
                self.assertIn(s["memmap_location"], exp["location"], ctx + " memmap_location")
                if "basis" in exp:
                    self.assertEqual(s["memmap_basis"], exp["basis"], ctx + " memmap_basis")
                for rx in exp.get("reason", []):
                    self.assertRegex(s["memmap_reason"] or "", re.compile(rx),
                                     ctx + " memmap_reason does not mention %r" % rx)
            self.assertIn(s["memmap_basis"], ("predicted", "observed"), ctx)
            self.assertTrue(s["memmap_location"] == "self" or s["memmap_location"] == "unknown"
                            or re.match(r"^node:\d+$", s["memmap_location"]), ctx)
            self.assertIsInstance(s["memmap_reason"], str, ctx)
        return j, m

    def test_vm_small(self):
        j, m = self.check_sources("vm-small")
        d = self.source(j, "dax0.0")
        # explicit numbers
        self.assertEqual((d["first_block"], d["last_block"], d["total_memblocks"],
                          d["online_memblocks"]), (33, 47, 15, 15))
        self.assertEqual(d["zones"]["Movable"], 15)
        self.assertEqual(d["size"], 2 * st.GiB - 32 * st.MiB)
        self.assertEqual(d["memmap_bytes"], 30 * st.MiB)
        self.assertEqual(d["memmap_location"], "node:0")
        self.assertEqual(d["memmap_basis"], "observed")
        b = self.source(j, "boot-node0")
        self.assertEqual((b["total_memblocks"], b["zones"]["DMA32"], b["zones"]["none"]), (16, 15, 1))

    def test_cxl_host(self):
        j, m = self.check_sources("cxl-host")
        for name, node, first in (("dax0.0", 2, 128), ("dax1.0", 3, 192)):
            d = self.source(j, name)
            self.assertEqual((d["first_block"], d["last_block"], d["total_memblocks"],
                              d["online_memblocks"], d["target_node"], d["nodes"]),
                             (first, first + 63, 64, 64, node, [node]))
            self.assertEqual(d["memmap_bytes"], 2 * st.GiB)
            self.assertEqual((d["memmap_location"], d["memmap_basis"]), ("self", "observed"))
            self.assertEqual(d["memmap_on_memory_knob"], 1)

    def test_cxl_host_knob0(self):
        self.check_sources("cxl-host-knob0")

    def test_cxl_host_paramN(self):
        self.check_sources("cxl-host-paramN")

    def test_states(self):
        j, m = self.check_sources("states")
        d = self.source(j, "dax0.0")
        self.assertEqual(d["states"], {"online": 5, "offline": 9, "going-offline": 1})
        self.assertEqual(d["zones"], {"DMA": 0, "DMA32": 0, "Normal": 1, "Movable": 4,
                                      "none": 0, "unknown": 0})

    def test_old_kernel(self):
        j, m = self.check_sources("old-kernel")
        self.assertIsNone(self.source(j, "dax0.0")["memmap_on_memory_knob"])

    def test_dimm_virtio(self):
        j, m = self.check_sources("dimm-virtio")
        self.assertEqual(self.source(j, "PNP0C80:00")["type"], "dimm")
        self.assertEqual(self.source(j, "virtio5")["type"], "virtio-mem")
        self.assertEqual(self.source(j, "PNP0C80:00")["zones"]["Normal"], 8)
        self.assertEqual(self.source(j, "virtio5")["zones"]["Movable"], 8)

    def test_big_hosts(self):
        for name in ("huge-host", "wide-host"):
            with self.subTest(fixture=name):
                self.check_sources(name)

    def test_devices_option(self):
        for name in ("vm-small", "cxl-host", "dimm-virtio"):
            with self.subTest(fixture=name):
                j, m = self.run_ok(name, "-D")
                types = {s["source"]: s["type"] for s in j["sources"]}
                self.assertNotIn("boot", types.values(), name)
                for d in m.dax:
                    self.assertIn(d, types, name)
                j2, _ = self.run_ok(name, "--devices")
                self.assertEqual(j, j2)


class ListNamespacesRegions(MemplugCase):
    def test_vm_small_namespace(self):
        j, m = self.run_ok("vm-small")
        self.assertEqual(len(j["namespaces"]), 1, j["namespaces"])
        ns = j["namespaces"][0]
        self.assertEqual(subset(ns, NS_KEYS), {"namespace": "namespace0.0", "mode": "devdax", "size": 2 * st.GiB,
                              "map": "dev", "numa_node": 0, "target_node": 0, "dax": "dax0.0"})

    def test_nvdimm_dax_region(self):
        # "region" names a CXL region only: an nvdimm-backed dax device
        # names its namespace, and the nd region0 is not a CXL region
        j, m = self.run_ok("vm-small")
        self.assertEqual(self.source(j, "dax0.0")["region"], None)
        self.assertEqual(self.source(j, "dax0.0")["namespace"], "namespace0.0")
        self.assertEqual(j["regions"], [])

    def test_cxl_regions(self):
        j, m = self.run_ok("cxl-host")
        got = {r["region"]: r for r in j["regions"]}
        self.assertEqual(sorted(got), ["region0", "region1"])
        for name, res, dax in (("region0", 0x4000000000, "dax0.0"), ("region1", 0x6000000000, "dax1.0")):
            r = dict(got[name])
            if isinstance(r.get("resource"), str):     # contract leaves the type open: accept "%#x"
                r["resource"] = int(r["resource"], 16)
            self.assertEqual(subset(r, REGION_KEYS), {"region": name, "mode": "ram", "size": 128 * st.GiB,
                                         "resource": res, "committed": True, "dax": dax})
        self.assertEqual(j["namespaces"], [])


class ListBlocks(MemplugCase):
    def check_blocks(self, name, rows=None):
        if rows is None:
            j, m = self.run_ok(name, "-M")
            rows = j["memory_blocks"]
        _, m = tree(name)
        idxs = [r["block"] for r in rows]
        self.assertEqual(idxs, sorted(idxs), "%s: memory_blocks not in ascending order" % name)
        self.assertEqual(sorted(idxs), sorted(m.blocks), name)
        for r in rows:
            b = m.blocks[r["block"]]
            ctx = "%s block %d" % (name, b.idx)
            s, e = m.block_range(b)
            self.assertEqual(r["range"], "0x%016x-0x%016x" % (s, e), ctx)
            self.assertEqual(r["start"], s, ctx)
            self.assertEqual(r["size"], m.block_size, ctx)
            self.assertEqual(r["state"], b.state, ctx)
            self.assertEqual(r["node"], None if b.node_link else b.node, ctx)
            self.assertEqual(r["zones"], b.valid_zones, ctx)
            self.assertIs(r["removable"], True, ctx)
            self.assertEqual(r["source"], b.source, ctx)

    def test_removable_per_block_before_5_7(self):
        # before 5.7 removable was computed per block; since, it is a
        # per-kernel constant that memplug reads once
        for kernel, expect in (("5.4.0-42-generic", False), ("6.1.0-18-amd64", True)):
            m = st.vm_small(kernel=kernel)
            m.name = "removable-" + kernel
            m.blocks[9].removable = 0
            tmp = tempfile.mkdtemp(prefix="memplug-unit-")
            try:
                root = m.write(os.path.join(tmp, m.name))
                rc, out, err = run_memplug(root, ["list", "-M"])
                self.assertEqual(rc, 0, err)
                rows = {r["block"]: r["removable"] for r in json.loads(out)["memory_blocks"]}
                self.assertIs(rows[9], expect, kernel)
                self.assertIs(rows[8], True, kernel)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

    def test_blocks(self):
        for name in ("vm-small", "cxl-host", "states", "old-kernel", "dimm-virtio", "wide-host"):
            with self.subTest(fixture=name):
                self.check_blocks(name)

    def test_long_option(self):
        a, _ = self.run_ok("states", "-M")
        b, _ = self.run_ok("states", "--memory-blocks")
        self.assertEqual(a, b)

    def test_node_filter(self):
        j, m = self.run_ok("cxl-host", "-M", "--node=2")
        self.assertEqual([n["node"] for n in j["nodes"]], [2])
        self.assertEqual([r["block"] for r in j["memory_blocks"]], list(range(128, 192)))
        self.assertEqual([s["source"] for s in j["sources"]], ["dax0.0"])

    def test_zone_filter(self):
        j, m = self.run_ok("vm-small", "-M", "--zone=Movable")
        self.assertEqual([r["block"] for r in j["memory_blocks"]], list(range(33, 48)))
        j, m = self.run_ok("dimm-virtio", "-M", "--zone=Normal")
        self.assertEqual([r["block"] for r in j["memory_blocks"]], list(range(32, 40)))

    def test_device_filter(self):
        j, m = self.run_ok("cxl-host", "-M", "--device=dax1.0")
        self.assertEqual([s["source"] for s in j["sources"]], ["dax1.0"])
        self.assertEqual([r["block"] for r in j["memory_blocks"]], list(range(192, 256)))
        j, m = self.run_ok("cxl-host", "-M", "--device=region0")
        self.assertEqual([s["source"] for s in j["sources"]], ["dax0.0"])
        self.assertEqual([r["region"] for r in j["regions"]], ["region0"])
        self.assertEqual([r["block"] for r in j["memory_blocks"]], list(range(128, 192)))
        j, m = self.run_ok("vm-small", "-M", "--device=namespace0.0")
        self.assertEqual([s["source"] for s in j["sources"]], ["dax0.0"])
        self.assertEqual([n["namespace"] for n in j["namespaces"]], ["namespace0.0"])
        self.assertEqual([r["block"] for r in j["memory_blocks"]], list(range(33, 48)))

    def test_device_filter_unknown(self):
        root, _ = tree("vm-small")
        rc, out, err = run_memplug(root, ["list", "--device=dax9.9"])
        self.assertGreaterEqual(rc, 0)
        self.assertIn(rc, (1, 2), "exit %d for unknown device, stderr=%r" % (rc, err))
        self.assert_error(rc, out, err, rc, "dax9.9", "vm-small list --device=dax9.9")

    @unittest.skipUnless(LSMEM, "lsmem not installed")
    def test_lsmem_cross_check(self):
        for name in LSMEM_FIXTURES:
            with self.subTest(fixture=name):
                root, m = tree(name)
                j, _ = self.run_ok(name, "-M")
                mine = {r["block"]: r for r in j["memory_blocks"]}
                theirs = lsmem_rows(root)
                self.assertEqual(sorted(mine), sorted(theirs), name)
                for idx, lr in theirs.items():
                    r = mine[idx]
                    ctx = "%s block %d" % (name, idx)
                    self.assertEqual(r["range"], lr["range"], ctx)
                    self.assertEqual(r["size"], int(lr["size"]), ctx)
                    if lr["state"] != "?":
                        self.assertEqual({"going-offline": "on->off"}.get(r["state"], r["state"]),
                                         lr["state"], ctx)
                    if m.blocks[idx].node_link is None:   # lsmem trusts dangling links
                        self.assertEqual(r["node"], lr["node"], ctx)
                    mz = "/".join(canon_zone(z) for z in (r["zones"] or "").split())
                    self.assertEqual(mz.lower(), (lr["zones"] or "").lower(), ctx)


class ListHuman(MemplugCase):
    def shape(self, x):
        if isinstance(x, dict):
            return {k: self.shape(v) for k, v in x.items()}
        if isinstance(x, list):
            return [self.shape(v) for v in x]
        return None

    def test_human_vm_small(self):
        raw, _ = self.run_ok("vm-small", "-M")
        j, _ = self.run_ok("vm-small", "-M", "-u")
        self.assertEqual(self.shape(j), self.shape(raw), "-u must keep the same keys")
        j2, _ = self.run_ok("vm-small", "-M", "--human")
        self.assertEqual(j, j2)
        hr = human_re()
        self.assertEqual(j["system"]["block_size_bytes"], "128 MiB")
        for k in ("total_bytes", "online_bytes"):
            self.assertRegex(j["summary"][k], hr)
        self.assertEqual(j["summary"]["online_memblocks"], raw["summary"]["online_memblocks"])
        d = self.source(j, "dax0.0")
        self.assertEqual(d["memmap_bytes"], "30 MiB")
        self.assertRegex(d["size"], hr)
        self.assertEqual(d["total_memblocks"], 15, "counts stay integers")
        for n in j["nodes"]:
            self.assertRegex(n["mem_total"], hr)
        for ns in j["namespaces"]:
            self.assertEqual(ns["size"], "2 GiB")
        for r in j["memory_blocks"]:
            self.assertEqual(r["size"], "128 MiB")
            self.assertIsInstance(r["block"], int)

    def test_human_cxl(self):
        j, _ = self.run_ok("cxl-host", "-u")
        self.assertEqual(j["system"]["block_size_bytes"], "2 GiB")
        self.assertEqual(j["summary"]["total_bytes"], "384 GiB")   # 64+64 DRAM + 2*128 CXL
        for r in j["regions"]:
            self.assertEqual(r["size"], "128 GiB")
        for s in j["sources"]:
            if s["type"] == "dax":
                self.assertEqual(s["memmap_bytes"], "2 GiB")
                self.assertEqual(s["size"], "128 GiB")


class ListMalformed(MemplugCase):
    def test_bad_zones(self):
        j, m = self.run_ok("bad-zones", "-M")
        self.assertEqual(j["summary"]["zones"]["unknown"], 1)
        self.assertEqual(j["summary"]["zones"]["DMA32"], 14)
        self.assertEqual(j["summary"]["online_memblocks"], 31)
        row = [r for r in j["memory_blocks"] if r["block"] == 5][0]
        self.assertEqual(row["zones"], "Bogus")
        self.assertEqual(self.source(j, "boot-node0")["zones"]["unknown"], 1)

    def test_bad_blocksize(self):
        root, _ = tree("bad-blocksize")
        rc, out, err = run_memplug(root, ["list"])
        self.assert_error(rc, out, err, 1, "block_size_bytes", "bad-blocksize list")

    def test_empty_root(self):
        root, _ = tree("empty-root")
        rc, out, err = run_memplug(root, ["list"])
        self.assert_error(rc, out, err, 1, "sys/devices/system/memory", "empty-root list")

    def test_nonexistent_root(self):
        root, _ = tree("empty-root")
        missing = os.path.join(root, "does-not-exist")
        rc, out, err = run_memplug(missing, ["list"])
        self.assert_error(rc, out, err, 1, "does-not-exist", "nonexistent root list")

    def test_dangling_node(self):
        j, m = self.run_ok("dangling-node", "-M")
        row = [r for r in j["memory_blocks"] if r["block"] == 7][0]
        self.assertIsNone(row["node"])
        self.assertEqual([r["node"] for r in j["memory_blocks"] if r["block"] != 7], [0] * 30)
        self.assertEqual(j["summary"]["total_memblocks"], 31)

    def test_missing_state(self):
        root, _ = tree("missing-state")
        rc, out, err = run_memplug(root, ["list", "-M"])
        self.assertGreaterEqual(rc, 0, "killed by signal")
        self.assertIn(rc, (0, 1), "exit %d, stderr=%r" % (rc, err))
        if rc == 1:
            self.assert_error(rc, out, err, 1, "memory3", "missing-state list -M")
            return
        j = json.loads(out)
        self.assertEqual(j["summary"]["online_memblocks"], 30, "block 3 has no state: not online")
        for r in j["memory_blocks"]:
            if r["block"] == 3:
                self.assertNotEqual(r["state"], "online")

    def test_dax_noresource(self):
        # /sys/bus/dax/devices/dax0.0/resource and mapping0/ absent: the kernel doc says
        # fall back to /proc/iomem, where dax0.0 and its System RAM (kmem) child are listed.
        j, m = self.run_ok("dax-noresource")
        d = self.source(j, "dax0.0")
        self.assertEqual((d["first_block"], d["last_block"], d["total_memblocks"]), (33, 47, 15))

    def test_never_crash(self):
        opts = [[], ["-M"], ["-D"], ["-u"], ["--summary"], ["-M", "-u"], ["--node=0"],
                ["--zone=Movable"], ["--device=dax0.0"], ["-M", "--node=1"]]
        for name in st.FIXTURES:
            root, _ = tree(name)
            for o in opts:
                with self.subTest(fixture=name, opts=o):
                    rc, out, err = run_memplug(root, ["list"] + o)
                    self.assertGreaterEqual(rc, 0, "killed by signal %d" % -rc)
                    self.assertIn(rc, (0, 1), "exit %d, stderr=%r" % (rc, err))
                    if rc == 0:
                        self.assertIsInstance(json.loads(out), dict)
                    else:
                        self.assertEqual(out, "")
                        self.assertEqual(len(err.rstrip("\n").split("\n")), 1, err)
                        self.assertTrue(err.startswith("memplug: "), err)


class ListUsage(MemplugCase):
    def test_unknown_option(self):
        root, _ = tree("vm-small")
        for args in (["list", "--no-such-option"], ["--no-such-option", "list"], ["list", "-Z"]):
            with self.subTest(args=args):
                rc, out, err = run_memplug(root, args)
                self.assertGreaterEqual(rc, 0)
                self.assertEqual(rc, 2, "%s: exit %d stderr=%r" % (args, rc, err))
                self.assertEqual(out, "")
                self.assertTrue(err.startswith("memplug: "), err)

    def test_bad_node(self):
        root, _ = tree("vm-small")
        rc, out, err = run_memplug(root, ["list", "--node=abc"])
        self.assert_error(rc, out, err, 2, "--node", "list --node=abc")

    def test_bad_zone(self):
        root, _ = tree("vm-small")
        rc, out, err = run_memplug(root, ["list", "--zone=Bogus"])
        self.assert_error(rc, out, err, 2, "--zone", "list --zone=Bogus")


if __name__ == "__main__":
    unittest.main(verbosity=2)
