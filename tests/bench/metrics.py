# SPDX-License-Identifier: GPL-2.0
"""The "[name/kernel] metric: NAME VALUE [UNIT]" lines of a VM benchmark
(tests/vm/run-scenario.sh copies the guest's MEMPLUG-METRIC markers), read
once for every tests/bench/run-*-bench.sh report.

A NAME ending in _rN is round N of a repeated measurement: rounds() groups
those by the NAME before _rN; any other NAME is a single value.
"""
import re
import statistics

LINE = re.compile(r"metric: (\S+) (\S+) ?(\S*)")
ROUND = re.compile(r"(.+)_r(\d+)$")


def parse(path):
    """[(name, value, unit)] in file order; value is the text."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if m:
                out.append(m.groups())
    return out


def series(path):
    """{name: [float, ...]}: every value of each name, in order."""
    vals = {}
    for name, value, _ in parse(path):
        vals.setdefault(name, []).append(float(value))
    return vals


def rounds(path, unit=None, skip_warmup=False):
    """({base: [float per round]}, {name: (value, unit)} of the rest).

    unit: only rounds in this unit count as rounds (others go to the rest);
    skip_warmup: round 0 is a warm-up and is dropped."""
    runs, other = {}, {}
    for name, value, u in parse(path):
        r = ROUND.match(name)
        if r and (unit is None or u == unit):
            if skip_warmup and r.group(2) == "0":
                continue
            runs.setdefault(r.group(1), []).append(float(value))
        else:
            other[name] = (value, u)
    return runs, other


def medians(runs):
    return {k: statistics.median(v) for k, v in runs.items() if v}


def ratio(med, a, b):
    """med[a] / med[b] as "%.2f", or "n/a"."""
    if a in med and b in med and med[b] > 0:
        return "%.2f" % (med[a] / med[b])
    return "n/a"


def row(runs, key, label):
    """A "| label | median | runs |" table row (ms), or nothing."""
    if key in runs and runs[key]:
        print("| %s | %.0f | %s |" % (label, statistics.median(runs[key]),
                                     " ".join("%.0f" % x for x in runs[key])))
