#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`meson install --destdir` into an empty directory installs every part of
memplug where a distribution expects it: the binary, the library, man pages
(sections 1 and 5), the udev rule into udev's rules directory, the systemd
units into systemd's unit directory, the example memplug.conf into
datadir/memplug (nothing into sysconfdir: provisioning is opt-in), bash completion into bash-completion's completionsdir; and the
paths inside the rule and units are the installed binary's, substituted at
build time.  Needs $MESON_BUILD_ROOT; parts whose pkg-config file is missing
(udev, systemd, bash-completion) must then also be missing from the install.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = os.environ.get("MESON_BUILD_ROOT", "")
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pkgvar(pkg, var):
    p = subprocess.run(["pkg-config", "--variable=" + var, pkg],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True)
    return p.stdout.strip() if p.returncode == 0 else None


@unittest.skipUnless(BUILD and os.path.isdir(BUILD), "MESON_BUILD_ROOT not set")
class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dest = tempfile.mkdtemp(prefix="memplug-install-")
        p = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild",
                            "--destdir", cls.dest],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=300)
        cls.install_log = p.stdout
        cls.install_rc = p.returncode
        opts = json.loads(subprocess.check_output(
            ["meson", "introspect", "--buildoptions", BUILD],
            universal_newlines=True))
        cls.opt = {o["name"]: o["value"] for o in opts}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dest, ignore_errors=True)

    def path(self, *parts):
        """an installed path below DESTDIR"""
        return os.path.join(self.dest, os.path.join(*parts).lstrip("/"))

    def dir_of(self, name):
        d = self.opt[name]
        return d if d.startswith("/") else os.path.join(self.opt["prefix"], d)

    def assertInstalled(self, *parts):
        p = self.path(*parts)
        self.assertTrue(os.path.isfile(p), "%s not installed (%s)" % (
            os.path.join(*parts), sorted(self.all_files())))
        return p

    def all_files(self):
        for root, _, files in os.walk(self.dest):
            for f in files:
                yield os.path.relpath(os.path.join(root, f), self.dest)

    def test_install_succeeds(self):
        self.assertEqual(self.install_rc, 0, self.install_log)

    def test_binary_library_header(self):
        self.assertInstalled(self.dir_of("bindir"), "memplug")
        libdir = self.dir_of("libdir")
        self.assertTrue(glob.glob(self.path(libdir, "libmemplug.so.*")))
        self.assertInstalled(libdir, "pkgconfig", "libmemplug.pc")
        self.assertInstalled(self.dir_of("includedir"), "memplug",
                             "libmemplug.h")

    def test_man_pages(self):
        if self.opt.get("docs") == "disabled" or not shutil.which("asciidoctor"):
            self.skipTest("man pages not built (docs disabled or no asciidoctor)")
        mandir = self.dir_of("mandir")
        for txt in glob.glob(os.path.join(SRC, "Documentation", "*.txt")):
            name = os.path.basename(txt)[:-4]
            section = "5" if name.endswith(".conf") else "1"
            self.assertInstalled(mandir, "man" + section, name + "." + section)

    def test_example_config(self):
        p = self.assertInstalled(self.dir_of("datadir"), "memplug",
                                 "memplug.conf")
        with open(p) as f:
            text = f.read()
        # all comments: copying it to /etc changes nothing either
        self.assertFalse([l for l in text.splitlines()
                          if l.strip() and not l.lstrip().startswith("#")])

    def test_nothing_in_sysconfdir(self):
        """the udev rule and the units start when memplug.conf or
        memplug.conf.d exists: installing must create neither"""
        etc = self.path(self.dir_of("sysconfdir"))
        self.assertFalse(os.path.exists(os.path.join(etc, "memplug.conf")))
        self.assertFalse(os.path.exists(os.path.join(etc, "memplug.conf.d")))

    def check_paths(self, p):
        with open(p) as f:
            text = f.read()
        self.assertNotRegex(text, "@[a-z_]+@", p)
        bins = set(re.findall(r"(/\S*/memplug)\b(?!-|\.)", text))
        self.assertTrue(bins, p)
        for b in bins:
            self.assertEqual(b, os.path.join(self.dir_of("bindir"), "memplug"))
            self.assertTrue(os.path.isfile(self.path(b)), b)
        return text

    def test_udev_rule(self):
        udevdir = pkgvar("udev", "udevdir")
        rule = self.path(udevdir or "/nonexistent", "rules.d", "10-memplug.rules")
        if not udevdir or self.opt.get("udev") == "disabled":
            self.assertFalse(glob.glob(self.path("**", "10-memplug.rules"),
                                       recursive=True))
            self.skipTest("no pkg-config udev, or -Dudev=disabled")
        self.assertTrue(os.path.isfile(rule), sorted(self.all_files()))
        text = self.check_paths(rule)
        self.assertIn('ENV{SYSTEMD_WANTS}+="memplug-apply@%k.service"', text)
        self.assertIn('TAG+="systemd"', text)
        # opt-in: every rule after the guard, the guard tests the config
        etc = self.dir_of("sysconfdir")
        rules = [l for l in text.splitlines()
                 if l.strip() and not l.startswith("#")]
        self.assertEqual(rules[1:5], [
            'TEST=="%s/memplug.conf", GOTO="memplug_configured"' % etc,
            'TEST=="%s/memplug.conf.d", GOTO="memplug_configured"' % etc,
            'GOTO="memplug_end"', 'LABEL="memplug_configured"'])

    def test_systemd_units(self):
        unitdir = pkgvar("systemd", "systemdsystemunitdir")
        if not unitdir or self.opt.get("systemd") == "disabled":
            self.assertFalse(glob.glob(self.path("**", "memplug-apply*.service"),
                                       recursive=True))
            self.skipTest("no pkg-config systemd, or -Dsystemd=disabled")
        for unit in ("memplug-apply.service", "memplug-apply@.service"):
            text = self.check_paths(self.assertInstalled(unitdir, unit))
            directives = "\n".join(l for l in text.splitlines()
                                   if not l.startswith("#"))
            self.assertNotIn("udev-settle", directives)
            self.assertRegex(text, r"(?m)^ExecStart=/\S+/memplug apply")
            # opt-in: skipped unless a config file exists
            etc = self.dir_of("sysconfdir")
            self.assertIn("\nConditionPathExists=|%s/memplug.conf\n" % etc,
                          text)
            self.assertIn("\nConditionDirectoryNotEmpty=|%s/memplug.conf.d\n"
                          % etc, text)
        # the old contrib unit is gone
        self.assertFalse(os.path.exists(os.path.join(
            SRC, "contrib", "systemd", "memplug-online@.service")))

    def test_exporter_reads_the_installed_schema(self):
        """memplug-textfile's default --schema is the installed
        list.json, and every schema of Documentation/schema is there."""
        exporter = self.assertInstalled(self.dir_of("libexecdir"), "memplug",
                                        "memplug-textfile")
        self.assertTrue(os.access(exporter, os.X_OK))
        schema_dir = os.path.join(self.dir_of("datadir"), "memplug", "schema")
        for s in glob.glob(os.path.join(SRC, "Documentation", "schema", "*.json")):
            self.assertInstalled(schema_dir, os.path.basename(s))
        with open(exporter) as f:
            text = f.read()
        self.assertNotIn("@SCHEMA@", text)
        self.assertIn('SCHEMA = "%s"' % os.path.join(schema_dir, "list.json"), text)

    def test_bash_completion(self):
        d = pkgvar("bash-completion", "completionsdir")
        if self.opt.get("bash_completion") == "disabled":
            self.skipTest("-Dbash_completion=disabled")
        if not d:
            d = os.path.join(self.dir_of("datadir"), "bash-completion",
                             "completions")
        self.assertInstalled(d, "memplug")


if __name__ == "__main__":
    unittest.main(verbosity=1)
