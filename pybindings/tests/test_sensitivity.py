"""sensitivity.py + bind_study.cpp: Sobol' indices by OpenTURNS, checked on
the Ishigami function (known indices) through sobol_indices(), the code
path ipistorm.sensitivity() runs for the model."""

import math

import numpy as np
import pandas as pd
import pytest

import ipistorm
from conftest import TINY
from ipistorm.sensitivity import marginal, screening

# Ishigami, a = 7, b = 0.1, inputs U(-pi, pi): first-order (0.3139, 0.4424,
# 0) and total (0.5576, 0.4424, 0.2437) indices (Saltelli et al. 2008, 4.5).
S1 = [0.3139, 0.4424, 0.0]
ST = [0.5576, 0.4424, 0.2437]


def ishigami(x):
    x = np.asarray(x)
    return (np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2
            + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0]))


def test_ishigami_indices():
    names = ["x1", "x2", "x3"]
    marg = [marginal("uniform", -math.pi, math.pi)] * 3
    df = ipistorm.sobol_indices(names, marg, ishigami, 4096, seed=3).set_index("parameter")
    for name, s1, st in zip(names, S1, ST):
        assert abs(df.loc[name, "first_order"] - s1) < 0.05, name
        assert abs(df.loc[name, "total"] - st) < 0.05, name
        assert df.loc[name, "first_order_low"] <= df.loc[name, "first_order"]
        assert df.loc[name, "total"] <= df.loc[name, "total_high"]
    assert list(df.index[:1]) == ["x1"]  # ranked by total index
    assert df.attrs["evaluations"] == 4096 * 5


def test_model_through_the_same_path():
    """Two costs of a short boot: the evaluation is deterministic and the
    IPI cost to the other package matters for the boot time more than the
    SMT-sibling one (the drain targets are mostly on the other package)."""
    kw = dict(TINY, figure="boot_time_s", scenario="pvops", n=8, refit=False, jobs=2,
              parameters=["ipi_other_package_us", "ipi_same_core_us"], bootstrap=20)
    a = ipistorm.sensitivity(**kw)
    b = ipistorm.sensitivity(**kw)
    assert a.equals(b)
    assert list(a.columns) == ["parameter", "first_order", "first_order_low",
                               "first_order_high", "total", "total_low", "total_high"]
    assert a.attrs["evaluations"] == 8 * 4 and a.attrs["refit"] is False
    assert a.parameter.iloc[0] == "ipi_other_package_us"


def test_bad_names():
    with pytest.raises(ValueError, match="unknown scenario"):
        ipistorm.sensitivity(scenario="pvops-fast", n=4)
    with pytest.raises(ValueError, match="unknown figure"):
        ipistorm.sensitivity(figure="boot_time", n=4)
    with pytest.raises(ValueError, match="no plausible range"):
        ipistorm.sensitivity(parameters=["page_bytes"], n=4)


@pytest.mark.parametrize("n", [1, 0, (1 << 20) + 1])
def test_bad_sample_size(n):
    with pytest.raises(ValueError, match="n must be in 4..1048576"):
        ipistorm.sensitivity(n=n, parameters=["evtchn_send_us"])


@pytest.mark.parametrize("rng, message", [
    ({"range": [3, 0.5]}, "inverted"),
    ({"range": [0, 2], "distribution": "log-uniform"}, "above 0"),
    ({"range": [-1, 2], "distribution": "uniform"}, "leaves the accepted range"),
])
def test_bad_config_range(rng, message):
    with pytest.raises(ValueError, match=message):
        ipistorm.sensitivity(n=4, config={"ranges": {"evtchn_send_us": rng}},
                             parameters=["evtchn_send_us"])


def test_dask_client_gives_the_local_result():
    import distributed
    kw = dict(TINY, figure="boot_time_s", scenario="pvops", n=4, refit=False,
              parameters=["ipi_other_package_us", "evtchn_send_us"], bootstrap=10)
    local = ipistorm.sensitivity(jobs=1, **kw)
    with distributed.Client(n_workers=1, threads_per_worker=2, processes=True,
                            dashboard_address=None) as client:
        remote = ipistorm.sensitivity(client=client, chunk=4, **kw)
    assert local.equals(remote)


def test_several_figures_share_one_design():
    """figure=[...]: one design and one run per point; each figure's indices
    are those of its own study (same seed, same design)."""
    kw = dict(TINY, scenario="pvops", n=4, refit=False, jobs=2, bootstrap=20,
              parameters=["ipi_other_package_us", "idle_entry_us"])
    figs = ["boot_time_s", "resched_ipis_peak_per_s"]
    both = ipistorm.sensitivity(figure=figs, **kw)
    assert list(both.columns[:2]) == ["figure", "parameter"]
    assert both.attrs["evaluations"] == 4 * 4 and both.attrs["values"].shape == (16, 2)
    for f in figs:
        one = ipistorm.sensitivity(figure=f, **kw)
        part = both[both.figure == f].drop(columns="figure").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, one)
    with pytest.raises(ValueError, match="listed twice"):
        ipistorm.sensitivity(figure=["boot_time_s", "boot_time_s"], **kw)
    with pytest.raises(ValueError, match="unknown figure 'nope'"):
        ipistorm.sensitivity(figure=["boot_time_s", "nope"], **kw)


def test_screening_ranks_by_spearman():
    """screening() on samples laid out as `reproduce --uncertainty --csv`
    writes them: the figure follows `a` (monotone, not linear) and not `b`;
    the re-fitted pvops boot is read through the fitted cost, which moves
    against the costs that lengthen the boot."""
    rng = np.random.default_rng(5)
    a, b = rng.uniform(size=64), rng.uniform(size=64)
    df = pd.DataFrame({"sample": range(64), "a": a, "b": b, "queue_work_us": -a ** 3,
                       "fit_converged": True, "pvops/boot_time_s": 42.0,
                       "pvops/dom0_util_peak_pct": np.exp(3 * b), "all_within": False})
    r = screening(df, ["dom0_util_peak_pct", "boot_time_s"], "pvops")
    peak = r[r.figure == "dom0_util_peak_pct"]
    assert list(peak.parameter) == ["b", "a"] and peak.spearman.iloc[0] == pytest.approx(1.0)
    boot = r[r.figure == "boot_time_s"]
    assert list(boot.parameter) == ["a", "b"] and boot.spearman.iloc[0] == pytest.approx(-1.0)
    # Without the fitted cost's column (samples made with --no-refit) the
    # boot time itself is ranked.
    unfitted = df.drop(columns=["queue_work_us", "fit_converged"]).assign(
        **{"pvops/boot_time_s": np.exp(b)})
    assert screening(unfitted, "boot_time_s").parameter.iloc[0] == "b"
    with pytest.raises(ValueError, match="no column 'pvops/nope'"):
        screening(df, "nope")
    with pytest.raises(ValueError, match="reproduce --uncertainty"):
        screening(df.drop(columns="all_within"), "boot_time_s")
