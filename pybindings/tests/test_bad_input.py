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

from conftest import TINY, TOPOLOGIES


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


# ==== #24, second round =================================================================
# Each class of the issue through Python: the same message as the CLI where
# the CLI has the case, ValueError or TypeError (OSError for a process
# limit), never a crash, OverflowError, KeyError or RuntimeError.

NEHALEM = TOPOLOGIES / "Intel-Nehalem-2xXeon-X5550.xml"
NOIO = TOPOLOGIES / "32em64t-2n8c2t-pci-noio.xml"


def edited(tmp_path, src, name, old, new, count=1):
    text = src.read_text()
    assert old in text, name
    path = tmp_path / f"{name}.xml"
    path.write_text(text.replace(old, new, count))
    return path


def distances(tmp_path, name, values):
    return edited(tmp_path, NOIO, name, '<u64values length="12">10 20 20 10 </u64values>',
                  f'<u64values length="{len(values)}">{values}</u64values>')


# point 5: every synthetic attribute honoured or refused
SYNTHETIC_CASES = [
    ("pack:2 core:2(indexes=0,1,2) pu:2", "lists 3 indexes= numbers for its 4 objects"),
    ("pack:2 core:2 pu:2(indexes=0,1)", "for its 8 objects"),
    ("pack:2 pu:2(indexes=0,1,2,x)", "decimal CPU numbers"),
    ("pack:2(memory=1GB) pu:2", "memory=, which hwloc gives only NUMA"),
    ("pack:2 [numa(memory=0x10)] pu:2", "memory='0x10'"),
    ("pack:2 core:2(size=32MB) pu:2", "size=, which hwloc gives only caches"),
    ("pack:2(foo=3) pu:2", "the attribute 'foo=3'"),
]


@pytest.mark.parametrize("spec, fragment", SYNTHETIC_CASES, ids=[s for s, _ in SYNTHETIC_CASES])
def test_synthetic_attributes_honoured_or_refused(cli, spec, fragment):
    want = cli_error(cli, "topology", spec)
    assert fragment in want
    assert python_error(lambda: ipistorm.topology(spec)) == want
    assert python_error(lambda: ipistorm.simulate(topology=spec, **TINY)) == want


def test_synthetic_attributes_that_mean_something_are_kept():
    """The attributes hwloc honours still load: explicit indexes of the right
    length (reversed numbering), NUMA memory, cache sizes, interleaving."""
    t = ipistorm.topology("pack:2 core:2 pu:2(indexes=7,6,5,4,3,2,1,0)")
    assert t.num_cpus == 8 and t.num_cores == 4
    assert ipistorm.topology("pack:2 [numa(memory=16GB)] l3:1(size=32MB) pu:2").num_cpus == 4
    assert ipistorm.topology("pack:2 pu:2(indexes=pack:pu)").num_cpus == 4
    # A PU outside any core is a core of its own, not "1 core".
    assert ipistorm.topology("pu:4").num_cores == 4


# point 5: XML without cores, malformed distances, bad cpusets: each its own line
XML_CASES = [
    ("nocore", lambda p: edited(p, NEHALEM, "nocore", 'type="Core"', 'type="Group"', -1),
     "16 PUs but no Core object"),
    ("dist-max", lambda p: distances(p, "dist-max", "10 18446744073709551615 20 10 "),
     "is 18446744073709551615; distances run from 1"),
    ("dist-zero", lambda p: distances(p, "dist-zero", "10 0 20 10 "), "node 0 to node 1 is 0"),
    ("dist-neg", lambda p: distances(p, "dist-neg", "10 -1 20 10 "), "distance value '-1'"),
    ("dist-hex", lambda p: distances(p, "dist-hex", "10 0x14 20 10 "), "distance value '0x14'"),
    ("dist-short", lambda p: distances(p, "dist-short", "10 20 20 "),
     "hwloc: distances2 with less than 4 u64values"),
    ("cpuset", lambda p: edited(p, NEHALEM, "cpuset",
                                '<object type="PU" os_index="0" cpuset="0x00000001"',
                                '<object type="PU" os_index="0" cpuset="0x00010000"'),
     "cpuset does not hold its os_index"),
    ("disallowed", lambda p: edited(p, NEHALEM, "disallowed", 'allowed_cpuset="0x0000ffff"',
                                    'allowed_cpuset="0x0000fffe"'), "allowed_cpuset"),
    ("os-index", lambda p: edited(p, NEHALEM, "osbig", '<object type="PU" os_index="0" ',
                                  '<object type="PU" os_index="99999999999" '),
     'os_index 99999999999;'),
    ("version", lambda p: edited(p, NEHALEM, "v3", 'version="2.0"', 'version="3.0"'),
     "hwloc: cannot import XML version 3.0"),
]


@pytest.mark.parametrize("name, make, fragment", XML_CASES, ids=[n for n, _, _ in XML_CASES])
def test_xml_topologies_get_their_own_message(cli, tmp_path, capfd, name, make, fragment):
    path = str(make(tmp_path))
    want = cli_error(cli, "topology", path)
    assert fragment in want
    capfd.readouterr()
    assert python_error(lambda: ipistorm.topology(path)) == want
    # hwloc's own diagnostics are in the message, not on the process's stderr
    assert capfd.readouterr().err == ""


# point 5: a range that depends on the machine, checked once it is known
@pytest.mark.parametrize("topology, value, cpus", [("nehalem-ep", 8192, 16), ("pu:4", 5, 4)])
def test_machine_dependent_range(cli, tmp_path, topology, value, cpus):
    want = cli_error(cli, "simulate", "--topology", topology, "--set",
                     f"dm_mm_other_cpus={value}", "--json", str(tmp_path / "r.json"))
    assert f"above the {cpus} CPUs of {topology}" in want
    assert python_error(lambda: ipistorm.simulate(topology=topology, dm_mm_other_cpus=value,
                                                  **TINY)) == want
    ipistorm.simulate(topology=topology, dm_mm_other_cpus=cpus, **TINY)  # the bound itself runs


def test_empty_trace_path_is_refused(tmp_path):
    with pytest.raises(ValueError, match="trace is empty"):
        ipistorm.simulate(trace="", **TINY)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"trace_for": 20000}, "--trace-for must be a length in (0, 10000 s]"),
    ({"trace_from": 100}, "ends after the run"),
    ({"trace_from": 3.5, "trace_for": 1}, "ends after the run"),
])
def test_trace_windows(tmp_path, kwargs, fragment):
    out = tmp_path / "t.json"
    msg = python_error(lambda: ipistorm.simulate(trace=str(out), **kwargs, **TINY))
    assert fragment in msg and "window_s" not in msg
    assert not out.exists() and not list(tmp_path.iterdir())


# point 4: the crash guard fails closed; process limits are one line, never an abort
def run_python(code, *, nobody=False, sigchld_ignored=False, timeout=120):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    prefix = "import signal; signal.signal(signal.SIGCHLD, signal.SIG_IGN)\n" if sigchld_ignored else ""
    argv = ["/usr/bin/python3", "-c", prefix + code]
    if nobody:  # root ignores RLIMIT_NPROC: as nobody, with one process allowed
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "prlimit", "--nproc=1", "--"] + argv
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)


CRASHING_XML = '<topology version="1.0"><object y="0" cpuset=""type="NU"_></po>'


def test_crash_guard_with_sigchld_ignored(tmp_path):
    """SIGCHLD ignored (the kernel reaps the probe before its status is
    read): the probe still sees the crash, and Python lives on."""
    bad = tmp_path / "crash.xml"
    bad.write_text(CRASHING_XML)
    p = run_python("import ipistorm\ntry:\n    ipistorm.topology(%r)\nexcept ValueError as e:\n"
                   "    print('ValueError', e)\nprint('alive')" % str(bad), sigchld_ignored=True)
    assert p.returncode == 0, p.stderr
    assert "ValueError" in p.stdout and "crashed on it" in p.stdout and "alive" in p.stdout
    assert p.stderr == ""


def nobody_dir(tmp_path):
    os.chmod(tmp_path, 0o777)
    for parent in list(tmp_path.parents)[:3]:
        os.chmod(parent, os.stat(parent).st_mode | 0o005)
    return tmp_path


def test_crash_guard_fails_closed_without_fork(tmp_path):
    """No process can be started: the XML is refused (OSError, the CLI's
    text), never loaded unchecked."""
    nobody_dir(tmp_path)
    p = run_python("import ipistorm\ntry:\n    ipistorm.topology(%r)\nexcept OSError as e:\n"
                   "    print('OSError', e)" % str(NEHALEM), nobody=True)
    assert "OSError cannot check topology file" in p.stdout, (p.stdout, p.stderr)
    assert "no process can be started" in p.stdout


def test_thread_limit_is_an_oserror_not_an_abort(tmp_path):
    nobody_dir(tmp_path)
    code = ("import ipistorm\ntry:\n    ipistorm.sweep({'seed': [1, 2, 3], 'base': {'params': %r}},"
            " jobs=3)\nexcept OSError as e:\n    print('OSError', e)" % TINY)
    p = run_python(code, nobody=True)
    assert p.returncode == 0, p.stderr
    assert "OSError cannot start a thread" in p.stdout, (p.stdout, p.stderr)
    assert "terminate called" not in p.stderr


def test_resource_error_is_oserror():
    from ipistorm import _ipistorm
    with pytest.raises(OSError, match="process limit for the test"):
        _ipistorm._raise_for_test("resource")


# points 2 and 3 in Python: one number grammar, duplicate keys refused in every JSON read
@pytest.mark.parametrize("text, fragment", [
    ('{"a": 1, "a": 2}', '"a" twice'),
    ('{"x": {"b": 1, "b": 1}}', '"b" twice'),
    ('{"a": NaN}', "NaN is not a JSON number"),
    ('{"a": Infinity}', "Infinity is not a JSON number"),
    ('{"a": -Infinity}', "-Infinity is not a JSON number"),
    ('{"a": 1e400}', "overflows"),
    ('{"a": ', "not valid JSON"),
])
def test_python_json_reader_follows_the_cli(text, fragment):
    from ipistorm import _args
    with pytest.raises(ValueError, match=re.escape(fragment)):
        _args.loads_json(text, "test file")


def test_lab_json_refuses_duplicate_keys_and_non_files(tmp_path):
    f = tmp_path / "bench.json"
    f.write_text('{"benchmarks": [], "benchmarks": []}')
    with pytest.raises(ValueError, match='"benchmarks" twice'):
        ipistorm.lab.read_benchmark_json(f)
    with pytest.raises(ValueError, match='"benchmarks" twice'):
        ipistorm.lab.read_run(tmp_path)
    with pytest.raises(ValueError, match="is a directory"):
        ipistorm.lab.read_benchmark_json(tmp_path)
    with pytest.raises(ValueError, match="is a character device"):
        ipistorm.lab.read_benchmark_json("/dev/zero")


@pytest.mark.parametrize("flag, text, lo, hi", [
    ("-n", "010", 4, 100), ("-n", "0x10", 4, 100), ("-n", "", 4, 100), ("-n", " 5", 4, 100),
    ("-n", "1_0", 4, 100), ("-n", "\u0665", 4, 100), ("-n", "+7", 4, 100), ("-n", "3", 4, 100),
    ("--seed", "18446744073709551615", 0, (1 << 64) - 1),
    ("--seed", "18446744073709551616", 0, (1 << 64) - 1), ("--seed", "1e3", 0, 10 ** 6),
])
def test_integer_flags_as_the_cli_reads_them(flag, text, lo, hi):
    """sensitivity's flags are read by the CLI's grammar (io::parse_int):
    decimal digits with a sign, nothing else; "010" is ten."""
    from ipistorm import _args
    ref = (re.fullmatch(r"[+-]?[0-9]+", text) is not None and text.isascii()
           and lo <= int(text) <= hi)
    if ref:
        assert _args.parse_int_text(flag, text, lo, hi) == int(text, 10)
    else:
        with pytest.raises(ValueError, match=re.escape(f"{flag} must be a whole number in "
                                                       f"[{lo}, {hi}], got '{text}'")):
            _args.parse_int_text(flag, text, lo, hi)


def test_number_grammar_property_against_a_reference():
    """A property test: random strings over the characters numbers are made
    of, read by the Python grammar and by a reference (Python's Decimal for
    the shape, the CLI's rule for the rest): the same accept/refuse and the
    same value."""
    import decimal
    import random
    from ipistorm import _args
    rng = random.Random(24)
    alphabet = "0123456789+-.eExXnaif _"
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        # Reference: a decimal literal, [sign] digits [. digits] [e [sign] digits], finite.
        shape = re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", text)
        try:
            ref = float(decimal.Decimal(text)) if shape else None
        except (decimal.InvalidOperation, OverflowError):
            ref = None
        if ref is not None and not (-1e6 <= ref <= 1e6):
            ref = None
        try:
            got = _args.parse_real_text("x", text, -1e6, 1e6)
        except ValueError:
            got = None
        assert got == ref, text
        iref = int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else None
        try:
            igot = _args.parse_int_text("x", text, -10 ** 9, 10 ** 9)
        except ValueError:
            igot = None
        assert igot == iref, text


# points 7 and 8: sensitivity's arguments
SENS = dict(TINY, n=4, refit=False, jobs=1, bootstrap=10,
            parameters=["ipi_other_package_us", "evtchn_send_us"])


@pytest.mark.parametrize("kwargs, error, fragment", [
    ({"seed": 1.7}, TypeError, "seed must be an int, got float 1.7"),
    ({"seed": -1}, ValueError, "seed must be in 0..18446744073709551615"),
    ({"seed": 2 ** 64}, ValueError, "seed must be in"),
    ({"refit": "no"}, TypeError, "refit must be True or False, got str 'no'"),
    ({"refit": 0}, TypeError, "refit must be True or False"),
    ({"n": 3}, ValueError, "n must be in 4..1048576"),
    ({"n": 8.0}, TypeError, "n must be an int"),
    ({"n": 2 ** 70}, ValueError, "n must be in"),
    ({"chunk": 0}, ValueError, "chunk must be in"),
    ({"jobs": 2 ** 70}, ValueError, "jobs must be in 1..1024"),
    ({"bootstrap": 1}, ValueError, "bootstrap must be in"),
    ({"confidence": float("nan")}, ValueError, "confidence must be a finite number"),
    ({"confidence": 1.0}, ValueError, "confidence must be a number in (0, 1)"),
    ({"confidence": "0.9"}, TypeError, "confidence must be a number"),
    ({"parameters": ["evtchn_send_us", "evtchn_send_us"]}, ValueError, "given twice"),
    ({"parameters": ["evtchn_sned_us", "idle_exit_us"]}, ValueError,
     "did you mean 'evtchn_send_us'"),
    ({"parameters": ["evtchn_send_us"]}, ValueError, "1 by definition"),
    ({"parameters": "evtchn_send_us"}, TypeError, "parameters must be a list"),
    ({"parameters": [5, "idle_exit_us"]}, TypeError, "parameters must be a str"),
    ({"kernal": "linux-3.12"}, TypeError, "did you mean config={'kernel': ...}"),
    ({"sed": 3}, TypeError, "did you mean 'seed'"),
    ({"evtchn_send_us": float("inf")}, ValueError, "evtchn_send_us"),
    ({"figure": ["boot_time_s", "boot_time_s"]}, ValueError, "listed twice"),
    ({"scenario": 5}, TypeError, "scenario must be a str"),
])
def test_sensitivity_arguments(kwargs, error, fragment):
    args = dict(SENS, **kwargs)
    with pytest.raises(error) as e:
        ipistorm.sensitivity(**args)
    assert type(e.value) in (ValueError, TypeError)
    assert fragment in str(e.value)


def test_sensitivity_small_n_warns_and_intervals_are_checked():
    with pytest.warns(RuntimeWarning, match="n=4 is below 16"):
        df = ipistorm.sensitivity(**SENS)
    assert df.attrs["warnings"][0].startswith("n=4 is below 16")
    # every interval holds its estimate, or a warning names it
    for kind in ("first_order", "total"):
        for r in df.itertuples():
            inside = getattr(r, kind + "_low") <= getattr(r, kind) <= getattr(r, kind + "_high")
            assert inside or any(r.parameter in w and kind.replace("_", "-") in w
                                 for w in df.attrs["warnings"])


def test_sobol_interval_notes_name_what_is_outside():
    from ipistorm.sensitivity import _interval_notes
    import pandas as pd
    df = pd.DataFrame([{"parameter": "a", "first_order": 3.2, "first_order_low": 0.8,
                        "first_order_high": 2.1, "total": 1.0, "total_low": -1.8e308,
                        "total_high": 1.8e308}])
    notes = _interval_notes(df, 8)
    assert any("first-order interval of a [0.8, 2.1] does not contain its estimate 3.2" in n
               for n in notes)
    assert any("no finite bound" in n for n in notes)
    assert df.total_low.isna().all() and df.total_high.isna().all()


def sensitivity_cli(*args, timeout=120):
    return subprocess.run(["/usr/bin/python3", "-c",
                           "import sys; from ipistorm.sensitivity import main; "
                           "sys.exit(main(sys.argv[1:]))", *args],
                          capture_output=True, text=True, timeout=timeout)


def test_sensitivity_help_states_n_runs_and_cost():
    p = sensitivity_cli("--help")
    assert p.returncode == 0
    text = " ".join(p.stdout.split())
    assert "default 32" in text and "n * (d + 2)" in text
    assert re.search(r"is \d+ evaluations", text) and "core-minutes" in text


def test_sensitivity_ctrl_c_exits_130_with_one_line(tmp_path):
    """SIGINT while the model runs: one line, exit 130, nothing written. The
    signal is sent once the evaluation threads are seen running (no timing)."""
    import signal
    import time
    out = tmp_path / "s.json"
    p = subprocess.Popen(["/usr/bin/python3", "-c",
                          "import sys; from ipistorm.sensitivity import main; "
                          "sys.exit(main(sys.argv[1:]))", "-n", "64", "-j", "3",
                          "--json", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1"))
    try:
        deadline = time.monotonic() + 120  # clock: a hang guard only, never a speed judge
        while len(os.listdir(f"/proc/{p.pid}/task")) < 3:  # main + 2 pool threads
            assert p.poll() is None and time.monotonic() < deadline  # clock: hang guard
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130, err
    assert err.splitlines() == ["ipistorm: interrupted; nothing written"]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_sensitivity_reads_through_the_cli_readers(tmp_path):
    fifo = tmp_path / "c.json"
    os.mkfifo(fifo)
    p = sensitivity_cli("--config", str(fifo), timeout=60)
    assert p.returncode == 2 and "is a FIFO" in p.stderr and len(p.stderr.splitlines()) == 1
    p = sensitivity_cli("--screen", "/dev/zero", timeout=60)
    assert p.returncode == 2 and "is a character device" in p.stderr


@pytest.mark.parametrize("call", [
    lambda: ipistorm.latency_cdf("x"),
    lambda: ipistorm.to_wide(5),
    lambda: ipistorm.sweep({"seed": [1]}, jobs=2 ** 70),
    lambda: ipistorm.simulate(dom0_vcpus=2 ** 70),
    lambda: ipistorm.simulate(trace_max_mb=2 ** 70, trace="/nonexistent/t.json"),
])
def test_bad_arguments_are_value_or_type_errors(call):
    with pytest.raises((ValueError, TypeError)) as e:
        call()
    assert type(e.value) in (ValueError, TypeError), type(e.value)


def test_sensitivity_progress_bar_on_a_terminal_and_small_n_warning(tmp_path):
    """On a terminal (stderr a tty) a progress bar with an ETA; below the
    useful n one warning line; off a terminal no bar. Exit 0 both ways."""
    import pty
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps({"params": TINY}))
    args = ["/usr/bin/python3", "-c", "import sys; from ipistorm.sensitivity import main; "
            "sys.exit(main(sys.argv[1:]))", "--config", str(config), "-n", "4", "-j", "1",
            "--no-refit", "--parameter", "ipi_other_package_us", "--parameter", "evtchn_send_us"]
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    p.wait(timeout=120)
    assert p.returncode == 0
    text = seen.decode(errors="replace")
    assert "evaluations" in text and "ETA" in text, text
    assert "ipistorm: warning: n=4 is below 16" in text
    q = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert q.returncode == 0 and "ETA" not in q.stderr
    assert [line for line in q.stderr.splitlines() if line.startswith("ipistorm: warning: n=4")]


def test_file_size_limit_is_an_error_not_sigxfsz(tmp_path):
    """Under `ulimit -f` a trace written from Python fails with the CLI's
    one line (ValueError), the interpreter lives, and no temporary is left
    (SIGXFSZ would have killed it)."""
    out = tmp_path / "t.json"
    code = ("import ipistorm\ntry:\n    ipistorm.simulate(trace=%r, **%r)\nexcept ValueError as e:\n"
            "    print('ValueError', e)\nprint('alive')" % (str(out), TINY))
    p = subprocess.run(["bash", "-c", 'ulimit -f 1; exec "$@"', "_", "/usr/bin/python3", "-c",
                        code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "ValueError cannot write --trace file" in p.stdout and "File too large" in p.stdout
    assert "alive" in p.stdout and list(tmp_path.iterdir()) == []
