#!/usr/bin/env python3
"""storm_study.py: the head-to-head studies of today's storm, each run one
`ipistorm storm --json -`, written with their provenance to results/storm/.

    /usr/bin/python3 scripts/storm_study.py today      [--samples 16] [--jobs 2]
    /usr/bin/python3 scripts/storm_study.py isolation  [--samples 12] [--jobs 2]
    /usr/bin/python3 scripts/storm_study.py rt-hang    [--samples 4]
    (--cli build/bin/ipistorm --out results/storm)

today:      user-side strategy (per-blob, every-n 8, background, none) x kernel
            (linux-6.12, linux-6.12-qpw) x CPUs (16, 64, 128, 256, 384 on
            "pack:2 [numa] core:N/4 pu:2"; workers N/6, busy CPUs 2N/3).
isolation:  policy (linux-6.12, linux-6.12-qpw, linux-6.12-deferred) x isolated
            task (spin, spin-refill, fifo-spin-refill) x caller rate (4, 16 or
            64 fadvise workers) on sapphire-rapids-2s (isolated 216-223) and
            guest-255 under KVM (isolated 247-254).
rt-hang:    the RHEL 9 RT report: a SCHED_FIFO loop that keeps folios batched on
            each of 4 isolated CPUs of sapphire-rapids-2s (216-219), 16 fadvise
            workers, 130 simulated s with the kernel's hung-task limit (120 s),
            under linux-6.12, QPW and the deferred drain.

Bands: each cell runs the same `--samples` draws (common random numbers:
sample i has seed i+1 and the same draw of every unknown in every cell), so
a cell's band is its 5th..95th percentile over the draws, and a win
fraction is the share of draws in which one choice beats another. The
unknowns and their ranges (log-uniform) are the Linux 6.x model's cost rows
(`ipistorm storm --help`, sim/model/linux6/costs.cpp) and the workload's:
blob CPU time 100..2000 us, folios per blob 4..64, busy CPUs' folio adds
5k..50k/s. Each run is 1 simulated second.

Writes STUDY.csv (one row per run: cell, draw, figures) and STUDY.json
(the design, the draws, per cell the band of each figure and the win
fractions, and the provenance: git commit, machine, command, CLI version).
"""

import argparse
import concurrent.futures as cf
import csv
import json
import math
import os
import platform
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COST_RANGES = {  # the Linux 6.x rows' plausible ranges (sim/model/linux6/costs.cpp)
    "apic_ipi_send_us": (0.05, 0.5),
    "irq_entry_exit_us": (0.2, 2),
    "rcu_exp_handler_us": (0.1, 1),
    "tick_restart_us": (0.5, 3),
    "qpw_lock_ns": (1, 5),
    "kvm_ipi_exit_us": (0.5, 5),
    "kvm_halt_wake_us": (2, 50),
}
WORKLOAD_RANGES = {
    "blob_cpu_us": (100, 2000),
    "folios_per_blob": (4, 64),
    "busy_folio_adds_per_s": (5000, 50000),
}


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def draws(n):
    rng = random.Random(20261207)
    out = []
    for i in range(n):
        d = {"seed": i + 1}
        for k, (lo, hi) in {**COST_RANGES, **WORKLOAD_RANGES}.items():
            d[k] = round(log_uniform(rng, lo, hi), 6)
        out.append(d)
    return out


def cells(study):
    if study == "today":
        for n in (16, 64, 128, 256, 384):
            topo = f"pack:2 [numa] core:{n // 4} pu:2"
            for kernel in ("linux-6.12", "linux-6.12-qpw"):
                for strategy in ("per-blob", "every-n", "background", "none"):
                    yield {"cpus": n, "topology": topo, "kernel": kernel, "strategy": strategy,
                           "workers": max(2, n // 6), "busy_cpus": 2 * n // 3, "host": "bare-metal",
                           "isolated": "", "isolated_task": "spin"}
    elif study == "rt-hang":
        for kernel in ("linux-6.12", "linux-6.12-qpw", "linux-6.12-deferred"):
            yield {"cpus": 224, "topology": "sapphire-rapids-2s", "kernel": kernel,
                   "strategy": "per-blob", "workers": 16, "busy_cpus": 100, "host": "bare-metal",
                   "isolated": "216-219", "isolated_task": "fifo-spin-refill"}
    else:
        machines = (("sapphire-rapids-2s", 224, "216-223", "bare-metal"),
                    ("guest-255", 255, "247-254", "kvm"))
        for topo, n, iso, host in machines:
            for kernel in ("linux-6.12", "linux-6.12-qpw", "linux-6.12-deferred"):
                for task in ("spin", "spin-refill", "fifo-spin-refill"):
                    for workers in (4, 16, 64):
                        yield {"cpus": n, "topology": topo, "kernel": kernel, "strategy": "per-blob",
                               "workers": workers, "busy_cpus": 100, "host": host,
                               "isolated": iso, "isolated_task": task}


def command(cli, cell, draw, study):
    long = study == "rt-hang"
    cmd = [cli, "storm", "--json", "-", "--duration", "130" if long else "1",
           "--topology", cell["topology"],
           "--kernel", cell["kernel"], "--strategy", cell["strategy"], "--workers",
           str(cell["workers"]), "--busy-cpus", str(cell["busy_cpus"]), "--host", cell["host"],
           "--seed", str(draw["seed"]), "--hung-task-s", "120" if long else "0.5"]
    if cell["isolated"]:
        cmd += ["--isolated", cell["isolated"], "--isolated-task", cell["isolated_task"]]
    for k in WORKLOAD_RANGES:
        cmd += ["--" + k.replace("_", "-"), repr(draw[k])]
    for k in COST_RANGES:
        cmd += ["--set", f"{k}={draw[k]!r}"]
    return cmd


def figures(doc):
    r = doc["result"]
    row = {
        "fadvise_calls_per_s": r["fadvise_calls_per_s"],
        "blobs_per_s": r["blobs_per_s"],
        "background_backlog": r["background_backlog"],
        "busy_cpu_pct": r["busy_cpu_pct"],
        "stuck": int(bool(r["stuck"])),
        "oldest_flush_wait_s": r["oldest_flush_wait_s"],
        "fadvise_calls": r["fadvise_latency_us"]["count"],
        "isolated_cpus_left_undrained": r["isolated_cpus_left_undrained"],
        "remote_drains": r["remote_drains"],
    }
    if r["fadvise_latency_us"]["count"] > 0:  # no call, no latency (strategy none)
        row["fadvise_p50_us"] = r["fadvise_latency_us"]["p50"]
        row["fadvise_p99_us"] = r["fadvise_latency_us"]["p99"]
        row["mutex_wait_p99_us"] = r["drain_mutex_wait_us"]["p99"]
        for q, us in r["fadvise_latency_us"]["cdf"]:  # the CDF's points: q0.01 .. q0.999
            row[f"fadvise_q{q:g}_us"] = us
    for cls in r["cpu_classes"]:
        name = cls["class"].replace(" ", "_")
        irq = cls["interrupts_per_s"]
        row[f"{name}_interrupts_per_s"] = irq["RES"] + irq["CAL"] + irq["IWI"]
        row[f"{name}_noise_us_per_s"] = cls["osnoise"]["NOISE_us_per_s"]
        row[f"{name}_max_single_noise_us"] = cls["osnoise"]["MAX_SINGLE_NOISE_us"]
        row[f"{name}_folios_left"] = cls["folios_left_per_cpu"]
    return row


def run_one(args):
    cli, cell, draw, study = args
    p = subprocess.run(command(cli, cell, draw, study), capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"storm_study: {' '.join(command(cli, cell, draw, study))}: "
                         f"{p.stderr.strip()}")
    return cell, draw, figures(json.loads(p.stdout)), json.loads(p.stdout)["provenance"]


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    pos = q * (len(xs) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def key_of(cell):
    return (cell["topology"], cell["host"], cell["kernel"], cell["strategy"], cell["workers"],
            cell["isolated_task"])


def fmt_band(b, digits=0):
    if b is None:
        return "-"
    f = f"{{:,.{digits}f}}"
    return f"{f.format(b['p50'])} [{f.format(b['p5'])}, {f.format(b['p95'])}]"


def pct(x):
    return "-" if x is None else f"{100 * x:.0f}%"


def markdown(study, doc):
    """The study's summary table: each figure's median over the draws and its
    5th..95th percentile band; win fractions against the baseline."""
    p = doc["provenance"]
    lines = [f"# results/storm/{study}: generated by `{doc['command']}`", "",
             f"{doc['samples']} draws per cell, {doc['simulated_s_per_run']} simulated s per run; commit "
             f"{p.get('git_commit', '?')}, machine {p.get('machine', '?')}. Median [5th, 95th "
             "percentile] over the draws; wins: the share of draws in which the cell beats the "
             "baseline (same draw).", ""]
    if study == "today":
        lines += ["| CPUs | kernel | strategy | blobs/s | fadvise calls/s | fadvise p99 us | "
                  "busy CPU % | more blobs than per-blob on linux-6.12 |",
                  "|---|---|---|---|---|---|---|---|"]
        for s in doc["cells"]:
            c, b, w = s["cell"], s["band"], s["wins_vs_baseline"]
            lines.append(f"| {c['cpus']} | {c['kernel']} | {c['strategy']} | "
                         f"{fmt_band(b['blobs_per_s'])} | {fmt_band(b['fadvise_calls_per_s'])} | "
                         f"{fmt_band(b.get('fadvise_p99_us'))} | {fmt_band(b['busy_cpu_pct'], 1)} | "
                         f"{pct(w['blobs_per_s_higher'])} |")
    elif study == "rt-hang":
        lines += ["| kernel | stuck | longest wait (s) | fadvise calls returned | "
                  "interrupts/s per isolated CPU | folios left per isolated CPU | "
                  "CPUs drained by the caller |", "|---|---|---|---|---|---|---|"]
        for s in doc["cells"]:
            c, b = s["cell"], s["band"]
            lines.append(f"| {c['kernel']} | {pct(s.get('stuck_share'))} | "
                         f"{fmt_band(b['oldest_flush_wait_s'], 1)} | {fmt_band(b['fadvise_calls'])} | "
                         f"{fmt_band(b.get('isolated_interrupts_per_s'), 2)} | "
                         f"{fmt_band(b.get('isolated_folios_left'), 1)} | "
                         f"{fmt_band(b['remote_drains'])} |")
    else:
        lines += ["| machine | kernel | isolated task | workers | interrupts/s per isolated CPU | "
                  "max single noise us | fadvise p99 us | stuck | fewer interrupts than 6.12 |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for s in doc["cells"]:
            c, b, w = s["cell"], s["band"], s["wins_vs_baseline"]
            lines.append(f"| {c['topology']} ({c['host']}) | {c['kernel']} | {c['isolated_task']} | "
                         f"{c['workers']} | {fmt_band(b.get('isolated_interrupts_per_s'), 1)} | "
                         f"{fmt_band(b.get('isolated_max_single_noise_us'), 1)} | "
                         f"{fmt_band(b.get('fadvise_p99_us'))} | "
                         f"{pct(s.get('stuck_share'))} | "
                         f"{pct(w.get('isolated_interrupts_lower'))} |")
    return "\n".join(lines) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("study", choices=("today", "isolation", "rt-hang"))
    ap.add_argument("--samples", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cli", default=str(ROOT / "build" / "bin" / "ipistorm"))
    ap.add_argument("--out", default=str(ROOT / "results" / "storm"))
    a = ap.parse_args(argv)
    n = a.samples or {"today": 16, "isolation": 12, "rt-hang": 4}[a.study]
    if not 2 <= n <= 1000:
        ap.error("--samples must be 2..1000")
    ds = draws(n)
    todo = [(a.cli, c, d, a.study) for c in cells(a.study) for d in ds]
    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        done = list(ex.map(run_one, todo))
    prov = done[0][3]

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for cell, draw, fig, _ in done:
        rows.append({**{k: cell[k] for k in ("topology", "cpus", "host", "kernel", "strategy",
                                              "workers", "busy_cpus", "isolated",
                                              "isolated_task")},
                     "seed": draw["seed"], **fig})
    names = sorted({k for r in rows for k in r})
    front = ["topology", "cpus", "host", "kernel", "strategy", "workers", "busy_cpus",
             "isolated", "isolated_task", "seed"]
    cols = front + [k for k in names if k not in front]
    tmp = out / f"{a.study}.csv.tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, restval="")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, out / f"{a.study}.csv")

    by_cell = {}
    for cell, draw, fig, _ in done:
        by_cell.setdefault(key_of(cell), (cell, []))[1].append((draw["seed"], fig))
    summary = []
    for key, (cell, runs) in by_cell.items():
        band = {}
        for k in sorted({k for _, f in runs for k in f}):
            xs = [f[k] for _, f in runs if k in f]
            band[k] = {"p5": quantile(xs, 0.05), "p50": quantile(xs, 0.5), "p95": quantile(xs, 0.95),
                       "runs": len(xs)}
        summary.append({"cell": cell, "band": band})
    # Win fractions, draw by draw against the cell's baseline.
    def base_key(cell):
        if a.study == "today":
            return key_of({**cell, "strategy": "per-blob", "kernel": "linux-6.12"})
        return key_of({**cell, "kernel": "linux-6.12"})
    runs_of = {k: dict(v[1]) for k, v in by_cell.items()}
    for s in summary:
        mine_runs = runs_of[key_of(s["cell"])]
        s["stuck_share"] = sum(f["stuck"] for f in mine_runs.values()) / len(mine_runs)
        base = runs_of.get(base_key(s["cell"]), {})
        mine = runs_of[key_of(s["cell"])]
        common = [seed for seed in mine if seed in base]
        def frac(metric, better):
            wins = [better(mine[sd][metric], base[sd][metric]) for sd in common
                    if metric in mine[sd] and metric in base[sd]]
            return sum(wins) / len(wins) if wins else None
        s["wins_vs_baseline"] = {
            "baseline": dict(zip(("topology", "host", "kernel", "strategy", "workers",
                                  "isolated_task"), base_key(s["cell"]))),
            "blobs_per_s_higher": frac("blobs_per_s", lambda x, y: x > y),
            "fadvise_p99_lower": frac("fadvise_p99_us", lambda x, y: x < y),
        }
        if a.study != "today":
            s["wins_vs_baseline"]["isolated_interrupts_lower"] = frac(
                "isolated_interrupts_per_s", lambda x, y: x < y)
    doc = {
        "study": a.study,
        "design": __doc__.split("\n\n")[2],
        "command": "scripts/storm_study.py " + " ".join(argv),
        "samples": n,
        "draws": ds,
        "ranges": {"costs": COST_RANGES, "workload": WORKLOAD_RANGES, "distribution": "log-uniform"},
        "simulated_s_per_run": 130 if a.study == "rt-hang" else 1,
        "cells": summary,
        "provenance": {**prov, "machine": platform.node(), "python": sys.version.split()[0]},
    }
    tmp = out / f"{a.study}.json.tmp"
    tmp.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, out / f"{a.study}.json")
    tmp = out / f"{a.study}.md.tmp"
    tmp.write_text(markdown(a.study, doc))
    os.replace(tmp, out / f"{a.study}.md")
    print(f"storm_study: {len(done)} runs, {len(summary)} cells -> {out}/{a.study}.csv, .json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
