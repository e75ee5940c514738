#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The sandbox of the built systemd units.

`systemd-analyze security --offline=true` rates each unit as built (paths
substituted): at most 4.0 for memplug-apply.service and
memplug-apply@.service, at most 2.5 for memplug-textfile.service.  And the
sandbox keeps what memplug needs, which the rating cannot tell: the sysfs
trees it writes, module loading, its run directory, the process check,
no write access to the config.  That the hardened units still provision is
proven by the systemd guest (meson test vm-provision-nvdimm-6.1 ...).
Needs UNITS (the built unit files, colon-separated); without
systemd-analyze the test is skipped, and fails under CI=true.
"""
import os
import re
import shutil
import subprocess
import unittest

UNITS = [u for u in os.environ.get("UNITS", "").split(":") if u]
CI = os.environ.get("CI") == "true"
THRESHOLD = {"memplug-apply.service": 4.0,
             "memplug-apply@.service": 4.0,
             "memplug-textfile.service": 2.5}
APPLY = ("memplug-apply.service", "memplug-apply@.service")


def need_analyze():
    if shutil.which("systemd-analyze"):
        return
    if CI:
        raise AssertionError("CI=true and missing: systemd-analyze")
    raise unittest.SkipTest("missing: systemd-analyze")


def directives(path):
    """{key: [values]} of the [Service] section, continuation lines joined."""
    out, section, line = {}, None, ""
    with open(path) as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if not line and raw.lstrip().startswith(("#", ";")):
                continue
            if raw.endswith("\\"):
                line += raw[:-1] + " "
                continue
            line += raw
            if line.startswith("["):
                section = line.strip("[] ")
            elif "=" in line and section == "Service":
                k, v = line.split("=", 1)
                out.setdefault(k.strip(), []).append(v.strip())
            line = ""
    return out


def words(d, key):
    return [w for v in d.get(key, []) for w in v.split()]


class Units(unittest.TestCase):
    def unit(self, name):
        for u in UNITS:
            if os.path.basename(u) == name:
                if not os.path.exists(u):
                    self.skipTest("%s not built" % u)
                return u
        self.skipTest("%s not built (-Dsystemd=disabled?)" % name)

    def test_units_given(self):
        self.assertTrue(UNITS, "UNITS not set")

    def test_exposure(self):
        need_analyze()
        for name, limit in THRESHOLD.items():
            with self.subTest(unit=name):
                path = self.unit(name)
                p = subprocess.run(["systemd-analyze", "security", "--offline=true",
                                    "--no-pager", path],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   universal_newlines=True, timeout=120)
                m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", p.stdout)
                self.assertTrue(m, p.stdout)
                self.assertLessEqual(float(m.group(1)), limit,
                                     "%s: exposure %s > %s\n%s"
                                     % (name, m.group(1), limit, p.stdout))

    def test_apply_keeps_what_memplug_needs(self):
        for name in APPLY:
            with self.subTest(unit=name):
                d = directives(self.unit(name))
                rw = words(d, "ReadWritePaths")
                for path in ("/sys/devices/system/memory", "/sys/bus/dax", "/sys/bus/nd",
                             "/sys/bus/cxl", "/sys/devices/platform"):
                    self.assertTrue(any(path == w or path.startswith(w.rstrip("/") + "/")
                                        for w in rw), "%s not writable: %s" % (path, rw))
                self.assertFalse([w for w in rw if "/etc" in w or w == "/"], rw)
                self.assertEqual(d.get("RuntimeDirectory"), ["memplug"])
                self.assertEqual(d.get("RuntimeDirectoryPreserve"), ["yes"])
                caps = set(words(d, "CapabilityBoundingSet"))
                self.assertEqual(caps, {"CAP_SYS_MODULE", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE",
                                        "CAP_DAC_READ_SEARCH"})
                self.assertIn("@module", words(d, "SystemCallFilter"))
                self.assertNotIn("yes", d.get("ProtectKernelModules", []))
                self.assertNotIn("yes", d.get("ProtectKernelTunables", []),
                                 "hides /proc/kallsyms")
                self.assertNotIn("invisible", d.get("ProtectProc", []),
                                 "hides the processes that may use /dev/daxX.Y")
                self.assertIn("block-blkext", words(d, "DeviceAllow"))
                self.assertEqual(d.get("ProtectSystem"), ["strict"])
                self.assertEqual(d.get("NoNewPrivileges"), ["yes"])
                self.assertEqual(d.get("PrivateNetwork"), ["yes"])

    def test_exporter_writes_only_its_directory(self):
        d = directives(self.unit("memplug-textfile.service"))
        self.assertEqual(len(words(d, "ReadWritePaths")), 1)
        self.assertEqual(d.get("ProtectSystem"), ["strict"])
        self.assertEqual(set(words(d, "CapabilityBoundingSet")), {"CAP_SYS_ADMIN"})
        exec_start = words(d, "ExecStart")
        self.assertTrue(all(w.startswith(("/", "--")) and
                            (not w.startswith("--") or "=" in w) for w in exec_start),
                        exec_start)


if __name__ == "__main__":
    unittest.main(verbosity=2)
