"""bind_study.cpp: ipistorm.fit() beside `ipistorm fit --json` (study::fit)."""

import json

import pytest

import ipistorm
from conftest import run_cli


def test_fit_matches_cli(cli, tmp_path):
    out = tmp_path / "fit.json"
    p = run_cli(cli, "fit", "--json", str(out))
    doc = json.loads(out.read_text())
    py = ipistorm.fit()
    for k in ("param", "value", "target", "achieved", "tolerance", "runs", "converged"):
        assert py[k] == doc[k], k
    assert (p.returncode == 0) == doc["converged"]
    assert doc["config"]["params"]["queue_work_us"] == doc["value"]


def test_fit_hits_target():
    """The table's default is a fit: one run, within the tolerance of 42 s."""
    r = ipistorm.fit()
    assert r["param"] == "queue_work_us" and r["target"] == 42.0
    assert r["converged"] and r["runs"] == 1
    assert abs(r["achieved"] - r["target"]) <= r["tolerance"]


def test_fit_bad_input():
    with pytest.raises(ValueError, match="unknown parameter"):
        ipistorm.fit(no_such_cost=1.0)
