"""bind_study.cpp: ipistorm.fit() beside `ipistorm fit --json` (study::fit)."""

import json

import pytest

import ipistorm
from conftest import run_cli

# A boot of 10000 polls and 37 s of guest CPU: about 41 s at the default
# costs, so the fit must raise queue_work_us to reach 42 s (a few runs of a
# few tenths of a second). That the table's default is itself a fit (one run
# on the report's boot) is sim/tests/test_fit.cpp's Fit.TableDefaultIsFitted.
SHORT = {"boot_firmware_polls": 0, "boot_firmware_sectors": 0, "boot_init_polls": 0,
         "boot_init_sectors": 0, "boot_firmware_cpu_s": 0.01, "boot_init_cpu_s": 0.01,
         "boot_probe_polls": 10000, "boot_probe_cpu_s": 37.0}


def test_fit_matches_cli(cli, tmp_path):
    out = tmp_path / "fit.json"
    sets = [a for k, v in SHORT.items() for a in ("--set", f"{k}={v}")]
    p = run_cli(cli, "fit", *sets, "--json", str(out))
    doc = json.loads(out.read_text())
    py = ipistorm.fit(**SHORT)
    for k in ("param", "value", "target", "achieved", "tolerance", "runs", "converged"):
        assert py[k] == doc[k], k
    assert (p.returncode == 0) == doc["converged"]
    assert doc["config"]["params"]["queue_work_us"] == doc["value"]


def test_fit_hits_target():
    """A boot that misses 42 s at the default is re-fitted: several runs,
    within the tolerance of 42 s, at a higher queue_work_us (the boot was short)."""
    r = ipistorm.fit(**SHORT)
    assert r["param"] == "queue_work_us" and r["target"] == 42.0
    assert r["converged"] and r["runs"] > 1
    assert abs(r["achieved"] - r["target"]) <= r["tolerance"]
    assert r["value"] > ipistorm.params().set_index("name").loc["queue_work_us", "value"]


def test_fit_bad_input():
    with pytest.raises(ValueError, match="unknown parameter"):
        ipistorm.fit(no_such_cost=1.0)
