#!/usr/bin/env python3
"""python_overhead.py: what `ipistorm.simulate` costs over the CLI for the
same config (a benchmark, not a test; target: no more than 5 % over).

Times the default pvops scenario (nehalem-ep, 16 vCPUs, mlock-per-call)
end to end, N times each, alternating, and prints the medians:
  python: ipistorm.simulate(...) in this process (module already imported)
  cli:    `ipistorm simulate --json FILE` as a subprocess (process start,
          topology load, run, JSON write)
It also checks that both give the same metrics.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [--n 5] [--cli build/bin/ipistorm]
"""
import argparse
import json
import statistics
import subprocess
import tempfile
import time

import ipistorm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--cli", default="build/bin/ipistorm")
    a = ap.parse_args()
    py, cli = [], []
    py_metrics = cli_metrics = None
    for _ in range(a.n):
        t0 = time.perf_counter()
        r = ipistorm.simulate(kernel="linux-2.6.31-pvops", strategy="mlock-per-call", seed=1)
        py.append(time.perf_counter() - t0)
        py_metrics = dict(r.metrics)
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            t0 = time.perf_counter()
            subprocess.run([a.cli, "simulate", "--kernel", "linux-2.6.31-pvops", "--seed", "1",
                            "--json", f.name], check=True, stdout=subprocess.DEVNULL)
            cli.append(time.perf_counter() - t0)
            cli_metrics = json.load(open(f.name))["metrics"]
    for m in (py_metrics, cli_metrics):
        m.pop("wall_s", None)
    same = py_metrics == cli_metrics
    mp, mc = statistics.median(py), statistics.median(cli)
    print(f"python simulate: median {mp:.3f} s over {a.n}")
    print(f"cli simulate:    median {mc:.3f} s over {a.n}")
    print(f"python / cli = {mp / mc:.3f} ({(mp / mc - 1) * 100:+.1f} %), same metrics: {same}")


if __name__ == "__main__":
    main()
