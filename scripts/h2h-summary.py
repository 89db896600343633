#!/usr/bin/env python3
"""h2h-summary.py CSV [--update README]: the summary tables of results/README.md
from the head-to-head sweep (mean over seeds): boot time relative to the
linux-2.6.18-xen mlock-per-call baseline at each vCPU count, per kernel, and
the 16-vCPU figures per kernel and strategy.

With --update README the tables replace what stands between the markers
<!-- h2h:NAME:begin --> and <!-- h2h:NAME:end --> in that file (NAME: a
kernel preset, or "16-vcpus"), so the README's tables are this script's
output and cannot drift from the CSV; without it they are printed."""
import re
import sys

import pandas as pd

args = sys.argv[1:]
readme = None
if "--update" in args:
    i = args.index("--update")
    readme = args[i + 1]
    del args[i:i + 2]
if len(args) != 1:
    sys.exit(__doc__)

d = pd.read_csv(args[0])
w = d.pivot_table(index=["kernel", "strategy", "dom0_vcpus", "seed"], columns="metric",
                  values="value").reset_index()
g = w.groupby(["kernel", "strategy", "dom0_vcpus"]).mean(numeric_only=True).reset_index()
base = g[(g.kernel == "linux-2.6.18-xen") & (g.strategy == "mlock-per-call")].set_index(
    "dom0_vcpus")["boot_time_s"]


def md(df):
    cols = list(df.columns)
    out = ["| " + " | ".join(str(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        out.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
    return "\n".join(out)


tables = {}
for kernel in g.kernel.unique():
    t = g[g.kernel == kernel].pivot(index="strategy", columns="dom0_vcpus", values="boot_time_s")
    t = t.div(base, axis=1).round(3).reset_index()
    t.columns = ["strategy"] + [f"{c} vCPUs" for c in t.columns[1:]]
    tables[kernel] = (f"{kernel}: boot time / 2.6.18 baseline", md(t))

s = g[g.dom0_vcpus == 16].copy()


def iec(v):
    """Bytes with a binary prefix, as the CLI prints them: 4 KiB, 48 MiB."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(v) < 1024 or unit == "GiB":
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
        v /= 1024


# Columns named as the metric table names them (the CSV's metric column).
cols = {"boot_time_s": lambda x: x.round(2), "ioport_latency_us.mean": lambda x: x.round(1),
        "resched_ipis_per_s.peak": lambda x: x.round(0).astype(int),
        "dom0_util_pct.peak": lambda x: x.round(0).astype(int),
        "peak_locked_bytes": lambda x: x.map(iec),
        "syscalls_per_hypercall": lambda x: x.round(3),
        "failed_hypercalls": lambda x: x.round(1)}
for name, f in cols.items():
    s[name] = f(s[name])
tables["16-vcpus"] = ("16 dom0 vCPUs, mean of the seeds",
                      md(s[["kernel", "strategy", *cols]]))

if readme is None:
    for title, table in tables.values():
        print(f"\n{title}\n\n{table}")
    sys.exit(0)

text = open(readme).read()
found = 0
for name, (_, table) in tables.items():
    pat = re.compile(rf"(<!-- h2h:{re.escape(name)}:begin -->\n).*?(<!-- h2h:{re.escape(name)}:end -->)",
                     re.S)
    text, n = pat.subn(lambda m: m.group(1) + table + "\n" + m.group(2), text)
    found += n
if not found:
    sys.exit(f"h2h-summary: no <!-- h2h:NAME:begin --> markers in {readme}")
open(readme, "w").write(text)
print(f"h2h-summary: updated {found} tables in {readme}")
