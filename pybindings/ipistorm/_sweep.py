"""sweep(): a grid of runs, on local threads or on a Dask cluster.

The grid is the JSON grid file's object ({"kernel": [...], "dom0_vcpus": [...],
"params": {name: [values]}, "base": {...}}). C++ checks it and expands it
(model::expand: one fixed order), then either the C++ thread pool runs the
points, or each point goes to a Dask worker, which imports ipistorm, runs
that one config and sends back a plain dict. Both paths assemble the same
long DataFrame, in grid order, with the CLI sweep's columns:

    run, topology, kernel, strategy, placement, dom0_vcpus, seed,
    <one column per swept parameter>, metric, value

Metric names are model::flat_metrics' dotted names ("ioport_latency_us.p99");
wall_s is left out, as in the CLI's CSV, since it differs run to run.
"""

import uuid
from collections.abc import Mapping

import pandas as pd

from . import _args, _ipistorm

ID_COLUMNS = ["run", "topology", "kernel", "strategy", "placement", "dom0_vcpus", "seed"]


def run_point(config):
    """Run one grid point (a full config dict) and return a plain dict
    {"config", "metrics": [(name, value)], "wall_s"}. This is what each Dask
    worker executes; it must be importable there (PYTHONPATH)."""
    return _ipistorm._run_point(config)


def long_frame(rows, swept):
    """Rows of run_point() (in grid order) -> the long DataFrame."""
    records = []
    for run, row in enumerate(rows):
        c = row["config"]
        ident = [run, c["topology"], c["kernel"], c["strategy"], c["placement"],
                 c["dom0_vcpus"], c["seed"]] + [c["params"][p] for p in swept]
        for name, value in row["metrics"]:
            records.append(ident + [name, value])
    columns = ID_COLUMNS + list(swept) + ["metric", "value"]
    df = pd.DataFrame.from_records(records, columns=columns)
    for p in swept:
        df[p] = df[p].astype("float64")
    df["value"] = df["value"].astype("float64")
    return df


def _run_on_dask(client, points):
    # Unique keys: the same grid twice is two computations, never a stale cache.
    token = uuid.uuid4().hex[:12]
    futures = client.map(run_point, points,
                         key=[f"ipistorm-point-{token}-{i}" for i in range(len(points))])
    try:
        return client.gather(futures)
    except ImportError as e:
        raise RuntimeError(
            "a Dask worker could not import ipistorm (" + str(e) + "): start the workers "
            "with PYTHONPATH=<build>/python, e.g. "
            "`PYTHONPATH=$PWD/build/python dask worker tcp://scheduler:8786`") from e
    finally:
        client.cancel(futures)


def sweep(grid, jobs=None, client=None):
    """Run every point of `grid` and return the long DataFrame (see module doc).

    jobs: threads for a local sweep (default: every core); the result does
    not depend on it. client: a dask.distributed.Client; the points then run
    on its workers (jobs must be None) and the result is identical.
    Bad grids raise ValueError before anything runs.
    """
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a dict, got {type(grid).__name__}")
    plan = _ipistorm._grid_points(grid)
    points, swept = plan["points"], plan["swept"]
    if client is None:
        rows = _ipistorm._run_points(points, _args.check_jobs(jobs))
    else:
        if jobs is not None:
            raise ValueError("jobs is for local sweeps; with client= the cluster's workers "
                             "decide how many points run at once")
        if not hasattr(client, "map") or not hasattr(client, "gather"):
            raise TypeError(f"client must be a dask.distributed.Client, got "
                            f"{type(client).__name__}")
        rows = _run_on_dask(client, points)
    return long_frame(rows, swept)


def to_wide(df):
    """A long sweep frame -> one row per run, one column per metric."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"to_wide() needs a DataFrame, got {type(df).__name__}")
    if "metric" not in df.columns or "value" not in df.columns:
        raise ValueError("to_wide() needs a long frame with 'metric' and 'value' columns")
    ident = [c for c in df.columns if c not in ("metric", "value")]
    wide = df.pivot(index=ident, columns="metric", values="value").reset_index()
    wide.columns.name = None
    return wide.sort_values("run", kind="stable").reset_index(drop=True)


COMPARE_COLUMNS = ["kernel", "strategy", "seed", "safe", "boot_time_x_baseline"]


def _flat(prefix, obj, out):
    for k, v in obj.items():
        name = f"{prefix}.{k}" if prefix else k
        if isinstance(v, Mapping):
            _flat(name, v, out)
        else:
            out[name] = v


def compare(kernels=None, strategies=None, seeds=None, baseline=None, jobs=None, *,
            topology=None, dom0_vcpus=None, placement=None, cpu_ghz=None, config=None,
            as_json=False, **overrides):
    """Every (kernel, strategy) side by side over the same seeds, each boot time
    divided by the baseline run's of the same seed, as `ipistorm compare` runs them.

    kernels, strategies: lists of names (default: the config's kernel; every
    strategy); seeds: list of ints (default: the config's seed); baseline:
    "KERNEL" or "KERNEL/STRATEGY" (default "linux-2.6.18-xen/mlock-per-call"),
    run as well when the lists leave it out. One row per run: kernel,
    strategy, seed, safe, boot_time_x_baseline, then every metric (dotted
    names, as sweep's; wall_s left out). attrs["baseline"] is the baseline.
    With as_json=True, the `ipistorm compare --json` document instead.
    """
    def names(what, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        return [_args.check_str(what, v) for v in value]

    base = _args.config_dict(config, overrides, topology=topology, dom0_vcpus=dom0_vcpus,
                             placement=placement, cpu_ghz=cpu_ghz)
    seed_list = [] if seeds is None else [
        _args.check_int("seeds", s, 0, 2**64 - 1) for s in
        ([seeds] if isinstance(seeds, int) else seeds)]
    doc = _ipistorm._compare(base, names("kernels", kernels), names("strategies", strategies),
                             seed_list, "" if baseline is None else
                             _args.check_str("baseline", baseline), _args.check_jobs(jobs))
    if as_json:
        return doc
    records = []
    for row in doc["rows"]:
        rec = {c: row[c] for c in COMPARE_COLUMNS}
        _flat("", row["metrics"], rec)
        records.append(rec)
    df = pd.DataFrame.from_records(records)
    df.attrs["baseline"] = dict(doc["baseline"])
    df.attrs["provenance"] = doc["provenance"]
    return df
