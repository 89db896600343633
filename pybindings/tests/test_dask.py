"""bind_sweep.cpp / ipistorm/_sweep.py on Dask: sweep(grid, client=...).

A LocalCluster of two worker processes (one thread each). The workers are
separate Python processes: they import ipistorm through PYTHONPATH, which
conftest.py sets before the cluster starts. Each grid point is tiny.
"""

import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time

import distributed  # python3-distributed (scripts/setup.sh)
import pandas as pd
import pytest

import ipistorm
from conftest import TINY
from ipistorm import _sweep

# Hang guards, not speed targets: each wait ends in about a second here, but a
# loaded machine may start Python processes slowly, and only a hang should fail.
HANG_GUARD_S = 300

# Debian's tornado 6.2 under distributed 2022.12: harmless, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


GRID = {
    "kernel": ["linux-2.6.31-pvops", "linux-3.12"],
    "dom0_vcpus": [2, 8],
    "params": {"evtchn_send_us": [1.0, 3.0]},
    "seed": [5],
    "base": {"params": TINY},
}


def test_dask_sweep_equals_local(client):
    local = ipistorm.sweep(GRID, jobs=2)
    with distributed.get_task_stream(client) as ts:
        remote = ipistorm.sweep(GRID, client=client)
    pd.testing.assert_frame_equal(remote, local)
    # The points really ran as cluster tasks, one per grid point.
    keys = [t["key"] for t in ts.data if "ipistorm-point" in str(t["key"])]
    assert len(keys) == ipistorm.grid_size(GRID) == 8


def test_workers_are_other_processes(client):
    pids = client.run(os.getpid)
    assert len(pids) == 2 and os.getpid() not in pids.values()
    # Each worker imported the same build of ipistorm.
    versions = client.run(lambda: __import__("ipistorm").__version__)
    assert set(versions.values()) == {ipistorm.__version__}


def test_worker_errors_propagate(client):
    # run_point is what each worker runs; bad input there is a ValueError here.
    fut = client.submit(_sweep.run_point, {"kernel": "linux-9.99"}, pure=False)
    with pytest.raises(ValueError, match="unknown kernel"):
        fut.result()


def test_bad_grid_fails_before_submitting(client):
    with pytest.raises(ValueError, match="unknown strategy"):
        ipistorm.sweep({"strategy": ["magic"]}, client=client)
    with pytest.raises(ValueError, match="jobs"):
        ipistorm.sweep({}, jobs=2, client=client)


@contextlib.contextmanager
def tcp_cluster(tmp_path, env, nworkers):
    """`dask scheduler` and `dask worker` as separate processes, as on a real
    cluster; yields the scheduler's tcp:// address."""
    sched_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(sched_file)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.time() + HANG_GUARD_S  # clock: hang guard
        while not sched_file.exists() and time.time() < deadline:  # clock: hang guard
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
             "--nworkers", str(nworkers), "--no-dashboard"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_real_scheduler_over_tcp(tmp_path):
    """What the README shows for a real cluster: `dask scheduler`, `dask worker`
    started with PYTHONPATH, and Client("tcp://host:port")."""
    env = dict(os.environ)  # PYTHONPATH=<build>/python, set by conftest
    with tcp_cluster(tmp_path, env, 2) as address:
        assert address.startswith("tcp://127.0.0.1:")
        with distributed.Client(address, timeout=HANG_GUARD_S) as c:
            c.wait_for_workers(2, timeout=HANG_GUARD_S)
            grid = {"dom0_vcpus": [2, 4, 8], "base": {"params": TINY}}
            pd.testing.assert_frame_equal(ipistorm.sweep(grid, client=c), ipistorm.sweep(grid))
            c.shutdown()


@contextlib.contextmanager
def no_installed_package():
    """packaging/test_deb.sh (CTest package_deb, maybe running beside this
    suite, or another checkout's) installs the .deb into /usr for a while,
    holding this lock: hold it too, so that no copy of ipistorm is
    importable without PYTHONPATH meanwhile; and say so if one is installed
    for good, rather than report a missing error."""
    # Read-only is enough for flock(), and works on a lock file root made.
    lock = os.open("/tmp/ipistorm-package-test.lock", os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        found = subprocess.run(
            [sys.executable, "-c", "import ipistorm; print(ipistorm.__file__)"],
            env=env, capture_output=True, text=True, timeout=HANG_GUARD_S)
        assert found.returncode != 0, (
            f"ipistorm is installed on this system ({found.stdout.strip()}): a worker "
            "without PYTHONPATH imports it, so this test cannot see the error it checks")
        yield env
    finally:
        os.close(lock)  # releases the lock


def test_worker_without_pythonpath_is_explained(tmp_path):
    with no_installed_package() as env, tcp_cluster(tmp_path, env, 1) as address:
        with distributed.Client(address, timeout=HANG_GUARD_S) as c:
            c.wait_for_workers(1, timeout=HANG_GUARD_S)
            with pytest.raises(RuntimeError, match="could not import ipistorm.*PYTHONPATH"):
                ipistorm.sweep({"dom0_vcpus": [2], "base": {"params": TINY}}, client=c)
            c.shutdown()


def test_simresult_travels_through_dask(client):
    """ipistorm.simulate run on a worker comes back as a SimResult (pickled)."""
    fut = client.submit(ipistorm.simulate, dom0_vcpus=2, **TINY, pure=False)
    r = fut.result(timeout=HANG_GUARD_S)
    assert isinstance(r, ipistorm.SimResult)
    assert r.to_json()["metrics"] == ipistorm.simulate(dom0_vcpus=2, **TINY).metrics | {
        "wall_s": r.metrics["wall_s"]}


def test_readme_dask_script_is_complete():
    """The README's Dask example is a whole script behind the __main__ guard,
    with both the LocalCluster and the tcp://scheduler:8786 variants."""
    import ast
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = text[text.index("## Sweeps on a Dask cluster"):]
    code = section[section.index("```python\n") + 10:]
    code = code[:code.index("```")]
    tree = ast.parse(code)
    guard = [n for n in tree.body if isinstance(n, ast.If)
             and ast.unparse(n.test) == "__name__ == '__main__'"]
    assert guard, "no if __name__ == '__main__': guard"
    # Nothing but imports, constants and definitions at module level.
    for n in tree.body:
        assert isinstance(n, (ast.Import, ast.ImportFrom, ast.Assign, ast.FunctionDef, ast.If,
                              ast.Expr)), ast.unparse(n)
    assert "LocalCluster(" in code and 'Client("tcp://scheduler:8786")' in code
    assert "ipistorm.sweep(GRID, client=client)" in code
