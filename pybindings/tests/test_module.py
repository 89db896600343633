"""module.cpp and py_json.cpp: the package itself, error mapping, conversions."""

import numpy as np
import pytest

import ipistorm
from ipistorm import _ipistorm


def test_import_and_version():
    assert ipistorm.__version__.count(".") == 2
    assert ipistorm.__version__ != "0.0.0"
    for name in ipistorm.__all__:
        assert hasattr(ipistorm, name), name


def test_provenance():
    p = ipistorm.provenance()
    assert set(p) == {"version", "git_commit", "host"}
    assert p["version"] == ipistorm.__version__


def test_input_error_is_value_error():
    # InputError's one-line message, unchanged.
    with pytest.raises(ValueError, match=r"^unknown kernel.*linux-2\.6\.18-xen"):
        ipistorm.simulate(kernel="linux-9.99")
    with pytest.raises(ValueError, match="^bad input for the test$"):
        _ipistorm._raise_for_test("input")


def test_internal_error_is_runtime_error():
    for kind in ("runtime", "logic"):
        with pytest.raises(RuntimeError, match="for the test") as e:
            _ipistorm._raise_for_test(kind)
        assert not isinstance(e.value, ValueError)


def test_type_errors_never_crash():
    for bad in (object(), b"bytes", 1j, {1: 2}, [object()]):
        with pytest.raises(TypeError):
            _ipistorm._resolve_config({"topology": bad})


def test_numpy_values_accepted():
    cfg = ipistorm.resolve_config(dom0_vcpus=np.int64(4), seed=np.uint64(7),
                                  evtchn_send_us=np.float32(2.5))
    assert cfg["dom0_vcpus"] == 4
    assert cfg["seed"] == 7
    assert cfg["params"]["evtchn_send_us"] == 2.5


def test_huge_int_is_value_error():
    with pytest.raises(ValueError, match="seed"):
        ipistorm.simulate(seed=2**64)
    with pytest.raises(ValueError, match="64 bits"):
        _ipistorm._resolve_config({"seed": 2**70})


def test_self_containing_value_is_value_error():
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested more than"):
        ipistorm.sweep({"kernel": loop})
    with pytest.raises(ValueError, match="nested more than"):
        _ipistorm._resolve_config({"params": {"x": loop}})


def test_mapping_and_sequence_types():
    # tuples, ranges and numpy arrays are lists; any Mapping is an object.
    import types
    grid = types.MappingProxyType({"dom0_vcpus": np.array([1, 2]), "seed": range(1, 3),
                                   "kernel": ("linux-3.12",)})
    assert ipistorm.grid_size(grid) == 4
    # A pandas Series is its values (not a mapping of its index).
    names = ipistorm.strategies().name[:2]
    assert ipistorm.grid_size({"strategy": names, "kernel": ipistorm.kernels().name}) == \
        2 * len(ipistorm.kernels())


def test_output_checks_and_atomic_writer(tmp_path):
    """module.cpp's _check_outputs/_write_file_atomic: sim/io's checks and its one atomic
    writer, for the commands written in Python (ipistorm sensitivity --json/--csv)."""
    from ipistorm import _ipistorm
    with pytest.raises(ValueError, match="character device"):
        _ipistorm._check_outputs([("/dev/null", "--json")])
    with pytest.raises(ValueError, match="name the same file"):
        _ipistorm._check_outputs([(str(tmp_path / "a"), "--json"), (str(tmp_path / "a"), "--csv")])
    _ipistorm._check_outputs([("", "--json"), (str(tmp_path / "b"), "--csv")])
    _ipistorm._write_file_atomic(str(tmp_path / "b"), "x,y\n1,2\n", "--csv")
    assert (tmp_path / "b").read_text() == "x,y\n1,2\n"
    with pytest.raises(ValueError, match="--json"):
        _ipistorm._write_file_atomic(str(tmp_path), "{}", "--json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no temporary left


def test_cli_refuses_device_output():
    """ipistorm sensitivity refuses a device node as --json before any work (exit 2)."""
    from ipistorm.sensitivity import main
    assert main(["--json", "/dev/null", "-n", "4"]) == 2
