"""bind_topology.cpp: ipistorm.topology() and the Topology object."""

import json
from pathlib import Path

import pytest

import ipistorm
from conftest import TOPOLOGIES, run_cli


def cli_table(cli, spec):
    """The CLI's `ipistorm topology SPEC --json` per-CPU table: {os: (pkg, core, numa, siblings)}."""
    doc = json.loads(run_cli(cli, "topology", spec, "--json").stdout)
    rows = {c["os_index"]: (c["package"], c["core"], c["numa"], c["smt_siblings"])
            for c in doc["cpus"]}
    counts = (doc["num_cpus"], doc["num_cores"], doc["num_packages"], doc["num_numa_nodes"])
    return rows, counts, doc["ghz"]


def test_preset_nehalem_ep():
    t = ipistorm.topology("nehalem-ep")
    assert isinstance(t, ipistorm.Topology)
    assert (t.num_cpus, t.num_cores, t.num_packages, t.num_numa_nodes) == (16, 8, 2, 2)
    assert t.ghz == pytest.approx(2.67)
    assert t.kind == "preset" and t.spec == "nehalem-ep"
    assert len(t) == 16
    assert t.os_indexes == list(range(16))
    assert t.numa_matrix == [[10, 21], [21, 10]]
    assert not t.numa_distances_from_file
    assert "16 CPUs" in repr(t)


def test_distance_classes():
    t = ipistorm.topology("nehalem-ep")
    # Linux numbers SMT siblings i and i+8; CPUs 0-3 on package 0, 4-7 on package 1.
    assert t.distance(0, 0) == "same_cpu"
    assert t.distance(0, 8) == "same_core"
    assert t.distance(3, 11) == "same_core"
    assert t.distance(0, 1) == "same_package"
    assert t.distance(0, 9) == "same_package"
    assert t.distance(0, 4) == "other_package"
    assert t.distance(12, 3) == "other_package"
    assert t.numa_distance(0, 1) == 10
    assert t.numa_distance(0, 4) == 21
    assert t.cpu(12) == {"os_index": 12, "package": 1, "core": 4, "numa": 1}


def test_distance_counts():
    for spec in ("nehalem-ep", "nehalem-ex", "icelake-sp-2s"):
        t = ipistorm.topology(spec)
        c = t.distance_counts(0)
        assert sum(c.values()) == t.num_cpus - 1
        assert c["same_core"] == 1
        assert c["same_package"] == 2 * t.num_cores // t.num_packages - 2
    assert ipistorm.topology("nehalem-ep").distance_counts(0) == {
        "same_core": 1, "same_package": 6, "other_package": 8}


def test_cpu_table(cli):
    t = ipistorm.topology("nehalem-ep")
    df = t.cpus
    assert list(df.columns) == ["os_index", "package", "core", "numa", "smt_siblings"]
    assert len(df) == 16
    rows, counts, ghz = cli_table(cli, "nehalem-ep")
    for r in df.itertuples():
        assert rows[r.os_index] == (r.package, r.core, r.numa, r.smt_siblings)


def test_synthetic(cli):
    spec = "pack:2 [numa] core:4 pu:2"
    t = ipistorm.topology(spec)
    assert t.kind == "synthetic"
    assert (t.num_cpus, t.num_cores, t.num_packages, t.num_numa_nodes) == (16, 8, 2, 2)
    rows, counts, ghz = cli_table(cli, spec)
    assert counts == (16, 8, 2, 2)
    assert {r.os_index: (r.package, r.core, r.numa, r.smt_siblings)
            for r in t.cpus.itertuples()} == rows


@pytest.mark.parametrize("name", ["24em64t-2n6c2t-pci.xml", "Intel-Nehalem-2xXeon-X5550.xml"])
def test_xml_os_indexes(cli, name):
    path = TOPOLOGIES / name
    assert path.exists(), f"test topology {path} missing"
    t = ipistorm.topology(path)  # a pathlib.Path works as well as a str
    assert t.kind == "xml"
    rows, counts, ghz = cli_table(cli, str(path))
    assert (t.num_cpus, t.num_cores, t.num_packages, t.num_numa_nodes) == counts
    assert t.ghz == pytest.approx(ghz, abs=0.005)
    table = {r.os_index: (r.package, r.core, r.numa, r.smt_siblings) for r in t.cpus.itertuples()}
    assert table == rows
    # distance() follows the table, by OS index.
    for a in list(rows)[:6]:
        for b in rows:
            pa, ca = rows[a][0], rows[a][1]
            pb, cb = rows[b][0], rows[b][1]
            want = ("same_cpu" if a == b else "same_core" if ca == cb
                    else "same_package" if pa == pb else "other_package")
            assert t.distance(a, b) == want


def test_xml_numa_from_file():
    t = ipistorm.topology(str(TOPOLOGIES / "24em64t-2n6c2t-pci.xml"))
    assert t.numa_distances_from_file
    assert t.numa_matrix == [[10, 20], [20, 10]]
    # CPU 1 is on the other package in this box's numbering.
    assert t.distance(0, 1) == "other_package"
    assert t.numa_distance(0, 1) == 20


def test_bad_spec_is_value_error():
    with pytest.raises(ValueError, match="unknown topology 'nope'.*nehalem-ep"):
        ipistorm.topology("nope")
    with pytest.raises(ValueError):
        ipistorm.topology(Path("/nonexistent/machine.xml"))


def test_wrong_type_is_type_error():
    with pytest.raises(TypeError):
        ipistorm.topology(16)
    with pytest.raises(TypeError):
        ipistorm.topology(None)
    t = ipistorm.topology("nehalem-ep")
    with pytest.raises(TypeError):
        t.distance("0", 1)
    with pytest.raises(TypeError):
        t.distance(0.5, 1)


def test_unknown_cpu_is_value_error():
    t = ipistorm.topology("nehalem-ep")
    with pytest.raises(ValueError, match=r"CPU 16 is not a CPU.*0\.\.15"):
        t.distance(0, 16)
    with pytest.raises(ValueError, match="CPU -1"):
        t.numa_distance(-1, 0)
    with pytest.raises(ValueError):
        t.cpu(99)
    with pytest.raises(ValueError):
        t.distance_counts(1 << 30)


def test_presets_listed(cli):
    names = list(ipistorm.presets().name)
    line = next(l for l in run_cli(cli, "params").stdout.splitlines()
                if l.startswith("topology presets:"))
    assert names == line.split(":", 1)[1].split()
    for name in names:
        assert ipistorm.topology(name).num_cpus > 0
