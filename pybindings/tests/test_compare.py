"""bind_compare.cpp and ipistorm.compare(): the compare study (study/compare.hpp),
the same document as `ipistorm compare --json`."""

import json
import os

import pytest

import ipistorm
from conftest import TINY, run_cli


def _cli_args():
    args = []
    for name, value in TINY.items():
        args += ["--set", f"{name}={value}"]
    return args


def test_compare_matches_cli(cli, tmp_path):
    out = tmp_path / "cmp.json"
    run_cli(cli, "compare", "--dom0-vcpus", "2", "--kernel", "linux-3.12",
            "--strategy", "mlock-per-call,no-lock", "--seed", "1,2", "-j", "1",
            "--json", str(out), *_cli_args())
    want = json.loads(out.read_text())
    got = ipistorm.compare(kernels=["linux-3.12"], strategies=["mlock-per-call", "no-lock"],
                           seeds=[1, 2], dom0_vcpus=2, jobs=1, as_json=True, **TINY)
    assert got == want
    # The baseline (2.6.18, not asked for) ran first, one run per seed.
    assert [(r["kernel"], r["strategy"], r["seed"]) for r in got["rows"]][:2] == [
        ("linux-2.6.18-xen", "mlock-per-call", 1), ("linux-2.6.18-xen", "mlock-per-call", 2)]
    assert all(r["boot_time_x_baseline"] == 1.0 for r in got["rows"][:2])


def test_compare_frame_one_row_per_run():
    df = ipistorm.compare(kernels="linux-3.12", strategies=["mlock-per-call"], seeds=[3],
                          baseline="linux-3.12", dom0_vcpus=2, jobs=1, **TINY)
    assert list(df.columns[:5]) == ["kernel", "strategy", "seed", "safe",
                                    "boot_time_x_baseline"]
    assert len(df) == 1  # the baseline is the one row asked for
    assert df.loc[0, "boot_time_x_baseline"] == 1.0
    assert df.loc[0, "boot_time_s"] > 0
    assert "ioport_latency_us.p99" in df.columns and "wall_s" not in df.columns
    assert df.attrs["baseline"] == {"kernel": "linux-3.12", "strategy": "mlock-per-call"}


def test_bad_baseline_is_value_error(cli):
    with pytest.raises(ValueError) as e:
        ipistorm.compare(baseline="linux-9.99", dom0_vcpus=2, jobs=1, **TINY)
    p = run_cli(cli, "compare", "--baseline", "linux-9.99", "--dom0-vcpus", "2", check=False)
    assert p.returncode == 2
    assert p.stderr.strip() == f"ipistorm: error: {e.value}"


def test_default_jobs():
    # jobs=None is every core, computed where the CLI's -j 0 is (model::resolve_jobs).
    from ipistorm import _args, _ipistorm
    assert _args.check_jobs(None) == _ipistorm._default_jobs() == max(1, os.cpu_count() or 1)
