#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""memplug.conf parsing (cli/conf.c, cli/conf-file.c) on temp trees.

Every configuration error must be exit 2 with one line on stderr naming
FILE:LINE (or FILE when no line applies) and nothing on stdout; good trees
must give the merged configuration as JSON.  The program under test is
$CONFIG_SHOW: `config-show [--config=PATH] SYSCONFDIR`, or `memplug config
show` when $CONFIG_SHOW names the memplug binary (then SYSCONFDIR cannot be
passed and only --config trees are used).
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

PROG = os.environ.get("CONFIG_SHOW", "")
UUID = "8d5d5ba2-3f63-4c0a-9a55-0123456789ab"
UUID2 = "11111111-2222-4333-8444-555555555555"


@unittest.skipUnless(PROG and os.access(PROG, os.X_OK), "CONFIG_SHOW not set")
class Config(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="memplug-config-")
        self.etc = os.path.join(self.tmp, "etc")
        # memplug trusts files only in directories no one else may write
        os.makedirs(os.path.join(self.etc, "memplug.conf.d"))
        os.chmod(self.etc, 0o755)
        os.chmod(os.path.join(self.etc, "memplug.conf.d"), 0o755)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- helpers
    def write(self, rel, text, mode=0o644):
        path = os.path.join(self.etc, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def run_show(self, config=None, env=None):
        args = [PROG]
        if config is not None:
            args.append("--config=" + config)
        args.append(self.etc)
        e = dict(os.environ)
        e.pop("MEMPLUG_CONFIG", None)
        e.update(env or {})
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=30, env=e)
        return p.returncode, p.stdout, p.stderr

    def ok(self, **kw):
        rc, out, err = self.run_show(**kw)
        self.assertEqual(rc, 0, err)
        return json.loads(out), err

    def error(self, path, line, pattern, escape=True, **kw):
        """exit 2, nothing on stdout, one line 'memplug: PATH[:LINE]: ...'"""
        rc, out, err = self.run_show(**kw)
        self.assertEqual(rc, 2, "stdout=%r stderr=%r" % (out, err))
        self.assertEqual(out, "")
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, err)
        where = (re.escape(path) if escape else path) + \
            (":%d" % line if line else "")
        self.assertRegex(lines[0], "^memplug: " + where + ": " + pattern)
        return lines[0]

    def conf(self, text, name="memplug.conf"):
        return self.write(name, text)

    # ---- good trees
    def test_no_files_is_an_empty_config(self):
        out, _ = self.ok()
        self.assertEqual(out["files"], [])
        self.assertEqual(out["targets"], [])
        self.assertEqual(out["defaults"]["zone"], "movable")
        self.assertEqual(out["defaults"]["mode"], "system-ram")
        self.assertEqual(out["defaults"]["memmap_on_memory"], "keep")
        self.assertIs(out["defaults"]["online"], True)
        self.assertEqual(out["defaults"]["timeout"], 120)

    def test_files_in_order_and_only_conf(self):
        main = self.conf("[defaults]\nzone = normal\n")
        b = self.write("memplug.conf.d/20-b.conf",
                       "[dax b]\nresource = 0x240000000\n")
        a = self.write("memplug.conf.d/10-a.conf",
                       "[namespace a]\nuuid = %s\nzone = movable\n" % UUID)
        self.write("memplug.conf.d/30-c.conf.bak", "garbage\n")
        self.write("memplug.conf.d/.40-d.conf", "garbage\n")
        out, _ = self.ok()
        self.assertEqual(out["files"], [main, a, b])
        t = {x["section"]: x for x in out["targets"]}
        self.assertEqual(t["namespace a"]["zone"], "movable")
        self.assertEqual(t["namespace a"]["match"]["uuid"], UUID)
        self.assertEqual(t["namespace a"]["line"], 1)
        self.assertEqual(t["namespace a"]["file"], a)
        self.assertEqual(t["dax b"]["zone"], "normal")  # from [defaults]
        self.assertEqual(t["dax b"]["match"]["resource"], "0x240000000")
        self.assertIsNone(t["dax b"]["match"]["target_node"])

    def test_every_key(self):
        self.conf(
            "# comment\n; comment too\n\n"
            "[defaults]\nonline = no\ntimeout = 30\n\n"
            "[region cxl-a]\n"
            "hpa = 0x390000000\n"
            "memdevs = 0x2, 1\n"
            "target_node = 1\n"
            "mode = system-ram\n"
            "zone = auto\n"
            "memmap_on_memory = yes\n"
            "online = yes\n"
            "order = ascending\n"
            "timeout = 600\n")
        out, _ = self.ok()
        t = out["targets"][0]
        self.assertEqual(t["kind"], "region")
        self.assertEqual(t["match"], {"hpa": "0x390000000",
                                      "memdevs": ["0x1", "0x2"],
                                      "target_node": 1})
        self.assertEqual((t["zone"], t["memmap_on_memory"], t["online"],
                          t["order"], t["timeout"]),
                         ("auto", "yes", True, "ascending", 600))
        self.assertIs(out["defaults"]["online"], False)

    def test_iniparser_quotes_comments_and_case(self):
        self.conf('[Namespace A]\nUUID = "%s"  ; set by ops\n'
                  "zone = movable # comment\n" % UUID.upper())
        out, _ = self.ok()
        t = out["targets"][0]
        self.assertEqual(t["section"], "namespace a")
        self.assertEqual(t["match"]["uuid"], UUID)
        self.assertEqual(t["zone"], "movable")

    def test_daxctl_section_unchanged(self):
        # the stanza of daxctl.conf.d/daxctl.example.conf, uncommented
        self.write("memplug.conf.d/daxctl.conf",
                   "[reconfigure-device unique_identifier_foo]\n"
                   "nvdimm.uuid=ed93e918-e165-49d8-921d-383d7b9660c5\n"
                   "mode = system-ram\n"
                   "online = true\n"
                   "movable = false\n")
        out, _ = self.ok()
        t = out["targets"][0]
        self.assertEqual(t["kind"], "reconfigure-device")
        self.assertEqual(t["match"]["uuid"],
                         "ed93e918-e165-49d8-921d-383d7b9660c5")
        self.assertEqual((t["mode"], t["online"], t["zone"]),
                         ("system-ram", True, "normal"))

    def test_kernel_name_is_warned(self):
        path = self.conf("[device dax0.0]\nzone = movable\n")
        out, err = self.ok()
        self.assertEqual(out["targets"][0]["match"]["device"], "dax0.0")
        self.assertRegex(err, "^memplug: warning: " + re.escape(path) +
                         ":1: .*kernel name")
        self.assertEqual(len(out["warnings"]), 1)
        self.assertIn(path + ":1:", out["warnings"][0])

    def test_config_option_file_and_dir(self):
        self.conf("[dax default]\nresource = 0x1\n")
        other = os.path.join(self.tmp, "other.conf")
        with open(other, "w") as f:
            f.write("[dax other]\nresource = 0x2\n")
        out, _ = self.ok(config=other)
        self.assertEqual([t["section"] for t in out["targets"]], ["dax other"])
        d = os.path.join(self.tmp, "confdir")
        os.mkdir(d, 0o755)
        os.chmod(d, 0o755)
        with open(os.path.join(d, "b.conf"), "w") as f:
            f.write("[dax b]\nresource = 0x4\n")
        with open(os.path.join(d, "a.conf"), "w") as f:
            f.write("[dax a]\nresource = 0x3\n")
        out, _ = self.ok(config=d)
        self.assertEqual([t["section"] for t in out["targets"]],
                         ["dax a", "dax b"])

    def test_environment_variable(self):
        other = os.path.join(self.tmp, "env.conf")
        with open(other, "w") as f:
            f.write("[dax env]\nresource = 0x2\n")
        out, _ = self.ok(env={"MEMPLUG_CONFIG": other})
        self.assertEqual(out["files"], [other])

    # ---- errors naming FILE:LINE
    def test_unknown_key(self):
        p = self.conf("[namespace a]\nuuid = %s\n\nzonee = movable\n" % UUID)
        self.error(p, 4, "unknown key 'zonee' in \\[namespace a\\]")

    def test_key_of_another_kind(self):
        p = self.conf("[dax a]\nresource = 0x1\nuuid = %s\n" % UUID)
        self.error(p, 3, "unknown key 'uuid'")
        p = self.conf("[defaults]\ntarget_node = 1\n")
        self.error(p, 2, "unknown key 'target_node' in \\[defaults\\]")
        p = self.conf("[reconfigure-device x]\nnvdimm.uuid = %s\n"
                      "zone = movable\n" % UUID)
        self.error(p, 3, "unknown key 'zone'")

    def test_bad_values(self):
        cases = [
            ("zone = sideways", "zone", "movable, normal or auto"),
            ("memmap_on_memory = maybe", "memmap_on_memory",
             "yes, no or keep"),
            ("online = maybe", "online", "yes or no (true/false, 1/0)"),
            ("order = random", "order", "descending"),
            ("timeout = 007", "timeout", "a whole number from 0"),
            ("timeout = 86401", "timeout", "a whole number from 0"),
            ("timeout = 1e3", "timeout", "a whole number"),
            ("timeout = -5", "timeout", "a whole number"),
            ("timeout =", "timeout", "a whole number"),
            ("mode = ram", "mode", "system-ram or devdax"),
            ("target_node = 4096", "target_node", "a whole number"),
            ("target_node = one", "target_node", "a whole number"),
        ]
        for text, key, want in cases:
            with self.subTest(text=text):
                p = self.conf("[namespace a]\nuuid = %s\n%s\n" % (UUID, text))
                self.error(p, 3, "bad value '.*' for %s in \\[namespace a\\]: "
                           "want %s" % (key, re.escape(want)))

    def test_bad_identity_values(self):
        cases = [
            ("[namespace a]\nuuid = not-a-uuid\n", "uuid"),
            ("[namespace a]\nuuid = %s0\n" % UUID, "uuid"),
            ("[region a]\nhpa = -1\n", "hpa"),
            ("[region a]\nhpa = 0x\n", "hpa"),
            ("[region a]\nhpa = 0x1ffffffffffffffff\n", "hpa"),
            ("[region a]\nmemdevs = ,\n", "memdevs"),
            ("[region a]\nmemdevs = 1 1\n", "memdevs"),
            ("[region a]\nmemdevs = %s\n" % " ".join(str(i) for i in
                                                     range(17)), "memdevs"),
            ("[dax a]\nresource = 0xZZ\n", "resource"),
            ("[reconfigure-device a]\nnvdimm.uuid = x\n", "nvdimm.uuid"),
            ("[reconfigure-device a]\nnvdimm.uuid = %s\nmovable = maybe\n"
             % UUID, "movable"),
        ]
        for text, key in cases:
            with self.subTest(text=text):
                p = self.conf(text)
                line = text.count("\n")
                self.error(p, line, "bad value '.*' for %s" % re.escape(key))

    def test_duplicate_section_in_one_file(self):
        p = self.conf("[dax a]\nresource = 0x1\n[dax b]\nresource = 0x2\n"
                      "[dax a]\nresource = 0x3\n")
        self.error(p, 5, "duplicate section \\[dax a\\] \\(first at line 1\\)")

    def test_duplicate_section_across_files(self):
        a = self.write("memplug.conf.d/a.conf", "[dax a]\nresource = 0x1\n")
        b = self.write("memplug.conf.d/b.conf", "\n[dax a]\nresource = 0x2\n")
        self.error(b, 2, "duplicate section \\[dax a\\] \\(first at %s:1\\)"
                   % re.escape(a))

    def test_duplicate_defaults_across_files(self):
        self.conf("[defaults]\nzone = movable\n")
        b = self.write("memplug.conf.d/b.conf", "[defaults]\nzone = normal\n")
        self.error(b, 1, "duplicate section \\[defaults\\]")

    def test_duplicate_key(self):
        p = self.conf("[dax a]\nresource = 0x1\nzone = movable\nzone = normal\n")
        self.error(p, 4, "duplicate key 'zone' in \\[dax a\\] "
                   "\\(first at line 3\\)")

    def test_two_sections_match_one_device(self):
        cases = [
            ("[namespace a]\nuuid = %s\n" % UUID,
             "[reconfigure-device b]\nnvdimm.uuid = %s\n" % UUID.upper()),
            ("[region a]\nhpa = 0x390000000\n",
             "[region b]\nhpa = 0x0390000000\nmemdevs = 1\n"),
            ("[region a]\nmemdevs = 2,1\n", "[region b]\nmemdevs = 1 2\n"),
            ("[dax a]\nresource = 0x1000\n", "[dax b]\nresource = 0X1000\n"),
        ]
        for first, second in cases:
            with self.subTest(first=first):
                a = self.write("memplug.conf.d/a.conf", first)
                b = self.write("memplug.conf.d/b.conf", "# x\n" + second)
                msg = self.error(b, 2, "\\[.*\\] matches the same device as "
                                 "\\[.*\\] \\(%s:1\\)" % re.escape(a))
                self.assertNotIn("warning", msg)

    def test_same_kernel_name_twice(self):
        a = self.write("memplug.conf.d/a.conf", "[device dax0.0]\n")
        b = self.write("memplug.conf.d/b.conf", "# x\n[device DAX0.0]\n")
        self.error(b, 2, "duplicate section \\[device dax0.0\\] \\(first at "
                   "%s:1\\)" % re.escape(a))

    def test_different_identities_are_fine(self):
        self.conf("[namespace a]\nuuid = %s\n[namespace b]\nuuid = %s\n"
                  "[region c]\nhpa = 0x1\n[region d]\nmemdevs = 1\n"
                  "[dax e]\nresource = 0x1\n" % (UUID, UUID2))
        out, _ = self.ok()
        self.assertEqual(len(out["targets"]), 5)

    def test_syntax_errors(self):
        cases = [
            ("zone = movable\n", 1, "key outside of a section"),
            ("[dax a]\nresource = 0x1\njust words\n", 3, "syntax error"),
            ("[dax a\nresource = 0x1\n", 1, "section header without"),
            ("[ ]\n", 1, "empty section name"),
            ("[dax a:b]\n", 1, "section name with"),
            ("[dax a]\n = 1\n", 2, "key without a name"),
            ("[dax a]\nre/source = 1\n", 2, "bad key name"),
            ("[dax a]\nresource = 0x1 \\\n  2\n", 2, "line ends in .*continuation lines"),
            ("[dax a]\nresource = 0x1\x1b\n", 2, "control character 0x1b"),
            ("[dax a]\nresource = 0x1\n# %s\n" % ("x" * 1001), 3,
             "line longer than 1000"),
            ("[frobnicate a]\n", 1, "unknown section \\[frobnicate a\\]"),
            ("[namespace]\n", 1, "\\[namespace\\] needs a name"),
            ("[namespace a]\nzone = movable\n", 1, "\\[namespace a\\] needs "
             "uuid"),
            ("[region a]\nzone = movable\n", 1, "\\[region a\\] needs hpa"),
            ("[dax a]\n", 1, "\\[dax a\\] needs resource"),
            ("[reconfigure-device a]\nmode = system-ram\n", 1, ".* needs "
             "nvdimm.uuid"),
            ("[device memory5]\n", 1, ".*'memory5' is not a kernel device"),
            ("[device dax0]\n", 1, ".*'dax0' is not a kernel device"),
            ("[dax a]\nresource = 0x1\nmode = devdax\nzone = normal\n", 1,
             "\\[dax a\\] has mode = devdax"),
        ]
        for text, line, pattern in cases:
            with self.subTest(text=text[:40]):
                p = self.conf(text)
                self.error(p, line, pattern)

    def test_crlf_lines_are_fine(self):
        self.conf("[dax a]\r\nresource = 0x1\r\nzone = normal\r\n")
        out, _ = self.ok()
        self.assertEqual(out["targets"][0]["zone"], "normal")

    def test_backslash_line_end_is_refused(self):
        # iniparser joins the next line to any line ending in '\' (after
        # trailing white space), comment or not: "[dax b]" would vanish
        # into the comment and its key land in [dax a]
        for comment in ("# note \\", "; note\\", "#\\  \t", "  # x \\"):
            with self.subTest(comment=comment):
                p = self.conf("[dax a]\nresource = 0x1\n%s\n[dax b]\n"
                              "resource = 0x2\n" % comment)
                self.error(p, 3, "line ends in '\\\\'")
        # a backslash inside a line is only a byte
        self.conf("# a \\ b\n[dax a]\nresource = 0x1 ; x \\ y\n")
        out, _ = self.ok()
        self.assertEqual([t["section"] for t in out["targets"]], ["dax a"])

    def test_numbers_are_hex_or_decimal(self):
        good = [("0x0100000000", "0x100000000"), ("0X1f", "0x1f"),
                ("4294967296", "0x100000000"), ("0", "0"),
                ("0x0", "0"), ("18446744073709551615", "0xffffffffffffffff")]
        for text, want in good:
            with self.subTest(text=text):
                self.conf("[region a]\nmemdevs = %s\n" % text)
                out, _ = self.ok()
                self.assertEqual(out["targets"][0]["match"]["memdevs"], [want])
        bad = ["0100000000", "00", "010", "08", "0x", "0x+1", "0x 1", "0x-1",
               "0b1", "1_000", "18446744073709551616",
               "0x10000000000000000", "1e3", "+1"]
        for text in bad:
            with self.subTest(text=text):
                p = self.conf("[region a]\nmemdevs = %s\n" % text)
                self.error(p, 2, "bad value '.*' for memdevs in \\[region a\\]: "
                           "want a number \\(0x... or decimal")

    def test_addresses_are_hex_only(self):
        # "hpa = 4000000000" read as decimal would match nothing, silently
        for key, section in (("hpa", "region"), ("resource", "dax")):
            for text in ("4000000000", "0", "1", "0x", "0x-1", "x10",
                         "0x10000000000000000"):
                with self.subTest(key=key, text=text):
                    p = self.conf("[%s a]\n%s = %s\n" % (section, key, text))
                    self.error(p, 2, "bad value '%s' for %s in \\[%s a\\]: "
                               "want a hex address starting with 0x"
                               % (re.escape(text), key, section))
            self.conf("[%s a]\n%s = 0X4000000000\n" % (section, key))
            out, _ = self.ok()
            self.assertEqual(out["targets"][0]["match"][key], "0x4000000000")

        p = self.conf("[region a]\nmemdevs = 010, 8\n")
        self.error(p, 2, "bad value '010' for memdevs")
        self.conf("[region a]\nmemdevs = 10, 8, 0x10\n")
        out, _ = self.ok()
        self.assertEqual(out["targets"][0]["match"]["memdevs"],
                         ["0x8", "0xa", "0x10"])
        for key, text in (("timeout", "030"), ("target_node", "01")):
            with self.subTest(key=key):
                p = self.conf("[dax a]\nresource = 0x1\n%s = %s\n" % (key, text))
                self.error(p, 3, "bad value '%s' for %s" % (text, key))

    def test_error_text_is_cleaned_for_the_terminal(self):
        # file names and values reach stderr as '?', never as escapes
        name = b"memplug.conf.d/a\x1b[2J\xff.conf"
        path = os.path.join(self.etc.encode(), name)
        with open(path, "wb") as f:
            f.write(b"[dax a]\nresource = 0x1\nzone = \xc2\x9b31m\xff\n")
        p = subprocess.run([PROG, self.etc], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(p.returncode, 2)
        err = p.stderr
        self.assertEqual(err.count(b"\n"), 1, err)
        self.assertFalse(re.search(rb"[\x00-\x09\x0b-\x1f\x7f-\xff]", err), err)
        self.assertIn(b"/a?[2J?.conf:3: bad value '?31m?' for zone", err)

    # ---- errors about the file itself (no line)
    def test_nul_byte(self):
        p = self.conf("[dax a]\nresource = 0x1\n\0\n")
        self.error(p, 0, "contains a NUL byte")

    def test_too_large(self):
        p = self.conf("# padding\n" * 7000)
        self.error(p, 0, "larger than 65536 bytes")

    def test_world_writable(self):
        p = self.write("memplug.conf", "[dax a]\nresource = 0x1\n", mode=0o646)
        self.error(p, 0, "writable by everyone")

    # ---- who may change the files: sudo's rules for sudoers
    def other_group(self):
        """a group that is not root's, for the group-write cases"""
        if os.getegid() != 0:
            return os.getegid()
        return 1234

    def test_trust_file(self):
        p = self.conf("[dax a]\nresource = 0x1\n")
        if os.geteuid() == 0:
            os.chown(p, 1234, 0)
            self.error(p, 0, "owned by uid 1234, not root: refusing")
            os.chown(p, 0, 1234)
        os.chmod(p, 0o664)
        self.error(p, 0, "writable by group %d, not root: refusing"
                   % self.other_group())
        if os.geteuid() == 0:
            os.chown(p, 0, 0)  # group write is fine when it is root's
            self.ok()

    def test_trust_directory(self):
        d = os.path.join(self.etc, "memplug.conf.d")
        p = self.write("memplug.conf.d/a.conf", "[dax a]\nresource = 0x1\n")
        for mode, why in ((0o777, "writable by everyone, refusing"),
                          (0o1777, "writable by everyone \\(sticky or not\\)"),
                          (0o775, "writable by group %d, not root"
                           % self.other_group())):
            with self.subTest(mode=oct(mode)):
                if mode == 0o775 and os.geteuid() == 0:
                    os.chown(d, 0, 1234)
                os.chmod(d, mode)
                self.error(p, 0, "directory %s is %s" % (re.escape(d), why))
        os.chmod(d, 0o755)
        if os.geteuid() == 0:
            os.chown(d, 1234, 0)
            self.error(p, 0, "directory %s is owned by uid 1234, not root"
                       % re.escape(d))
            os.chown(d, 0, 0)
            os.chmod(d, 0o775)  # root's group may write
            self.ok()

    def test_trust_follows_a_symlink(self):
        good = os.path.join(self.tmp, "good")
        os.mkdir(good, 0o755)
        os.chmod(good, 0o755)
        with open(os.path.join(good, "x.conf"), "w") as f:
            f.write("[dax a]\nresource = 0x1\n")
        link = os.path.join(self.etc, "memplug.conf.d", "a.conf")
        os.symlink(os.path.join(good, "x.conf"), link)
        out, _ = self.ok()
        self.assertEqual(out["files"], [link])
        os.chmod(good, 0o1777)
        self.error(re.escape(link) + " -> " + re.escape(good + "/x.conf"), 0,
                   "directory %s is writable by everyone \\(sticky or not\\)"
                   % re.escape(good), escape=False)

    def test_config_directly_in_tmp_is_refused(self):
        # /tmp is sticky and world-writable: anyone could have put it there
        with tempfile.NamedTemporaryFile("w", dir="/tmp", suffix=".conf") as f:
            f.write("[dax a]\nresource = 0x1\n")
            f.flush()
            self.error(f.name, 0, "directory /tmp is writable by everyone "
                       "\\(sticky or not\\)", config=f.name)

    def test_not_a_regular_file(self):
        d = os.path.join(self.etc, "memplug.conf.d", "dir.conf")
        os.mkdir(d)
        self.error(d, 0, "not a regular file")

    def test_fifo_does_not_hang(self):
        fifo = os.path.join(self.tmp, "fifo.conf")
        os.mkfifo(fifo)
        self.error(fifo, 0, "not a regular file", config=fifo)

    def test_missing_explicit_file(self):
        p = os.path.join(self.tmp, "nope.conf")
        self.error(p, 0, "No such file", config=p)

    def test_empty_environment_variable(self):
        self.error("$MEMPLUG_CONFIG", 0, "is empty",
                   env={"MEMPLUG_CONFIG": ""})

    def test_error_stops_before_later_files(self):
        # the error is reported, later files do not add output
        a = self.write("memplug.conf.d/a.conf", "[dax a]\nbogus = 1\n")
        self.write("memplug.conf.d/b.conf", "[dax b]\nresource = 0x2\n")
        self.error(a, 2, "unknown key 'bogus'")


if __name__ == "__main__":
    unittest.main(verbosity=1)
