#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tree-level mutation test: random corruptions of generated sysfs trees.

Each round copies a generated tree, corrupts one to four of its entries
(content, type, symlinks out of the tree, FIFOs, devices, huge numbers, bytes
that are not UTF-8, escape sequences, device and block names that carry
shell and terminal metacharacters), runs one memplug command on it and
asserts what a user may rely on: no crash, no hang (a timeout), a documented
exit code, one valid UTF-8 JSON document on stdout when it says so (a
table, or --list-targets' kernel names, for those), one clean error line
otherwise, and nothing written outside the tree.

Bounded by time (MEMPLUG_MUTATE_SECONDS, default 45) and seeded
(MEMPLUG_MUTATE_SEED, default: random); the seed is printed, and a failure
names the seed, round and mutations, so `MEMPLUG_MUTATE_SEED=S` replays it.
"""
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

MEMPLUG = os.environ.get("MEMPLUG", "")
SECONDS = float(os.environ.get("MEMPLUG_MUTATE_SECONDS", "45"))
SEED = int(os.environ.get("MEMPLUG_MUTATE_SEED", str(random.SystemRandom().randrange(1 << 32))))
SANITIZED = bool(os.environ.get("MEMPLUG_SANITIZED"))
TIMEOUT = 15

FIXTURES = ["vm-small", "states", "dimm-virtio", "cxl-host", "old-kernel"]
COMMANDS = [
    ["list"], ["list", "-M"], ["list", "-D", "-u"], ["list", "-s"],
    ["list", "--zone=Movable", "-M"],
    ["online", "dax0.0"], ["online", "memory33-memory40", "--zone=normal"],
    ["offline", "dax0.0"], ["offline", "memory5", "--dry-run"],
    ["offline", "memory40-memory47", "--timeout=1"],
    ["reconfigure", "dax0.0", "--mode=devdax"],
    ["reconfigure", "dax0.0", "--mode=system-ram", "--parallel"],
    ["reconfigure", "namespace0.0", "--mode=system-ram", "--force"],
    ["reconfigure", "all", "--mode=devdax", "--dry-run"],
    ["list", "--table"], ["list", "-M", "--raw"],
    ["list", "--pairs", "-o", "+NAMESPACE,REGION,REASON"],
    ["--list-targets"],
    # @CONF: a memplug.conf.d of the round, mutated (config_mutated)
    ["config", "check", "--config=@CONF"], ["config", "show", "--config=@CONF"],
    ["apply", "--dry-run", "--config=@CONF"], ["apply", "--config=@CONF", "--wait=1"],
    ["apply", "--device=dax0.0", "--config=@CONF", "--wait=1"],
]
# a memplug.conf that matches the fixtures' devices, before mutation
CONF_BASE = (b"# memplug.conf of the mutation test\n"
             b"[namespace pmem]\nuuid = " + st.NS_UUID.encode() + b"\nzone = movable\n\n"
             b"[dax d]\nresource = 0x102000000\nmode = system-ram\n\n"
             b"[region cxl]\nhpa = 0x4000000000\nmemmap_on_memory = yes\n"
             b"target_node = 2\n\n[reconfigure-device x]\nnvdimm.uuid = "
             + st.NS_UUID.encode() + b"\nmode = system-ram\nonline = true\n")
CONF_PIECES = [b"[", b"]", b"\\\n", b"\\", b"=", b" = ", b"#", b";", b"\r\n", b"\n[x y]\n",
               b"\n[namespace pmem]\n", b"zone = normal\n", b"0x", b"010", b"\x00"]
# device, namespace, region, block and node names as a hostile tree may hold
# them: what memplug prints of them is clean, what --list-targets prints is
# a kernel name, and nothing of them is ever run
NAME_DIRS = re.compile(r"^((dax|namespace|region|memory|node|virtio)[0-9]|PNP0C80:)")
DEVICE_DIRS = re.compile(r"^((dax|namespace|region|virtio)[0-9]|PNP0C80:)")
HOSTILE_SUFFIXES = [
    b"$(touch${IFS}pwned)", b"`touch pwned`", b"';touch pwned;'", b'";touch pwned;"',
    b"\nregion9", b"\x1b]0;title\x07\x1b[2J", b"\xc2\x9b31m", b"\x9b", b" --force",
    b"\t", b"*", b"\\", b"${PATH}", b"|id", b"&", b"\xff",
]
KERNEL_NAME = re.compile(r"[A-Za-z0-9_:][A-Za-z0-9._:-]*")
HOSTILE_TEXT = [
    b"", b"\n", b"0", b"-1", b"18446744073709551616", b"9223372036854775807",
    b"0xffffffffffffffff", b"online", b"offline", b"Movable Normal", b"none",
    b"\xff\xfe\x80 not utf-8", b"\x1b]0;title\x07\x1b[2J", b"\x00\x00",
    b"../../../../../../etc", b"/etc/passwd", b"memory99999999999999999999",
    b"a" * 5000, b"1 2 3\n4 5 6\n", b"%s%s%n",
]


def numbers_mangled(data, rnd):
    out, i = bytearray(), 0
    while i < len(data):
        if chr(data[i]).isdigit() and rnd.random() < 0.3:
            j = i
            while j < len(data) and chr(data[j]).isdigit():
                j += 1
            out += rnd.choice([b"9223372036854775808", b"18446744073709551615",
                               b"-1", b"0", b"99999999999999999999999"])
            i = j
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


class Mutator:
    def __init__(self, rnd, root, outside):
        self.rnd, self.root, self.outside = rnd, root, outside

    def entries(self):
        out = []
        for d, dirs, files in os.walk(self.root):
            for n in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
                out.append(os.path.join(d, n))
            for n in dirs:
                out.append(os.path.join(d, n))
        return out

    def pick(self):
        # kernel-relevant files more often than the rest
        ents = self.entries()
        hot = [e for e in ents if any(k in e for k in (
            "memory/", "state", "valid_zones", "zoneinfo", "iomem", "meminfo", "block_size",
            "dax0.0", "namespace", "mapping", "auto_online", "kallsyms", "cmdline", "node"))]
        return self.rnd.choice(hot if hot and self.rnd.random() < 0.8 else ents)

    def replace(self, path):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)

    def hostile_name(self):
        """a device, block or node under a name with metacharacters: the
        entry renamed, or a copy of it beside the original"""
        ents = [e for e in self.entries() if NAME_DIRS.match(os.path.basename(e))]
        devices = [e for e in ents if DEVICE_DIRS.match(os.path.basename(e))]
        if devices and self.rnd.random() < 0.6:  # blocks outnumber devices
            ents = devices
        if not ents:
            return "name (none)"
        path = self.rnd.choice(ents)
        base = os.fsencode(os.path.basename(path))
        cut = self.rnd.choice([len(base), len(base), self.rnd.randint(0, len(base))])
        new = os.fsdecode(os.path.join(os.fsencode(os.path.dirname(path)),
                                       base[:cut] + self.rnd.choice(HOSTILE_SUFFIXES)))
        if os.path.lexists(new):
            return "name (exists)"
        if self.rnd.random() < 0.5:
            os.rename(path, new)
            how = "renamed"
        elif os.path.islink(path):
            os.symlink(os.readlink(path), new)
            how = "linked"
        elif os.path.isdir(path):
            shutil.copytree(path, new, symlinks=True)
            how = "copied"
        else:
            shutil.copyfile(path, new)
            how = "copied"
        return "name %s %s -> %r" % (how, os.path.relpath(path, self.root),
                                     os.path.basename(new))

    def mutate(self, names_only=False):
        if names_only:
            return self.hostile_name()
        path = self.pick()
        rel = os.path.relpath(path, self.root)
        kind = self.rnd.choice(["text", "text", "numbers", "bytes", "truncate", "append",
                                "delete", "dir", "fifo", "chardev", "symlink-out",
                                "symlink-dangling", "symlink-loop", "symlink-in", "huge",
                                "name", "name"])
        is_file = os.path.isfile(path) and not os.path.islink(path)
        if kind in ("numbers", "bytes", "truncate", "append") and not is_file:
            kind = "text"
        if kind == "name":
            return self.hostile_name()
        if kind == "text":
            self.replace(path)
            with open(path, "wb") as f:
                f.write(self.rnd.choice(HOSTILE_TEXT) + self.rnd.choice([b"", b"\n"]))
        elif kind == "numbers":
            with open(path, "rb") as f:
                data = f.read()
            with open(path, "wb") as f:
                f.write(numbers_mangled(data, self.rnd))
        elif kind == "bytes":
            with open(path, "rb") as f:
                data = bytearray(f.read())
            for _ in range(self.rnd.randint(1, 8)):
                if data:
                    data[self.rnd.randrange(len(data))] = self.rnd.randrange(256)
            with open(path, "wb") as f:
                f.write(bytes(data))
        elif kind == "truncate":
            size = os.path.getsize(path)
            os.truncate(path, self.rnd.randint(0, size))
        elif kind == "append":
            with open(path, "ab") as f:
                f.write(self.rnd.choice(HOSTILE_TEXT) + b"\n")
        elif kind == "delete":
            self.replace(path)
        elif kind == "dir":
            self.replace(path)
            os.makedirs(path)
        elif kind == "fifo":
            self.replace(path)
            os.mkfifo(path)
        elif kind == "chardev":
            self.replace(path)
            os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, self.rnd.choice([3, 5, 8])))
        elif kind == "symlink-out":
            self.replace(path)
            os.symlink(self.rnd.choice([os.path.join(self.outside, "victim"),
                                        os.path.join(self.outside, "dir"),
                                        os.path.join(self.outside, "new-file"),
                                        "../" * (rel.count("/") + 1) + "outside/victim"]), path)
        elif kind == "symlink-dangling":
            self.replace(path)
            os.symlink("does-not-exist", path)
        elif kind == "symlink-loop":
            self.replace(path)
            os.symlink(os.path.basename(path), path)
        elif kind == "symlink-in":
            self.replace(path)
            os.symlink(os.path.relpath(self.root, os.path.dirname(path)), path)
        elif kind == "huge":
            self.replace(path)
            with open(path, "wb") as f:
                f.truncate(self.rnd.choice([1 << 20, 40 << 20]))
        return "%s %s" % (kind, rel)


def config_mutated(rnd, base_dir):
    """a conf.d (root's, 0755) with memplug.conf mutated: hostile names and
    text, INI syntax pieces, cut or repeated lines; its path"""
    d = os.path.join(base_dir, "conf.d")
    shutil.rmtree(d, ignore_errors=True)
    os.mkdir(d, 0o755)
    data = bytearray(CONF_BASE)
    for _ in range(rnd.randint(1, 5)):
        pos = rnd.randrange(len(data) + 1)
        op = rnd.randrange(4)
        if op == 0:
            data[pos:pos] = rnd.choice(HOSTILE_TEXT + HOSTILE_SUFFIXES)
        elif op == 1:
            data[pos:pos] = rnd.choice(CONF_PIECES)
        elif op == 2:
            del data[pos:pos + rnd.randint(1, 40)]
        else:
            lines = bytes(data).split(b"\n")
            i = rnd.randrange(len(lines))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    with open(os.path.join(d, "10-mutated.conf"), "wb") as f:
        f.write(bytes(data))
    return d


def outside_state(tmp):
    state = {}
    for d, dirs, files in os.walk(tmp):
        if d == tmp:
            dirs[:] = [n for n in dirs if n not in ("tree", "templates", "conf.d")]
            files = [n for n in files if n not in ("tree", "templates", "conf.d")]
        for n in files + dirs:
            p = os.path.join(d, n)
            st_ = os.lstat(p)
            content = None
            if stat.S_ISREG(st_.st_mode):
                with open(p, "rb") as f:
                    content = f.read()
            state[os.path.relpath(p, tmp)] = (stat.S_IFMT(st_.st_mode), st_.st_mode & 0o7777,
                                              content)
    return state


@unittest.skipUnless(MEMPLUG and os.access(MEMPLUG, os.X_OK), "MEMPLUG not set")
class Mutations(unittest.TestCase):
    def test_random_corruptions(self):
        print("mutation test: seed %d, %.0f s (MEMPLUG_MUTATE_SEED=%d replays it)"
              % (SEED, SECONDS, SEED), flush=True)
        rnd = random.Random(SEED)
        tmp = tempfile.mkdtemp(prefix="memplug-mutate-")
        try:
            self.run_rounds(rnd, tmp, SECONDS, COMMANDS)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_hostile_names(self):
        """only names with metacharacters, only commands that print names
        or act on every device: half the time of the test above"""
        print("hostile names: seed %d, %.0f s" % (SEED, SECONDS / 2), flush=True)
        rnd = random.Random(SEED)
        tmp = tempfile.mkdtemp(prefix="memplug-mutate-")
        cmds = [c for c in COMMANDS if c[0] == "--list-targets" or "all" in c
                or c[0] == "list"] + [["--list-targets"]] * 3
        try:
            self.run_rounds(rnd, tmp, SECONDS / 2, cmds, names_only=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def run_rounds(self, rnd, tmp, seconds, commands, names_only=False):
        templates = {}
        for name in FIXTURES:
            templates[name] = st.build(name).write(os.path.join(tmp, "templates", name))
        outside = os.path.join(tmp, "outside")
        os.makedirs(os.path.join(outside, "dir"))
        with open(os.path.join(outside, "victim"), "w") as f:
            f.write("offline\n")
        before = outside_state(tmp)
        deadline = time.monotonic() + seconds
        rounds = 0
        codes = {}
        while time.monotonic() < deadline:
            rounds += 1
            fixture = rnd.choice(FIXTURES)
            root = os.path.join(tmp, "tree")
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(templates[fixture], root, symlinks=True)
            mut = Mutator(rnd, root, outside)
            done = [mut.mutate(names_only) for _ in range(rnd.randint(1, 4))]
            cmd = rnd.choice(commands)
            if any("@CONF" in a for a in cmd):
                conf = config_mutated(rnd, tmp)
                cmd = [a.replace("@CONF", conf) for a in cmd]
            what = "seed %d round %d: %s: memplug %s after [%s]" % (
                SEED, rounds, fixture, " ".join(cmd), "; ".join(done))
            rc, out, err = self.run_one(root, cmd, what)
            codes[rc] = codes.get(rc, 0) + 1
            self.check(rc, out, err, what, cmd)
            self.assertFalse(os.path.lexists(os.path.join(tmp, "pwned")), what)
            after = outside_state(tmp)
            self.assertEqual(after, before, "%s: wrote outside the tree" % what)
        print("mutation test: %d rounds, exit codes %s" % (rounds, dict(sorted(codes.items()))))

    def run_one(self, root, cmd, what):
        env = dict(os.environ)
        env.pop("MEMPLUG_SYSFS_ROOT", None)
        env["LC_ALL"] = "C"

        def pre():
            os.setsid()
            if not SANITIZED:
                import resource
                resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        p = subprocess.Popen([MEMPLUG, "--sysfs-root", root] + cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, preexec_fn=pre)
        try:
            out, err = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.communicate()
            self.fail("%s: hung (> %d s)" % (what, TIMEOUT))
        return p.returncode, out, err

    def clean_text(self, data, what, stream):
        """UTF-8 with no control character (C0 but newline, DEL, C1)"""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.fail("%s: %s is not UTF-8: %r" % (what, stream, data))
        bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0]
        self.assertEqual(bad, [], "%s: control characters on %s: %r" % (what, stream, text))
        return text

    def check_text_out(self, rc, out, text, what, cmd):
        """a table or --list-targets: clean text; targets are kernel names"""
        self.clean_text(out, what, "stdout")
        if cmd[0] == "--list-targets":
            self.assertIn(rc, (0, 1), "%s: exit %d" % (what, rc))
            for line in out.decode().splitlines():
                self.assertTrue(KERNEL_NAME.fullmatch(line),
                                "%s: --list-targets printed %r" % (what, line))
        elif not out:
            self.assertIn(rc, (1, 2), "%s: exit %d without a table" % (what, rc))
            self.assertTrue(text.startswith("memplug: "), "%s: %r" % (what, text))

    def check(self, rc, out, err, what, cmd):
        self.assertGreaterEqual(rc, 0, "%s: killed by signal %d: %r" % (what, -rc, err[-3000:]))
        self.assertIn(rc, (0, 1, 2, 3, 4), "%s: exit %d: %r" % (what, rc, err[-3000:]))
        text = self.clean_text(err, what, "stderr")
        if cmd[0] == "config" and cmd[1] == "check":
            # one line per mistake, no JSON: exit 0 or 2
            self.assertIn(rc, (0, 2), "%s: exit %d: %r" % (what, rc, text))
            return
        if cmd[0] == "--list-targets" or any(a in cmd for a in ("--table", "--raw",
                                                                   "--pairs")):
            self.check_text_out(rc, out, text, what, cmd)
            return
        if out:
            try:
                j = json.loads(out.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                self.fail("%s: stdout is not one UTF-8 JSON document (%s)" % (what, e))
            self.assertIsInstance(j, dict, what)
        else:
            self.assertIn(rc, (1, 2), "%s: exit %d without JSON" % (what, rc))
            lines = text.rstrip("\n").split("\n")
            self.assertTrue(lines[-1].startswith("memplug: "), "%s: %r" % (what, text))
        if rc == 0:
            self.assertTrue(out, "%s: exit 0 without JSON" % what)


if __name__ == "__main__":
    unittest.main(verbosity=2)
