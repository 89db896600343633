"""Bad input through Python: every case of the CLI's bad-input table that the
module can express raises ValueError with the CLI's own message (the text
after "ipistorm: error: "), and none of them kills the interpreter (a crash
would end this test run). Each case is run both ways: the Python call, and
the CLI on the same config, grid or topology written to a file."""

import json
import os
import re
import subprocess

import pytest

import ipistorm

from conftest import TINY


def cli_error(cli, *args):
    """The CLI's one-line error for args (exit 2), without its prefix."""
    p = subprocess.run([cli, *args], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, (args, p.returncode, p.stderr)
    lines = p.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("ipistorm: error: "), lines[0]
    return lines[0][len("ipistorm: error: "):]


def python_error(call):
    with pytest.raises(ValueError) as e:
        call()
    return str(e.value)


# Config keys and cost parameters as a simulate --config file holds them; in
# Python as keywords (fields and costs) of simulate(). Issue 8's "Why" list
# among them: window_s 1e-12 (SIGFPE) and 1e300 (endless loop),
# dom0_vcpus 4294967297 (ran with 1 vCPU), boot_probe_polls 1e20,
# pagevec_size 1e12 and 0, max_cstate 1e12, dm_process_bytes 1e300, seed -1,
# other_drain_all_per_s 1e-12 (a time overflow).
CONFIG_CASES = [
    ({"window_s": 1e-12}, "window_s"),
    ({"window_s": 1e300}, "window_s"),
    ({"window_s": 0}, "window_s"),
    ({"dom0_vcpus": 4294967297}, "4294967297"),
    ({"dom0_vcpus": 17}, "17"),
    ({"dm_vcpu": -1}, "dm_vcpu"),
    ({"seed": -1}, "seed"),
    ({"cpu_ghz": 1e9}, "cpu_ghz"),
    ({"kernel": "linux-9.9"}, "linux-9.9"),
    ({"strategy": "magic"}, "magic"),
    ({"placement": "scatter"}, "scatter"),
    ({"topology": "pu:100000"}, "more than 8192 PUs"),
    ({"topology": "pack:2 core:64 pu:65"}, "more than 8192 PUs"),
    ({"topology": "pu:4(indexes=0,0,1,2)"}, "declares 4 PUs"),
    ({"params": {"boot_probe_polls": 1e20}}, "boot_probe_polls"),
    ({"params": {"pagevec_size": 1e12}}, "pagevec_size"),
    ({"params": {"pagevec_size": 0}}, "pagevec_size"),
    ({"params": {"max_cstate": 1e12}}, "max_cstate"),
    ({"params": {"dm_process_bytes": 1e300}}, "dm_process_bytes"),
    ({"params": {"evtchn_send_us": -1}}, "evtchn_send_us"),
    ({"params": {"nolock_fault_prob": 1}}, "nolock_fault_prob"),
    ({"params": {"boot_probe_polls": 2.5}}, "whole number"),
    ({"params": {"other_drain_all_per_s": 1e-12}}, "other_drain_all_per_s"),
]


def as_keywords(config):
    kw = {k: v for k, v in config.items() if k != "params"}
    kw.update(config.get("params", {}))
    return kw


@pytest.mark.parametrize("config, fragment", CONFIG_CASES,
                         ids=[json.dumps(c) for c, _ in CONFIG_CASES])
def test_simulate_raises_the_cli_message(cli, tmp_path, config, fragment):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    want = cli_error(cli, "simulate", "--config", str(path), "--json", str(tmp_path / "r.json"))
    assert fragment in want
    assert python_error(lambda: ipistorm.simulate(**as_keywords(config))) == want
    assert python_error(lambda: ipistorm.simulate(config=config)) == want
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("config", [c for c, _ in CONFIG_CASES[:3]] +
                         [{"params": {"pagevec_size": 0}}, {"topology": "pu:100000"}])
def test_reproduce_and_fit_raise_the_cli_message(cli, tmp_path, config):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    for command, call in (("reproduce", ipistorm.reproduce), ("fit", ipistorm.fit)):
        want = cli_error(cli, command, "--config", str(path))
        assert python_error(lambda: call(config=config)) == want


def write_files(tmp_path):
    """Topology files the CLI and Python read alike."""
    deep = tmp_path / "deep.xml"
    n = 20000  # nested groups: overflowed the stack inside hwloc
    deep.write_text('<topology version="2.0"><object type="Machine" os_index="0">'
                    + '<object type="Group">' * n + '<object type="PU" os_index="0"/>'
                    + "</object>" * n + "</object></topology>\n")
    fifo = tmp_path / "box.xml"
    os.mkfifo(fifo)
    return {"deep": deep, "fifo": fifo, "dir": tmp_path}


@pytest.mark.parametrize("which, fragment", [
    ("deep", "deeper than 64"), ("fifo", "is a FIFO"), ("dir", "is a directory")])
def test_topology_files_raise_the_cli_message(cli, tmp_path, which, fragment):
    path = str(write_files(tmp_path)[which]) + ("/" if which == "dir" else "")
    want = cli_error(cli, "topology", path)
    assert fragment in want
    assert python_error(lambda: ipistorm.topology(path)) == want
    assert python_error(lambda: ipistorm.simulate(topology=path, **TINY)) == want


@pytest.mark.parametrize("spec", ["pu:100000", "pu:4(indexes=0,0,1,2)", "", "pack:two"])
def test_topology_specs_raise_the_cli_message(cli, spec):
    assert python_error(lambda: ipistorm.topology(spec)) == cli_error(cli, "topology", spec)


GRID_CASES = [
    {"kernel": ["no-such-kernel"]},
    {"dom0_vcpus": [1, 4294967297]},
    {"params": {"evtchn_send_us": [1, -1]}},
    {"seed": [1, -3]},
    {"kernels": ["linux-3.12"]},
    {"topology": ["pu:100000"]},
    {"base": {"window_s": 1e-12}},
]


@pytest.mark.parametrize("grid", GRID_CASES, ids=[json.dumps(g) for g in GRID_CASES])
def test_sweep_raises_the_cli_message(cli, tmp_path, grid):
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(grid))
    want = cli_error(cli, "sweep", "--grid", str(path), "--csv", str(tmp_path / "s.csv"))
    assert python_error(lambda: ipistorm.sweep(grid, jobs=1)) == want
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize("kwargs", [
    {"window_s": float("nan")}, {"window_s": float("inf")}, {"evtchn_send_us": float("inf")},
    {"dom0_vcpus": 2**70}, {"seed": 2**64}, {"config": {"params": {"pagevec_size": 1e400}}},
])
def test_values_json_cannot_hold_are_value_errors(kwargs):
    """NaN, infinity and integers beyond 64 bits have no CLI equivalent (the
    JSON reader refuses them as text); through Python they are ValueError
    naming the key, never a crash or a silently different run."""
    msg = python_error(lambda: ipistorm.simulate(**kwargs, **TINY))
    key = next(iter(kwargs if "config" not in kwargs else kwargs["config"]["params"]))
    assert re.search(key, msg), msg
