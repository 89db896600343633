"""bind_simulate.cpp: ipistorm.simulate(), SimResult and Series."""

import _thread
import json
import sys
import threading
import time

import numpy as np
import pytest

import ipistorm
from conftest import TINY, run_cli


def cli_simulate(cli, tmp_path, *args):
    out = tmp_path / "sim.json"
    p = run_cli(cli, "simulate", *args, "--json", str(out))
    assert p.returncode == 0, p.stderr
    return json.loads(out.read_text())


def without_wall(m):
    return {k: v for k, v in m.items() if k != "wall_s"}


def test_metrics_match_cli(cli, tmp_path):
    """The same config gives the same numbers from Python and from the CLI."""
    # The report's pvops box at full size, defaults only.
    doc = cli_simulate(cli, tmp_path)
    r = ipistorm.simulate()
    assert without_wall(r.metrics) == without_wall(doc["metrics"])
    assert r.config == doc["config"]
    assert r.metrics["boot_time_s"] > 30  # the storm is there


def test_metrics_match_cli_with_overrides(cli, tmp_path):
    sets = dict(TINY, evtchn_send_us=2.0, xen_wake_jitter_us=3.5)
    args = ["--topology", "nehalem-ex", "--kernel", "linux-3.12", "--dom0-vcpus", "12",
            "--placement", "spread", "--seed", "42", "--dm-vcpu", "3"]
    for k, v in sets.items():
        args += ["--set", f"{k}={v}"]
    doc = cli_simulate(cli, tmp_path, *args)
    r = ipistorm.simulate(topology="nehalem-ex", kernel="linux-3.12", dom0_vcpus=12,
                          placement="spread", seed=42, dm_vcpu=3, **sets)
    assert without_wall(r.metrics) == without_wall(doc["metrics"])
    assert r.config == doc["config"]
    assert r.config["params"]["evtchn_send_us"] == 2.0


def test_result_fields():
    r = ipistorm.simulate(dom0_vcpus=4, **TINY)
    m = r.metrics
    for key in ("boot_time_s", "ioport_latency_cycles", "resched_ipis_per_s",
                "ipis_by_distance", "mlock_calls", "wall_s"):
        assert key in m, key
    assert set(m["ioport_latency_cycles"]) == {"mean", "p50", "p99"}
    assert r.config["dom0_vcpus"] == 4
    assert r.config["cpu_ghz"] == pytest.approx(2.67)  # resolved from the topology
    assert set(r.provenance) == {"version", "git_commit", "host"}
    doc = r.to_json()
    assert set(doc) == {"config", "clock", "metrics", "distributions", "provenance"}
    assert doc["clock"] == {"ghz": 2.67, "source": "preset"}
    assert r.events == m["events"] > 0
    assert "linux-2.6.31-pvops" in repr(r) and "4 dom0 vCPUs" in repr(r)
    # The report's formula: drain-target IPIs per mlock = vCPUs - 1.
    assert m["drain_target_ipis_per_mlock"] == 3.0


def test_series_arrays():
    r = ipistorm.simulate(dom0_vcpus=8, **TINY, window_s=0.05)
    s = r.series
    for arr in (s.time_s, s.dom0_util_pct, s.resched_ipis_per_s):
        assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
        assert len(arr) == len(s)
    boot = r.metrics["boot_time_s"]
    assert len(s) == int(np.ceil(boot / 0.05 - 1e-9))
    np.testing.assert_allclose(s.time_s, np.arange(len(s)) * 0.05)
    assert s.resched_ipis_per_s.max() > 0
    # The windows add up to the run's totals.
    assert s.resched_ipis_per_s.sum() * 0.05 == pytest.approx(r.metrics["resched_ipis_total"])
    df = s.to_frame()
    assert list(df.columns) == ["time_s", "dom0_util_pct", "resched_ipis_per_s"]
    # Arrays are copies: changing one does not change the result.
    a = s.time_s
    a[:] = -1
    assert r.series.time_s[0] == 0


def test_overrides_change_the_outcome():
    base = ipistorm.simulate(dom0_vcpus=16, **TINY)
    slow = ipistorm.simulate(dom0_vcpus=16, evtchn_send_us=5.0, **TINY)
    assert slow.metrics["boot_time_s"] > base.metrics["boot_time_s"]
    # Slower sends, the same fan-out: one drain-target IPI per other vCPU per mlock.
    for r in (base, slow):
        m = r.metrics
        assert m["ipis_by_purpose"]["drain_target"] == 15 * m["mlock_calls"]


def test_deterministic_and_config_dict_equivalent():
    a = ipistorm.simulate(kernel="linux-2.6.31-pvops", dom0_vcpus=6, seed=9, **TINY)
    b = ipistorm.simulate(config={"kernel": "linux-2.6.31-pvops", "dom0_vcpus": 6, "seed": 9,
                                  "params": TINY})
    assert without_wall(a.metrics) == without_wall(b.metrics)
    # Keywords win over the config dict.
    c = ipistorm.simulate(config={"dom0_vcpus": 2, "params": TINY}, dom0_vcpus=6, seed=9)
    assert c.config["dom0_vcpus"] == 6


def test_default_config():
    cfg = ipistorm.resolve_config()
    assert cfg["topology"] == "nehalem-ep"
    assert cfg["kernel"] == "linux-2.6.31-pvops"
    assert set(cfg["params"]) == set(ipistorm.params().name)
    assert ipistorm.resolve_config(evtchn_send_us=2)["params"]["evtchn_send_us"] == 2.0


def test_every_registry_entry_runs():
    for k in ipistorm.kernels().name:
        assert ipistorm.simulate(kernel=k, dom0_vcpus=4, **TINY).metrics["boot_time_s"] > 0
    for s in ipistorm.strategies().name:
        assert ipistorm.simulate(strategy=s, dom0_vcpus=4, **TINY).metrics["boot_time_s"] > 0


@pytest.mark.parametrize("kwargs, match", [
    ({"kernel": "linux-9.99"}, "unknown kernel"),
    ({"strategy": "magic"}, "unknown strategy"),
    ({"placement": "sideways"}, "placement"),
    ({"topology": "no-such-box"}, "unknown topology"),
    ({"dom0_vcpus": 17}, r"outside 1\.\.16"),
    ({"dom0_vcpus": -1}, "dom0_vcpus"),
    ({"dm_vcpu": 4, "dom0_vcpus": 4}, "dm_vcpu"),
    ({"seed": -1}, "seed"),
    ({"cpu_ghz": -2.0}, "cpu_ghz"),
    ({"window_s": 0}, "window_s"),
    ({"evtchn_send_us": -1.0}, "evtchn_send_us"),
    ({"evtchn_send_us": float("nan")}, "evtchn_send_us"),
    ({"pagevec_size": 3.5}, "whole number"),
    ({"evtchn_sned_us": 1.0}, "did you mean 'evtchn_send_us'"),
    ({"config": {"colour": "red"}}, "unknown config key 'colour'"),
    ({"config": {"params": {"nope": 1}}}, "unknown parameter 'nope'"),
])
def test_bad_values_are_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ipistorm.simulate(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"kernal": "linux-3.12"}, "unexpected keyword 'kernal' .did you mean 'kernel'"),
    ({"dom0_vcpu": 4}, "did you mean 'dom0_vcpus'"),
    ({"confg": {}}, "did you mean 'config'"),
])
def test_mistyped_keywords_are_type_errors_with_a_hint(kwargs, match):
    """Any other keyword is a cost parameter, so a mistyped keyword of
    simulate() itself is named as such, with the keyword it was meant to be."""
    with pytest.raises(TypeError, match=match):
        ipistorm.simulate(**kwargs)


def test_a_part_of_a_kernel_name_gets_a_hint():
    with pytest.raises(ValueError, match="did you mean 'linux-2.6.31-pvops'"):
        ipistorm.simulate(kernel="pvops")


@pytest.mark.parametrize("kwargs", [
    {"kernel": 2631},
    {"dom0_vcpus": "4"},
    {"dom0_vcpus": 4.0},
    {"dom0_vcpus": True},
    {"seed": 1.5},
    {"cpu_ghz": "fast"},
    {"evtchn_send_us": "2"},
    {"evtchn_send_us": None},
    {"evtchn_send_us": [1.0]},
    {"config": "kernel=linux-3.12"},
    {"config": {"params": [1, 2]}},
])
def test_wrong_types_are_type_errors(kwargs):
    with pytest.raises(TypeError):
        ipistorm.simulate(**kwargs)


# A run long by construction: 64 vCPUs and 10^8 IDE polls, hours of CPU on
# any machine. The tests below never wait for it to end: they cancel it, so
# that a run which does end proves nothing and no speed of the machine
# decides the outcome. ctest's TIMEOUT (pybindings/CMakeLists.txt) turns a
# broken cancel into a failure instead of a hang.
ENDLESS = {"topology": "nehalem-ex", "boot_probe_polls": 100_000_000}


def _inside_simulate(frame):
    """True while `frame` (the main thread's innermost one) is ipistorm's
    simulate() wrapper, i.e. on its way into, or inside, the C++ run."""
    return (frame is not None and frame.f_code.co_name == "simulate"
            and frame.f_code.co_filename.endswith("_run.py"))


def test_gil_released():
    """While the main thread is inside a run, another thread keeps running Python.

    Observed directly, not timed: a watcher thread sees the main thread's
    innermost frame stay in the simulate() wrapper across 20 of its own steps
    (each a sleep and a look), which it could not take if the run held the GIL;
    only then does it press Ctrl-C. A run that held the GIL would never be
    interrupted."""
    main = threading.main_thread().ident
    seen = []

    def watch():
        while not _inside_simulate(sys._current_frames().get(main)):
            time.sleep(0.001)
        while len(seen) < 20:
            time.sleep(0.005)
            seen.append(_inside_simulate(sys._current_frames().get(main)))
        _thread.interrupt_main()

    watcher = threading.Thread(target=watch)
    watcher.start()
    with pytest.raises(KeyboardInterrupt):
        ipistorm.simulate(**ENDLESS)
    watcher.join()
    assert seen == [True] * 20, seen


def test_keyboard_interrupt_stops_run():
    """Ctrl-C cancels a run in flight instead of waiting for the boot to end
    (which would take hours: ENDLESS)."""
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        ipistorm.simulate(**ENDLESS)
    timer.cancel()
    # The module still works afterwards.
    assert ipistorm.simulate(dom0_vcpus=2, **TINY).metrics["boot_time_s"] > 0


def test_pickle_round_trip():
    """A SimResult pickles to plain data and comes back equal in every field."""
    import pickle

    r = ipistorm.simulate(dom0_vcpus=4, **TINY, window_s=0.05)
    back = pickle.loads(pickle.dumps(r))
    assert isinstance(back, ipistorm.SimResult)
    assert back.to_json() == r.to_json()
    assert back.metrics == r.metrics and back.config == r.config
    assert back.provenance == r.provenance
    assert (back.events, back.wall_s, back.topology_description) == (
        r.events, r.wall_s, r.topology_description)
    assert back.flat_metrics == r.flat_metrics
    assert repr(back) == repr(r)
    for name in ("time_s", "dom0_util_pct", "resched_ipis_per_s"):
        np.testing.assert_array_equal(getattr(back.series, name), getattr(r.series, name))
    s = pickle.loads(pickle.dumps(r.series))
    np.testing.assert_array_equal(s.resched_ipis_per_s, r.series.resched_ipis_per_s)
    with pytest.raises(RuntimeError, match="another ipistorm version"):
        ipistorm.SimResult.__new__(ipistorm.SimResult).__setstate__((0,) * 8)


def test_trace_file(tmp_path):
    """simulate(trace=path) writes the `simulate --trace` timeline; the run's
    metrics are those of the run without a trace."""
    path = tmp_path / "t.json"
    r = ipistorm.simulate(dom0_vcpus=8, trace=path, trace_from=0.0, trace_for=0.002, **TINY)
    doc = json.loads(path.read_text())
    ev = doc["traceEvents"]
    assert {e["ph"] for e in ev} >= {"M", "B", "E", "s", "f", "i", "C"}
    assert doc["otherData"]["window_s"] == {"from": 0.0, "for": 0.002}
    assert doc["otherData"]["config"] == r.config
    plain = ipistorm.simulate(dom0_vcpus=8, **TINY)
    assert without_wall(plain.metrics) == without_wall(r.metrics)
    assert plain.distributions == r.distributions


def test_trace_bad_input(tmp_path):
    with pytest.raises(ValueError, match="--trace-for"):
        ipistorm.simulate(trace=tmp_path / "a.json", trace_for=0, **TINY)
    with pytest.raises(ValueError, match="--trace-from"):
        ipistorm.simulate(trace=tmp_path / "a.json", trace_from=-1, **TINY)
    with pytest.raises(ValueError, match="after the run"):
        ipistorm.simulate(trace=tmp_path / "a.json", trace_from=1e4, **TINY)
    with pytest.raises(ValueError, match="cannot write"):
        ipistorm.simulate(trace=tmp_path / "no" / "a.json", **TINY)
    with pytest.raises(ValueError, match="cap"):
        ipistorm.simulate(trace=tmp_path / "a.json", trace_from=0, trace_for=3,
                          trace_max_mb=1, **TINY)
    with pytest.raises(ValueError, match="needs trace"):
        ipistorm.simulate(trace_for=0.1, **TINY)
    assert list(tmp_path.iterdir()) == []


def test_breakdown_and_distributions(cli, tmp_path):
    """The breakdown adds up to the mean latency; the histogram and the wakes
    by idle state are those of `simulate --json`; latency_cdf ends at 1."""
    doc = cli_simulate(cli, tmp_path, "--dom0-vcpus", "8",
                       *[a for k, v in TINY.items() for a in ("--set", f"{k}={v}")])
    r = ipistorm.simulate(dom0_vcpus=8, **TINY)
    b = r.metrics["ioport_breakdown_us"]
    assert sum(b.values()) == pytest.approx(r.metrics["ioport_latency_us"]["mean"], rel=5e-3)
    assert r.distributions == doc["distributions"]
    cdf = ipistorm.latency_cdf(r)
    assert list(cdf.columns) == ["latency_us", "cdf"]
    assert np.all(np.diff(cdf["cdf"]) >= 0) and cdf["cdf"].iloc[-1] == pytest.approx(1.0)
    p50 = cdf["latency_us"][cdf["cdf"] >= 0.5].iloc[0]
    assert p50 == pytest.approx(r.metrics["ioport_latency_us"]["p50"], rel=0.02)
    wakes = r.distributions["vcpu_wakes_by_idle_state"]
    assert set(wakes) == {"C0", "C1", "C3", "C6"} and all(len(v) == 8 for v in wakes.values())
    assert sum(map(sum, wakes.values())) == r.metrics["vcpu_wakes"]
    import pickle

    assert pickle.loads(pickle.dumps(r)).distributions == r.distributions
