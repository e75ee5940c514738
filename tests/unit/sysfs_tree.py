#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build fake sysfs/procfs trees for memplug's unit tests and benchmarks.

Library use:
    import sysfs_tree
    m = sysfs_tree.build("vm-small")          # a Machine model, nothing written yet
    m.write("/tmp/tmpXXXX/vm-small")           # writes sys/... and proc/... there

CLI use:
    python3 tests/unit/sysfs_tree.py FIXTURE OUTDIR
    python3 tests/unit/sysfs_tree.py --list

The Machine object is also the ground truth the tests compute their expected
values from (blocks, their sources, zone accounting, dax/namespace/region
metadata and the expected memmap placement).

SAFETY: trees are only ever written below OUTDIR, which must resolve to a
directory that is neither "/" nor below /sys, /proc or /dev, and which must be
empty (or not exist yet).  Nothing else on the host is touched.
"""

import os
import sys

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
TiB = 1024 * GiB
PAGE = 4096

ZONE_ORDER = ["DMA", "DMA32", "Normal", "Movable", "Device"]
FORBIDDEN_PREFIXES = ("/sys", "/proc", "/dev")
MARKER = ".memplug-fixture"

ACPI_DIMM_PARENT = "sys/devices/LNXSYSTM:00/LNXSYBUS:00"
ND_BUS = "sys/devices/platform/ACPI0012:00/ndbus0"
CXL_ROOT = "sys/devices/platform/ACPI0017:00/root0"


class UnsafeOutput(Exception):
    pass


# the label uuid of the fixtures' nvdimm namespace (its info block's is
# 4c1f3a4a-5b8a-4c38-9b0e-6b1c8a1f2d3e)
NS_UUID = "9a3b8c1e-2d4f-4a6b-8c0d-1e2f3a4b5c6d"


def check_outdir(outdir):
    """Return the resolved output directory or raise UnsafeOutput."""
    real = os.path.realpath(os.path.abspath(outdir))
    if real == "/":
        raise UnsafeOutput("refusing to write a tree at /")
    for p in FORBIDDEN_PREFIXES:
        if real == p or real.startswith(p + "/"):
            raise UnsafeOutput("refusing to write a tree under %s: %s" % (p, real))
    if os.path.lexists(real):
        if not os.path.isdir(real):
            raise UnsafeOutput("%s exists and is not a directory" % real)
        if os.listdir(real):
            raise UnsafeOutput("%s is not empty" % real)
    return real


def nodelist(nodes):
    """Kernel nodemask list format: 0-1,3."""
    nodes = sorted(set(nodes))
    out = []
    i = 0
    while i < len(nodes):
        j = i
        while j + 1 < len(nodes) and nodes[j + 1] == nodes[j] + 1:
            j += 1
        out.append(str(nodes[i]) if i == j else "%d-%d" % (nodes[i], nodes[j]))
        i = j + 1
    return ",".join(out)


class Block:
    """One memory block (memoryN) and the truth about it."""

    def __init__(self, idx, node, state, zone, source, stype,
                 valid_zones=None, boot=False, self_memmap=False,
                 firmware_node=None, split=None):
        self.idx = idx
        self.node = node              # node the block really belongs to (int)
        self.state = state            # online | offline | going-offline
        self.zone = zone              # zone used for accounting (online) or None
        self.valid_zones = valid_zones if valid_zones is not None else zone
        self.source = source          # expected memplug source name
        self.stype = stype            # boot | dax | dimm | virtio-mem | hotplug
        self.boot = boot
        self.self_memmap = self_memmap
        self.firmware_node = firmware_node   # path relative to root, or None
        self.split = split            # [(zone, start_pfn, present, managed)] for "none" blocks
        self.removable = 1
        self.node_link = None         # override: link target (relative) of nodeX entry
        self.node_link_name = None    # override: name of the nodeX entry
        self.omit = set()             # file names to leave out
        self.override = {}            # file name -> content

    @property
    def online(self):
        return self.state in ("online", "going-offline")


class Machine:
    def __init__(self, name, block_size, kernel="6.1.0-18-amd64",
                 auto_online="offline",
                 params=None, cmdline=None, kallsyms=None,
                 vmstat_memmap=False, probe=False):
        self.name = name
        self.block_size = block_size
        self.block_size_text = "%x" % block_size
        self.kernel = kernel
        self.auto_online = auto_online
        # params: None -> no sys/module/memory_hotplug at all
        self.params = None if params is None else dict(params)
        self.cmdline = cmdline or ("BOOT_IMAGE=/boot/vmlinuz-%s root=/dev/vda1 ro quiet" % kernel)
        self.kallsyms = kallsyms
        self.vmstat_memmap = vmstat_memmap
        self.probe = probe
        self.nodes = {}       # node -> {"cpus": "0-3" or ""}
        self.blocks = {}      # idx -> Block
        self.dax = {}         # name -> dict
        self.namespaces = {}  # name -> dict
        self.nd_regions = {}  # name -> dict
        self.cxl_regions = {}  # name -> dict
        self.dimms = {}       # acpi name -> dict
        self.virtio = {}      # name -> dict
        self.iomem_extra = []  # (start, end, name, depth)
        self.zone_reserved = {}  # (node, zone) -> extra reserved pages (boot)
        self.expect = {}      # source -> expectations about memmap placement
        self.omit_paths = set()    # relative paths not to write (files or dirs)
        self.override_paths = {}   # relative path -> content
        self.unreadable = set()    # relative paths to chmod 000 (root still reads!)
        self.empty = False         # write nothing at all (empty sysfs root)
        self.lean = False          # skip per-block noise files (uevent, phys_device,
                                   # subsystem, bus/memory links): big trees build faster

    # ---- model helpers -------------------------------------------------
    @property
    def block_pages(self):
        return self.block_size // PAGE

    @property
    def memmap_pages_per_block(self):
        return self.block_size // 64 // PAGE

    def add_node(self, node, cpus=""):
        self.nodes[node] = {"cpus": cpus}

    def add_block(self, b):
        assert b.idx not in self.blocks, b.idx
        self.blocks[b.idx] = b
        return b

    def add_boot_range(self, node, first, last, zone="Normal", state="online"):
        for i in range(first, last + 1):
            self.add_block(Block(i, node, state, zone, "boot-node%d" % node, "boot",
                                 boot=True))

    def add_boot_block0(self, node=0):
        """Block 0 of an x86 machine: spans DMA and DMA32 -> valid_zones 'none'."""
        bp = self.block_pages
        split = [("DMA", 1, 3998, 3840),
                 ("DMA32", 4096, bp - 4096, bp - 4096 - (bp - 4096) // 64)]
        self.add_block(Block(0, node, "online", None, "boot-node%d" % node, "boot",
                             valid_zones="none", boot=True, split=split))

    def block_range(self, b):
        start = b.idx * self.block_size
        return start, start + self.block_size - 1

    def sources(self):
        out = {}
        for b in sorted(self.blocks.values(), key=lambda b: b.idx):
            out.setdefault(b.source, []).append(b)
        return out

    # ---- zone accounting -----------------------------------------------
    def zone_stats(self):
        """(node, zone) -> dict(present, managed, spanned, start_pfn)."""
        acc = {}

        def add(node, zone, start_pfn, end_pfn, present, managed):
            z = acc.setdefault((node, zone), {"present": 0, "managed": 0,
                                              "start": start_pfn, "end": end_pfn})
            z["present"] += present
            z["managed"] += managed
            z["start"] = min(z["start"], start_pfn)
            z["end"] = max(z["end"], end_pfn)

        bp = self.block_pages
        for b in self.blocks.values():
            if not b.online:
                continue
            base = b.idx * bp
            if b.split:
                for zone, spfn, present, managed in b.split:
                    add(b.node, zone, spfn, spfn + (present if zone != "DMA" else 4095), present, managed)
                continue
            if b.zone not in ZONE_ORDER:
                continue
            managed = bp
            if b.boot:
                managed -= bp // 64          # boot memmap is reserved, node local
            if b.self_memmap:
                managed -= self.memmap_pages_per_block
            add(b.node, b.zone, base, base + bp, bp, managed)
        out = {}
        for (node, zone), z in acc.items():
            managed = z["managed"] - self.zone_reserved.get((node, zone), 0)
            out[(node, zone)] = {"present": z["present"], "managed": managed,
                                 "spanned": z["end"] - z["start"],
                                 "start_pfn": z["start"]}
        return out

    def node_zones(self, node):
        """Zones listed in zoneinfo for this node (in order) with their stats."""
        stats = self.zone_stats()
        res = []
        for zone in ZONE_ORDER:
            s = stats.get((node, zone))
            if s is None:
                s = {"present": 0, "managed": 0, "spanned": 0, "start_pfn": 0}
            res.append((zone, s))
        return res

    def node_mem_total(self, node):
        """MemTotal in bytes (= managed pages of the node)."""
        return sum(s["managed"] for _, s in self.node_zones(node)) * PAGE

    # ---- writer ----------------------------------------------------------
    def write(self, outdir):
        root = check_outdir(outdir)
        os.makedirs(root, exist_ok=True)
        self._root = root
        self._made = set()
        with open(os.path.join(root, MARKER), "w") as f:
            f.write("memplug unit-test fixture %s\n" % self.name)
        if self.empty:
            return root
        self._write_memory()
        self._write_nodes()
        self._write_params()
        self._write_dax_drivers()
        self._write_acpi()
        self._write_nd()
        self._write_cxl()
        self._write_dax()
        self._write_proc()
        for rel in sorted(self.unreadable):
            p = os.path.join(root, rel)
            if os.path.lexists(p):
                os.chmod(p, 0)
        return root

    def _skip(self, rel):
        if rel in self.omit_paths:
            return True
        parts = rel.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in self.omit_paths:
                return True
        return False

    def _mkdir(self, rel):
        if rel in self._made:
            return
        os.makedirs(os.path.join(self._root, rel), exist_ok=True)
        self._made.add(rel)

    def w(self, rel, content):
        if self._skip(rel):
            return
        content = self.override_paths.get(rel, content)
        d = os.path.dirname(rel)
        self._mkdir(d)
        with open(os.path.join(self._root, rel), "w") as f:
            f.write(content)

    def link(self, rel, target_rel):
        """Symlink root/rel -> root/target_rel, stored as a relative link."""
        if self._skip(rel):
            return
        d = os.path.dirname(rel)
        self._mkdir(d)
        os.symlink(os.path.relpath(target_rel, d), os.path.join(self._root, rel))

    def dir(self, rel):
        if not self._skip(rel):
            self._mkdir(rel)

    def _write_memory(self):
        base = "sys/devices/system/memory"
        self.dir(base)
        self.w(base + "/block_size_bytes", self.block_size_text + "\n")
        self.w(base + "/auto_online_blocks", self.auto_online + "\n")
        self.w(base + "/uevent", "")
        if self.probe:
            self.w(base + "/probe", "")
        for b in self.blocks.values():
            d = "%s/memory%d" % (base, b.idx)
            files = {
                "state": b.state + "\n",
                "online": ("1" if b.online else "0") + "\n",
                "phys_index": "%08x\n" % b.idx,
                "phys_device": None if self.lean else "0\n",
                "removable": "%d\n" % b.removable,
                "valid_zones": (b.valid_zones + "\n") if b.valid_zones is not None else "",
                "uevent": None if self.lean else "",
            }
            files.update(b.override)
            for fn, content in files.items():
                if fn in b.omit or content is None:
                    continue
                self.w(d + "/" + fn, content)
            if "node" not in b.omit and b.node is not None:
                name = b.node_link_name or ("node%d" % b.node)
                target = b.node_link or ("sys/devices/system/node/node%d" % b.node)
                self.link(d + "/" + name, target)
            if b.firmware_node:
                self.link(d + "/firmware_node", b.firmware_node)
            if self.lean:
                continue
            self.link(d + "/subsystem", "sys/bus/memory")
            if not self._skip("sys/bus/memory/devices"):
                self.link("sys/bus/memory/devices/memory%d" % b.idx, d)

    def _write_nodes(self):
        base = "sys/devices/system/node"
        nodes = sorted(self.nodes)
        mem_nodes = sorted({b.node for b in self.blocks.values() if b.online and b.node is not None})
        stats = self.zone_stats()
        normal_nodes = sorted({n for (n, z), s in stats.items()
                               if z in ("DMA", "DMA32", "Normal") and s["present"]})
        cpu_nodes = [n for n in nodes if self.nodes[n]["cpus"]]
        self.dir(base)
        self.w(base + "/online", nodelist(nodes) + "\n")
        self.w(base + "/possible", nodelist(nodes) + "\n")
        self.w(base + "/has_memory", nodelist(mem_nodes) + "\n")
        self.w(base + "/has_normal_memory", nodelist(normal_nodes) + "\n")
        self.w(base + "/has_cpu", nodelist(cpu_nodes) + "\n")
        for n in nodes:
            d = "%s/node%d" % (base, n)
            self.w(d + "/cpulist", self.nodes[n]["cpus"] + "\n")
            self.w(d + "/meminfo", self._meminfo(n))
            dist = " ".join("10" if m == n else ("20" if self.nodes[m]["cpus"] else "30")
                            for m in nodes)
            self.w(d + "/distance", dist + "\n")
            for b in self.blocks.values():
                if b.node == n and b.node_link is None:
                    self.link("%s/memory%d" % (d, b.idx), "sys/devices/system/memory/memory%d" % b.idx)

    def _meminfo(self, n):
        total_kb = self.node_mem_total(n) // 1024
        free_kb = total_kb * 9 // 10 if total_kb else 0
        used_kb = total_kb - free_kb
        rows = [("MemTotal", total_kb), ("MemFree", free_kb), ("MemUsed", used_kb),
                ("SwapCached", 0), ("Active", used_kb // 3), ("Inactive", used_kb // 3),
                ("Active(anon)", 0), ("Inactive(anon)", 0), ("Active(file)", used_kb // 3),
                ("Inactive(file)", used_kb // 3), ("Unevictable", 0), ("Mlocked", 0),
                ("Dirty", 0), ("Writeback", 0), ("FilePages", used_kb // 2),
                ("Mapped", 0), ("AnonPages", 0), ("Shmem", 0), ("KernelStack", 0),
                ("PageTables", 0), ("SecPageTables", 0), ("NFS_Unstable", 0),
                ("Bounce", 0), ("WritebackTmp", 0), ("KReclaimable", 0),
                ("Slab", 0), ("SReclaimable", 0), ("SUnreclaim", 0),
                ("AnonHugePages", 0), ("ShmemHugePages", 0), ("ShmemPmdMapped", 0),
                ("FileHugePages", 0), ("FilePmdMapped", 0), ("Unaccepted", 0)]
        out = "".join("Node %d %-15s %8d kB\n" % (n, k + ":", v) for k, v in rows)
        out += "Node %d HugePages_Total:     0\nNode %d HugePages_Free:      0\n" \
               "Node %d HugePages_Surp:      0\n" % (n, n, n)
        return out

    def _write_params(self):
        if self.params is None:
            return
        d = "sys/module/memory_hotplug/parameters"
        self.dir(d)
        for k, v in self.params.items():
            self.w("%s/%s" % (d, k), "%s\n" % v)

    def _write_dax_drivers(self):
        if not self.dax and not self.namespaces:
            return
        for drv in ("kmem", "device_dax"):
            d = "sys/bus/dax/drivers/" + drv
            for fn in ("new_id", "remove_id", "bind", "unbind", "uevent"):
                self.w(d + "/" + fn, "")
        self.dir("sys/bus/dax/devices")
        self.w("sys/bus/dax/drivers_autoprobe", "1\n")

    def _write_acpi(self):
        for name, dimm in self.dimms.items():
            d = "%s/%s" % (ACPI_DIMM_PARENT, name)
            self.w(d + "/hid", "PNP0C80\n")
            self.w(d + "/modalias", "acpi:PNP0C80:\n")
            self.w(d + "/path", dimm["path"] + "\n")
            self.w(d + "/status", "15\n")
            self.w(d + "/uid", "%s\n" % dimm["uid"])
            self.w(d + "/uevent", "MODALIAS=acpi:PNP0C80:\n")
            self.link("sys/bus/acpi/devices/" + name, d)
            # acpi_bind_one(): physical_node, physical_node1, ... per block
            ids = sorted(b.idx for b in self.blocks.values() if b.firmware_node == d)
            for i, idx in enumerate(ids):
                self.link(d + "/physical_node" + (str(i) if i else ""),
                          "sys/devices/system/memory/memory%d" % idx)

    def _write_nd(self):
        for rname, r in self.nd_regions.items():
            d = "%s/%s" % (ND_BUS, rname)
            self.w(d + "/size", "%d\n" % r["size"])
            self.w(d + "/resource", "%#x\n" % r["resource"])
            self.w(d + "/numa_node", "%d\n" % r["numa_node"])
            self.w(d + "/target_node", "%d\n" % r["target_node"])
            self.w(d + "/devtype", "nd_pmem\n")
            self.w(d + "/nstype", "4\n")
            self.w(d + "/align", "%d\n" % (16 * MiB))
            self.w(d + "/available_size", "0\n")
            self.w(d + "/dax_seed", "dax0.2\n")
            self.link("sys/bus/nd/devices/" + rname, d)
        for nsname, ns in self.namespaces.items():
            rd = "%s/%s" % (ND_BUS, ns["region"])
            d = "%s/%s" % (rd, nsname)
            self.w(d + "/mode", ns["sysfs_mode"] + "\n")
            self.w(d + "/size", "%d\n" % ns["size"])
            self.w(d + "/resource", "%#x\n" % ns["resource"])
            self.w(d + "/numa_node", "%d\n" % ns["numa_node"])
            self.w(d + "/target_node", "%d\n" % ns["target_node"])
            self.w(d + "/holder", (ns["holder"] or "") + "\n")
            self.w(d + "/holder_class", ("dax" if ns["holder"] else "") + "\n")
            self.w(d + "/devtype", "nd_namespace_io\n")
            self.w(d + "/nstype", "4\n")
            self.w(d + "/force_raw", "0\n")
            if ns.get("uuid"):
                self.w(d + "/uuid", ns["uuid"] + "\n")
            self.link("sys/bus/nd/devices/" + nsname, d)
            if ns["holder"]:
                hd = "%s/%s" % (rd, ns["holder"])
                self.w(hd + "/namespace", nsname + "\n")
                self.w(hd + "/mode", ns["nd_dax_mode"] + "\n")
                self.w(hd + "/size", "%d\n" % ns["holder_size"])
                self.w(hd + "/align", "%d\n" % (2 * MiB))
                self.w(hd + "/uuid", "4c1f3a4a-5b8a-4c38-9b0e-6b1c8a1f2d3e\n")
                self.w(hd + "/devtype", "nd_dax\n")
                self.link("sys/bus/nd/devices/" + ns["holder"], hd)

    def _write_cxl(self):
        for rname, r in self.cxl_regions.items():
            d = r["path"]
            self.w(d + "/mode", r["mode"] + "\n")
            self.w(d + "/size", "%#x\n" % r["size"])
            self.w(d + "/resource", "%#x\n" % r["resource"])
            self.w(d + "/commit", "%d\n" % (1 if r["commit"] else 0))
            self.w(d + "/interleave_ways", "1\n")
            self.w(d + "/interleave_granularity", "256\n")
            self.w(d + "/uuid", "\n")
            self.w(d + "/target0", r["target0"] + "\n")
            self.w(d + "/devtype", "cxl_region\n")
            self.link("sys/bus/cxl/devices/" + rname, d)
            if r.get("memdev"):
                # target0 is an endpoint decoder; its port's uport the memdev
                md = r["memdev"]
                ep = "%s/port1/endpoint%d" % (CXL_ROOT, md["endpoint"])
                dec = "%s/%s" % (ep, r["target0"])
                self.w(dec + "/mode", "ram\n")
                self.link("sys/bus/cxl/devices/" + r["target0"], dec)
                self.w(md["path"] + "/serial", "%#x\n" % md["serial"])
                self.link("sys/bus/cxl/devices/" + md["name"], md["path"])
                self.link(ep + "/uport", md["path"])
            if r.get("dax_region"):
                drd = "%s/%s/dax_region" % (d, r["dax_region"])
                self.w(drd + "/id", "%s\n" % r["dax_region"].replace("dax_region", ""))
                self.w(drd + "/size", "%d\n" % r["size"])
                self.w(drd + "/align", "%d\n" % (2 * MiB))
                self.w(drd + "/available_size", "0\n")

    def _write_dax(self):
        for name, dv in self.dax.items():
            d = dv["path"]
            self.w(d + "/size", "%d\n" % dv["size"])
            self.w(d + "/resource", "%#x\n" % dv["resource"])
            self.w(d + "/align", "%d\n" % dv.get("align", 2 * MiB))
            self.w(d + "/target_node", "%d\n" % dv["target_node"])
            self.w(d + "/numa_node", "%d\n" % dv["numa_node"])
            self.w(d + "/modalias", "dax:t0*\n")
            self.w(d + "/uevent", "MAJOR=252\nMINOR=0\nDEVNAME=%s\nDEVMODE=0600\n" % name)
            self.w(d + "/mapping", "")
            if dv.get("knob") is not None:
                self.w(d + "/memmap_on_memory", "%d\n" % dv["knob"])
            if dv.get("dax_state") is not None:
                self.w(d + "/state", dv["dax_state"] + "\n")
            if dv.get("mapping", True):
                self.w(d + "/mapping0/start", "%#x\n" % dv["resource"])
                self.w(d + "/mapping0/end", "%#x\n" % (dv["resource"] + dv["size"] - 1))
                self.w(d + "/mapping0/page_offset", "0x0\n")
            self.link(d + "/subsystem", "sys/bus/dax")
            self.link("sys/bus/dax/devices/" + name, d)
            drv = {"system-ram": "kmem", "devdax": "device_dax"}.get(dv["mode"])
            if drv:
                self.link(d + "/driver", "sys/bus/dax/drivers/" + drv)
                self.link("sys/bus/dax/drivers/%s/%s" % (drv, name), d)

    # ---- /proc -----------------------------------------------------------
    def _write_proc(self):
        self.w("proc/sys/kernel/osrelease", self.kernel + "\n")
        self.w("proc/cmdline", self.cmdline + "\n")
        self.w("proc/zoneinfo", self.zoneinfo())
        self.w("proc/vmstat", self.vmstat())
        self.w("proc/iomem", self.iomem())
        if self.kallsyms is not None:
            self.w("proc/kallsyms", self.kallsyms)

    def zoneinfo(self):
        out = []
        for n in sorted(self.nodes):
            zones = self.node_zones(n)
            first = True
            for zone, s in zones:
                out.append("Node %d, zone %8s" % (n, zone))
                populated = s["present"] > 0
                if populated and first:
                    first = False
                    out.append("\n  per-node stats")
                    for k, v in (("nr_inactive_anon", 1031), ("nr_active_anon", 20011),
                                 ("nr_inactive_file", 70211), ("nr_active_file", 41877),
                                 ("nr_unevictable", 0), ("nr_slab_reclaimable", 9342),
                                 ("nr_slab_unreclaimable", 18212), ("nr_isolated_anon", 0),
                                 ("nr_isolated_file", 0), ("workingset_nodes", 0),
                                 ("nr_anon_pages", 20601), ("nr_mapped", 16811),
                                 ("nr_file_pages", 113520), ("nr_dirty", 12),
                                 ("nr_writeback", 0), ("nr_shmem", 1432),
                                 ("nr_kernel_stack", 4912), ("nr_page_table_pages", 1210)):
                        out.append("\n      %s %d" % (k, v))
                free = s["managed"] * 9 // 10
                out.append("\n  pages free     %d" % free)
                out.append("\n        boost    0")
                out.append("\n        min      %d" % (s["managed"] // 512))
                out.append("\n        low      %d" % (s["managed"] // 400))
                out.append("\n        high     %d" % (s["managed"] // 330))
                out.append("\n        spanned  %d" % s["spanned"])
                out.append("\n        present  %d" % s["present"])
                out.append("\n        managed  %d" % s["managed"])
                out.append("\n        cma      0")
                out.append("\n        protection: (0, 1514, 7802, 7802, 7802)")
                if not populated:
                    out.append("\n")
                    continue
                for k in ("nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
                          "nr_zone_inactive_file", "nr_zone_active_file",
                          "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
                          "nr_bounce", "nr_zspages", "nr_free_cma"):
                    out.append("\n      %-12s %d" % (k, free if k == "nr_free_pages" else 0))
                out.append("\n  pagesets")
                for cpu in range(2):
                    out.append("\n    cpu: %d\n              count: 12\n              high:  378"
                               "\n              batch: 63\n  vm stats threshold: 24" % cpu)
                out.append("\n  node_unreclaimable:  0")
                out.append("\n  start_pfn:           %d" % s["start_pfn"])
                out.append("\n")
        return "".join(out)

    def vmstat(self):
        free = sum(s["managed"] for s in self.zone_stats().values()) * 9 // 10
        rows = [("nr_free_pages", free), ("nr_zone_inactive_anon", 1031),
                ("nr_zone_active_anon", 20011), ("nr_zone_inactive_file", 70211),
                ("nr_zone_active_file", 41877), ("nr_zone_unevictable", 0),
                ("nr_zone_write_pending", 12), ("nr_mlock", 0), ("nr_bounce", 0),
                ("nr_zspages", 0), ("nr_free_cma", 0), ("numa_hit", 1234567),
                ("numa_miss", 0), ("numa_foreign", 0), ("numa_interleave", 1022),
                ("numa_local", 1234567), ("numa_other", 0),
                ("nr_inactive_anon", 1031), ("nr_active_anon", 20011),
                ("nr_inactive_file", 70211), ("nr_active_file", 41877),
                ("nr_unevictable", 0), ("nr_slab_reclaimable", 9342),
                ("nr_slab_unreclaimable", 18212), ("nr_kernel_stack", 4912),
                ("nr_page_table_pages", 1210)]
        if self.vmstat_memmap:
            rows += [("nr_memmap_pages", self.nr_memmap_pages()),
                     ("nr_memmap_boot_pages", self.nr_memmap_boot_pages())]
        rows += [("pgpgin", 402122), ("pgpgout", 11320), ("pswpin", 0), ("pswpout", 0),
                 ("pgalloc_dma", 0), ("pgalloc_dma32", 100), ("pgalloc_normal", 2000000),
                 ("pgalloc_movable", 0), ("pgfault", 3000000), ("pgmajfault", 1200),
                 ("compact_stall", 0), ("thp_fault_alloc", 0)]
        return "".join("%s %d\n" % r for r in rows)

    def nr_memmap_pages(self):
        """Memmap of hot-added memory (wherever it lives)."""
        return sum(self.memmap_pages_per_block for b in self.blocks.values() if not b.boot)

    def nr_memmap_boot_pages(self):
        return sum(self.memmap_pages_per_block for b in self.blocks.values() if b.boot)

    def iomem(self):
        ents = []
        # boot System RAM: merge contiguous boot blocks
        boot = sorted(b.idx for b in self.blocks.values() if b.boot)
        runs = []
        for i in boot:
            if runs and runs[-1][1] == i - 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        for a, z in runs:
            start = a * self.block_size
            end = (z + 1) * self.block_size - 1
            if start == 0:
                ents += [(0x0, 0xfff, "Reserved", 0),
                         (0x1000, 0x9fbff, "System RAM", 0),
                         (0x9fc00, 0x9ffff, "Reserved", 0),
                         (0xa0000, 0xbffff, "PCI Bus 0000:00", 0),
                         (0xc0000, 0xc99ff, "Video ROM", 0),
                         (0xf0000, 0xfffff, "Reserved", 0),
                         (0xf0000, 0xfffff, "System ROM", 1)]
                ents.append((0x100000, end, "System RAM", 0))
                ents += [(0x1000000, 0x1ffffff, "Kernel code", 1),
                         (0x2000000, 0x27fffff, "Kernel rodata", 1),
                         (0x2800000, 0x2a3ffff, "Kernel data", 1),
                         (0x2f00000, 0x2ffffff, "Kernel bss", 1)]
                if end < 0xafffffff:
                    ents.append((end + 1, 0xafffffff, "PCI Bus 0000:00", 0))
                ents += [(0xb0000000, 0xbfffffff, "PCI MMCONFIG 0000 [bus 00-ff]", 0),
                         (0xb0000000, 0xbfffffff, "Reserved", 1),
                         (0xfec00000, 0xfec003ff, "IOAPIC 0", 0),
                         (0xfed00000, 0xfed003ff, "HPET 0", 0),
                         (0xfee00000, 0xfee00fff, "Local APIC", 0),
                         (0xfffc0000, 0xffffffff, "Reserved", 0)]
            else:
                ents.append((start, end, "System RAM", 0))
        # ACPI DIMMs: plain "System RAM" at top level
        for name, d in self.dimms.items():
            ents.append((d["start"], d["start"] + d["size"] - 1, "System RAM", 0))
        for name, v in self.virtio.items():
            ents.append((v["start"], v["start"] + v["size"] - 1, name, 0))
            for s, e in v["ram"]:
                ents.append((s, e, "System RAM (virtio_mem)", 1))
        for nsname, ns in self.namespaces.items():
            ents.append((ns["resource"], ns["resource"] + ns["size"] - 1, "Persistent Memory", 0))
            ents.append((ns["resource"], ns["resource"] + ns["size"] - 1, nsname, 1))
        for name, dv in self.dax.items():
            depth = 2 if dv.get("namespace") else 1
            if dv.get("region") and not dv.get("namespace"):
                r = self.cxl_regions[dv["region"]]
                ents.append((r["window"], r["window"] + r["window_size"] - 1,
                             "CXL Window %d" % r["window_id"], 0))
                ents.append((r["resource"], r["resource"] + r["size"] - 1, dv["region"], 1))
                depth = 2
            s, e = dv["resource"], dv["resource"] + dv["size"] - 1
            ents.append((s, e, name, depth))
            if dv["mode"] == "system-ram" and dv.get("dax_state") != "unplugged":
                ks, ke = dv["kmem_range"]
                ents.append((ks, ke, "System RAM (kmem)", depth + 1))
        ents += self.iomem_extra
        ents.sort(key=lambda t: (t[0], t[3]))
        return "".join("%s%08x-%08x : %s\n" % ("  " * d, s, e, n) for s, e, n, d in ents)

    # ---- builders for devices ---------------------------------------------
    def kmem_range(self, start, size):
        bs = self.block_size
        ks = (start + bs - 1) // bs * bs
        ke = (start + size) // bs * bs - 1
        return ks, ke

    def add_dax(self, name, path, resource, size, mode, target_node, numa_node,
                knob=None, namespace=None, region=None, state="online", zone="Movable",
                self_memmap=False, blocks_states=None, valid_zones_offline="Movable Normal",
                dax_state=None):
        """dax_state: the Linux 7.3 daxX.Y/state file's text (None: no file);
        "unplugged" leaves the device without memory blocks."""
        dv = {"path": path, "resource": resource, "size": size, "mode": mode,
              "target_node": target_node, "numa_node": numa_node, "knob": knob,
              "namespace": namespace, "region": region, "dax_state": dax_state}
        dv["kmem_range"] = self.kmem_range(resource, size)
        self.dax[name] = dv
        if mode != "system-ram" or dax_state == "unplugged":
            return dv
        ks, ke = dv["kmem_range"]
        first, last = ks // self.block_size, (ke + 1) // self.block_size - 1
        dv["first_block"], dv["last_block"] = first, last
        for i in range(first, last + 1):
            st = state
            z = zone
            if blocks_states and i in blocks_states:
                st, z = blocks_states[i]
            if st == "offline":
                b = Block(i, target_node, "offline", None, name, "dax",
                          valid_zones=z or valid_zones_offline)
            else:
                b = Block(i, target_node, st, z, name, "dax", self_memmap=self_memmap)
            self.add_block(b)
        return dv

    def add_nvdimm_dax(self, ns_resource=0x100000000, ns_size=2 * GiB, data_off=32 * MiB,
                       node=0, mode="system-ram", map_="dev", **kw):
        """namespace0.0 (devdax) -> dax0.1 (nd_dax) -> dax0.0 in region0."""
        self.nd_regions["region0"] = {"size": ns_size, "resource": ns_resource,
                                      "numa_node": node, "target_node": node}
        self.namespaces["namespace0.0"] = {
            "region": "region0", "sysfs_mode": "dax", "mode": "devdax",
            "size": ns_size, "resource": ns_resource, "numa_node": node,
            "target_node": node, "holder": "dax0.1",
            "nd_dax_mode": {"dev": "pmem", "mem": "ram"}[map_], "map": map_,
            "holder_size": ns_size - data_off, "dax": "dax0.0",
            "uuid": NS_UUID}
        path = ND_BUS + "/region0/dax0.1/dax0.0"
        return self.add_dax("dax0.0", path, ns_resource + data_off, ns_size - data_off,
                            mode, node, node, namespace="namespace0.0", region="region0", **kw)

    def add_cxl_ram_region(self, idx, resource, size, node, numa_node, knob=1,
                           self_memmap=False, mode="system-ram", **kw):
        rname = "region%d" % idx
        path = "%s/decoder0.%d/%s" % (CXL_ROOT, idx, rname)
        self.cxl_regions[rname] = {"path": path, "mode": "ram", "size": size,
                                   "resource": resource, "commit": True,
                                   "target0": "decoder%d.0" % (idx + 2),
                                   "dax_region": "dax_region%d" % idx,
                                   "window": resource, "window_size": size,
                                   "window_id": idx, "dax": "dax%d.0" % idx,
                                   "memdev": {"name": "mem%d" % idx, "endpoint": idx + 2,
                                              "serial": 0x1000 + idx,
                                              "path": "sys/devices/pci0000:0c/0000:0c:00.0/"
                                                      "0000:0d:00.0/mem%d" % idx}}
        dpath = "%s/dax_region%d/dax%d.0" % (path, idx, idx)
        return self.add_dax("dax%d.0" % idx, dpath, resource, size, mode, node, numa_node,
                            knob=knob, region=rname, self_memmap=self_memmap, **kw)

    def add_acpi_dimm(self, name, start, size, node, zone="Normal", uid=0, state="online"):
        fw = "%s/%s" % (ACPI_DIMM_PARENT, name)
        self.dimms[name] = {"start": start, "size": size, "uid": uid,
                            "path": "\\_SB_.MHPC.MP%02X" % uid}
        for i in range(start // self.block_size, (start + size) // self.block_size):
            self.add_block(Block(i, node, state, zone if state != "offline" else None,
                                 name, "dimm", firmware_node=fw,
                                 valid_zones=None if state != "offline" else "Normal Movable"))

    def add_virtio_mem(self, name, start, size, plugged, node, zone="Movable"):
        self.virtio[name] = {"start": start, "size": size,
                             "ram": [(start, start + plugged - 1)]}
        for i in range(start // self.block_size, (start + plugged) // self.block_size):
            self.add_block(Block(i, node, "online", zone, name, "virtio-mem"))


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

# sys/module/memory_hotplug/parameters as a Debian kernel boots them
KERNEL_PARAMS = {"memmap_on_memory": "N", "online_policy": "contig-zones",
                 "auto_movable_ratio": "301", "auto_movable_numa_aware": "Y"}


def add_qemu_boot_ram(m):
    """The boot RAM of the 2 GiB QEMU guest: node 0 (CPUs 0-3), blocks 0-15."""
    m.add_node(0, "0-3")
    m.add_boot_block0(0)
    m.add_boot_range(0, 1, 15, zone="DMA32")
    m.zone_reserved[(0, "DMA32")] = 20311


def nvdimm_vm(name, **dax):
    """vm-small's kernel and boot RAM with one nvdimm dax0.0 made by
    add_nvdimm_dax(**dax): a variant for one test (mode="devdax",
    state="offline", ...)."""
    m = Machine(name, 128 * MiB, kernel="6.1.0-18-amd64", auto_online="offline",
                params=KERNEL_PARAMS)
    add_qemu_boot_ram(m)
    m.add_nvdimm_dax(**dax)
    return m


def vm_small(kernel="6.1.0-18-amd64"):
    """2 GiB QEMU guest, 128 MiB blocks, one node, nvdimm dax0.0 in system-ram mode
    (blocks 33-47 online Movable), kernel 6.1: no dax memmap_on_memory knob,
    memory_hotplug.memmap_on_memory=N."""
    m = Machine("vm-small", 128 * MiB, kernel=kernel, auto_online="offline",
                params=KERNEL_PARAMS)
    add_qemu_boot_ram(m)
    m.add_nvdimm_dax()   # dax0.0: 0x102000000.., kmem 0x108000000-0x17fffffff = blocks 33-47
    # the Movable zone holds only dax0.0's blocks and present == managed:
    # the prediction (no knob on 6.1 -> ordinary RAM) is confirmed
    m.expect["dax0.0"] = {"location": ["node:0"], "basis": "observed", "reason": [r"(?i:\bknob\b)"]}
    m.expect["boot-node0"] = {"location": ["node:0"], "basis": "predicted"}
    return m


def cxl_host(memmap_param="Y", knob=1, parallel=False, name="cxl-host"):
    """2 DRAM nodes (64 GiB each) + CXL nodes 2 and 3 with a 128 GiB RAM region each,
    2 GiB blocks, kmem-bound, all CXL blocks online Movable, kernel 6.12.
    With memmap_param Y and knob 1 the memmap is self-hosted and zoneinfo shows it."""
    self_hosted = memmap_param in ("Y", "force") and knob == 1
    cmdline = "BOOT_IMAGE=/boot/vmlinuz-6.12.9-amd64 root=UUID=0d1c ro"
    if memmap_param != "N":
        cmdline += " memory_hotplug.memmap_on_memory=%s" % ("force" if memmap_param == "force" else "1")
    kallsyms = None
    if parallel:
        cmdline += " parallel_hotplug_ratio=2"
        kallsyms = ("ffffffff81000000 T _stext\nffffffff812a1c40 T online_pages\n"
                    "ffffffff812a2010 T deferred_online_memory\n"
                    "ffffffff812a2300 t __free_pages_core\n")
    m = Machine(name, 2 * GiB, kernel="6.12.9-amd64", auto_online="online_movable",
                params=dict(KERNEL_PARAMS, memmap_on_memory=memmap_param),
                cmdline=cmdline, kallsyms=kallsyms, vmstat_memmap=True)
    for n, cpus in ((0, "0-15,32-47"), (1, "16-31,48-63"), (2, ""), (3, "")):
        m.add_node(n, cpus)
    m.add_boot_block0(0)                      # 0-2G, block 1 is the PCI hole
    m.add_boot_range(0, 2, 32, zone="Normal")  # 4G-66G
    m.add_boot_range(1, 33, 64, zone="Normal")  # 66G-130G
    m.zone_reserved[(0, "Normal")] = 152331
    m.zone_reserved[(1, "Normal")] = 40112
    m.add_cxl_ram_region(0, 0x4000000000, 128 * GiB, node=2, numa_node=0, knob=knob,
                         self_memmap=self_hosted)
    m.add_cxl_ram_region(1, 0x6000000000, 128 * GiB, node=3, numa_node=1, knob=knob,
                         self_memmap=self_hosted)
    for n in (0, 1):
        m.expect["boot-node%d" % n] = {"location": ["node:%d" % n], "basis": "predicted"}
    for dax, numa in (("dax0.0", 0), ("dax1.0", 1)):
        if self_hosted:
            m.expect[dax] = {"location": ["self"], "basis": "observed"}
        elif knob == 0:
            m.expect[dax] = {"location": ["node:%d" % numa, "node:0", "unknown"], "reason": [r"(?i:\bknob\b).*\b0\b"]}
        else:
            m.expect[dax] = {"location": ["node:%d" % numa, "node:0", "unknown"], "reason": [r"(?i:\bparameter\b).*\bN\b"]}
    return m


def huge_host():
    """4 TiB, 2 GiB blocks, 2048 blocks on 2 nodes, all boot memory, kernel 6.12."""
    m = Machine("huge-host", 2 * GiB, kernel="6.12.9-amd64", auto_online="online",
                params=KERNEL_PARAMS,
                vmstat_memmap=True)
    m.lean = True
    m.add_node(0, "0-63,128-191")
    m.add_node(1, "64-127,192-255")
    m.add_boot_block0(0)
    m.add_boot_range(0, 2, 1024)      # 1023 + block 0 = 1024 blocks on node 0
    m.add_boot_range(1, 1025, 2048)   # 1024 blocks on node 1
    m.zone_reserved[(0, "Normal")] = 512311
    m.zone_reserved[(1, "Normal")] = 101231
    m.expect["boot-node0"] = {"location": ["node:0"], "basis": "predicted"}
    m.expect["boot-node1"] = {"location": ["node:1"], "basis": "predicted"}
    return m


def wide_host():
    """512 GiB, 128 MiB blocks, 4096 blocks on 2 nodes, boot memory, kernel 6.1."""
    m = Machine("wide-host", 128 * MiB, kernel="6.1.0-18-amd64", auto_online="online",
                params=KERNEL_PARAMS)
    m.lean = True
    m.add_node(0, "0-31")
    m.add_node(1, "32-63")
    m.add_boot_block0(0)
    m.add_boot_range(0, 1, 15, zone="DMA32")     # 0-2G
    m.add_boot_range(0, 32, 2063)                 # 4G.., 2032 blocks
    m.add_boot_range(1, 2064, 4111)               # 2048 blocks
    m.zone_reserved[(0, "Normal")] = 301122
    m.expect["boot-node0"] = {"location": ["node:0"], "basis": "predicted"}
    m.expect["boot-node1"] = {"location": ["node:1"], "basis": "predicted"}
    return m


def giant_host():
    """16 TiB, 256 MiB blocks, 65,536 blocks on 4 nodes, boot memory, kernel 6.12
    (benchmark only: not in FIXTURES, the unit tests do not build it)."""
    m = Machine("giant-host", 256 * MiB, kernel="6.12.9-amd64", auto_online="online",
                params=KERNEL_PARAMS)
    m.lean = True
    for n in range(4):
        m.add_node(n, "%d-%d" % (16 * n, 16 * n + 15))
    m.add_boot_block0(0)
    m.add_boot_range(0, 1, 7, zone="DMA32")       # 0-2G
    m.add_boot_range(0, 16, 16391)                # 4G.., 16376 blocks
    for n in range(1, 4):                         # 16384 blocks each
        m.add_boot_range(n, 16392 + (n - 1) * 16384, 16391 + n * 16384)
    m.zone_reserved[(0, "Normal")] = 301122
    for n in range(4):
        m.expect["boot-node%d" % n] = {"location": ["node:%d" % n], "basis": "predicted"}
    return m


def cxl_devdax_host(region1_state=None):
    """Boot RAM on node 0, CXL region0 (8 GiB at 0x4000000000, node 2) in
    devdax mode, region1 (8 GiB at 0x6000000000, node 3) bound to kmem,
    its blocks online Movable, or with REGION1_STATE its daxX.Y/state
    (e.g. "unplugged": no blocks).  Not in FIXTURES: the integration
    tests of contrib/ build it."""
    m = Machine("cxl-devdax-host", 2 * GiB, kernel="6.12.9-amd64", auto_online="offline",
                params=KERNEL_PARAMS)
    for n, cpus in ((0, "0-3"), (2, ""), (3, "")):
        m.add_node(n, cpus)
    m.add_boot_block0(0)
    m.add_boot_range(0, 2, 8)
    m.add_cxl_ram_region(0, 0x4000000000, 8 * GiB, node=2, numa_node=0, mode="devdax")
    m.add_cxl_ram_region(1, 0x6000000000, 8 * GiB, node=3, numa_node=0,
                         dax_state=region1_state)
    return m


def states():
    """vm-small, but dax0.0's blocks are in every state:
    33-36 online Movable, 37 online Normal, 38 going-offline (Movable),
    39-42 offline 'Movable Normal', 43-47 offline 'Normal Movable'.
    Block 0 reads valid_zones 'none'.  A probe file exists."""
    m = Machine("states", 128 * MiB, kernel="6.6.13-amd64", auto_online="offline",
                params=KERNEL_PARAMS,
                probe=True)
    add_qemu_boot_ram(m)
    bs = {37: ("online", "Normal"), 38: ("going-offline", "Movable")}
    for i in range(39, 43):
        bs[i] = ("offline", "Movable Normal")
    for i in range(43, 48):
        bs[i] = ("offline", "Normal Movable")
    m.add_nvdimm_dax(blocks_states=bs)
    m.expect["boot-node0"] = {"location": ["node:0"], "basis": "predicted"}
    return m


def old_kernel():
    """Kernel 5.10: no sys/module/memory_hotplug at all, no dax memmap_on_memory knob,
    no nr_memmap_pages, auto_online_blocks 'offline'; nvdimm dax0.0 online Movable."""
    m = Machine("old-kernel", 128 * MiB, kernel="5.10.0-28-amd64", auto_online="offline",
                params=None)
    add_qemu_boot_ram(m)
    m.add_nvdimm_dax()
    m.expect["boot-node0"] = {"location": ["node:0"], "basis": "predicted"}
    m.expect["dax0.0"] = {"location": ["node:0"]}
    return m


def dimm_virtio():
    """2 GiB boot RAM, an ACPI DIMM PNP0C80:00 of 1 GiB at 4 GiB (blocks 32-39, online
    Normal, firmware_node links), virtio5: a 2 GiB virtio-mem region at 5 GiB with
    1 GiB plugged (blocks 40-47 online Movable).  Kernel 6.1, parameter N."""
    m = Machine("dimm-virtio", 128 * MiB, kernel="6.1.0-18-amd64", auto_online="online",
                params=KERNEL_PARAMS)
    add_qemu_boot_ram(m)
    m.add_acpi_dimm("PNP0C80:00", 0x100000000, 1 * GiB, node=0, zone="Normal")
    m.add_virtio_mem("virtio5", 0x140000000, 2 * GiB, 1 * GiB, node=0)
    m.expect["boot-node0"] = {"location": ["node:0"], "basis": "predicted"}
    for s in ("PNP0C80:00", "virtio5"):
        m.expect[s] = {"location": ["node:0"], "reason": [r"(?i:\bparameter\b).*\bN\b"]}
    return m


# malformed variants (all derived from vm-small) --------------------------

def bad_zones():
    """Block 5 has valid_zones 'Bogus' (really DMA32)."""
    m = vm_small()
    m.name = "bad-zones"
    m.blocks[5].valid_zones = "Bogus"
    return m


def bad_blocksize():
    """block_size_bytes reads 'zz'."""
    m = vm_small()
    m.name = "bad-blocksize"
    m.block_size_text = "zz"
    return m


def dangling_node():
    """Block 7's node link points at node9, which does not exist."""
    m = vm_small()
    m.name = "dangling-node"
    m.blocks[7].node_link_name = "node9"
    m.blocks[7].node_link = "sys/devices/system/node/node9"
    m.dangling_block = 7
    return m


def missing_state():
    """Block 3 has no state file."""
    m = vm_small()
    m.name = "missing-state"
    m.blocks[3].omit.add("state")
    m.missing_state_block = 3
    return m


def empty_root():
    """An empty directory: no sys/ and no proc/ at all."""
    m = Machine("empty-root", 128 * MiB)
    m.empty = True
    return m


def dax_noresource():
    """vm-small, but dax0.0 has no resource file and no mappingN dirs
    (memplug must fall back to /proc/iomem or report it, never crash)."""
    m = vm_small()
    m.name = "dax-noresource"
    dv = m.dax["dax0.0"]
    dv["mapping"] = False
    m.omit_paths.add(dv["path"] + "/resource")
    return m


def dax_unreadable():
    """vm-small with dax0.0/resource chmod 000 (only effective for non-root readers)."""
    m = vm_small()
    m.name = "dax-unreadable"
    m.unreadable.add(m.dax["dax0.0"]["path"] + "/resource")
    return m


def vm_73():
    """vm-small on Linux 7.3: dax0.0 carries daxX.Y/state (online_movable,
    knob 0), and an fsdax namespace1.0 in region1 (no dax device)."""
    m = Machine("vm-73", 128 * MiB, kernel="7.3.4+bpo-amd64", auto_online="offline",
                params=KERNEL_PARAMS)
    add_qemu_boot_ram(m)
    m.add_nvdimm_dax(dax_state="online_movable", knob=0)
    m.nd_regions["region1"] = {"size": 2 * GiB, "resource": 0x200000000,
                               "numa_node": 0, "target_node": 0}
    m.namespaces["namespace1.0"] = {
        "region": "region1", "sysfs_mode": "fsdax", "mode": "fsdax",
        "size": 2 * GiB, "resource": 0x200000000, "numa_node": 0,
        "target_node": 0, "holder": None, "map": "dev",
        "uuid": "3c2b1a09-8f7e-4d6c-9b5a-0123456789ab"}
    m.expect["dax0.0"] = {"location": ["node:0"], "basis": "observed"}
    return m


FIXTURES = {
    "vm-small": vm_small,
    "vm-73": vm_73,
    "cxl-host": cxl_host,
    "cxl-host-knob0": lambda: cxl_host(knob=0, name="cxl-host-knob0"),
    "cxl-host-paramN": lambda: cxl_host(memmap_param="N", name="cxl-host-paramN"),
    "cxl-host-parallel": lambda: cxl_host(parallel=True, name="cxl-host-parallel"),
    "huge-host": huge_host,
    "wide-host": wide_host,
    "states": states,
    "old-kernel": old_kernel,
    "dimm-virtio": dimm_virtio,
    "bad-zones": bad_zones,
    "bad-blocksize": bad_blocksize,
    "dangling-node": dangling_node,
    "missing-state": missing_state,
    "empty-root": empty_root,
    "dax-noresource": dax_noresource,
    "dax-unreadable": dax_unreadable,
}


# trees too big for the unit suite, built only by tests/bench/gen-tree
BENCH_FIXTURES = {
    "giant-host": giant_host,
}


def build(name):
    return (FIXTURES.get(name) or BENCH_FIXTURES[name])()


def main(argv):
    if len(argv) == 2 and argv[1] in ("--list", "-l"):
        for k in FIXTURES:
            doc = (FIXTURES[k].__doc__ or "").strip().splitlines()
            print("%-18s %s" % (k, doc[0] if doc else ""))
        return 0
    if len(argv) != 3 or argv[1] not in FIXTURES:
        sys.stderr.write("usage: sysfs_tree.py FIXTURE OUTDIR   (fixtures: %s)\n"
                         % " ".join(FIXTURES))
        return 2
    try:
        check_outdir(argv[2])
    except UnsafeOutput as e:
        sys.stderr.write("sysfs_tree.py: %s\n" % e)
        return 2
    build(argv[1]).write(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
