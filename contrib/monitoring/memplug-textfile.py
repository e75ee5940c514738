#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""memplug list as Prometheus metrics for node_exporter's textfile collector.

    memplug-textfile [--directory DIR] [--memplug PATH] [--timeout SECONDS]

Runs `memplug list -M` (read-only, no lock) and atomically replaces
DIR/memplug.prom (default DIR /var/lib/prometheus/node-exporter, what
node_exporter's --collector.textfile.directory points at) with
python3-prometheus-client's write_to_textfile.  Run as root from
memplug-textfile.timer: without root, dax ranges and /proc/iomem are
unreadable and device memory counts as boot memory.  MEMPLUG_SYSFS_ROOT is
passed on to memplug.

Metrics (gauges; node_exporter's meminfo and zoneinfo collectors already
give MemTotal and zone pages, so they are not repeated here):

  memplug_build_info{version}                  1
  memplug_list_success                         1 if the last memplug list succeeded, else 0
  memplug_list_last_success_timestamp_seconds  when it last succeeded (kept across failures)
  memplug_list_duration_seconds                how long memplug list took
  memplug_system_info{kernel,auto_online_blocks,memmap_on_memory,
                      online_policy,online_path,online_order,offline_order} 1
  memplug_capability{capability}               1 if the kernel has it, else 0
  memplug_parallel_hotplug_ratio               (when the kernel has parallel onlining)
  memplug_block_size_bytes                     memory block size
  memplug_memory_blocks{source,state,zone,node} blocks; sums over any label are meaningful
  memplug_source_info{source,type,mode,namespace,region,target_node} 1
  memplug_source_size_bytes{source}
  memplug_source_memmap_bytes{source}          memmap (struct pages) of a source
  memplug_source_memmap_info{source,location,basis} 1: where it lives (self = on
                                               the memory itself, node:N = RAM of node N)
                                               and whether predicted or observed

On failure, only build_info, list_success 0 and the last success timestamp
of the previous file are written: never a stale success.  Exit status 1
then, 0 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from prometheus_client import CollectorRegistry, write_to_textfile
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.parser import text_string_to_metric_families

PROM = "memplug.prom"
LAST_SUCCESS = "memplug_list_last_success_timestamp_seconds"
MAX_PREVIOUS = 16 << 20   # bytes of the previous file read, at most
FORMAT_VERSION = 1        # the shape of memplug's JSON this exporter reads


def err(msg):
    print("memplug-textfile: %s" % msg, file=sys.stderr)


def memplug_version(memplug, timeout):
    try:
        p = subprocess.run([memplug, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=timeout,
                           universal_newlines=True, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    v = p.stdout.strip().split()
    return v[-1] if p.returncode == 0 and v else "unknown"


def memplug_list(memplug, timeout):
    """The decoded JSON of `memplug list -M`, or None after an error."""
    try:
        p = subprocess.run([memplug, "list", "--memory-blocks"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, universal_newlines=True, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        err("%s list: %s" % (memplug, e))
        return None
    if p.returncode != 0:
        err("%s list: exit %d: %s" % (memplug, p.returncode, p.stderr.strip()))
        return None
    try:
        j = json.loads(p.stdout)
    except ValueError as e:
        err("%s list: bad JSON: %s" % (memplug, e))
        return None
    if isinstance(j, dict) and j.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        err("%s list: JSON format_version %s, this exporter reads %d"
            % (memplug, j.get("format_version"), FORMAT_VERSION))
        return None
    if not isinstance(j, dict) or not isinstance(j.get("sources"), list) \
            or not isinstance(j.get("memory_blocks"), list) \
            or not isinstance(j.get("system"), dict):
        err("%s list: JSON without system, sources or memory_blocks" % memplug)
        return None
    return j


def previous_success(path):
    """The last success timestamp of the previous file, or None."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read(MAX_PREVIOUS)
        for fam in text_string_to_metric_families(text):
            for s in fam.samples:
                if s.name == LAST_SUCCESS:
                    return s.value
    except (OSError, ValueError):
        pass
    return None


def label(v):
    return "" if v is None else str(v)


class Families:
    """The metric families of one run, for a collector."""

    def __init__(self, version, data, duration, last_success):
        self.version = version
        self.data = data
        self.duration = duration
        self.last_success = last_success

    def collect(self):
        yield InfoMetricFamily("memplug_build", "memplug's version.",
                               value={"version": self.version})
        ok = GaugeMetricFamily("memplug_list_success",
                               "1 if the last memplug list succeeded, else 0.")
        ok.add_metric([], 1 if self.data is not None else 0)
        yield ok
        if self.last_success is not None:
            yield GaugeMetricFamily(LAST_SUCCESS,
                                    "Unix time of the last successful memplug list.",
                                    value=self.last_success)
        if self.data is None:
            return
        yield GaugeMetricFamily("memplug_list_duration_seconds",
                                "How long memplug list took.", value=self.duration)
        yield from self.system()
        yield from self.sources()
        yield from self.blocks()

    def system(self):
        s = self.data["system"]
        keys = ["kernel", "auto_online_blocks", "memmap_on_memory",
                "online_policy", "online_path", "online_order", "offline_order"]
        yield InfoMetricFamily("memplug_system",
                               "Kernel memory hotplug settings and memplug's online path.",
                               value={k: label(s.get(k)) for k in keys})
        caps = s.get("capabilities") or {}
        cap = GaugeMetricFamily("memplug_capability",
                                "1 if the kernel has the capability, else 0.",
                                labels=["capability"])
        for k in sorted(caps):
            if isinstance(caps[k], bool):
                cap.add_metric([k], 1 if caps[k] else 0)
        yield cap
        ratio = caps.get("parallel_hotplug_ratio")
        if isinstance(ratio, int) and not isinstance(ratio, bool):
            yield GaugeMetricFamily("memplug_parallel_hotplug_ratio",
                                    "The kernel's parallel onlining ratio.", value=ratio)
        if isinstance(s.get("block_size_bytes"), int):
            yield GaugeMetricFamily("memplug_block_size_bytes",
                                    "Memory block size in bytes.",
                                    value=s["block_size_bytes"])

    def sources(self):
        info = InfoMetricFamily("memplug_source", "Memory sources (devices and boot memory).",
                                labels=["source", "type", "mode", "namespace",
                                        "region", "target_node"])
        size = GaugeMetricFamily("memplug_source_size_bytes",
                                 "Size of a memory source in bytes.", labels=["source"])
        memmap = GaugeMetricFamily("memplug_source_memmap_bytes",
                                   "Size of the memmap (struct pages) of a source in bytes; "
                                   "where it lives: memplug_source_memmap_info.",
                                   labels=["source"])
        where = InfoMetricFamily("memplug_source_memmap",
                                 "Where the memmap of a source lives (self: on the memory "
                                 "itself, node:N: in RAM of node N) and whether that is "
                                 "predicted or observed.",
                                 labels=["source", "location", "basis"])
        for src in self.data["sources"]:
            name = label(src.get("source"))
            info.add_metric([name, label(src.get("type")), label(src.get("mode")),
                             label(src.get("namespace")), label(src.get("region")),
                             label(src.get("target_node"))], {})
            if isinstance(src.get("size"), int):
                size.add_metric([name], src["size"])
            if isinstance(src.get("memmap_bytes"), int):
                memmap.add_metric([name], src["memmap_bytes"])
            where.add_metric([name, label(src.get("memmap_location")),
                              label(src.get("memmap_basis"))], {})
        yield info
        yield size
        yield memmap
        yield where

    def blocks(self):
        counts = {}
        for b in self.data["memory_blocks"]:
            key = (label(b.get("source")), label(b.get("state")),
                   label(b.get("zones")), label(b.get("node")))
            counts[key] = counts.get(key, 0) + 1
        g = GaugeMetricFamily("memplug_memory_blocks",
                              "Memory blocks by source, state, zone and NUMA node.",
                              labels=["source", "state", "zone", "node"])
        for key in sorted(counts):
            g.add_metric(list(key), counts[key])
        yield g


def main():
    ap = argparse.ArgumentParser(prog="memplug-textfile",
                                 description="memplug list as node_exporter textfile metrics")
    ap.add_argument("-d", "--directory", default="/var/lib/prometheus/node-exporter",
                    help="node_exporter's textfile directory")
    ap.add_argument("--memplug", default="memplug", help="the memplug binary")
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds memplug list may take")
    args = ap.parse_args()
    if not os.path.isdir(args.directory):
        err("no directory '%s'" % args.directory)
        return 1
    out = os.path.join(args.directory, PROM)
    start = time.monotonic()
    data = memplug_list(args.memplug, args.timeout)
    duration = time.monotonic() - start
    last = time.time() if data is not None else previous_success(out)
    registry = CollectorRegistry(auto_describe=True)
    registry.register(Families(memplug_version(args.memplug, args.timeout),
                               data, duration, last))
    try:
        write_to_textfile(out, registry)
    except OSError as e:
        err("%s: %s" % (out, e))
        return 1
    return 0 if data is not None else 1


if __name__ == "__main__":
    sys.exit(main())
