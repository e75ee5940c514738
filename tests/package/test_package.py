#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The Debian packages built from the tree (scripts/build-deb.sh --lintian,
DEB_BUILD_OPTIONS=nocheck: the unit suite runs on its own): the build and
lintian --fail-on error,warning succeed, each package holds the files a
Debian user expects and nothing in /etc (provisioning is opt-in), and the
libraries memplug dlopen()s are declared.  Exit 77 (skip) without
dpkg-buildpackage, debhelper or lintian, a failure under CI=true."""
import glob
import os
import subprocess
import sys
import tempfile
import shutil
import unittest

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNDER_CI = os.environ.get("CI", "").lower() not in ("", "false", "0", "no")
MA = subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"],
                    stdout=subprocess.PIPE, universal_newlines=True,
                    check=False).stdout.strip() if shutil.which(
                        "dpkg-architecture") else ""


def missing_tools():
    return [t for t in ("dpkg-buildpackage", "dh", "lintian", "dpkg-deb")
            if not shutil.which(t)]


def deb_files(deb):
    """the paths a .deb installs (regular files and symlinks), ./ stripped,
    /usr/share/doc left out"""
    out = subprocess.check_output(["dpkg-deb", "--fsys-tarfile", deb])
    names = subprocess.run(["tar", "-tvf", "-"], input=out,
                           stdout=subprocess.PIPE, check=True).stdout
    files = set()
    for line in names.decode().splitlines():
        if line.startswith("d"):
            continue
        path = line.split(None, 5)[5].split(" -> ")[0]
        path = path[1:] if path.startswith("./") else path
        if not path.startswith("/usr/share/doc/"):
            files.add(path)
    return files


def field(deb, name):
    return subprocess.check_output(["dpkg-deb", "-f", deb, name],
                                   universal_newlines=True).strip()


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="memplug-debs-")
        env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck")
        p = subprocess.run([os.path.join(SRC, "scripts", "build-deb.sh"),
                            "--lintian", cls.out], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=3000)
        cls.rc, cls.log = p.returncode, p.stdout
        cls.debs = {os.path.basename(d).split("_")[0]: d
                    for d in glob.glob(os.path.join(cls.out, "*.deb"))}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def files(self, pkg):
        self.assertIn(pkg, self.debs, self.log)
        return deb_files(self.debs[pkg])

    def test_build_and_lintian(self):
        # build-deb.sh exits non-zero when the build or lintian fails
        self.assertEqual(self.rc, 0, self.log[-4000:])
        self.assertEqual(sorted(self.debs), sorted([
            "ansible-memplug", "libmemplug-dev", "libmemplug0",
            "libmemplug0-dbgsym", "memplug", "memplug-dbgsym",
            "memplug-prometheus"]))

    def test_nothing_in_etc(self):
        for pkg in self.debs:
            self.assertFalse([f for f in self.files(pkg)
                              if f.startswith("/etc/")], pkg)

    def test_memplug(self):
        pages = ["/usr/share/man/man%s/%s.%s.gz" % (
            s, n, s) for n, s in ((os.path.basename(t)[:-4], "5" if
                                   t.endswith(".conf.txt") else "1")
                                  for t in glob.glob(os.path.join(
                                      SRC, "Documentation", "*.txt")))]
        schemas = ["/usr/share/memplug/schema/" + os.path.basename(s) for s in
                   glob.glob(os.path.join(SRC, "Documentation", "schema",
                                          "*.json"))]
        self.assertEqual(self.files("memplug"), set([
            "/usr/bin/memplug",
            "/usr/share/bash-completion/completions/memplug",
            "/usr/share/memplug/memplug.conf",
            "/lib/udev/rules.d/10-memplug.rules",
            "/lib/systemd/system/memplug-apply.service",
            "/lib/systemd/system/memplug-apply@.service",
        ] + pages + schemas))
        dep = field(self.debs["memplug"], "Depends")
        for lib in ("libmemplug0", "libdaxctl1", "libndctl6", "libkmod2"):
            self.assertRegex(dep, r"(^|, )%s( |,|$)" % lib, dep)

    def test_library(self):
        self.assertEqual(self.files("libmemplug0"), {
            "/usr/lib/%s/libmemplug.so.0" % MA,
            "/usr/lib/%s/libmemplug.so.0.1.0" % MA})
        rec = field(self.debs["libmemplug0"], "Recommends")
        for lib in ("libdaxctl1", "libndctl6", "libkmod2"):
            self.assertIn(lib, rec)
        self.assertEqual(self.files("libmemplug-dev"), {
            "/usr/include/memplug/libmemplug.h",
            "/usr/lib/%s/libmemplug.so" % MA,
            "/usr/lib/%s/pkgconfig/libmemplug.pc" % MA})
        # the symbols file went into the package: dpkg-shlibdeps uses it
        ctl = subprocess.check_output(["dpkg-deb", "-I",
                                       self.debs["libmemplug0"], "symbols"],
                                      universal_newlines=True)
        self.assertIn("memplug_scan@LIBMEMPLUG_0", ctl)

    def test_integrations(self):
        self.assertEqual(self.files("memplug-prometheus"), {
            "/usr/libexec/memplug/memplug-textfile",
            "/lib/systemd/system/memplug-textfile.service",
            "/lib/systemd/system/memplug-textfile.timer",
            "/usr/share/memplug-prometheus/memplug-grafana.json"})
        coll = "/usr/share/ansible/collections/ansible_collections/memplug/memplug/"
        files = self.files("ansible-memplug")
        for f in ("galaxy.yml", "plugins/modules/memplug.py",
                  "plugins/modules/memplug_info.py",
                  "plugins/module_utils/memplug.py",
                  "playbooks/memplug.yml", "meta/runtime.yml"):
            self.assertIn(coll + f, files)


if __name__ == "__main__":
    gone = missing_tools()
    if gone:
        msg = "not installed: %s (run scripts/install-deps.sh)" % " ".join(gone)
        if UNDER_CI:
            print("FAIL under CI=true: " + msg, file=sys.stderr)
            sys.exit(1)
        print("skipped: " + msg)
        sys.exit(77)
    unittest.main(verbosity=2)
