"""sensitivity.py + bind_study.cpp: Sobol' indices by OpenTURNS, checked on
the Ishigami function (known indices) through sobol_indices(), the code
path ipistorm.sensitivity() runs for the model."""

import math

import numpy as np
import pytest

import ipistorm
from conftest import TINY
from ipistorm.sensitivity import marginal

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


def test_dask_client_gives_the_local_result():
    import distributed
    kw = dict(TINY, figure="boot_time_s", scenario="pvops", n=4, refit=False,
              parameters=["ipi_other_package_us", "evtchn_send_us"], bootstrap=10)
    local = ipistorm.sensitivity(jobs=1, **kw)
    with distributed.Client(n_workers=1, threads_per_worker=2, processes=True,
                            dashboard_address=None) as client:
        remote = ipistorm.sensitivity(client=client, chunk=4, **kw)
    assert local.equals(remote)
