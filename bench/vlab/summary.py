#!/usr/bin/python3
"""summary.py RUN_DIR...: one line per CPU class of each virtual-lab run.

A class is a role (idle, busy-refill, ...) at a distance from the caller's
CPU 0 (same_core: its SMT sibling, same_package, other_package). Columns,
per call of the trigger and net of the matched background window: the
lru_add_drain_per_cpu work items and the RES, CAL and TLB interrupts; a
single number when every CPU of the class agrees, "min..max" otherwise.
CPU 0 (the caller) is left out: its counts depend on the emulation's
timing (bench/vlab/README.md)."""
import collections
import json
import os
import sys

ROWS = ("RES", "CAL", "TLB")


def span(values):
    lo, hi = min(values), max(values)
    return f"{lo:g}" if lo == hi else f"{lo:g}..{hi:g}"


def summary(run):
    counts = json.load(open(os.path.join(run, "counts.json")))
    meta = json.load(open(os.path.join(run, "metadata.json")))
    classes = collections.defaultdict(list)
    for cpu in counts["cpus"]:
        if cpu["cpu"] == 0:
            continue
        classes[(cpu["role"], cpu["distance"])].append(
            [cpu["drain_work_items_per_call"]] +
            [cpu["interrupts"].get(r, {}).get("net_per_call", 0.0) for r in ROWS])
    lines = [f"{os.path.basename(os.path.normpath(run))}: {meta['trigger']} x {meta['calls']}"]
    lines.append(f"  {'role':22} {'distance':14} {'CPUs':>4} {'work':>6}"
                 + "".join(f" {r:>9}" for r in ROWS))
    for (role, dist), rows in sorted(classes.items()):
        cols = list(zip(*rows))
        lines.append(f"  {role:22} {dist:14} {len(rows):>4} {span(cols[0]):>6}"
                     + "".join(f" {span(c):>9}" for c in cols[1:]))
    return "\n".join(lines)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    for run in argv:
        try:
            print(summary(run))
        except (OSError, ValueError, KeyError) as e:
            print(f"summary.py: {run}: not a vlab run directory ({e})", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
