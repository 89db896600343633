"""bind_params.cpp: ipistorm.params() and the registries (kernels, strategies, placements)."""

import json

import pandas as pd

import ipistorm
from conftest import run_cli


def cli_registry(cli, label):
    # A list wraps at 100 columns, its next lines indented: read them all.
    lines = run_cli(cli, "params").stdout.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith(label + ":"))
    words = lines[i].split(":", 1)[1].split()
    for more in lines[i + 1:]:
        if not more.startswith("  "):
            break
        words += more.split()
    return words


def test_params_columns():
    df = ipistorm.params()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["name", "value", "unit", "group", "fitted", "source", "integer",
                                "type", "min", "max", "field", "distribution", "range_low",
                                "range_high", "range_source"]
    assert df["name"].is_unique
    assert df["fitted"].dtype == bool
    assert set(df["group"]) <= {"hardware", "xen", "dom0", "device_model", "workload"}
    assert (df["value"] >= 0).all()
    assert df["source"].str.len().min() > 0, "every parameter names its source"
    row = df.set_index("name").loc["pagevec_size"]
    assert row["value"] == 14 and row["integer"] and row["unit"] == "pages"
    assert row["type"] == "count" and row["min"] == 1 and row["field"] == "pagevec_size"
    assert ((df["min"] <= df["value"]) & (df["value"] <= df["max"])).all()


def test_params_table_matches_cli(cli):
    # `ipistorm params --markdown` is the README table; the same rows, in order.
    rows = []
    for line in run_cli(cli, "params", "--markdown").stdout.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.append((cells[0].strip("`"), float(cells[1]), cells[2], cells[3],
                         cells[4] == "yes"))
    df = ipistorm.params()
    assert len(rows) == len(df) > 30
    for (name, value, unit, group, fitted), r in zip(rows, df.itertuples()):
        assert (r.name, r.unit, r.group, r.fitted) == (name, unit, group, fitted)
        assert abs(r.value - value) <= 1e-5 * max(1.0, abs(value))  # %g in the CLI


def test_registries_match_cli(cli):
    assert list(ipistorm.kernels().name) == cli_registry(cli, "kernels")
    assert list(ipistorm.strategies().name) == cli_registry(cli, "strategies")
    assert list(ipistorm.placements()) == cli_registry(cli, "placements")


def test_registry_columns():
    k = ipistorm.kernels()
    assert list(k.columns) == ["name", "summary", "source"]
    assert "linux-2.6.31-pvops" in set(k.name)
    s = ipistorm.strategies()
    assert list(s.columns) == ["name", "summary", "mirrors", "safe"]
    assert s.set_index("name").loc["no-lock", "safe"] == False  # noqa: E712 (numpy bool)
    assert s.set_index("name").loc["mlock-per-call", "safe"] == True  # noqa: E712


def test_params_frame_is_a_copy():
    df = ipistorm.params()
    df.loc[0, "value"] = -1
    assert ipistorm.params().loc[0, "value"] >= 0


def test_plausible_ranges_match_cli_json(cli, tmp_path):
    """params --json writes "range": [low, high], "distribution", "range_source"."""
    out = tmp_path / "params.json"
    run_cli(cli, "params", "--json", str(out))
    rows = {r["name"]: r for r in json.loads(out.read_text())["params"]}
    df = ipistorm.params().set_index("name")
    for name, r in rows.items():
        assert df.loc[name, "distribution"] == r["distribution"]
        assert df.loc[name, "range_source"] == r["range_source"]
        if r["range"] is None:
            assert r["distribution"] == "none" and pd.isna(df.loc[name, "range_low"])
        else:
            assert [df.loc[name, "range_low"], df.loc[name, "range_high"]] == r["range"]
            assert r["range"][0] <= r["value"] <= r["range"][1]
    assert rows["queue_work_us"]["range"] is None  # fitted: the fit solves for it
    assert rows["page_bytes"]["range"] is None  # structure
    assert rows["evtchn_send_us"]["distribution"] == "log-uniform"


def _flatten(d, prefix=""):
    for k, v in d.items():
        name = prefix + k
        if isinstance(v, dict):
            yield from _flatten(v, name + ".")
        else:
            yield name, v


def test_metric_table_names_the_json_metrics():
    # Every key of SimResult.metrics is one row of the metric table, and back.
    table = ipistorm.metrics()
    assert list(table.columns) == ["name", "label", "unit", "format", "computation",
                                   "deterministic"]
    assert table["name"].is_unique
    assert (table["computation"].str.len() > 0).all()
    r = ipistorm.simulate(dom0_vcpus=2, boot_firmware_polls=0, boot_firmware_sectors=0,
                          boot_init_polls=0, boot_init_sectors=0, boot_probe_polls=200,
                          boot_firmware_cpu_s=0.01, boot_init_cpu_s=0.01, boot_probe_cpu_s=0.01)
    flat = dict(_flatten(r.metrics))
    assert set(flat) == set(table["name"])
    for name, fmt in zip(table["name"], table["format"]):
        assert isinstance(flat[name], int) == (fmt == "count"), name
