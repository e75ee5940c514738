#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every example an operator copies from README.md and the man pages runs.

Extracted, not listed: a new example that fails breaks the suite.
- ini blocks (```ini in README.md; in the man pages a literal block whose
  first line is a [section]) must pass `memplug config check`;
- command lines (```sh blocks in README.md, tab-indented `memplug ...`
  lines in the man pages) run on the unit fixtures: read-only commands as
  they are, write commands with --dry-run added, apply and config with
  the examples' own config; each must exit 0 with JSON on stdout on at
  least one fixture (the one that has the devices it names).
Pipes (`| jq ...`) and `&&` chains keep only their memplug commands.
"""
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
TOP = os.path.dirname(os.path.dirname(HERE))
DOCS = [os.path.join(TOP, "README.md")] + sorted(
    glob.glob(os.path.join(TOP, "Documentation", "*.txt")))
WRITES = ("reconfigure", "online", "offline", "apply")
COMMANDS = ("list", "config", "version", "help") + WRITES
FIXTURES = ("vm-small", "vm-73", "cxl-host", "dimm-virtio", "states")


def markdown_blocks(text, lang):
    return re.findall(r"^```%s\n(.*?)^```" % lang, text, re.S | re.M)


def asciidoc_literals(text):
    """Tab-indented literal blocks, each as its lines without the tab."""
    blocks, cur = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("\t"):
            cur.append(line[1:])
        elif cur and not line.strip() and cur[-1] is not None:
            cur.append(None)  # a blank line may continue the block
        else:
            if cur:
                blocks.append([c for c in cur if c is not None])
            cur = []
    return blocks


def ini_examples():
    out = []
    for path in DOCS:
        with open(path) as f:
            text = f.read()
        name = os.path.basename(path)
        if path.endswith(".md"):
            out += [(name, b) for b in markdown_blocks(text, "ini")]
        else:
            out += [(name, "\n".join(b) + "\n") for b in asciidoc_literals(text)
                    if b and re.match(r"\[[a-z-]+( [^]]*)?\]", b[0])]
    return out


def command_examples():
    lines = []
    for path in DOCS:
        with open(path) as f:
            text = f.read()
        name = os.path.basename(path)
        if path.endswith(".md"):
            for b in markdown_blocks(text, "sh"):
                lines += [(name, ln) for ln in b.splitlines()]
        else:
            lines += [(name, ln) for ln in text.splitlines()
                      if ln.startswith("\t")]
    cmds = []
    for name, line in lines:
        line = line.strip()
        if line.startswith("$ "):
            line = line[2:]
        for part in re.split(r"&&|\|", line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError:
                continue
            # "memplug COMMAND ...", not "memplug list: an error message"
            if len(words) >= 2 and words[0] == "memplug" and \
                    words[1] in COMMANDS:
                cmds.append((name, words[1:]))
    return cmds


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Examples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="memplug-examples-")
        cls.roots = {f: st.build(f).write(os.path.join(cls.tmp, f))
                     for f in FIXTURES}
        # each ini example as its own memplug.conf.d, as an operator
        # would install it
        cls.confdirs = []
        for i, (_, text) in enumerate(ini_examples()):
            d = os.path.join(cls.tmp, "conf%d" % i)
            os.mkdir(d, 0o755)
            with open(os.path.join(d, "10-example.conf"), "w") as f:
                f.write(text)
            cls.confdirs.append(d)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_mp(self, root, args):
        return subprocess.run([MEMPLUG, "--sysfs-root", root] + args,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60)

    def test_extraction_finds_the_examples(self):
        # a guard against an extractor that silently finds nothing
        self.assertGreaterEqual(len(ini_examples()), 2)
        self.assertGreaterEqual(len(command_examples()), 30)

    def test_ini_examples_pass_config_check(self):
        for name, text in ini_examples():
            with self.subTest(doc=name, ini=text.splitlines()[0]):
                d = tempfile.mkdtemp(dir=self.tmp)
                os.chmod(d, 0o755)
                path = os.path.join(d, "example.conf")
                with open(path, "w") as f:
                    f.write(text)
                p = self.run_mp(self.roots["vm-small"],
                                ["config", "check", "--config=" + path])
                self.assertEqual(p.returncode, 0, "%s:\n%s\n%s" % (
                    name, text, p.stderr))

    def test_command_examples_run(self):
        for name, args in command_examples():
            args = list(args)
            if args[0] in WRITES and "--dry-run" not in args:
                args.append("--dry-run")
            confs = [[]]
            # config snapshot reads the devices, never a configuration
            if args[0] in ("apply", "config") and \
                    args[1:2] != ["snapshot"] and \
                    not any(a.startswith("--config") for a in args):
                confs = [["--config=" + d] for d in self.confdirs]
            with self.subTest(doc=name, cmd=" ".join(args)):
                tried = []
                for fixture, conf in [(f, c) for f in FIXTURES for c in confs]:
                    p = self.run_mp(self.roots[fixture], args + conf)
                    tried.append("%s: exit %d: %s" % (
                        fixture, p.returncode, p.stderr.strip()[-300:]))
                    if p.returncode != 0:
                        continue
                    if p.stdout.strip() and "--table" not in args and \
                            "--pairs" not in args and args[0] in (
                                "list",) + WRITES:
                        json.loads(p.stdout)
                    break
                else:
                    self.fail("%s: memplug %s fails on every fixture:\n%s" % (
                        name, " ".join(args), "\n".join(tried)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
