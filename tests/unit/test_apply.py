#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""memplug apply and memplug config on generated sysfs trees.

Which device each memplug.conf section matches (namespace uuid of the label
or of the devdax info block, CXL region HPA base and memdev serials, dax
resource, kernel name, target_node guard), the refusals, and that a
configuration error or two sections naming one device is exit 2 with
FILE:LINE and no file of the tree written.  Trees have no kernel behind
them: block state changes are proven in the VM (tests/vm/scenarios/
provision-*.sh); here --dry-run plans and the files written are checked.
"""
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
try:  # Debian's python3-jsonschema: apply's JSON against its schema
    import jsonschema
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                           "Documentation", "schema", "apply.json")) as f:
        VALIDATOR = jsonschema.Draft202012Validator(json.load(f))
except ImportError:
    VALIDATOR = None
INFO_UUID = "4c1f3a4a-5b8a-4c38-9b0e-6b1c8a1f2d3e"
UUID_OTHER = "11111111-2222-4333-8444-555555555555"


def offline_dax_vm():
    """vm-small, but dax0.0's kmem blocks (33-47) offline"""
    m = st.Machine("offline-vm", 128 * st.MiB, kernel="6.1.0-18-amd64",
                   auto_online="offline", params=st.KERNEL_PARAMS)
    st.add_qemu_boot_ram(m)
    m.add_nvdimm_dax(state="offline")
    return m


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Apply(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-apply-")
        self.vm = st.build("vm-small").write(os.path.join(self.tmp, "vm"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def conf(self, text, name="test.conf"):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def run_mp(self, root, *args, env=None):
        e = dict(os.environ)
        e.pop("MEMPLUG_CONFIG", None)
        e.update(env or {})
        p = subprocess.run([MEMPLUG, "--sysfs-root", root] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60, env=e)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        if out is not None and args[0] == "apply" and VALIDATOR:
            errors = list(VALIDATOR.iter_errors(out))
            self.assertFalse(errors, [e.message for e in errors])
        return p.returncode, out, p.stderr

    def tree_digest(self, root):
        """every file of the tree but memplug's lock (run/memplug/lock)"""
        h = hashlib.sha256()
        for d, _, files in sorted(os.walk(root)):
            if os.path.relpath(d, root).startswith("run"):
                continue
            for f in sorted(files):
                p = os.path.join(d, f)
                if os.path.islink(p):
                    continue
                h.update(p.encode())
                with open(p, "rb") as fh:
                    h.update(fh.read())
        return h.hexdigest()

    # ---- matching
    def test_namespace_by_info_block_uuid(self):
        c = self.conf("[namespace pmem]\nuuid = %s\n" % INFO_UUID)
        rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c, "--dry-run")
        self.assertEqual(rc, 0, err)
        t = out["targets"][0]
        self.assertEqual((t["target"], t["section"], t["config"], t["result"]),
                         ("dax0.0", "namespace pmem", c + ":1", "unchanged"))
        self.assertIs(out["changed"], False)

    def test_namespace_by_label_uuid_and_daxctl_section(self):
        for text in ("[namespace pmem]\nuuid = %s\nzone = normal\n" % st.NS_UUID,
                     "[reconfigure-device x]\nnvdimm.uuid = %s\nmode = system-ram\n"
                     "online = true\nmovable = false\n" % st.NS_UUID):
            with self.subTest(text=text):
                c = self.conf(text)
                rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c,
                                           "--dry-run")
                t = out["targets"][0]
                self.assertEqual(t["source"], "dax0.0")
                # online Movable, configured normal: never moved at boot,
                # and never "unchanged": refused, naming the command
                self.assertEqual((rc, t["result"]), (4, "refused"), err)
                self.assertIn("online in Movable, not Normal", t["error"])
                self.assertIn("memplug reconfigure dax0.0 --mode=system-ram "
                              "--zone=normal --force", t["error"])

    def test_dax_resource_and_kernel_name(self):
        c = self.conf("[dax d]\nresource = 0x102000000\n")
        rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c, "--dry-run")
        self.assertEqual((rc, out["targets"][0]["source"]), (0, "dax0.0"), err)
        c = self.conf("[device namespace0.0]\n")
        rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c, "--dry-run")
        self.assertEqual((rc, out["targets"][0]["source"]), (0, "dax0.0"), err)
        self.assertIn("kernel name", err)

    def test_devdax_section_plans_the_way_back(self):
        c = self.conf("[dax d]\nresource = 0x102000000\nmode = devdax\n")
        rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c, "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertIs(out["would_change"], True)
        self.assertEqual(out["targets"][0]["result"], "planned")

    def test_cxl_region_by_hpa_and_memdevs(self):
        cxl = st.build("cxl-host").write(os.path.join(self.tmp, "cxl"))
        cases = [("hpa = 0x6000000000", "dax1.0"),
                 ("memdevs = 0x1000", "dax0.0"),
                 ("hpa = 0x4000000000\nmemdevs = 4096", "dax0.0")]
        for ident, dev in cases:
            with self.subTest(ident=ident):
                c = self.conf("[region r]\n%s\nmemmap_on_memory = keep\n" % ident)
                rc, out, err = self.run_mp(cxl, "apply", "--config=" + c, "--dry-run")
                self.assertEqual(rc, 0, err)
                self.assertEqual([t["source"] for t in out["targets"]], [dev])
        # both given, one wrong: no device
        c = self.conf("[region r]\nhpa = 0x4000000000\nmemdevs = 0x1001\n")
        rc, out, err = self.run_mp(cxl, "apply", "--config=" + c, "--dry-run")
        self.assertEqual((rc, out["targets"]), (0, []), err)
        self.assertRegex(err, re.escape(c) + ":1: .*matches no device present")

    # ---- nothing to do
    def test_no_section_matches_is_exit_0_with_a_note(self):
        c = self.conf("[dax other]\nresource = 0x900000000\n")
        before = self.tree_digest(self.vm)
        rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c)
        self.assertEqual(rc, 0, err)
        out.pop("format_version")
        # the section that names nothing is a warning as data too: at boot
        # it would otherwise do nothing silently
        msg = "%s:1: [dax other] (resource 0x900000000) matches no " \
              "device present: skipped" % c
        self.assertEqual(out, {"changed": False, "dry_run": False,
                               "would_change": False, "targets": [],
                               "warnings": [{"target": None,
                                             "code": "section-unmatched",
                                             "message": msg}]})
        self.assertIn("matches no device present: skipped", err)
        rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c,
                                   "--device=dax0.0")
        self.assertEqual((rc, out["targets"]), (0, []), err)
        self.assertIn("no section matches dax0.0", err)
        self.assertEqual(self.tree_digest(self.vm), before)

    def test_device_name_is_cleaned_on_stderr(self):
        # --device=NAME comes from udev's %k or a user: '?' on the terminal
        c = self.conf("[dax other]\nresource = 0x900000000\n")
        p = subprocess.run([MEMPLUG, "--sysfs-root", self.vm, "apply",
                            "--config=" + c, "--dry-run",
                            b"--device=dax0.0\x1b]2;x\x07\xc2\x9b\xff"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"no section matches dax0.0?]2;x???\n", p.stderr)
        self.assertFalse(re.search(rb"[\x00-\x09\x0b-\x1f\x7f-\xff]",
                                   p.stderr), p.stderr)

    def test_device_selects_one_section(self):
        cxl = st.build("cxl-host").write(os.path.join(self.tmp, "cxl"))
        c = self.conf("[region a]\nhpa = 0x4000000000\n[region b]\nhpa = 0x6000000000\n")
        rc, out, err = self.run_mp(cxl, "apply", "--config=" + c, "--dry-run",
                                   "--device=dax1.0")
        self.assertEqual(rc, 0, err)
        self.assertEqual([t["section"] for t in out["targets"]], ["region b"])
        rc, out, err = self.run_mp(cxl, "apply", "--config=" + c, "--dry-run",
                                   "--device=region0")
        self.assertEqual([t["section"] for t in out["targets"]], ["region a"])

    # ---- the lock: sections are matched while memplug holds it
    def apply_while_locked(self, root, conf, change):
        """apply --device=dax0.0 --wait=30 while another memplug holds the
        lock; change() runs while it waits, then the lock is released"""
        d = os.path.join(root, "run", "memplug")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            e = dict(os.environ)
            e.pop("MEMPLUG_CONFIG", None)
            p = subprocess.Popen([MEMPLUG, "--sysfs-root", root, "apply",
                                  "--config=" + conf, "--device=dax0.0",
                                  "--wait=30"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=e,
                                 universal_newlines=True)
            time.sleep(1.5)  # it has read the tree and waits for the lock
            self.assertIsNone(p.poll())
            change()
        out, err = p.communicate(timeout=60)
        j = json.loads(out) if out.strip() else None
        if j is not None and VALIDATOR:
            errors = list(VALIDATOR.iter_errors(j))
            self.assertFalse(errors, [e.message for e in errors])
        return p.returncode, j, err

    def test_identity_changed_while_waiting_for_the_lock(self):
        # the uuid behind dax0.0 is rewritten while apply waits: the section
        # no longer names it, and its settings must not be applied to it
        c = self.conf("[namespace pmem]\nuuid = %s\nzone = normal\n" % st.NS_UUID)
        uuid = os.path.join(self.vm, "sys/bus/nd/devices/namespace0.0/uuid")

        def change():
            with open(uuid, "w") as f:
                f.write("%s\n" % UUID_OTHER)
        rc, out, err = self.apply_while_locked(self.vm, c, change)
        self.assertEqual((rc, out["targets"]), (0, []), err)
        self.assertIn("matches no device present: skipped", err)

    def test_device_gone_while_waiting_for_the_lock(self):
        # dax0.0 goes away while apply waits: skipped, as documented, exit 0
        c = self.conf("[dax d]\nresource = 0x102000000\n")

        def change():
            link = os.path.join(self.vm, "sys/bus/dax/devices/dax0.0")
            shutil.rmtree(os.path.realpath(link))
            for d, _, files in os.walk(os.path.join(self.vm, "sys/bus/dax")):
                if "dax0.0" in files or os.path.islink(os.path.join(d, "dax0.0")):
                    os.unlink(os.path.join(d, "dax0.0"))
        rc, out, err = self.apply_while_locked(self.vm, c, change)
        self.assertEqual((rc, out["targets"]), (0, []), err)
        self.assertRegex(err, re.escape(c) + ":1: .*matches no device "
                         "present: skipped")

    # ---- errors and refusals: nothing written
    def test_two_sections_one_device_changes_nothing(self):
        c = self.conf("[namespace a]\nuuid = %s\n\n[dax b]\nresource = 0x102000000\n"
                      % st.NS_UUID)
        before = self.tree_digest(self.vm)
        for args in (["apply"], ["config", "check"]):
            with self.subTest(args=args):
                rc, out, err = self.run_mp(self.vm, *args, "--config=" + c)
                self.assertEqual((rc, out), (2, None), err)
                self.assertEqual(err.splitlines(), [
                    "memplug: %s:4: [dax b] and [namespace a] (%s:1) match the "
                    "same device dax0.0" % (c, c)])
        self.assertEqual(self.tree_digest(self.vm), before)

    def test_config_error_changes_nothing(self):
        root = offline_dax_vm().write(os.path.join(self.tmp, "off"))
        c = self.conf("[dax d]\nresource = 0x102000000\nzone = sideways\n")
        before = self.tree_digest(root)
        rc, out, err = self.run_mp(root, "apply", "--config=" + c)
        self.assertEqual((rc, out), (2, None), err)
        self.assertEqual(err.splitlines(), [
            "memplug: %s:3: bad value 'sideways' for zone in [dax d]: want "
            "movable, normal or auto" % c])
        self.assertEqual(self.tree_digest(root), before)

    def test_target_node_guard_refuses(self):
        c = self.conf("[dax d]\nresource = 0x102000000\ntarget_node = 3\n")
        before = self.tree_digest(self.vm)
        rc, out, err = self.run_mp(self.vm, "apply", "--config=" + c)
        self.assertEqual(rc, 4, err)
        t = out["targets"][0]
        self.assertEqual(t["result"], "refused")
        self.assertIn("would become node 0", t["error"])
        self.assertEqual(self.tree_digest(self.vm), before)

    # ---- the udev path
    def test_block_onlines_its_configured_device(self):
        root = offline_dax_vm().write(os.path.join(self.tmp, "off"))
        c = self.conf("[namespace a]\nuuid = %s\nzone = movable\n" % st.NS_UUID)
        rc, out, err = self.run_mp(root, "apply", "--config=" + c, "--block=memory33")
        # a tree's state file keeps the word written ("online_movable",
        # which no kernel reads back): the end-state check calls it partial
        self.assertEqual(rc, 3, err)
        t = out["targets"][0]
        self.assertIn("end state differs", t["error"])
        self.assertEqual(t["failed_blocks"], list(range(33, 48)))
        self.assertEqual(t["source"], "dax0.0")
        self.assertIn("online 15 blocks online_movable (descending)", t["steps"])
        for i in range(33, 48):
            with open(os.path.join(root, "sys/devices/system/memory/memory%d/state" % i)) as f:
                self.assertEqual(f.read().strip(), "online_movable")

    def test_block_leaves_others_alone(self):
        root = offline_dax_vm().write(os.path.join(self.tmp, "off"))
        before = self.tree_digest(root)
        cases = [
            ("[namespace a]\nuuid = %s\n" % st.NS_UUID, "memory3"),  # boot memory
            ("[namespace a]\nuuid = %s\nonline = no\n" % st.NS_UUID, "memory33"),
            ("[dax other]\nresource = 0x900000000\n", "memory33"),
        ]
        for text, block in cases:
            with self.subTest(text=text, block=block):
                c = self.conf(text)
                rc, out, err = self.run_mp(root, "apply", "--config=" + c,
                                           "--block=" + block)
                self.assertEqual((rc, out["targets"]), (0, []), err)
        self.assertEqual(self.tree_digest(root), before)
        rc, out, err = self.run_mp(root, "apply", "--block=dax0.0")
        self.assertEqual(rc, 2)

    def test_block_online_is_answered_without_a_scan(self):
        # udev runs apply --block for every block: an online one is
        # answered from its own state file.  A FIFO in another block's
        # valid_zones would fail any scan (exit 1 naming it): the online
        # block's run does not meet it, the offline block's run does.
        root = offline_dax_vm().write(os.path.join(self.tmp, "off"))
        zones = os.path.join(root, "sys/devices/system/memory/memory5/valid_zones")
        os.unlink(zones)
        os.mkfifo(zones)
        c = self.conf("[namespace a]\nuuid = %s\n" % st.NS_UUID)
        rc, out, err = self.run_mp(root, "apply", "--config=" + c, "--block=memory3")
        self.assertEqual((rc, out["targets"], err), (0, [], ""))
        rc, out, err = self.run_mp(root, "apply", "--config=" + c, "--block=memory33")
        self.assertEqual(rc, 1, err)
        self.assertIn("memory5/valid_zones", err)

    # ---- memplug config
    def test_config_show_and_check(self):
        c = self.conf("[defaults]\nzone = normal\n[namespace a]\nuuid = %s\n" % st.NS_UUID)
        for sub in ("show", "check"):
            rc, out, err = self.run_mp(self.vm, "config", sub, "--config=" + c)
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["files"], [c])
            self.assertEqual(out["targets"][0]["zone"], "normal")
        rc, out, err = self.run_mp(self.vm, "config", "check",
                                   env={"MEMPLUG_CONFIG": c})
        self.assertEqual((rc, out["files"]), (0, [c]), err)
        rc, out, err = self.run_mp(self.vm, "config", "frob")
        self.assertEqual(rc, 2)


if __name__ == "__main__":
    unittest.main(verbosity=1)
