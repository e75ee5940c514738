#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of the guest -> QMP bridge of the memplug VM harness.

Tails the guest's serial log for request lines

    MEMPLUG-QMP: <id> <command> [<arguments as one-line JSON object>]

sends {"execute": command, "arguments": ...} to QEMU's QMP socket and writes
the answer back to the guest's second serial port (ttyS1) as

    MEMPLUG-QMP-REPLY: <id> ok <return as JSON>
    MEMPLUG-QMP-REPLY: <id> error <class>: <desc>

Exits when QEMU closes the QMP socket.
"""
import argparse
import json
import os
import socket
import sys
import time

MARK = "MEMPLUG-QMP: "


def connect(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def log(msg):
    print(f"qmp-watcher: {msg}", file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--qmp", required=True)
    ap.add_argument("--ack", required=True)
    a = ap.parse_args()

    deadline = time.monotonic() + 30
    qmp = connect(a.qmp, deadline)
    qf = qmp.makefile("rw", encoding="utf-8", newline="\n")
    greeting = qf.readline()
    if not greeting:
        return 0
    qf.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    qf.flush()
    ack = connect(a.ack, deadline)

    def qmp_call(cmd, args, rid):
        msg = {"execute": cmd, "id": rid}
        if args is not None:
            msg["arguments"] = args
        qf.write(json.dumps(msg) + "\n")
        qf.flush()
        while True:
            line = qf.readline()
            if not line:
                raise EOFError("QMP closed")
            r = json.loads(line)
            if "event" in r:
                log(f"event {line.strip()}")
                continue
            if r.get("id") != rid:
                continue  # e.g. the qmp_capabilities answer
            return r

    with open(a.log, "rb") as f:
        buf = b""
        while True:
            chunk = f.read()
            if not chunk:
                time.sleep(0.05)
                continue
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                pos = line.find(MARK)
                if pos < 0:
                    continue
                req = line[pos + len(MARK):].strip()
                parts = req.split(None, 2)
                if len(parts) < 2:
                    log(f"malformed request: {req!r}")
                    continue
                rid, cmd = parts[0], parts[1]
                try:
                    args = json.loads(parts[2]) if len(parts) > 2 else None
                except ValueError as e:
                    reply = f"MEMPLUG-QMP-REPLY: {rid} error BadJSON: {e}"
                else:
                    log(f"-> {cmd} {json.dumps(args)}")
                    try:
                        r = qmp_call(cmd, args, rid)
                    except EOFError:
                        return 0
                    if "error" in r:
                        err = r["error"]
                        reply = (f"MEMPLUG-QMP-REPLY: {rid} error "
                                 f"{err.get('class')}: {err.get('desc')}")
                    else:
                        reply = (f"MEMPLUG-QMP-REPLY: {rid} ok "
                                 f"{json.dumps(r.get('return'))}")
                log(f"<- {reply}")
                try:
                    ack.sendall((reply + "\n").encode())
                except OSError as e:
                    log(f"cannot answer the guest: {e}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, EOFError, KeyboardInterrupt) as e:
        log(f"exiting: {e}")
        sys.exit(0)
