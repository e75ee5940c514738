#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""libmemplug leaves process-wide state to its caller: it must import no
function that changes signal dispositions, signal masks or timers (a
program linking it keeps control of its own signals, as with libdaxctl and
libkmod).  memplug(1) does that itself (cli/signals.c).  Exit 1 naming each
such import of the ELF file given."""
import subprocess
import sys

FORBIDDEN = {
    "signal", "sigaction", "sigprocmask", "pthread_sigmask", "sigsuspend",
    "setitimer", "alarm", "ualarm", "timer_create", "timer_settime",
    "timerfd_create", "signalfd", "sigwait", "sigtimedwait", "raise",
    "__sysv_signal", "bsd_signal", "sigset", "sighold", "sigignore",
}


def imports(path):
    out = subprocess.run(["nm", "-D", "--undefined-only", path], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines()
            if line.strip()}


def main(path):
    names = imports(path)
    if "malloc" not in names:
        print("FAIL: %s: no malloc import: nm output not understood" % path)
        return 1
    bad = sorted(names & FORBIDDEN)
    for name in bad:
        print("FAIL: %s imports %s: signal and timer state belong to the "
              "caller" % (path, name))
    if not bad:
        print("%s: %d imports, none of %d signal/timer functions" %
              (path, len(names), len(FORBIDDEN)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
