#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""unpack.py SERIAL_LOG OUTDIR: turn the DUMP blocks of a capture guest's
serial log (tests/dumps/guest-capture.sh) into OUTDIR/NAME.tar.xz (the
copied tree, deterministic: sorted, owner 0, time 0, the live modes) and
OUTDIR/NAME/ (what memplug list printed on the live kernel)."""
import base64
import hashlib
import io
import lzma
import os
import re
import shutil
import sys
import tarfile

BEGIN = re.compile(r'MEMPLUG-DUMP-BEGIN: (\S+) ([0-9a-f]{64})$')
END = re.compile(r'MEMPLUG-DUMP-END: (\S+)$')
NAME = re.compile(r'[0-9][0-9.]*-[a-z0-9-]+$')


def blocks(log):
    name = None
    for line in log.replace('\r', '').split('\n'):
        m = BEGIN.search(line)
        if m:
            name, digest, data = m.group(1), m.group(2), []
            continue
        if name is None:
            continue
        if END.search(line):
            blob = base64.b64decode(''.join(data), validate=True)
            if hashlib.sha256(blob).hexdigest() != digest:
                sys.exit(f'unpack: {name}: checksum mismatch')
            yield name, blob
            name = None
        else:
            data.append(line.strip())


def modes(manifest):
    out = {}
    for line in manifest.decode().splitlines():
        head, path = line.split('|', 1)
        out[path.lstrip('/')] = int(head.split(' ', 1)[0], 8)
    return out


def write_tree(src, mode_of, dest):
    """The root/ members of SRC as a reproducible tar.xz."""
    members = []
    for m in src.getmembers():
        if not m.name.startswith('root/') or not (m.isfile() or m.isdir()
                                                    or m.issym()):
            continue
        members.append((m.name[5:], m))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.GNU_FORMAT) as tar:
        for path, m in sorted(members):
            info = tarfile.TarInfo(path)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = 'root'
            info.mode = mode_of.get(path, 0o755 if m.isdir() else 0o444)
            data = None
            if m.isdir():
                info.type = tarfile.DIRTYPE
            elif m.issym():
                info.type = tarfile.SYMTYPE
                info.linkname = m.linkname
            else:
                data = src.extractfile(m).read()
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    with open(dest + '.tmp', 'wb') as f:
        f.write(lzma.compress(buf.getvalue(),
                              preset=9 | lzma.PRESET_EXTREME))
    os.replace(dest + '.tmp', dest)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding='utf-8', errors='replace') as f:
        log = f.read()
    outdir = sys.argv[2]
    count = 0
    for name, blob in blocks(log):
        if not NAME.match(name):
            sys.exit(f'unpack: bad dump name {name!r}')
        with tarfile.open(fileobj=io.BytesIO(blob), mode='r:gz') as src:
            mode_of = modes(src.extractfile('manifest').read())
            write_tree(src, mode_of, os.path.join(outdir, name + '.tar.xz'))
            exp = os.path.join(outdir, name)
            shutil.rmtree(exp, ignore_errors=True)
            os.makedirs(exp)
            for m in src.getmembers():
                if m.isfile() and m.name.startswith('expected/'):
                    with open(os.path.join(exp, m.name[9:]), 'wb') as f:
                        f.write(src.extractfile(m).read())
        size = os.path.getsize(os.path.join(outdir, name + '.tar.xz'))
        print(f'unpack: {name}.tar.xz {size} bytes')
        count += 1
    if not count:
        sys.exit('unpack: no dump in the log')


if __name__ == '__main__':
    main()
