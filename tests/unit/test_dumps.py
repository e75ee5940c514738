#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""memplug list on trees captured from real kernels, byte for byte.

tests/dumps/NAME.tar.xz is what memplug reads of /sys, /proc and
/run/memplug, copied inside a QEMU guest running Debian's real kernel
(tests/dumps/capture.sh); tests/dumps/NAME/ holds what memplug list printed
on that live kernel at the same moment.  Each archive is extracted to a
temporary root and every command must print the same bytes there.

One normalisation, documented in tests/dumps/README.md: the JSON's
"sysfs_root" names the root memplug was given, "/" on the live kernel and
the temporary directory here; the test maps the latter back to "/".
"""
import glob
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
import json
import difflib

HERE = os.path.dirname(os.path.abspath(__file__))
# MEMPLUG_DUMPS: another directory of dumps (a fresh capture, before it is
# copied into the tree)
DUMPS = os.environ.get("MEMPLUG_DUMPS") or os.path.join(os.path.dirname(HERE),
                                                        "dumps")
MEMPLUG = os.environ.get("MEMPLUG", "")
# expected file -> list arguments (the same in tests/dumps/guest-capture.sh)
OUTPUTS = {
    "list.json": [],
    "list-M.json": ["-M"],
    "list-table.txt": ["--table"],
    "list-M-table.txt": ["-M", "--table"],
}
# MEMPLUG_DUMPS_UPDATE=1: write memplug's output as the expected files,
# after a documented change of list's output, but only where it adds keys
# to the JSON (every key and value captured on the live kernel stays)
UPDATE = os.environ.get("MEMPLUG_DUMPS_UPDATE") == "1"
MAX_ARCHIVE = 100 * 1024
# ~1,500 small files per dump: on tmpfs unless TMPDIR says otherwise (a
# loaded disk takes seconds per extraction)
SCRATCH = None if os.environ.get("TMPDIR") or not os.access(
    "/dev/shm", os.W_OK) else "/dev/shm"


def additions_only(want, got, where="$"):
    """Why @got is not @want plus keys, or None."""
    if isinstance(want, dict) and isinstance(got, dict):
        for k, v in want.items():
            if k not in got:
                return "%s.%s removed" % (where, k)
            why = additions_only(v, got[k], "%s.%s" % (where, k))
            if why:
                return why
        return None
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return "%s: %d elements, not %d" % (where, len(got), len(want))
        for i, (a, b) in enumerate(zip(want, got)):
            why = additions_only(a, b, "%s[%d]" % (where, i))
            if why:
                return why
        return None
    return None if want == got else "%s: %r, not %r" % (where, got, want)


def archives():
    return sorted(glob.glob(os.path.join(DUMPS, "*.tar.xz")))


def extract(archive, dest):
    with tarfile.open(archive, "r:xz") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)


class Dumps(unittest.TestCase):
    def test_archives_present(self):
        self.assertTrue(MEMPLUG and os.access(MEMPLUG, os.X_OK),
                        "MEMPLUG must name the built binary")
        self.assertGreater(len(archives()), 0, f"no archives in {DUMPS}")

    def test_outputs(self):
        for archive in archives():
            name = os.path.basename(archive)[:-len(".tar.xz")]
            with self.subTest(dump=name):
                self.check(name, archive)

    def check(self, name, archive):
        self.assertLessEqual(os.path.getsize(archive), MAX_ARCHIVE,
                             f"{name}.tar.xz is over {MAX_ARCHIVE} bytes")
        tmp = tempfile.mkdtemp(prefix=f"memplug-dump-{name}.", dir=SCRATCH)
        try:
            extract(archive, tmp)
            for fname, args in OUTPUTS.items():
                path = os.path.join(DUMPS, name, fname)
                with open(path, "rb") as f:
                    want = f.read()
                got = self.run_list(tmp, args)
                if fname.endswith(".json"):
                    got = self.normalise(got, tmp, f"{name}/{fname}")
                if got != want and UPDATE:
                    if fname.endswith(".json"):
                        why = additions_only(json.loads(want), json.loads(got))
                        self.assertIsNone(why, f"{name}/{fname}: {why}")
                    with open(path, "wb") as f:
                        f.write(got)
                    continue
                if got != want:
                    diff = "".join(difflib.unified_diff(
                        want.decode(errors="replace").splitlines(True),
                        got.decode(errors="replace").splitlines(True),
                        f"tests/dumps/{name}/{fname} (live kernel)",
                        f"memplug list {' '.join(args)} on {name}.tar.xz"))
                    self.fail(f"{name}: {fname} differs:\n{diff}")
        finally:
            shutil.rmtree(tmp)

    def run_list(self, root, args):
        # the guest ran memplug with only PATH set: no locale, no MEMPLUG_*
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        proc = subprocess.run([MEMPLUG, f"--sysfs-root={root}", "list"] +
                              args, env=env, capture_output=True,
                              timeout=60, check=False)
        self.assertEqual(proc.returncode, 0,
                         f"list {args} exited {proc.returncode}: "
                         f"{proc.stderr.decode(errors='replace')}")
        return proc.stdout

    def normalise(self, out, root, what):
        here = b'"sysfs_root": ' + json.dumps(root).encode()
        self.assertEqual(out.count(here), 1, f"{what}: one sysfs_root")
        return out.replace(here, b'"sysfs_root": "/"')


if __name__ == "__main__":
    unittest.main(verbosity=2)
