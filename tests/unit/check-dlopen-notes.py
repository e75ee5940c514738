#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""libmemplug declares each library it dlopen()s in an ELF .note.dlopen.

usage: check-dlopen-notes.py LIBRARY_FILE

readelf --notes must list, in the section .note.dlopen, one note of owner
FDO and type 0x407c0c0a per library lib/lazy.c opens; the notes' bytes
(readelf --hex-dump) must each hold a NUL-terminated JSON array of one
object with exactly the keys feature, description, priority and soname,
a priority of the specification's, and the soname lazy.c passes to
dlopen().  Each soname must load here (ctypes), so a note cannot name a
library the system does not have under that name.  Exit 1 naming what is
wrong.
"""
import ctypes
import json
import re
import struct
import subprocess
import sys

NOTE_TYPE = 0x407C0C0A
# feature -> (priority, soname): what lib/lazy.c opens
EXPECTED = {
    "daxctl": ("recommended", "libdaxctl.so.1"),
    "ndctl": ("suggested", "libndctl.so.6"),
    "kmod": ("suggested", "libkmod.so.2"),
}


def readelf(*args):
    """its output; binutils 2.40 exits 1 on a note type it cannot decode,
    having printed everything, so the status is not the verdict"""
    p = subprocess.run(["readelf"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode and not p.stdout:
        raise SystemExit("FAIL: readelf %s: %s" % (" ".join(args), p.stderr))
    return p.stdout


def listed_notes(library):
    """(owner, size, type) of each note readelf --notes shows in
    .note.dlopen; the type as readelf names it (2.40: "Unknown note type:
    (0x407c0c0a)", later: NT_FDO_DLOPEN_METADATA)"""
    for chunk in readelf("--notes", library).split(
            "Displaying notes found in: ")[1:]:
        if chunk.split(None, 1)[0] == ".note.dlopen":
            return [(o, int(s, 16), ty) for o, s, ty in re.findall(
                r"^\s*(\S+)\s+0x([0-9a-f]+)\s+(Unknown note type: "
                r"\(0x[0-9a-f]+\)|\S+)", chunk, re.M)]
    return []


def section_bytes(library, name):
    data = bytearray()
    for line in readelf("--wide", "--hex-dump=" + name,
                        library).splitlines():
        m = re.match(r"\s*0x[0-9a-f]+ ((?:[0-9a-f]{2,8} ){1,4})", line)
        if m:
            data += bytes.fromhex(m.group(1).replace(" ", ""))
    return bytes(data)


def parse_notes(data):
    """(owner, type, descriptor) of each note in a section's bytes"""
    notes, off = [], 0
    while off + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        off += 12
        owner = data[off:off + namesz].rstrip(b"\0").decode()
        off += (namesz + 3) & ~3
        notes.append((owner, ntype, data[off:off + descsz]))
        off += (descsz + 3) & ~3
    return notes


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: check-dlopen-notes.py LIBRARY_FILE\n")
        return 2
    library, bad = argv[1], []
    listed = listed_notes(library)
    notes = parse_notes(section_bytes(library, ".note.dlopen"))
    if len(listed) != len(EXPECTED):
        bad.append("readelf --notes lists %d notes in .note.dlopen, want %d"
                   % (len(listed), len(EXPECTED)))
    for owner, _, ntype in listed:
        if owner != "FDO" or ntype not in ("NT_FDO_DLOPEN_METADATA",
                                           "Unknown note type: (0x407c0c0a)"):
            bad.append("readelf --notes: owner %s type %s, want FDO "
                       "0x407c0c0a" % (owner, ntype))
    if [n[1] for n in listed] != [len(n[2]) for n in notes]:
        bad.append("readelf --notes sizes %s, the section's notes %s"
                   % ([n[1] for n in listed], [len(n[2]) for n in notes]))
    seen = {}
    for owner, ntype, desc in notes:
        if owner != "FDO" or ntype != NOTE_TYPE:
            bad.append("note of owner %r type %#x, want FDO 0x407c0c0a"
                       % (owner, ntype))
            continue
        if not desc.endswith(b"\0") or b"\0" in desc[:-1]:
            bad.append("descriptor is not one NUL-terminated string: %r"
                       % desc)
            continue
        try:
            doc = json.loads(desc[:-1].decode())
        except ValueError as e:
            bad.append("descriptor is not JSON (%s): %r" % (e, desc))
            continue
        if not isinstance(doc, list) or len(doc) != 1 or \
                not isinstance(doc[0], dict):
            bad.append("descriptor is not an array of one object: %r" % doc)
            continue
        obj = doc[0]
        if sorted(obj) != ["description", "feature", "priority", "soname"]:
            bad.append("keys %s, want description feature priority soname"
                       % sorted(obj))
            continue
        want = EXPECTED.get(obj["feature"])
        if not want:
            bad.append("a note for feature %r, which lazy.c has not"
                       % obj["feature"])
            continue
        if obj["priority"] != want[0]:
            bad.append("%s: priority %r, want %r"
                       % (obj["feature"], obj["priority"], want[0]))
        if obj["soname"] != [want[1]]:
            bad.append("%s: soname %r, want [%r]"
                       % (obj["feature"], obj["soname"], want[1]))
        if not isinstance(obj["description"], str) or \
                not obj["description"]:
            bad.append("%s: no description" % obj["feature"])
        seen[obj["feature"]] = obj
        print("note: %s" % json.dumps(doc))
    for feature in sorted(set(EXPECTED) - set(seen)):
        bad.append("no note for %s (%s)" % (feature, EXPECTED[feature][1]))
    for feature, (_, soname) in sorted(EXPECTED.items()):
        try:
            ctypes.CDLL(soname)
        except OSError as e:
            bad.append("%s does not load here: %s" % (soname, e))
    for b in bad:
        print("FAIL: %s" % b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
