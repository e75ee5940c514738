#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""memplug help COMMAND: the man page through man(1) when it is installed
(like git help), else the command's --help; and --list-opts marks the
options that take a value."""
import os
import shutil
import subprocess
import tempfile
import unittest

MEMPLUG = os.environ.get("MEMPLUG", "")
MAN_DIR = os.environ.get("MEMPLUG_MAN_DIR", "")   # the built .1 pages
CI = os.environ.get("CI") == "true"


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Help(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-help-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def help(self, manpath, *args):
        env = dict(os.environ, MANPATH=manpath, MANPAGER="cat", PAGER="cat",
                   MANWIDTH="80", LANG="C.UTF-8")
        return subprocess.run([MEMPLUG, "help"] + list(args), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60)

    def test_man_page_when_installed(self):
        if not shutil.which("man") or not os.path.isfile(
                os.path.join(MAN_DIR, "memplug-list.1")):
            if CI:
                self.fail("man(1) or the built man pages missing")
            self.skipTest("man(1) or the built man pages missing")
        man1 = os.path.join(self.tmp, "man", "man1")
        os.makedirs(man1)
        for page in os.listdir(MAN_DIR):
            if page.endswith(".1"):
                shutil.copy(os.path.join(MAN_DIR, page), man1)
        p = self.help(os.path.join(self.tmp, "man"), "list")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("memplug-list - ", p.stdout)
        self.assertIn("MEMMAP PLACEMENT", p.stdout)

    def test_usage_without_man_page(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(os.path.join(empty, "man1"))
        p = self.help(empty, "list")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("usage: memplug list"), p.stdout)
        p = self.help(empty, "bogus")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.strip(), "memplug: help: unknown command 'bogus'")

    def test_list_opts_marks_values(self):
        p = subprocess.run([MEMPLUG, "online", "--list-opts"], stdout=subprocess.PIPE,
                           universal_newlines=True, check=True)
        opts = p.stdout.split()
        self.assertIn("--zone=", opts)
        self.assertIn("--order=", opts)
        self.assertIn("--dry-run", opts)
        self.assertNotIn("--zone", opts)


if __name__ == "__main__":
    unittest.main(verbosity=2)
