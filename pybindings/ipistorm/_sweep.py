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
