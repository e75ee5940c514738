#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""memplug list as Prometheus metrics for node_exporter's textfile collector.

    memplug-textfile [--directory DIR] [--memplug PATH] [--timeout SECONDS]
                     [--schema PATH] [--config PATH]

Runs `memplug list -M` (read-only, no lock), checks its JSON against the
JSON Schema memplug ships (Documentation/schema/list.json, installed in
datadir/memplug/schema; python3-jsonschema) and atomically replaces
DIR/memplug.prom (default DIR /var/lib/prometheus/node-exporter, what
node_exporter's --collector.textfile.directory points at): a temp file
in DIR, fsync, rename; the temp file is removed when anything fails, and
temp files an earlier run left behind (killed mid-write) are removed once
they are ten minutes old.  The drift of memplug.conf (the default
files, --config PATH or $MEMPLUG_CONFIG) comes from `memplug config show`
and `memplug apply --dry-run` (read-only, no lock).  Run as root from
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
  memplug_memory_bytes{source,state,zone,node} bytes of memory blocks; sums over any label
                                               are meaningful.  zone: the zone an online block
                                               is in (DMA, DMA32, Normal, Movable, or "none"
                                               for one spanning zones), "none" for every
                                               offline block, "unknown" when the kernel's
                                               valid_zones is not one zone name
  memplug_memory_blocks{source,state,zone,node} DEPRECATED, kept for existing dashboards:
                                               the same as a block count (not comparable
                                               across block sizes); use memplug_memory_bytes
  memplug_source_info{source,type,mode,namespace,region,target_node} 1
  memplug_source_size_bytes{source}
  memplug_source_memmap_bytes{source}          memmap (struct pages) of a source
  memplug_source_memmap_info{source,location,basis} 1: where it lives (self = on
                                               the memory itself, node:N = RAM of node N)
                                               and whether predicted or observed
  memplug_source_state{source,state}           the kernel's state of a dax device
                                               (daxX.Y/state): 1 for the state it is in,
                                               0 for each other one ("unknown" for a state
                                               this exporter does not know); no series
                                               where the kernel has no such file
  memplug_source_providing_memory{source}      1 when the source's memory is system RAM now
                                               (system-ram mode, at least one block online,
                                               the dax state not unplugged/offline), else 0:
                                               devdax, unplugged and all-offline devices
  memplug_warnings{code}                       warnings of memplug list per code (kebab-case;
                                               "unspecified" for a warning without a code
                                               from an older memplug, "other" past 32
                                               codes, "invalid" for a malformed one)
  memplug_config_drift{section,reason}         per memplug.conf section: 1 when its device is
                                               not in the configured state (what
                                               `memplug apply --dry-run` would change or
                                               refuses), else 0 with reason "none".  reason:
                                               absent (no device present matches), mode,
                                               offline-blocks, zone, memmap,
                                               planned (another step), refused, error
  memplug_config_drift_success                 1 if `memplug config show` and `memplug apply
                                               --dry-run` gave their JSON (no series from an
                                               older memplug without apply), else 0; the
                                               list metrics are written either way

On failure, only build_info, list_success 0 and the last success timestamp
of the previous file are written: never a stale success.  A failure is
anything short of a complete file from a good run: memplug missing, killed,
timed out or exiting non-zero, output that is not UTF-8 or not JSON, JSON
of another format_version or that does not match the schema, a schema that
cannot be read, any exception while building the metrics, a write that
fails part-way (then the failure file is written instead, and if even that
cannot be written the old file is removed rather than left to say 1).
Exit status 1 then, 0 otherwise.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import jsonschema
from jsonschema.exceptions import best_match
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.parser import text_string_to_metric_families

PROM = "memplug.prom"
LAST_SUCCESS = "memplug_list_last_success_timestamp_seconds"
MAX_PREVIOUS = 16 << 20   # bytes of the previous file read, at most
FORMAT_VERSION = 2        # the shape of memplug's JSON this exporter reads
# meson substitutes the installed schema; from a source tree, the tree's
SCHEMA = "@SCHEMA@"
SOURCE_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                             "Documentation", "schema", "list.json")
MAX_OUTPUT = 256 << 20    # bytes of memplug list output decoded, at most
STALE_TEMP = 600          # seconds after which a leftover temp file is removed
# the kernel's states of a dax device (Linux 7.3's daxX.Y/state)
# the zones an online block can be in, as the kernel spells them
ZONES = ("DMA", "DMA32", "Normal", "Movable", "none")
DAX_STATES = ("unplugged", "offline", "online", "online_kernel", "online_movable")
CODE_RE = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_CODES = 32            # distinct warning codes exported; the rest is "other"
# temp files: this exporter's, and those of prometheus_client's
# write_to_textfile (PATH.PID.THREAD) that earlier versions used
TEMP_RE = re.compile(r"\A(?:\.%s\.[A-Za-z0-9_]+\.tmp|%s\.[0-9]+\.[0-9]+)\Z"
                     % (re.escape(PROM), re.escape(PROM)))


def err(msg):
    print("memplug-textfile: %s" % msg, file=sys.stderr)


def default_schema():
    return SCHEMA if not SCHEMA.startswith("@") else os.path.normpath(SOURCE_SCHEMA)


def load_validator(path):
    """A jsonschema validator for the schema at PATH; raises ValueError
    (with the reason) when there is none."""
    try:
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
    except (OSError, ValueError, RecursionError,
            jsonschema.exceptions.SchemaError) as e:
        raise ValueError("schema %s: %s" % (path, str(e).splitlines()[0])) from e
    return cls(schema)


def version_label(out):
    """The version word of `memplug --version`, or "unknown"."""
    v = out.decode("utf-8", "replace").strip().split()
    return v[-1] if v and re.match(r"\A[A-Za-z0-9.+~_-]{1,64}\Z", v[-1]) else "unknown"


def memplug_version(memplug, timeout):
    try:
        p = subprocess.run([memplug, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    except (OSError, ValueError, subprocess.SubprocessError):
        return "unknown"
    return version_label(p.stdout) if p.returncode == 0 else "unknown"


def reject_constant(name):
    raise ValueError("%s is not a JSON number" % name)


def memplug_list(memplug, timeout, validator):
    """The decoded JSON of `memplug list -M` when it has the schema's
    shape, or None after an error (printed)."""
    try:
        p = subprocess.run([memplug, "list", "--memory-blocks"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, check=False)
    except (OSError, ValueError, subprocess.SubprocessError) as e:
        err("%s list: %s" % (memplug, e))
        return None
    stderr = p.stderr.decode("utf-8", "replace").strip()[-1000:]
    if p.returncode < 0:
        err("%s list: killed by signal %d: %s" % (memplug, -p.returncode, stderr))
        return None
    if p.returncode != 0:
        err("%s list: exit %d: %s" % (memplug, p.returncode, stderr))
        return None
    if len(p.stdout) > MAX_OUTPUT:
        err("%s list: more than %d bytes of output" % (memplug, MAX_OUTPUT))
        return None
    try:
        j = json.loads(p.stdout.decode("utf-8"), parse_constant=reject_constant)
    except UnicodeDecodeError as e:
        err("%s list: output is not UTF-8: %s" % (memplug, e))
        return None
    except (ValueError, RecursionError) as e:
        err("%s list: bad JSON: %s" % (memplug, e))
        return None
    if isinstance(j, dict) and j.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        err("%s list: JSON format_version %s, this exporter reads %d"
            % (memplug, j.get("format_version"), FORMAT_VERSION))
        return None
    try:
        bad = best_match(validator.iter_errors(j))
    except RecursionError:
        err("%s list: JSON nested too deep for the schema check" % memplug)
        return None
    if bad is not None:
        err("%s list: JSON does not match the schema at /%s: %s"
            % (memplug, "/".join(str(x) for x in bad.absolute_path), bad.message[:300]))
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


def warning_codes(data):
    """{code: count} of memplug list's warnings: the root's "warnings"
    when memplug gives them, else each source's "warnings" (objects or
    strings) or its older "warning" string.  Label values stay bounded."""
    root = data.get("warnings")
    if isinstance(root, list):
        items = root
    else:
        items = []
        for src in data["sources"]:
            if isinstance(src.get("warnings"), list):
                items.extend(src["warnings"])
            elif src.get("warning"):
                items.append(src["warning"])
    counts = {}
    for w in items:
        code = w.get("code") if isinstance(w, dict) else None
        if code is None:
            code = "unspecified"
        elif not isinstance(code, str) or len(code) > 64 or not CODE_RE.match(code):
            code = "invalid"
        elif code not in counts and len(counts) >= MAX_CODES:
            code = "other"
        counts[code] = counts.get(code, 0) + 1
    return counts


class Families:
    """The metric families of one run, for a collector."""

    def __init__(self, version, data, duration, last_success, drift=None):
        self.drift_data = drift
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
        yield from self.warnings()
        yield from self.drift()

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
        state = GaugeMetricFamily("memplug_source_state",
                                  "The kernel's state of a dax device (daxX.Y/state): 1 for "
                                  "the state it is in, 0 for the others.",
                                  labels=["source", "state"])
        prov = GaugeMetricFamily("memplug_source_providing_memory",
                                 "1 when the source's memory is system RAM now (system-ram "
                                 "mode, blocks online), 0 for devdax, unplugged or offline.",
                                 labels=["source"])
        for src in self.data["sources"]:
            name = label(src.get("source"))
            prov.add_metric([name], providing(src))
            if isinstance(src.get("state"), str):
                now = src["state"] if src["state"] in DAX_STATES else "unknown"
                for st in DAX_STATES + (("unknown",) if now == "unknown" else ()):
                    state.add_metric([name, st], 1 if st == now else 0)
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
        yield state
        yield prov

    def warnings(self):
        g = GaugeMetricFamily("memplug_warnings",
                              "Warnings of memplug list by code.", labels=["code"])
        for code, n in sorted(warning_codes(self.data).items()):
            g.add_metric([code], n)
        yield g

    def blocks(self):
        counts, sizes = {}, {}
        for b in self.data["memory_blocks"]:
            key = (label(b.get("source")), label(b.get("state")),
                   block_zone(b), label(b.get("node")))
            counts[key] = counts.get(key, 0) + 1
            sizes[key] = sizes.get(key, 0) + b["size"]
        labels = ["source", "state", "zone", "node"]
        for name, doc, values in (
                ("memplug_memory_bytes", "Bytes of memory blocks by source, state, zone "
                 "(none: offline) and NUMA node.", sizes),
                ("memplug_memory_blocks", "DEPRECATED (use memplug_memory_bytes): memory "
                 "blocks by source, state, zone and NUMA node.", counts)):
            g = GaugeMetricFamily(name, doc, labels=labels)
            for key in sorted(values):
                g.add_metric(list(key), values[key])
            yield g

    def drift(self):
        if self.drift_data is None:
            return
        ok = GaugeMetricFamily("memplug_config_drift_success",
                               "1 if memplug config show and apply --dry-run gave their "
                               "JSON, else 0.")
        sections = self.drift_data.get("sections")
        ok.add_metric([], 0 if sections is None else 1)
        yield ok
        if sections is None:
            return
        g = GaugeMetricFamily("memplug_config_drift",
                              "1 when a memplug.conf section's device is not in its "
                              "configured state (reason says why), else 0.",
                              labels=["section", "reason"])
        for name, reason in sections:
            g.add_metric([name, reason], 0 if reason == "none" else 1)
        yield g


def block_zone(b):
    """The zone label of a block: the one zone an online (or going-offline)
    block is in, "none" for an offline one (the kernel's valid_zones then
    lists where it could go, not where it is)."""
    state, zones = b.get("state"), b.get("zones")
    if state == "offline":
        return "none"
    words = zones.split() if isinstance(zones, str) else []
    if len(words) == 1 and words[0] in ZONES:
        return words[0]
    return "unknown"


def providing(src):
    """1 when the source's memory is system RAM now, else 0."""
    if src.get("mode") != "system-ram":
        return 0
    if src.get("state") in ("unplugged", "offline"):
        return 0
    online = src.get("online_memblocks")
    return 1 if isinstance(online, int) and online > 0 else 0


def run_json(argv, timeout):
    """(exit status, decoded JSON object or None) of a memplug command."""
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, check=False)
    except (OSError, ValueError, subprocess.SubprocessError) as e:
        err("%s: %s" % (" ".join(argv[1:3]), e))
        return None, None
    if len(p.stdout) > MAX_OUTPUT:
        return p.returncode, None
    try:
        j = json.loads(p.stdout.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        j = None
    if not isinstance(j, dict) or j.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        j = None
    if j is None:
        why = p.stderr.decode("utf-8", "replace").strip()[-300:]
        err("%s: exit %d, no JSON: %s" % (" ".join(argv[1:3]), p.returncode, why))
    return p.returncode, j


def wanted_differs(want, before):
    """Why a device's state BEFORE (apply's JSON) is not what section WANT
    (config show's JSON) asks for; None when nothing visible differs."""
    if not isinstance(before, dict):
        return "mode"
    if before.get("mode") != want.get("mode"):
        return "mode"
    if want.get("mode") != "system-ram":
        return None
    online, total = before.get("online_memblocks"), before.get("total_memblocks")
    if isinstance(online, int) and isinstance(total, int):
        if want.get("online") is True and online < total:
            return "offline-blocks"
    zone = {"movable": "Movable", "normal": "Normal"}.get(want.get("zone"))
    zones = before.get("zones")
    if zone and isinstance(zones, dict) and any(
            isinstance(n, int) and n > 0 and z != zone for z, n in zones.items()):
        return "zone"
    memmap = {"yes": "self", "no": "node"}.get(want.get("memmap_on_memory"))
    loc = before.get("memmap_location")
    if memmap and isinstance(loc, str) and online and not loc.startswith(memmap):
        return "memmap"
    return None


def drift_reasons(config, plan):
    """[(section, reason)] for every section config show names: "none"
    when apply --dry-run leaves its device alone, else why not."""
    planned = {}
    for t in plan.get("targets") or []:
        if isinstance(t, dict) and isinstance(t.get("section"), str):
            planned[t["section"]] = t
    out = []
    for want in config.get("targets") or []:
        if not isinstance(want, dict) or not isinstance(want.get("section"), str):
            continue
        name = want["section"][:200]
        t = planned.get(want["section"])
        if t is None:
            out.append((name, "absent"))
            continue
        result = t.get("result")
        if result == "unchanged":
            out.append((name, "none"))
            continue
        why = wanted_differs(want, t.get("before"))
        if why is None:
            why = {"planned": "planned", "refused": "refused"}.get(result, "error")
        out.append((name, why))
    return out


def memplug_drift(memplug, timeout, config):
    """{"sections": [(section, reason)] or None}: None when memplug could
    not say (an older memplug without apply, a configuration error)."""
    extra = ["--config=%s" % config] if config else []
    _, conf = run_json([memplug, "config", "show"] + extra, timeout)
    if conf is None:
        return {"sections": None}
    if not conf.get("targets"):
        return {"sections": []}
    rc, plan = run_json([memplug, "apply", "--dry-run"] + extra, timeout)
    if plan is None or rc not in (0, 3, 4):
        return {"sections": None}
    return {"sections": drift_reasons(conf, plan)}


def render(version, data, duration, last_success, drift=None):
    """The exposition text (bytes) of one run."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(Families(version, data, duration, last_success, drift))
    return generate_latest(registry)


def remove_leftovers(directory):
    """Temp files of earlier runs killed mid-write, once they are old."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for n in names:
        if not TEMP_RE.match(n):
            continue
        p = os.path.join(directory, n)
        try:
            st = os.lstat(p)
            if time.time() - st.st_mtime > STALE_TEMP:
                os.unlink(p)
        except OSError:
            pass


def write_atomic(path, text):
    """Replace PATH by TEXT: a temp file next to it, fsync, rename.  The
    temp file is gone afterwards, whatever fails."""
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)   # node_exporter reads it as its own user
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def publish(out, text, failure):
    """Write TEXT (None after a failure); the text of FAILURE() when that
    fails, and no file at all when that fails too, rather than a stale
    success.  True when TEXT was written."""
    if text is not None:
        try:
            write_atomic(out, text)
            return True
        except Exception as e:   # pylint: disable=broad-except
            err("%s: %s" % (out, e))
    try:
        write_atomic(out, failure())
    except Exception as e:   # pylint: disable=broad-except
        err("%s: %s" % (out, e))
        try:
            os.unlink(out)
        except FileNotFoundError:
            pass
        except OSError as e2:
            err("%s: cannot remove the old file: %s" % (out, e2))
    return False


def main():
    ap = argparse.ArgumentParser(prog="memplug-textfile",
                                 description="memplug list as node_exporter textfile metrics")
    ap.add_argument("-d", "--directory", default="/var/lib/prometheus/node-exporter",
                    help="node_exporter's textfile directory")
    ap.add_argument("--memplug", default="memplug", help="the memplug binary")
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds memplug list may take")
    ap.add_argument("--schema", default=default_schema(),
                    help="JSON Schema of memplug list (default %(default)s)")
    ap.add_argument("--config", default=None,
                    help="memplug.conf file or directory for the drift "
                    "(default memplug's own)")
    args = ap.parse_args()
    if not os.path.isdir(args.directory):
        err("no directory '%s'" % args.directory)
        return 1
    out = os.path.join(args.directory, PROM)
    remove_leftovers(args.directory)
    previous = previous_success(out)
    version, text = "unknown", None
    try:
        version = memplug_version(args.memplug, args.timeout)
        validator = load_validator(args.schema)
        start = time.monotonic()
        data = memplug_list(args.memplug, args.timeout, validator)
        if data is not None:
            duration = time.monotonic() - start
            drift = memplug_drift(args.memplug, args.timeout, args.config)
            text = render(version, data, duration, time.time(), drift)
    except Exception as e:   # pylint: disable=broad-except
        err("%s: %s" % (type(e).__name__, str(e)[:300]))
        text = None
    return 0 if publish(out, text, lambda: render(version, None, 0, previous)) else 1


if __name__ == "__main__":
    sys.exit(main())
