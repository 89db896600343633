"""topology(), simulate(), reproduce() and fit(): one machine, one run, the report.

Thin wrappers over the extension: they check argument types, build the same
JSON config object a `--config` file holds, and let the C++ model do the rest
(without the GIL). See pybindings/README.md for examples.
"""

import os

import numpy as np
import pandas as pd

from . import _args, _ipistorm

# Columns of reproduce(), the report's figures side by side with the model's.
REPRODUCE_COLUMNS = [
    "scenario", "figure", "reference", "model", "rel_error", "lo", "hi", "ok",
    "label", "kernel", "strategy", "dom0_vcpus",
]


def topology(spec):
    """Load a machine: a preset name ("nehalem-ep"), an hwloc XML file, an
    hwloc synthetic string ("pack:2 [numa] core:4 pu:2") or "host".

    Returns an ipistorm.Topology: num_cpus, num_packages, num_cores,
    num_numa_nodes, ghz, cpus (per-CPU DataFrame), distance(a, b) and
    numa_distance(a, b) of two CPUs by OS index. Unknown specs: ValueError.
    """
    if isinstance(spec, os.PathLike):
        spec = os.fspath(spec)
    return _ipistorm.load_topology(_args.check_str("spec", spec))


def _trace_path(path):
    """The trace path as a str (the binding checks that it can be written)."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if _args.check_str("trace", path) == "":
        raise ValueError("trace is empty; give it a path (or leave it out)")
    return path


def simulate(topology=None, kernel=None, strategy=None, dom0_vcpus=None, placement=None,
             seed=None, *, dm_vcpu=None, cpu_ghz=None, window_s=None, config=None,
             trace=None, trace_from=None, trace_for=None, trace_max_mb=256, **overrides):
    """Run one scenario to the end of the guest's boot.

    Every field left as None takes the model's default (nehalem-ep,
    linux-2.6.31-pvops, mlock-per-call, one dom0 vCPU per CPU, pinned, seed
    1). `config` is a dict as in a `simulate --config` file, applied first;
    the keywords win over it. Any other keyword is a cost parameter
    (``evtchn_send_us=2.0``; see ipistorm.params()).

    Returns an ipistorm.SimResult: .metrics (the dict of `simulate --json`'s
    "metrics", "ioport_breakdown_us" included), .distributions (latency
    histogram, wakes by idle state; see latency_cdf()), .config, .provenance,
    .series (numpy arrays per window).
    The GIL is released while the model runs, so threads run in parallel.

    With trace=path, as `simulate --trace`: a Trace Event Format timeline of
    the window [trace_from, trace_from + trace_for) seconds of simulated time
    (default: 5 ms inside the densest second) is written to path; open it in
    ui.perfetto.dev. A bad window, an unwritable path or a trace over
    trace_max_mb MiB raise ValueError and write nothing.
    """
    cfg = _args.config_dict(
        config, overrides, topology=topology, kernel=kernel, strategy=strategy,
        dom0_vcpus=dom0_vcpus, placement=placement, seed=seed, dm_vcpu=dm_vcpu,
        cpu_ghz=cpu_ghz, window_s=window_s)
    if trace is None:
        for name, v in (("trace_from", trace_from), ("trace_for", trace_for)):
            if v is not None:
                raise ValueError(f"{name} needs trace=path")
        return _ipistorm._simulate(cfg)
    path = _trace_path(trace)
    window = [None if v is None else _args.check_number(n, v)
              for n, v in (("trace_from", trace_from), ("trace_for", trace_for))]
    return _ipistorm._simulate_traced(
        cfg, window[0], window[1], float(_args.check_number("trace_max_mb", trace_max_mb)), path)


def latency_cdf(result):
    """The ioport latency's cumulative distribution from a SimResult (or its
    distributions["ioport_latency_histogram"] dict): a DataFrame with
    latency_us (each bucket's upper edge) and cdf (fraction of accesses at or
    below it), one row per bucket."""
    hist = result
    if not isinstance(result, (dict, _ipistorm.SimResult)):
        raise TypeError(f"result must be a SimResult or its distributions dict, got "
                        f"{type(result).__name__}")
    if not isinstance(result, dict):
        hist = result.distributions["ioport_latency_histogram"]
    elif "ioport_latency_histogram" in result:
        hist = result["ioport_latency_histogram"]
    counts = np.asarray(hist["counts"], dtype=float)
    edges = np.asarray(hist["edges"], dtype=float)
    total = counts.sum()
    cdf = np.cumsum(counts) / total if total > 0 else np.zeros_like(counts)
    return pd.DataFrame({"latency_us": edges[1:], "cdf": cdf})


def resolve_config(topology=None, kernel=None, strategy=None, dom0_vcpus=None,
                   placement=None, seed=None, *, dm_vcpu=None, cpu_ghz=None,
                   window_s=None, config=None, **overrides):
    """The config simulate() would run, with every default filled in (no run)."""
    cfg = _args.config_dict(
        config, overrides, topology=topology, kernel=kernel, strategy=strategy,
        dom0_vcpus=dom0_vcpus, placement=placement, seed=seed, dm_vcpu=dm_vcpu,
        cpu_ghz=cpu_ghz, window_s=window_s)
    return _ipistorm._resolve_config(cfg)


def reproduce(jobs=None, topology=None, seed=None, *, placement=None, cpu_ghz=None,
              config=None, as_json=False, **overrides):
    """The 2009 report's scenarios beside the report's figures.

    One row per figure: scenario, figure, reference (the report's value),
    model, rel_error, lo and hi (the accepted range), ok; plus the label,
    kernel, strategy and dom0_vcpus of the scenario. The frame's
    attrs["all_within_tolerance"] is the CLI's exit status as a bool.
    Kernel, strategy and vCPUs are set per scenario; topology, seed and any
    cost parameter (keywords) apply to all, as the CLI's flags do.
    With as_json=True, the `ipistorm reproduce --json` document instead.
    """
    base = _args.config_dict(config, overrides, topology=topology, seed=seed,
                             placement=placement, cpu_ghz=cpu_ghz)
    doc = _ipistorm._reproduce(base, _args.check_jobs(jobs))
    if as_json:
        return doc
    rows = []
    for s in doc["scenarios"]:
        for f in s["figures"]:
            lo, hi = f["accepted"]
            rows.append({
                "scenario": s["name"], "figure": f["figure"], "reference": f["reference"],
                "model": f["model"], "rel_error": f["rel_error"], "lo": lo, "hi": hi,
                "ok": f["ok"], "label": f["label"], "kernel": s["kernel"],
                "strategy": s["strategy"], "dom0_vcpus": s["dom0_vcpus"],
            })
    df = pd.DataFrame(rows, columns=REPRODUCE_COLUMNS)
    df.attrs["all_within_tolerance"] = bool(doc["all_within_tolerance"])
    df.attrs["provenance"] = doc["provenance"]
    return df


def fit(topology=None, seed=None, *, placement=None, cpu_ghz=None, config=None, **overrides):
    """Re-fit the model's one fitted cost, queue_work_us, to the pvops boot
    time of the report (42 s), as `ipistorm fit --json` does: the same C++
    solver (secant, then Illinois false position) the uncertainty study runs
    once per sample. Every other cost keeps the value given (keywords, as in
    reproduce()).

    Returns a dict: param, value, scenario, figure, target, achieved,
    tolerance, runs, converged (and reason when not converged).
    """
    base = _args.config_dict(config, overrides, topology=topology, seed=seed,
                             placement=placement, cpu_ghz=cpu_ghz)
    return _ipistorm._fit(base)
