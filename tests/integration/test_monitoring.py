#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""contrib/monitoring: memplug-textfile's metrics checked by promtool on every
fixture tree, scraped by a real node_exporter and a real Prometheus (both
from Debian, on 127.0.0.1, temp dirs, killed at the end), and the Grafana
dashboard's queries checked against the series the exporter emits.
Under CI=true a missing tool fails the test instead of skipping it.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "unit"))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
CI = os.environ.get("CI") == "true"
DEB_PYTHON = "/usr/bin/python3"   # Debian's, with python3-prometheus-client
EXPORTER = os.path.join(SRC, "contrib", "monitoring", "memplug-textfile.py")
DASHBOARD = os.path.join(SRC, "contrib", "monitoring", "memplug-grafana.json")
NODE_EXPORTER = "prometheus-node-exporter"   # Debian's name for node_exporter
DEADLINE = 90   # seconds the live scrape test may take in all


def need(*tools):
    missing = [t for t in tools if not shutil.which(t)]
    if not MEMPLUG or not os.access(MEMPLUG, os.X_OK):
        missing.append("MEMPLUG")
    if subprocess.run([DEB_PYTHON, "-c", "import prometheus_client"],
                      stderr=subprocess.DEVNULL).returncode:
        missing.append("python3-prometheus-client")
    if missing:
        if CI:
            raise AssertionError("CI=true and missing: %s" % ", ".join(missing))
        raise unittest.SkipTest("missing: %s" % ", ".join(missing))


def export(root, outdir, config=None):
    """Run the exporter on a tree (with memplug.conf CONFIG, a file or
    directory; by default none); return (exit status, .prom text)."""
    env = dict(os.environ, MEMPLUG_SYSFS_ROOT=root)
    env.pop("MEMPLUG_CONFIG", None)
    if config is None:
        config = outdir.rstrip("/") + ".no-config"
        os.makedirs(config, mode=0o700, exist_ok=True)
    p = subprocess.run([DEB_PYTHON, EXPORTER, "--directory", outdir,
                        "--memplug", MEMPLUG, "--config", config], env=env,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    with open(os.path.join(outdir, "memplug.prom")) as f:
        return p.returncode, f.read()


def samples(text):
    """{(name, frozenset(labels)): value} from exposition text."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        assert m, line
        labels = frozenset(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def series_names(text):
    return {name for name, _ in samples(text)}


def memplug_list(root):
    p = subprocess.run([MEMPLUG, "--sysfs-root", root, "list"],
                       stdout=subprocess.PIPE, universal_newlines=True, timeout=60)
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 else None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


class Exporter(unittest.TestCase):
    def setUp(self):
        need("promtool")
        self.tmp = tempfile.mkdtemp(prefix="memplug-mon-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def tree(self, name):
        return st.build(name).write(os.path.join(self.tmp, "trees", name))

    def outdir(self, name):
        d = os.path.join(self.tmp, "out", name)
        os.makedirs(d)
        return d

    def promtool(self, text):
        p = subprocess.run(["promtool", "check", "metrics"], input=text,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=60)
        return p.returncode, p.stdout

    def test_every_fixture(self):
        for name in fixture_names():
            with self.subTest(fixture=name):
                root = self.tree(name)
                rc, text = export(root, self.outdir(name))
                prc, lint = self.promtool(text)
                self.assertEqual(prc, 0, "%s: promtool: %s\n%s" % (name, lint, text))
                lrc, j = memplug_list(root)
                s = samples(text)
                ok = s[("memplug_list_success", frozenset())]
                if lrc != 0:
                    self.assertEqual((rc, ok), (1, 0.0), name)
                    self.assertNotIn("memplug_memory_blocks", series_names(text))
                    continue
                self.assertEqual((rc, ok), (0, 1.0), name)
                self.check_values(j, s, name)

    def check_values(self, j, s, name):
        blocks = {}
        for (n, labels), v in s.items():
            if n == "memplug_memory_blocks":
                src = dict(labels)["source"]
                st_ = dict(labels)["state"]
                blocks.setdefault(src, {}).setdefault(st_, 0)
                blocks[src][st_] += v
        for src in j["sources"]:
            got = blocks.get(src["source"], {})
            self.assertEqual(sum(got.values()), src["total_memblocks"], (name, src["source"]))
            self.assertEqual(got.get("online", 0), src["online_memblocks"], (name, src["source"]))
            for state, count in src["states"].items():
                self.assertEqual(got.get(state, 0), count, (name, src["source"], state))
            self.assertEqual(s[("memplug_source_memmap_bytes",
                                frozenset({("source", src["source"])}))],
                             src["memmap_bytes"], name)
            self.assertIn(("memplug_source_memmap_info",
                           frozenset({("source", src["source"]),
                                      ("location", src["memmap_location"] or ""),
                                      ("basis", src["memmap_basis"] or "")})), s, name)
        self.assertEqual(sum(sum(b.values()) for b in blocks.values()),
                         j["summary"]["total_memblocks"], name)
        self.check_bytes(j, s, name)
        caps = j["system"]["capabilities"]
        for k, v in caps.items():
            if isinstance(v, bool):
                self.assertEqual(s[("memplug_capability", frozenset({("capability", k)}))],
                                 float(v), (name, k))
        info = [dict(lb) for n, lb in s if n == "memplug_system_info"]
        self.assertEqual(len(info), 1)
        self.assertEqual(info[0]["online_path"], j["system"]["online_path"])
        # node_exporter's meminfo/zoneinfo collectors give these already
        for n in series_names("\n".join("%s 0" % x for x, _ in s)):
            self.assertNotRegex(n, r"zone_pages|mem_total|present|managed")

    ZONE_LABELS = {"DMA", "DMA32", "Normal", "Movable", "none", "unknown"}

    def check_bytes(self, j, s, name):
        """Issue 20, item 6: bytes per source and state, one zone per
        label (offline: none), providing_memory per source."""
        bs = j["system"]["block_size_bytes"]
        by_src, online, zones = {}, {}, set()
        for (n, labels), v in s.items():
            lb = dict(labels)
            if n != "memplug_memory_bytes":
                continue
            self.assertEqual(set(lb), {"source", "state", "zone", "node"})
            zones.add(lb["zone"])
            if lb["state"] == "offline":
                self.assertEqual(lb["zone"], "none", (name, lb))
            by_src[lb["source"]] = by_src.get(lb["source"], 0) + v
            if lb["state"] == "online":
                online[lb["source"]] = online.get(lb["source"], 0) + v
            # the deprecated count has the same labels
            self.assertIn(("memplug_memory_blocks", labels), s, (name, lb))
        self.assertLessEqual(zones, self.ZONE_LABELS, name)
        self.assertEqual(sum(by_src.values()), j["summary"]["total_bytes"], name)
        self.assertEqual(sum(online.values()), j["summary"]["online_bytes"], name)
        for src in j["sources"]:
            self.assertEqual(by_src.get(src["source"], 0), src["total_memblocks"] * bs,
                             (name, src["source"]))
            self.assertEqual(online.get(src["source"], 0), src["online_memblocks"] * bs,
                             (name, src["source"]))
            want = int(src["mode"] == "system-ram" and src["online_memblocks"] > 0 and
                       src.get("state") not in ("unplugged", "offline"))
            self.assertEqual(s[("memplug_source_providing_memory",
                                frozenset({("source", src["source"])}))], want,
                             (name, src["source"]))
        # no configuration: the drift is known and empty
        self.assertEqual(s[("memplug_config_drift_success", frozenset())], 1.0, name)
        self.assertEqual(self.only(s, "memplug_config_drift"), {}, name)

    def test_offline_blocks_zone_none(self):
        """The states fixture's offline blocks have valid_zones "Movable
        Normal" and "Normal Movable": one label, none, and their bytes."""
        root = self.tree("states")
        rc, text = export(root, self.outdir("states-zones"))
        self.assertEqual(rc, 0, text)
        self.assertNotIn("Movable Normal", text)
        self.assertNotIn("Normal Movable", text)
        s = samples(text)
        off = {k: v for k, v in self.only(s, "memplug_memory_bytes").items()
               if ("state", "offline") in k}
        self.assertEqual(off, {(("node", "0"), ("source", "dax0.0"), ("state", "offline"),
                                ("zone", "none")): 9 * 128 * 2 ** 20})
        self.assertEqual(s[("memplug_memory_bytes", frozenset({
            ("node", "0"), ("source", "dax0.0"), ("state", "online"),
            ("zone", "Normal")}))], 128 * 2 ** 20)

    def devdax_tree(self):
        return st.cxl_devdax_host("unplugged").write(
            os.path.join(self.tmp, "trees", "cxl-devdax-host"))

    def test_devdax_and_unplugged_provide_no_memory(self):
        root = self.devdax_tree()
        rc, text = export(root, self.outdir("devdax"))
        self.assertEqual(rc, 0, text)
        self.assertEqual(self.promtool(text)[0], 0, text)
        s = samples(text)
        self.assertEqual({dict(k)["source"]: v for k, v in
                          self.only(s, "memplug_source_providing_memory").items()},
                         {"boot-node0": 1, "dax0.0": 0, "dax1.0": 0})
        self.assertEqual(s[("memplug_source_size_bytes", frozenset({("source", "dax0.0")}))],
                         8 << 30)
        self.assertEqual(s[("memplug_warnings", frozenset({("code", "memory-absent")}))], 1)
        self.assertFalse([k for k in self.only(s, "memplug_memory_bytes")
                          if ("source", "dax0.0") in k or ("source", "dax1.0") in k])

    def write_conf(self, name, text):
        d = os.path.join(self.tmp, "conf-" + name)
        os.makedirs(d, mode=0o700)
        with open(os.path.join(d, "memplug.conf"), "w") as f:
            f.write(text)
        return d

    CXL_CONF = ("[region cxl0]\nhpa = 0x4000000000\nzone = normal\n\n"
                "[region cxl1]\nhpa = 0x6000000000\n\n"
                "[region gone]\nhpa = 0x8000000000\n")

    def drift(self, root, conf):
        rc, text = export(root, self.outdir("drift-%d" % len(os.listdir(
            os.path.join(self.tmp, "out")))), conf)
        self.assertEqual(self.promtool(text)[0], 0, text)
        s = samples(text)
        self.assertEqual(s[("memplug_list_success", frozenset())], 1.0, text)
        return rc, s

    def test_config_drift(self):
        """Issue 20, item 6: one series per memplug.conf section, 1 with
        the reason when apply --dry-run would change or refuses it."""
        os.makedirs(os.path.join(self.tmp, "out"), exist_ok=True)
        cases = [
            ("cxl-host", self.CXL_CONF,
             {("region cxl0", "zone"): 1, ("region cxl1", "none"): 0,
              ("region gone", "absent"): 1}),
            ("states", "[namespace pm]\nuuid = %s\n" % st.NS_UUID,
             {("namespace pm", "offline-blocks"): 1}),
            ("vm-small", "[namespace pm]\nuuid = %s\nmode = devdax\n" % st.NS_UUID,
             {("namespace pm", "mode"): 1}),
            ("vm-small", "[namespace pm]\nuuid = %s\n" % st.NS_UUID,
             {("namespace pm", "none"): 0}),
            ("vm-small", "[namespace pm]\nuuid = %s\nonline = no\n" % st.NS_UUID,
             # online = no only adds blocks, never offlines: apply plans nothing
             {("namespace pm", "none"): 0}),
        ]
        roots = {}
        for fixture, conf, want in cases:
            with self.subTest(fixture=fixture, conf=conf):
                if fixture not in roots:
                    roots[fixture] = self.tree(fixture)
                rc, s = self.drift(roots[fixture], self.write_conf(
                    "c%d" % len(os.listdir(self.tmp)), conf))
                self.assertEqual(rc, 0)
                self.assertEqual(s[("memplug_config_drift_success", frozenset())], 1.0)
                got = {(dict(k)["section"], dict(k)["reason"]): v
                       for k, v in self.only(s, "memplug_config_drift").items()}
                self.assertEqual(got, want)

    def test_config_error_is_no_drift_but_list_stays(self):
        os.makedirs(os.path.join(self.tmp, "out"), exist_ok=True)
        rc, s = self.drift(self.tree("cxl-host"),
                           self.write_conf("bad", "[region x]\nhpa = zz\n"))
        self.assertEqual(rc, 0)
        self.assertEqual(s[("memplug_config_drift_success", frozenset())], 0.0)
        self.assertEqual(self.only(s, "memplug_config_drift"), {})
        self.assertTrue(self.only(s, "memplug_memory_bytes"))

    def test_failure_is_never_a_stale_success(self):
        root = self.tree("vm-small")
        out = self.outdir("stale")
        rc, text = export(root, out)
        self.assertEqual(rc, 0)
        ts = samples(text)[("memplug_list_last_success_timestamp_seconds", frozenset())]
        self.assertLessEqual(abs(ts - time.time()), 60)
        # the memory blocks vanish: memplug list fails
        shutil.rmtree(os.path.join(root, "sys/devices/system/memory"))
        rc, text = export(root, out)
        self.assertEqual(rc, 1)
        self.assertEqual(self.promtool(text)[0], 0, text)
        s = samples(text)
        self.assertEqual(s[("memplug_list_success", frozenset())], 0.0)
        self.assertEqual(s[("memplug_list_last_success_timestamp_seconds", frozenset())], ts)
        self.assertEqual(series_names(text), {"memplug_build_info", "memplug_list_success",
                                              "memplug_list_last_success_timestamp_seconds"})
        self.assertEqual(os.listdir(out), ["memplug.prom"], "temp file left behind")
        # a failure with no earlier file: no timestamp at all
        rc, text = export(root, self.outdir("fresh"))
        self.assertEqual(rc, 1)
        self.assertNotIn("memplug_list_last_success_timestamp_seconds", text)

    def stand_in(self, name, stdout=b"", rc=0, signal_=None):
        """A memplug that prints STDOUT (bytes) for list, exits RC or dies
        of SIGNAL_; --version answers 0.1.0."""
        data = os.path.join(self.tmp, name + ".out")
        with open(data, "wb") as f:
            f.write(stdout)
        stub = os.path.join(self.tmp, name)
        with open(stub, "w") as f:
            f.write('#!/bin/sh\n[ "$1" = --version ] && { echo 0.1.0; exit; }\n'
                    'cat %s\n' % data)
            f.write("kill -%d $$\n" % signal_ if signal_ else "exit %d\n" % rc)
        os.chmod(stub, 0o755)
        return stub

    def run_exporter(self, out, memplug, env=None, preexec=None, extra=()):
        p = subprocess.run([DEB_PYTHON, EXPORTER, "--directory", out,
                            "--memplug", memplug] + list(extra),
                           env=dict(os.environ, **(env or {})), stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=120, preexec_fn=preexec)
        return p.returncode, p.stderr

    def good_list(self):
        """memplug list -M of vm-small (a fresh copy each call)."""
        if not getattr(self, "_good", None):
            root = st.build("vm-small").write(os.path.join(self.tmp, "trees", "good"))
            p = subprocess.run([MEMPLUG, "--sysfs-root", root, "list", "-M"],
                               stdout=subprocess.PIPE, universal_newlines=True, check=True)
            self._good = p.stdout
        return json.loads(self._good)

    def assert_failure_file(self, out, ts, stderr):
        self.assertNotIn("Traceback", stderr)
        with open(os.path.join(out, "memplug.prom")) as f:
            text = f.read()
        self.assertEqual(self.promtool(text)[0], 0, text)
        s = samples(text)
        self.assertEqual(s[("memplug_list_success", frozenset())], 0.0, stderr)
        self.assertEqual(s[("memplug_list_last_success_timestamp_seconds", frozenset())], ts)
        self.assertEqual(series_names(text), {"memplug_build_info", "memplug_list_success",
                                              "memplug_list_last_success_timestamp_seconds"})
        self.assertEqual(os.listdir(out), ["memplug.prom"], "temp file left behind")

    def bad_outputs(self):
        """(name, stdout bytes, exit status, signal): what a broken, newer
        or hostile memplug list may print."""
        def mutated(fn):
            j = self.good_list()
            fn(j)
            return json.dumps(j).encode()

        def nested(depth):
            return ('{"format_version": 2, "system": {}, "sources": [], "memory_blocks": %s}'
                    % ("[" * depth + "]" * depth)).encode()
        good = json.dumps(self.good_list()).encode()
        return [
            ("sources-int", mutated(lambda j: j.update(sources=[1])), 0, None),
            ("capabilities-str", mutated(lambda j: j["system"].update(capabilities="x")),
             0, None),
            ("block-source-obj", mutated(lambda j: j["memory_blocks"][0].update(source={})),
             0, None),
            ("block-int", mutated(lambda j: j["memory_blocks"].append(7)), 0, None),
            ("system-list", mutated(lambda j: j.update(system=[])), 0, None),
            ("size-str", mutated(lambda j: j["sources"][0].update(size="1G")), 0, None),
            ("no-summary", mutated(lambda j: j.pop("summary")), 0, None),
            ("array", b"[]", 0, None),
            ("empty", b"", 0, None),
            ("nan", mutated(lambda j: j["system"].update(block_size_bytes=float("nan"))),
             0, None),
            ("non-utf8", good.replace(b'"kernel": "', b'"kernel": "\xff\xfe', 1), 0, None),
            ("latin1-extra", good[:-1] + b', "x": "\xe9"}', 0, None),
            ("deep", nested(100000), 0, None),
            ("truncated", good[:len(good) // 2], 0, None),
            ("crash", good[:100], 0, signal.SIGSEGV),
            ("killed", b"", 0, signal.SIGKILL),
            ("exit-3", good, 3, None),
        ]

    def test_bad_output_is_never_a_stale_success(self):
        """Whatever memplug list prints or however it
        dies, the file says memplug_list_success 0 afterwards, keeps the
        last success time, and no temp file is left."""
        root = self.tree("vm-small")
        for name, out_bytes, rc, sig in self.bad_outputs():
            with self.subTest(output=name):
                out = self.outdir("bad-" + name)
                erc, _ = export(root, out)
                self.assertEqual(erc, 0)
                with open(os.path.join(out, "memplug.prom")) as f:
                    ts = samples(f.read())[("memplug_list_last_success_timestamp_seconds",
                                            frozenset())]
                stub = self.stand_in("memplug-" + name, out_bytes, rc, sig)
                erc, stderr = self.run_exporter(out, stub)
                self.assertEqual(erc, 1, stderr)
                self.assertRegex(stderr, r"^memplug-textfile: ")
                self.assert_failure_file(out, ts, stderr)

    def test_write_failing_part_way(self):
        """The write itself fails (RLIMIT_FSIZE: EFBIG part-way): no temp
        file, and the file left says 0, never the old success; when not
        even that fits, no file at all rather than a stale one."""
        import resource
        root = self.tree("vm-small")
        for limit, left in ((1500, True), (100, False)):
            with self.subTest(limit=limit):
                out = self.outdir("fsize-%d" % limit)
                self.assertEqual(export(root, out)[0], 0)
                with open(os.path.join(out, "memplug.prom")) as f:
                    text = f.read()
                self.assertGreater(len(text), 1500)
                ts = samples(text)[("memplug_list_last_success_timestamp_seconds",
                                    frozenset())]

                def small_files(limit=limit):
                    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
                erc, stderr = self.run_exporter(out, MEMPLUG, {"MEMPLUG_SYSFS_ROOT": root},
                                                small_files)
                self.assertEqual(erc, 1, stderr)
                if left:
                    self.assert_failure_file(out, ts, stderr)
                else:
                    self.assertNotIn("Traceback", stderr)
                    self.assertEqual(os.listdir(out), [], "stale or temp file left")

    def test_leftover_temp_files_removed(self):
        """Temp files of an earlier run killed mid-write (this exporter's
        and those of prometheus_client's write_to_textfile) are removed
        once they are old; node_exporter never reads them (no .prom)."""
        root = self.tree("vm-small")
        out = self.outdir("leftover")
        old = [".memplug.prom.abc123.tmp", "memplug.prom.4242.140000000000"]
        for n in old + ["other.prom.123.456", ".memplug.prom.fresh.tmp"]:
            with open(os.path.join(out, n), "w") as f:
                f.write("memplug_list_success 1\n")
        for n in old:
            os.utime(os.path.join(out, n), (time.time() - 3600,) * 2)
        self.assertEqual(export(root, out)[0], 0)
        self.assertEqual(sorted(os.listdir(out)),
                         [".memplug.prom.fresh.tmp", "memplug.prom", "other.prom.123.456"])

    def test_schema_is_the_shipped_one(self):
        """The shape check reads Documentation/schema/list.json (installed
        into datadir, substituted into the installed exporter): a schema
        that forbids what memplug prints makes the run a failure; a
        missing or broken schema is a failure, not a pass."""
        root = self.tree("vm-small")
        with open(os.path.join(SRC, "Documentation", "schema", "list.json")) as f:
            schema = json.load(f)
        schema["properties"]["summary"]["properties"]["total_memblocks"]["maximum"] = 0
        strict = os.path.join(self.tmp, "strict.json")
        with open(strict, "w") as f:
            json.dump(schema, f)
        broken = os.path.join(self.tmp, "broken.json")
        with open(broken, "w") as f:
            f.write('{"type": 7}')
        for name, path, want in (("shipped", os.path.join(SRC, "Documentation", "schema",
                                                          "list.json"), 0),
                                 ("strict", strict, 1), ("broken", broken, 1),
                                 ("missing", os.path.join(self.tmp, "none.json"), 1)):
            with self.subTest(schema=name):
                out = self.outdir("schema-" + name)
                erc, stderr = self.run_exporter(out, MEMPLUG, {"MEMPLUG_SYSFS_ROOT": root},
                                                extra=["--schema", path])
                self.assertEqual(erc, want, stderr)
                self.assertNotIn("Traceback", stderr)
                with open(os.path.join(out, "memplug.prom")) as f:
                    s = samples(f.read())
                self.assertEqual(s[("memplug_list_success", frozenset())], 1.0 - want)
                if want:
                    self.assertIn("schema", stderr)

    def new_shape_schema(self):
        """The shipped schema with the warnings and the dax state made
        lenient (optional, any code, any state): the exporter's own
        handling of odd values is under test, not the schema's."""
        with open(os.path.join(SRC, "Documentation", "schema", "list.json")) as f:
            schema = json.load(f)
        warning = {"type": "object", "required": ["code", "message"],
                   "properties": {"source": {"type": ["string", "null"]},
                                  "code": {"type": "string"},
                                  "message": {"type": "string"}}}
        schema["properties"]["warnings"] = {"type": "array", "items": warning}
        items = schema["properties"]["sources"]["items"]
        src = items["properties"]
        src["warnings"] = {"type": "array", "items": warning}
        src["state"] = {"type": ["string", "null"]}
        for req, keys in ((schema["required"], ["warnings"]),
                          (items["required"], ["warnings", "state"])):
            for k in keys:
                if k in req:
                    req.remove(k)
        path = os.path.join(self.tmp, "list-new-shape.json")
        with open(path, "w") as f:
            json.dump(schema, f)
        return path

    def export_json(self, name, j, schema):
        """The exporter on a stand-in printing J; the samples."""
        stub = self.stand_in("memplug-" + name, json.dumps(j).encode())
        out = self.outdir(name)
        rc, stderr = self.run_exporter(out, stub, extra=["--schema", schema])
        with open(os.path.join(out, "memplug.prom")) as f:
            text = f.read()
        self.assertEqual(rc, 0, stderr)
        self.assertEqual(self.promtool(text)[0], 0, text)
        return samples(text)

    @staticmethod
    def only(s, name):
        return {tuple(sorted(k[1])): v for k, v in s.items() if k[0] == name}

    def test_warnings_and_state_both_shapes(self):
        """memplug_warnings{code} counts list's warnings
        (root list, or per source: objects, strings, the older warning
        string) and memplug_source_state the kernel's dax state."""
        schema = self.new_shape_schema()
        unpl = {"code": "memory-unplugged", "message": "bound to kmem with no memory"}
        aob = {"code": "auto-online-movable", "message": "auto_online_blocks is online_movable"}
        dax = [s["source"] for s in self.good_list()["sources"] if s["type"] == "dax"][0]

        def shaped(new_root, per_source, state, old=None):
            j = self.good_list()
            for s in j["sources"]:
                if state is not None:
                    s["state"] = state if s["source"] == dax else None
                if per_source is not None:
                    s["warnings"] = per_source if s["source"] == dax else []
                else:
                    s.pop("warnings", None)  # an older memplug's shape
                s["warning"] = old if s["source"] == dax else None
            if new_root is not None:
                j["warnings"] = new_root
            else:
                j.pop("warnings", None)
            return j
        cases = [
            ("new", shaped([dict(unpl, source=dax), dict(aob, source=None),
                            dict(unpl, source=dax)], [unpl, unpl], "unplugged",
                           unpl["message"]),
             {"memory-unplugged": 2, "auto-online-movable": 1}, "unplugged"),
            ("per-source", shaped(None, [unpl, aob], "online_movable"),
             {"memory-unplugged": 1, "auto-online-movable": 1}, "online_movable"),
            ("old", shaped(None, None, None, "some blocks are offline"),
             {"unspecified": 1}, None),
            ("none", shaped([], [], "offline"), {}, "offline"),
            ("odd-state", shaped([], [], "half_plugged"), {}, "unknown"),
        ]
        for name, j, codes, state in cases:
            with self.subTest(shape=name):
                s = self.export_json("warn-" + name, j, schema)
                self.assertEqual(s[("memplug_list_success", frozenset())], 1.0)
                self.assertEqual({dict(k)["code"]: v for k, v in
                                  self.only(s, "memplug_warnings").items()}, codes)
                st_ = self.only(s, "memplug_source_state")
                if state is None:
                    self.assertEqual(st_, {})
                    continue
                self.assertEqual({dict(k)["source"] for k in st_}, {dax})
                self.assertEqual([dict(k)["state"] for k, v in st_.items() if v == 1], [state])
                self.assertGreaterEqual(len(st_), 5)

    def test_warning_codes_bounded(self):
        schema = self.new_shape_schema()
        j = self.good_list()
        j["warnings"] = ([{"source": None, "code": "code-%d" % i, "message": "m"}
                          for i in range(100)] +
                         [{"source": None, "code": c, "message": "m"}
                          for c in ("Bad Code", "x" * 65, "a--b", "\u00e9t\u00e9", "-x")])
        s = self.export_json("warn-bounded", j, schema)
        codes = {dict(k)["code"]: v for k, v in self.only(s, "memplug_warnings").items()}
        self.assertLessEqual(len(codes), 34)
        self.assertEqual(codes["other"], 68)
        self.assertEqual(codes["invalid"], 5)
        self.assertEqual(sum(codes.values()), 105)

    def test_new_shape_against_the_shipped_schema(self):
        """Whatever the shipped schema says at run time decides: the new
        shape passes if the schema has it, else the run is a failure."""
        with open(os.path.join(SRC, "Documentation", "schema", "list.json")) as f:
            shipped = json.load(f)
        j = self.good_list()
        j["warnings"] = []
        stub = self.stand_in("memplug-new-shipped", json.dumps(j).encode())
        out = self.outdir("new-shipped")
        rc, stderr = self.run_exporter(out, stub)
        has = "warnings" in shipped["properties"] or \
            shipped.get("additionalProperties", True) is not False
        self.assertEqual(rc, 0 if has else 1, stderr)

    def test_basis_change_keeps_the_series(self):
        """memmap_basis moves from predicted to observed: the bytes series
        keeps its labels; only the _info series changes."""
        root = self.tree("vm-small")
        p = subprocess.run([MEMPLUG, "--sysfs-root", root, "list", "-M"],
                           stdout=subprocess.PIPE, universal_newlines=True, check=True)
        j = json.loads(p.stdout)
        runs = []
        for basis in ("predicted", "observed"):
            for src in j["sources"]:
                src["memmap_basis"] = basis
            path = os.path.join(self.tmp, "list-%s.json" % basis)
            with open(path, "w") as f:
                json.dump(j, f)
            stub = os.path.join(self.tmp, "memplug-%s" % basis)
            with open(stub, "w") as f:
                f.write('#!/bin/sh\n[ "$1" = --version ] && { echo 0.1.0; exit; }\n'
                        'cat %s\n' % path)
            os.chmod(stub, 0o755)
            out = self.outdir(basis)
            subprocess.run([DEB_PYTHON, EXPORTER, "--directory", out, "--memplug", stub],
                           check=True, timeout=60)
            with open(os.path.join(out, "memplug.prom")) as f:
                runs.append(samples(f.read()))

        def only(s, name):
            return {k: v for k, v in s.items() if k[0] == name}
        bytes_a = only(runs[0], "memplug_source_memmap_bytes")
        self.assertTrue(bytes_a)
        self.assertEqual(bytes_a, only(runs[1], "memplug_source_memmap_bytes"))
        info_a = only(runs[0], "memplug_source_memmap_info")
        info_b = only(runs[1], "memplug_source_memmap_info")
        self.assertEqual(len(info_a), len(info_b))
        self.assertFalse(set(info_a) & set(info_b))
        self.assertEqual({dict(k[1])["basis"] for k in info_b}, {"observed"})

    def test_unknown_format_version_is_a_failure(self):
        root = self.tree("vm-small")
        p = subprocess.run([MEMPLUG, "--sysfs-root", root, "list", "-M"],
                           stdout=subprocess.PIPE, universal_newlines=True, check=True)
        j = json.loads(p.stdout)
        self.assertEqual(j["format_version"], 2)
        j["format_version"] = 3
        path = os.path.join(self.tmp, "list-v3.json")
        with open(path, "w") as f:
            json.dump(j, f)
        stub = os.path.join(self.tmp, "memplug-v2")
        with open(stub, "w") as f:
            f.write('#!/bin/sh\n[ "$1" = --version ] && { echo 9.0; exit; }\ncat %s\n' % path)
        os.chmod(stub, 0o755)
        out = self.outdir("v2")
        r = subprocess.run([DEB_PYTHON, EXPORTER, "--directory", out, "--memplug", stub],
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("format_version 3", r.stderr)
        with open(os.path.join(out, "memplug.prom")) as f:
            s = samples(f.read())
        self.assertEqual(s[("memplug_list_success", frozenset())], 0.0)

    def dashboard_exprs(self, panels_only=False):
        with open(DASHBOARD) as f:
            d = json.load(f)
        exprs = []
        for p in d["panels"]:
            for t in p.get("targets", []):
                exprs.append(t["expr"])
        for v in [] if panels_only else d.get("templating", {}).get("list", []):
            q = v.get("query")
            if isinstance(q, dict):
                exprs.append(q["query"])
        return exprs

    def test_dashboard_names_only_emitted_series(self):
        emitted = set()
        for name in ("vm-small", "cxl-host", "cxl-host-parallel", "states", "dimm-virtio"):
            emitted |= series_names(export(self.tree(name), self.outdir(name))[1])
        emitted |= series_names(export(self.tree("cxl-host-knob0"), self.outdir("drift"),
                                       self.write_conf("dash", self.CXL_CONF))[1])
        funcs = {"sum", "min", "max", "avg", "count", "by", "on", "without", "ignoring",
                 "group_left", "group_right", "time", "label_values", "rate", "and",
                 "or", "unless", "bool", "offset"}
        exprs = self.dashboard_exprs()
        self.assertGreaterEqual(len(exprs), 5)
        used = set()
        for e in exprs:
            x = re.sub(r'"(?:[^"\\]|\\.)*"', '""', e)          # strings
            x = re.sub(r'\{[^}]*\}', '', x)                     # label matchers
            x = re.sub(r'\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)',
                       r'\1', x)                                # label lists
            x = re.sub(r'label_values\(([a-z_:]+),\s*[a-z_]+\)', r'\1', x)
            for tok in re.findall(r'[a-zA-Z_:][a-zA-Z0-9_:]*', x):
                if tok in funcs:
                    continue
                self.assertIn(tok, emitted, "dashboard query names %s: %s" % (tok, e))
                used.add(tok)
        self.assertIn("memplug_source_memmap_info", used)
        # bytes, drift, devices not providing memory
        for name in ("memplug_memory_bytes", "memplug_config_drift",
                     "memplug_source_providing_memory"):
            self.assertIn(name, used)
        self.assertNotIn("memplug_memory_blocks", used)   # deprecated


def fixture_names():
    p = subprocess.run([sys.executable, os.path.join(SRC, "tests/unit/sysfs_tree.py"),
                        "--list"], stdout=subprocess.PIPE, universal_newlines=True,
                       check=True)
    return [ln.split()[0] for ln in p.stdout.splitlines() if ln and not ln[0].isspace()]


class LiveScrape(unittest.TestCase):
    """A real node_exporter (textfile collector only) and a real Prometheus
    scraping it every second, on 127.0.0.1, bounded by DEADLINE."""

    def setUp(self):
        need(NODE_EXPORTER, "prometheus")
        self.tmp = tempfile.mkdtemp(prefix="memplug-live-")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, argv, log):
        f = open(os.path.join(self.tmp, log), "w")
        p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, cwd=self.tmp)
        f.close()
        self.procs.append(p)
        return p

    def log(self, name):
        with open(os.path.join(self.tmp, name)) as f:
            return f.read()[-3000:]

    def wait_for(self, what, fn, deadline):
        last = None
        while time.monotonic() < deadline:
            for p in self.procs:
                self.assertIsNone(p.poll(), "%s exited: %s" % (
                    p.args[0], self.log("ne.log") + self.log("prom.log")))
            try:
                r = fn()
                if r:
                    return r
            except OSError as e:
                last = e
            time.sleep(0.5)
        self.fail("timeout waiting for %s (%s)\n%s" % (what, last, self.log("prom.log")))

    def test_prometheus_scrapes_memplug_series(self):
        deadline = time.monotonic() + DEADLINE
        root = st.build("cxl-host").write(os.path.join(self.tmp, "tree"))
        textdir = os.path.join(self.tmp, "textfile")
        os.makedirs(textdir)
        conf = os.path.join(self.tmp, "conf.d")
        os.makedirs(conf, mode=0o700)
        with open(os.path.join(conf, "memplug.conf"), "w") as f:
            f.write(Exporter.CXL_CONF)
        rc, text = export(root, textdir, conf)
        self.assertEqual(rc, 0, text)
        j = memplug_list(root)[1]

        ne_port, prom_port = free_port(), free_port()
        self.start([NODE_EXPORTER, "--web.listen-address=127.0.0.1:%d" % ne_port,
                    "--collector.disable-defaults", "--collector.textfile",
                    "--collector.textfile.directory=" + textdir], "ne.log")
        cfg = os.path.join(self.tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            json.dump({"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                       "scrape_configs": [{"job_name": "node",
                                           "static_configs": [{"targets": [
                                               "127.0.0.1:%d" % ne_port]}]}]}, f)
        self.start(["prometheus", "--config.file=" + cfg,
                    "--storage.tsdb.path=" + os.path.join(self.tmp, "tsdb"),
                    "--web.listen-address=127.0.0.1:%d" % prom_port,
                    "--web.enable-lifecycle"], "prom.log")
        api = "http://127.0.0.1:%d/api/v1/" % prom_port

        def query(q):
            r = http_json(api + "query?" + urllib.parse.urlencode({"query": q}))
            self.assertEqual(r["status"], "success", r)
            return r["data"]["result"]

        # node_exporter serves the file
        body = self.wait_for("node_exporter", lambda: urllib.request.urlopen(
            "http://127.0.0.1:%d/metrics" % ne_port, timeout=5).read().decode(), deadline)
        self.assertRegex(body, r"(?m)^memplug_list_success 1$")
        self.assertRegex(body, r"(?m)^node_textfile_scrape_error 0$")
        # Prometheus scraped it
        res = self.wait_for("memplug series in Prometheus",
                            lambda: query("memplug_memory_blocks"), deadline)
        got = {}
        for r in res:
            self.assertEqual(r["metric"]["job"], "node")
            got.setdefault(r["metric"]["source"], 0)
            got[r["metric"]["source"]] += int(r["value"][1])
        self.assertEqual(got, {s["source"]: s["total_memblocks"] for s in j["sources"]})
        self.assertEqual(query("memplug_list_success")[0]["value"][1], "1")
        online = {r["metric"]["source"]: int(r["value"][1]) for r in query(
            'sum by (source) (memplug_memory_blocks{state="online"})')}
        self.assertEqual(online, {s["source"]: s["online_memblocks"] for s in j["sources"]})
        # what an operator queries
        self.assertEqual(float(query("sum(memplug_memory_bytes)")[0]["value"][1]),
                         j["summary"]["total_bytes"])
        by_zone = {r["metric"]["zone"]: float(r["value"][1]) for r in query(
            'sum by (zone) (memplug_memory_bytes{state="online"})')}
        self.assertEqual(by_zone, {"Normal": 63 * 2 ** 31, "Movable": 128 * 2 ** 31,
                                   "none": 2 ** 31})
        drift = {(r["metric"]["section"], r["metric"]["reason"]) for r in query(
            "memplug_config_drift == 1")}
        self.assertEqual(drift, {("region cxl0", "zone"), ("region gone", "absent")})
        self.assertEqual(query("memplug_config_drift_success")[0]["value"][1], "1")
        self.assertEqual(query("memplug_source_providing_memory == 0"), [])
        self.assertEqual(len(query("memplug_source_providing_memory == 1")),
                         len(j["sources"]))
        # the dashboard's memmap panel: self vs node RAM
        self_bytes = sum(s["memmap_bytes"] for s in j["sources"]
                         if s["memmap_location"] == "self")
        node_bytes = sum(s["memmap_bytes"] for s in j["sources"]
                         if (s["memmap_location"] or "").startswith("node:"))
        self.assertGreater(self_bytes, 0)
        exprs = Exporter.dashboard_exprs(self, panels_only=True)
        for e in exprs:
            q = e.replace("$instance", ".*")
            r = query(q)
            self.assertTrue(r, "dashboard query returns nothing: " + q)
            if 'location="self"' in e:
                self.assertEqual(float(r[0]["value"][1]), self_bytes, e)
            if 'location=~"node:.*"' in e:
                self.assertEqual(float(r[0]["value"][1]), node_bytes, e)
        self.assertLess(time.monotonic(), deadline)


if __name__ == "__main__":
    unittest.main(verbosity=2)
