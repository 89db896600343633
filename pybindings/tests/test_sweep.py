"""bind_sweep.cpp and ipistorm/_sweep.py: local sweeps (Dask: test_dask.py)."""

import _thread
import io
import itertools
import json
import threading

import pandas as pd
import pytest

import ipistorm
from ipistorm import _ipistorm
from conftest import TINY, run_cli

ID = ["run", "topology", "kernel", "strategy", "placement", "dom0_vcpus", "seed"]


def tiny_grid(**extra):
    g = {
        "kernel": ["linux-2.6.31-pvops", "linux-3.12"],
        "dom0_vcpus": [2, 6],
        "seed": [1, 2],
        "params": {"evtchn_send_us": [1.0, 2.5]},
        "base": {"params": dict(TINY)},
    }
    g.update(extra)
    return g


def test_grid_points_order():
    plan = _ipistorm._grid_points(tiny_grid(placement=["pinned", "spread"]))
    assert plan["swept"] == ["evtchn_send_us"]
    got = [(p["kernel"], p["placement"], p["dom0_vcpus"], p["params"]["evtchn_send_us"],
            p["seed"]) for p in plan["points"]]
    # topology, kernel, strategy, placement, vCPUs, params, seed (fastest).
    want = list(itertools.product(["linux-2.6.31-pvops", "linux-3.12"], ["pinned", "spread"],
                                  [2, 6], [1.0, 2.5], [1, 2]))
    assert got == want
    # Every point carries the base's parameters.
    assert all(p["params"]["boot_probe_polls"] == 2000 for p in plan["points"])


def test_grid_size():
    assert ipistorm.grid_size(tiny_grid()) == 16
    assert ipistorm.grid_size({"dom0_vcpus": [1, 2, 3]}) == 3
    assert ipistorm.grid_size({}) == 1


def test_sweep_long_frame():
    df = ipistorm.sweep(tiny_grid(), jobs=2)
    assert list(df.columns) == ID + ["evtchn_send_us", "metric", "value"]
    assert df["run"].nunique() == 16
    assert list(df["run"].unique()) == list(range(16))
    assert "wall_s" not in set(df["metric"])
    assert {"boot_time_s", "ioport_latency_us.p99", "ipis_by_distance.other_package"} \
        <= set(df["metric"])
    assert df["value"].dtype == "float64"
    # The report's formula holds at every point.
    per = df[df.metric == "drain_target_ipis_per_mlock"]
    pv = per[per.kernel == "linux-2.6.31-pvops"]
    assert (pv["value"] == pv["dom0_vcpus"] - 1).all()


def test_flat_metrics_names():
    df = ipistorm.sweep({"dom0_vcpus": [4], "base": {"params": TINY}}, jobs=1)
    r = ipistorm.simulate(dom0_vcpus=4, **TINY)
    names = [n for n, _ in r.flat_metrics if n != "wall_s"]
    assert list(df["metric"]) == names
    assert list(df["value"]) == [v for n, v in r.flat_metrics if n != "wall_s"]


def test_sweep_matches_csv():
    """The DataFrame holds exactly the rows of the CLI sweep's CSV (model::sweep_csv)."""
    grid = tiny_grid()
    df = ipistorm.sweep(grid, jobs=2)
    csv = pd.read_csv(io.StringIO(_ipistorm._sweep_csv(grid, 2)))
    assert list(csv.columns) == list(df.columns)
    pd.testing.assert_frame_equal(df, csv, check_dtype=False)


def test_sweep_matches_cli(cli, tmp_path):
    """ipistorm.sweep(grid) == `ipistorm sweep --grid FILE --csv OUT`, row for row."""
    grid = tiny_grid(strategy=["mlock-per-call", "hcall-buffer-cache"], seed=[7])
    (tmp_path / "grid.json").write_text(json.dumps(grid))
    out = tmp_path / "sweep.csv"
    p = run_cli(cli, "sweep", "--grid", str(tmp_path / "grid.json"), "--csv", str(out), "-j", "2")
    assert p.returncode == 0, p.stderr
    pd.testing.assert_frame_equal(ipistorm.sweep(grid, jobs=2), pd.read_csv(out),
                                  check_dtype=False)


def test_jobs_do_not_change_result():
    grid = tiny_grid(seed=[3])
    pd.testing.assert_frame_equal(ipistorm.sweep(grid, jobs=1), ipistorm.sweep(grid, jobs=3))


def test_to_wide():
    df = ipistorm.sweep(tiny_grid(seed=[1]), jobs=2)
    wide = ipistorm.to_wide(df)
    assert len(wide) == 8
    assert list(wide["run"]) == list(range(8))
    assert "boot_time_s" in wide.columns and "metric" not in wide.columns
    first = df[(df.run == 5) & (df.metric == "boot_time_s")]["value"].item()
    assert wide.loc[5, "boot_time_s"] == first
    with pytest.raises(ValueError):
        ipistorm.to_wide(wide)


def test_run_point():
    plan = _ipistorm._grid_points({"dom0_vcpus": [3], "base": {"params": TINY}})
    row = _ipistorm._run_point(plan["points"][0])
    assert set(row) == {"config", "metrics", "wall_s"}
    assert row["config"]["dom0_vcpus"] == 3
    assert all(isinstance(n, str) and isinstance(v, float) for n, v in row["metrics"])


@pytest.mark.parametrize("grid, match", [
    ({"colour": ["red"]}, "unknown grid key 'colour'"),
    ({"kernel": []}, "empty list"),
    ({"kernel": ["linux-9"]}, "unknown kernel"),
    ({"strategy": ["magic"]}, "unknown strategy"),
    ({"placement": ["sideways"]}, "unknown placement"),
    ({"dom0_vcpus": [99]}, "dom0_vcpus 99"),
    ({"params": {"nope": [1]}}, "unknown parameter 'nope'"),
    ({"params": {"evtchn_send_us": [-1]}}, "evtchn_send_us"),
    ({"dom0_vcpus": ["4"]}, "must be an integer"),
    ({"base": {"kernel": 3}}, "kernel"),
    ({"dom0_vcpus": list(range(1, 17)), "seed": list(range(1000)),
      "params": {"evtchn_send_us": list(range(100))}}, "more than"),
])
def test_bad_grid_is_value_error(grid, match):
    with pytest.raises(ValueError, match=match):
        ipistorm.sweep(grid, jobs=1)


def test_bad_arguments():
    with pytest.raises(TypeError):
        ipistorm.sweep([("kernel", "linux-3.12")])
    with pytest.raises(TypeError):
        ipistorm.sweep({"kernel": [object()]})
    with pytest.raises(ValueError):
        ipistorm.sweep({}, jobs=0)
    with pytest.raises(TypeError):
        ipistorm.sweep({}, jobs="2")
    with pytest.raises(TypeError):
        ipistorm.sweep({}, client="tcp://localhost:8786")


def test_keyboard_interrupt_stops_sweep():
    """Ctrl-C stops a long sweep: no new runs start, the one in flight is cancelled.

    Each of the 40 runs takes hours by construction (64 vCPUs, 10^8 IDE
    polls), so returning at all proves the run in flight was cancelled; no
    duration is compared, and ctest's TIMEOUT turns a broken cancel into a
    failure."""
    grid = {"topology": ["nehalem-ex"], "seed": list(range(1, 41)),
            "base": {"params": {"boot_probe_polls": 100_000_000}}}
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        ipistorm.sweep(grid, jobs=1)
    timer.cancel()
    # The module still works afterwards.
    assert ipistorm.sweep({"dom0_vcpus": [2], "base": {"params": TINY}}, jobs=1)["run"].max() == 0