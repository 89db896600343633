#!/usr/bin/env python3
"""h2h-summary.py CSV: the summary tables of results/README.md from the
head-to-head sweep (mean over seeds): boot time relative to the
linux-2.6.18-xen mlock-per-call baseline at each vCPU count, and the
16-vCPU figures per kernel and strategy."""
import sys

import pandas as pd

d = pd.read_csv(sys.argv[1])
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


for kernel in g.kernel.unique():
    t = g[g.kernel == kernel].pivot(index="strategy", columns="dom0_vcpus", values="boot_time_s")
    t = (t / base).round(3).reset_index()
    t.columns = ["strategy"] + [f"{c} vCPUs" for c in t.columns[1:]]
    print(f"\n{kernel}: boot time / 2.6.18 baseline\n")
    print(md(t))

s = g[g.dom0_vcpus == 16].copy()
s["boot s"] = s["boot_time_s"].round(2)
s["ioport mean us"] = s["ioport_latency_us.mean"].round(1)
s["IPIs/s peak"] = s["resched_ipis_per_s.peak"].round(0).astype(int)
s["dom0 peak %"] = s["dom0_util_pct.peak"].round(0).astype(int)
s["locked peak B"] = s["peak_locked_bytes"].astype(int)
s["syscalls/hcall"] = s["syscalls_per_hypercall"].round(3)
s["failed hcalls"] = s["failed_hypercalls"].round(1)
print("\n16 dom0 vCPUs, mean of the seeds\n")
print(md(s[["kernel", "strategy", "boot s", "ioport mean us", "IPIs/s peak", "dom0 peak %",
            "locked peak B", "syscalls/hcall", "failed hcalls"]]))
