"""Shared fixtures for the ipistorm Python tests.

CTest runs these with PYTHONPATH=<build>/python and IPISTORM_CLI=<build>/bin/ipistorm
(pybindings/CMakeLists.txt). Run by hand:

    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q pybindings/tests
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import ipistorm

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
# Real hwloc XML files kept in the repository (testdata/topologies/README.md).
TOPOLOGIES = REPO / "testdata" / "topologies"

# A short boot (probe phase only, a handful of firmware polls): milliseconds
# per run, the same model. For tests that need many runs, Dask above all.
TINY = {
    "boot_probe_polls": 2000,
    "boot_firmware_polls": 200,
    "boot_firmware_sectors": 0,
    "boot_init_polls": 10,
    "boot_init_cpu_s": 0.05,
}


def package_dir():
    """<build>/python, where the imported ipistorm package lives."""
    return str(Path(ipistorm.__file__).resolve().parents[1])


def find_cli():
    env = os.environ.get("IPISTORM_CLI")
    if env:
        return env
    # <build>/python/ipistorm/__init__.py -> <build>/bin/ipistorm: the CLI of
    # the same build as the module.
    cand = Path(package_dir()).parent / "bin" / "ipistorm"
    if cand.exists():
        return str(cand)
    return shutil.which("ipistorm")


@pytest.fixture(scope="session")
def cli():
    path = find_cli()
    assert path and Path(path).exists(), (
        "the ipistorm CLI was not found: set IPISTORM_CLI or build <build>/bin/ipistorm")
    return path


def run_cli(cli_path, *args, check=True):
    p = subprocess.run([cli_path, *args], capture_output=True, text=True, timeout=300)
    if check and p.returncode not in (0, 1):
        raise AssertionError(f"{cli_path} {' '.join(args)} -> {p.returncode}: {p.stderr}")
    return p


@pytest.fixture(scope="session", autouse=True)
def pythonpath_for_children():
    """Subprocesses (Dask workers, notebook kernels) must import the same
    build of ipistorm: put its package directory first on PYTHONPATH."""
    old = os.environ.get("PYTHONPATH")
    parts = [package_dir()] + ([old] if old else [])
    os.environ["PYTHONPATH"] = os.pathsep.join(parts)
    yield
    if old is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = old
