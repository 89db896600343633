"""ipistorm/lab.py: reading Google Benchmark JSON from a results/lab/<host>-<date>/ run.

The data under data/lab/ is hand-written in Google Benchmark's documented
JSON format with ipistorm-bench's names (strategy/..., fanout/..., wake/...):
counters, repetitions with a mean aggregate, a skipped run with its error,
times in us, ns, ms and s, and a calibration file beside it.
"""

import json
import os
import time

import pandas as pd
import pytest

from conftest import DATA
from ipistorm import lab

RUN = DATA / "lab" / "testhost-2024-05-01"
MLOCK = "strategy/mlock-per-call/bytes:4096/load:idle/real_time"
KBUF = "strategy/kernel-buffer/bytes:4096/load:spin/same_core/k:1/real_time"


def test_read_run_rows_and_columns():
    df = lab.read_run(RUN)
    assert list(df.columns[:len(lab.BASE_COLUMNS)]) == lab.BASE_COLUMNS
    assert len(df) == 19  # machine, calibration and validation JSON are not benchmark files
    assert set(df.file) == {"bench.json"}
    assert {"ipis_per_op", "syscalls_per_op", "wake_latency_ns", "load", "arg0"} <= set(df.columns)


def test_bench_names_parsed():
    df = lab.read_run(RUN).set_index("name")
    r = df.loc[MLOCK]
    assert (r.family, r.strategy, r.bytes, r.load) == ("strategy", "mlock-per-call", 4096, "idle")
    assert pd.isna(r.distance) and pd.isna(r.k)
    assert r.ipis_per_op == 1.0 and r.syscalls_per_op == 2.0
    assert r.label == "call=getppid,buf_node=0"
    r = df.loc[KBUF]
    assert (r.strategy, r.load, r.distance, r.k) == ("kernel-buffer", "spin", "same_core", 1)
    f = df.loc["fanout/schedule_on_each_cpu/other_package/k:4/real_time"].iloc[0]
    assert (f.family, f.arg0, f.distance, f.k) == ("fanout", "schedule_on_each_cpu",
                                                  "other_package", 4)
    assert pd.isna(f.strategy)
    # The key:value form of Google Benchmark's ArgNames / RegisterBenchmark names.
    h = df.loc["BM_Hypercall/strategy:mlock-per-call/bytes:64/k:2"]
    assert (h.family, h.strategy, h.bytes, h.k) == ("BM_Hypercall", "mlock-per-call", 64, 2)
    n = df.loc["BM_Numeric/8/2.5/threads:2"]
    assert (n.arg0, n.arg1, n.threads) == (8, 2.5, 2)
    assert pd.isna(n.strategy)  # a label is not a strategy


def test_time_units_to_ns():
    df = lab.read_run(RUN).set_index("name")
    assert df.loc[MLOCK, "real_time_ns"] == pytest.approx(10500)
    assert df.loc[KBUF, "real_time_ns"] == pytest.approx(350)
    assert df.loc[KBUF, "cpu_time_ns"] == pytest.approx(315)
    assert df.loc["wake/pingpong/same_package/real_time", "real_time_ns"] == pytest.approx(5000)
    assert df.loc["BM_Numeric/8/2.5/threads:2", "real_time_ns"] == pytest.approx(1e9)


def test_aggregates_and_errors():
    df = lab.read_run(RUN)
    agg = df[(df.run_type == "aggregate") & (df.aggregate_name == "mean")]
    assert len(agg) == 4
    # Parsed from run_name, so "k:4/real_time_mean" does not spoil the k column.
    assert sorted(agg.k) == [1, 1, 3, 4]
    # The cv aggregate is a ratio, never a time in ns.
    cv = df[df.aggregate_name == "cv"]
    assert len(cv) == 1 and pd.isna(cv.real_time_ns.item()) and pd.isna(cv.cpu_time_ns.item())
    assert cv.real_time_cv.item() == 0.0125 and cv.k.item() == 4
    assert set(agg.family) == {"fanout"}
    reps = df[(df.run_type == "iteration") & (df.family == "fanout")]
    assert sorted(reps.repetition_index.unique()) == [0, 1]
    err = df[df.error.notna()]
    assert err.name.item() == "strategy/kernel-buffer/bytes:64/load:idle/real_time"
    assert "/dev/xen/hypercall" in err.error.item()
    assert df[df.error.isna() & (df.aggregate_name != "cv")].real_time_ns.gt(0).all()


def test_context_kept():
    df = lab.read_run(RUN)
    ctx = df.attrs["context"]["bench.json"]
    assert ctx["host_name"] == "testhost" and ctx["num_cpus"] == 4
    assert ctx["kernel"] == "6.1.0-test"  # AddCustomContext keys survive
    assert df.attrs["path"] == str(RUN)


def test_single_file_and_errors(tmp_path):
    assert len(lab.read_run(RUN / "bench.json")) == 19
    with pytest.raises(FileNotFoundError):
        lab.read_run(tmp_path / "missing")
    with pytest.raises(ValueError, match="no Google Benchmark JSON"):
        lab.read_run(DATA / "lab" / "notes")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        lab.read_run(bad)
    unit = tmp_path / "unit.json"
    unit.write_text(json.dumps({"benchmarks": [
        {"name": "BM_X", "real_time": 1, "cpu_time": 1, "time_unit": "fortnights"}]}))
    with pytest.raises(ValueError, match="time_unit"):
        lab.read_run(unit)
    nameless = tmp_path / "nameless.json"
    nameless.write_text(json.dumps({"benchmarks": [{"real_time": 1}]}))
    with pytest.raises(ValueError, match="without a name"):
        lab.read_run(nameless)


def test_latest_run_and_calibration(tmp_path):
    assert lab.latest_run(DATA / "lab") == RUN  # by the date in the name
    assert lab.latest_run(tmp_path) is None
    assert lab.latest_run(tmp_path / "absent") is None
    # Same date: the more recently written directory wins.
    for name in ("hostA-2025-01-02", "hostB-2025-01-02"):
        d = tmp_path / name
        d.mkdir()
        (d / "b.json").write_text(json.dumps({"benchmarks": []}))
    later = time.time() + 100  # clock: an mtime in the future, not a measurement
    os.utime(tmp_path / "hostA-2025-01-02", (later, later))
    assert lab.latest_run(tmp_path).name == "hostA-2025-01-02"
    # bench/lab-run's names: <host>-<UTC date and time>Z; partial runs are hidden.
    for name in ("hostC-20250102T101500Z", ".hostD-20300101T000000Z.partial.x1y2"):
        d = tmp_path / name
        d.mkdir()
        (d / "bench.json").write_text(json.dumps({"benchmarks": []}))
    assert lab.latest_run(tmp_path).name == "hostC-20250102T101500Z"
    cal = lab.read_calibration(RUN)
    assert cal["params"] == {"evtchn_send_us": 1.4, "hypercall_us": 0.25, "xen_vcpu_wake_us": 2.1}
    assert cal["file"] == "calibration.json"
    assert len(cal["fit"]["observations"]) == 2
    assert lab.read_calibration(DATA / "lab" / "testhost-2023-12-31") is None


def test_parse_name():
    assert lab.parse_name("BM_X/strategy:no-lock/bytes:64/manual_time/min_time:0.5") == (
        "BM_X", {"strategy": "no-lock", "bytes": 64}, [])
    assert lab.parse_name("BM_Y/1/2.5/iterations:10") == ("BM_Y", {}, [1, 2.5])
    assert lab.parse_name("fanout/membarrier/nearest/k:3/real_time") == (
        "fanout", {"k": 3}, ["membarrier", "nearest"])


def test_read_validation():
    v = lab.read_validation(RUN)
    assert list(v.k) == [1, 3, 1, 4]
    assert {"benchmark", "distance", "measured_us", "predicted_us", "rel_error"} <= set(v.columns)
    assert v.attrs["ok"] is True and v.attrs["file"] == "validation.json"
    assert lab.read_validation(DATA / "lab" / "testhost-2023-12-31") is None


def test_read_calibration_checks_params(tmp_path):
    """read_calibration reads the parameters through the one calibration reader
    (module.cpp _read_calibration): a value --calibration refuses is a ValueError."""
    (tmp_path / "calibration.json").write_text(
        json.dumps({"params": {"evtchn_send_us": -1.0}, "fit": {}}))
    with pytest.raises(ValueError, match="evtchn_send_us"):
        lab.read_calibration(tmp_path)
    (tmp_path / "calibration.json").write_text(json.dumps({"params": {"no_such": 1.0}}))
    with pytest.raises(ValueError, match="no_such"):
        lab.read_calibration(tmp_path)


def test_bare_nan_of_google_benchmark_reads_as_missing(tmp_path):
    # Google Benchmark writes the CV of a counter that is 0 in every
    # repetition as a bare NaN; the C++ reader takes it as null, and so must
    # this one (a real run, results/lab/vm-20261207T150455Z, has 98 of them).
    run = tmp_path / "vm-20261207T150455Z"
    run.mkdir()
    (run / "bench.json").write_text(
        '{"context": {}, "benchmarks": [{"name": "BM_X_cv", "run_name": "BM_X",'
        ' "run_type": "aggregate", "aggregate_name": "cv", "real_time": 0.01,'
        ' "cpu_time": 0.01, "time_unit": "ns", "ipis_per_op": NaN}]}')
    assert lab.latest_run(tmp_path) == run
    df = lab.read_run(run)
    assert len(df) == 1 and df["ipis_per_op"].isna().all()
