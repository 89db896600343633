"""bind_reproduce.cpp: ipistorm.reproduce() beside `ipistorm reproduce --json`."""

import json

import pytest

import ipistorm
from conftest import run_cli


@pytest.fixture(scope="module")
def python_and_cli(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("repro") / "reproduce.json"
    p = run_cli(cli, "reproduce", "-j", "2", "--check", "--json", str(out))  # --check: exit 1 unless all ok
    return ipistorm.reproduce(jobs=2), json.loads(out.read_text()), p.returncode


def test_columns(python_and_cli):
    df, _, _ = python_and_cli
    assert list(df.columns)[:8] == ["scenario", "figure", "reference", "model", "rel_error",
                                    "lo", "hi", "ok"]
    assert {"2.6.18-xen", "pvops", "pvops-no-lock"} <= set(df.scenario)
    assert df["ok"].dtype == bool
    nz = df[df.reference != 0]
    assert ((nz.model - nz.reference) / nz.reference - nz.rel_error).abs().max() < 1e-12
    assert (df[df.reference == 0].rel_error == 0).all()  # the C++ convention


def test_reproduce_matches_cli(python_and_cli):
    df, doc, rc = python_and_cli
    rows = [(s["name"], f["figure"], f["reference"], f["model"], f["ok"], *f["accepted"])
            for s in doc["scenarios"] for f in s["figures"]]
    assert [tuple(r) for r in df[["scenario", "figure", "reference", "model", "ok", "lo", "hi"]]
            .itertuples(index=False)] == rows
    assert df.attrs["all_within_tolerance"] == doc["all_within_tolerance"] == (rc == 0)


def test_formula_rows_exact(python_and_cli):
    """The report's formula: drain-target IPIs per mlock = vCPUs - 1, exactly."""
    df, _, _ = python_and_cli
    f = df[df.figure == "drain_target_ipis_per_mlock"]
    assert sorted(f.dom0_vcpus) == [1, 2, 4, 8, 12, 16]
    assert (f.model == f.dom0_vcpus - 1).all()
    assert f.ok.all()


def test_as_json_and_overrides():
    doc = ipistorm.reproduce(jobs=2, as_json=True, boot_init_cpu_s=1.0)
    assert {"scenarios", "all_within_tolerance", "provenance"} <= set(doc)
    xen = next(s for s in doc["scenarios"] if s["name"] == "2.6.18-xen")
    assert xen["config"]["params"]["boot_init_cpu_s"] == 1.0
    # 13.5 s less guest CPU: the 2.6.18 boot is far from the report's 20 s.
    assert xen["metrics"]["boot_time_s"] < 10


def test_bad_arguments():
    with pytest.raises(ValueError):
        ipistorm.reproduce(jobs=0)
    with pytest.raises(ValueError, match="unknown topology"):
        ipistorm.reproduce(topology="nope")
    with pytest.raises(TypeError):
        ipistorm.reproduce(seed="1")
