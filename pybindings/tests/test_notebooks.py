"""notebooks/ and scripts/figures.sh: every notebook runs headlessly
and writes exactly the figures committed under results/figures/.

The figures go to a temporary directory (IPISTORM_FIGURES_DIR), so the
committed PNGs are never touched by a test run.
"""

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, REPO, package_dir

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
COMMITTED = REPO / "results" / "figures"
# A hang guard, not a speed target: all notebooks take ~25 s on a 2-CPU box;
# how fast they run is for scripts/figures.sh to print, not for a test to judge.
HANG_GUARD_S = 1200


def png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def run_figures(out_dir, *names, **env):
    e = dict(os.environ, IPISTORM_FIGURES_DIR=str(out_dir),
             IPISTORM_BUILD_DIR=str(Path(package_dir()).parent), **env)
    return subprocess.run(["bash", str(REPO / "scripts" / "figures.sh"), *names], env=e,
                          capture_output=True, text=True, timeout=HANG_GUARD_S)


def test_notebooks_stored_without_outputs():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07", "08",
                                               "09"]
    for p in NOTEBOOKS:
        nb = json.loads(p.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3"
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, p.name


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    return out, run_figures(out)


def test_every_notebook_runs(figures):
    out, p = figures
    assert p.returncode == 0, p.stdout + p.stderr
    for nb in NOTEBOOKS:
        assert f"{nb.name}: " in p.stdout, nb.name
    assert f"{len(NOTEBOOKS)} of {len(NOTEBOOKS)} notebooks ran" in p.stdout


def test_each_notebook_writes_its_committed_figures(figures):
    out, p = figures
    assert p.returncode == 0, p.stderr
    for nb in NOTEBOOKS:
        prefix = nb.name[:2] + "-"
        committed = sorted(f.name for f in COMMITTED.glob(prefix + "*.png"))
        written = sorted(f.name for f in out.glob(prefix + "*.png"))
        assert committed, f"no committed figure for {nb.name} in results/figures/"
        assert written == committed, nb.name
        for name in written:
            w, h = png_size(out / name)
            assert w > 300 and h > 200, name


def test_hardware_notebook_reads_a_lab_run(tmp_path):
    """Notebook 05 with a lab run (the test data): the 2x2 comparison, not the placeholder."""
    p = run_figures(tmp_path, "05", IPISTORM_LAB_DIR=str(DATA / "lab"))
    assert p.returncode == 0, p.stdout + p.stderr
    w, h = png_size(tmp_path / "05-hardware-vs-model.png")
    assert h > 700, (w, h)  # the placeholder is one short panel


def test_hardware_notebook_placeholder_without_lab_run(tmp_path):
    p = run_figures(tmp_path / "fig", "05", IPISTORM_LAB_DIR=str(tmp_path / "no-lab"))
    assert p.returncode == 0, p.stdout + p.stderr
    w, h = png_size(tmp_path / "fig" / "05-hardware-vs-model.png")
    assert h < 600, (w, h)


def test_failing_cell_fails_the_script(tmp_path):
    """A cell that raises fails the run (exit 1, traceback shown): here notebook
    05 meets a lab run whose benchmark JSON is broken."""
    bad = tmp_path / "lab" / "host-2030-01-01"
    bad.mkdir(parents=True)
    (bad / "bench.json").write_text(json.dumps({"benchmarks": [
        {"name": "x", "real_time": 1, "cpu_time": 1, "time_unit": "fortnights"}]}))
    p = run_figures(tmp_path / "fig", "05", IPISTORM_LAB_DIR=str(tmp_path / "lab"))
    assert p.returncode == 1
    assert "05-hardware-vs-model.ipynb FAILED" in p.stderr and "fortnights" in p.stderr


def test_nbsetup_outside_a_checkout_says_what_to_set(tmp_path):
    """Copied elsewhere, the setup cell names IPISTORM_REPO in one line (it was
    a bare StopIteration); with it set, it finds the data, and figures go to
    ./figures, not over the committed ones."""
    import shutil
    shutil.copy(REPO / "notebooks" / "nbsetup.py", tmp_path)
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("IPISTORM_REPO", None)
    env.pop("IPISTORM_FIGURES_DIR", None)
    code = "import nbsetup; print(nbsetup.ROOT); print(nbsetup.FIGURES)"
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert "RuntimeError: nbsetup: no ipistorm checkout" in p.stderr.strip().splitlines()[-1]
    assert "IPISTORM_REPO" in p.stderr and "StopIteration" not in p.stderr
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                       env=dict(env, IPISTORM_REPO=str(REPO)), capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    root, figures = p.stdout.split()
    assert Path(root) == REPO.resolve() and Path(figures) == tmp_path / "figures"


def test_missing_module_fails_the_script(tmp_path):
    # A broken environment must not pass silently: no ipistorm -> exit 2.
    e = dict(os.environ, IPISTORM_BUILD_DIR=str(tmp_path / "nobuild"), PYTHONPATH="",
             IPISTORM_FIGURES_DIR=str(tmp_path))
    p = subprocess.run(["bash", str(REPO / "scripts" / "figures.sh"), "05"], env=e,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "cannot import ipistorm" in p.stderr


def png_text(path):
    """The PNG's text chunks (tEXt, zTXt, iTXt) as {keyword: text}."""
    import zlib

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, out = 8, {}
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"tEXt":
            k, v = body.split(b"\0", 1)
            out[k.decode("latin-1")] = v.decode("latin-1")
        elif kind == b"zTXt":
            k, v = body.split(b"\0", 1)
            out[k.decode("latin-1")] = zlib.decompress(v[1:]).decode("latin-1")
        elif kind == b"iTXt":
            k, rest = body.split(b"\0", 1)
            compressed, rest = rest[0], rest[2:]
            _lang, _translated, text = rest.split(b"\0", 2)
            out[k.decode("latin-1")] = (zlib.decompress(text) if compressed else text).decode()
    return out


UNIT = re.compile(r"\(([^()]+)\)")


def check_labels(name, labels):
    """Every figure has a title; every panel has a title, and each axis that
    shows values (numeric tick labels) is labelled with its unit in
    parentheses, e.g. "guest boot time (s)". Axes that show names
    (strategies, kernels) or no ticks (a shared axis) need no unit."""
    assert labels["suptitle"] or labels["titles"], f"{name}: no title"
    for i, p in enumerate(labels["panels"]):
        where = f"{name} panel {i} ({p['title'] or 'untitled'})"
        if len(labels["panels"]) > 1:
            assert p["title"], f"{where}: no title"
        for axis in ("x", "y"):
            if p[f"{axis}ticks"] == "numbers":
                label = p[f"{axis}label"]
                assert label, f"{where}: the {axis} axis shows values but has no label"
                assert UNIT.search(label), f"{where}: {axis} label {label!r} has no (unit)"
        # What would mislead a reader (absent from figures drawn before the check).
        assert not p.get("hidden_legend_entries"), (
            f"{where}: legend entries {p['hidden_legend_entries']} lie under another curve")
        assert not p.get("legend_covers"), f"{where}: the legend covers {p['legend_covers']}"
        assert not p.get("cut_whiskers"), (
            f"{where}: {p['cut_whiskers']} error bars end at the axis limit (cut off)")
    assert not labels.get("figure_legend_covers"), (
        f"{name}: the figure legend covers {labels['figure_legend_covers']}")


def test_every_figure_says_what_it_shows(figures):
    """Titles and axis labels with units, read from each PNG's metadata (the
    notebooks' save() records them, notebooks/nbsetup.py), for the figures the
    notebooks draw now and for the committed ones."""
    out, p = figures
    assert p.returncode == 0, p.stderr
    for where in (out, COMMITTED):
        pngs = sorted(where.glob("*.png"))
        assert pngs, where
        for png in pngs:
            text = png_text(png)
            assert "ipistorm-labels" in text, f"{png}: saved without its labels"
            check_labels(png.name, json.loads(text["ipistorm-labels"]))


def test_label_check_catches_a_missing_unit():
    """The checker itself: a value axis without a unit fails."""
    good = {"suptitle": "s", "titles": ["t"], "panels": [
        {"title": "t", "xlabel": "dom0 vCPUs (count)", "ylabel": "boot time (s)",
         "xticks": "numbers", "yticks": "numbers"}]}
    check_labels("good", good)
    bad = json.loads(json.dumps(good))
    bad["panels"][0]["ylabel"] = "boot time"
    with pytest.raises(AssertionError, match="no \\(unit\\)"):
        check_labels("bad", bad)
    named = json.loads(json.dumps(bad))
    named["panels"][0]["yticks"] = "words"  # strategy names: no unit needed
    check_labels("named", named)


def test_label_check_catches_what_hides(tmp_path, monkeypatch):
    """The checker itself: legend entries drawn over by another curve, a
    legend over a label, whiskers cut at the axis; from real figures."""
    monkeypatch.setenv("IPISTORM_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("IPISTORM_REPO", str(REPO))
    monkeypatch.syspath_prepend(str(REPO / "notebooks"))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbsetup
    import numpy as np

    def labels(fig):
        out = nbsetup.figure_labels(fig)
        plt.close(fig)
        return out

    base = {"title": "t", "xlabel": "x (s)", "ylabel": "y (s)"}
    fig, ax = plt.subplots()
    for name in ("a", "b", "c"):
        ax.plot([1, 2, 3], [1, 2, 3], label=name)  # three entries, one visible curve
    ax.plot([1, 2, 3], [3, 2, 1], label="d")
    ax.set(**base)
    ax.legend()
    got = labels(fig)
    assert got["panels"][0]["hidden_legend_entries"] == ["a", "b"]
    with pytest.raises(AssertionError, match="lie under another curve"):
        check_labels("hidden", got)

    # Step curves a hair apart (CDFs of strategies that cost the same) hide too;
    # one clearly apart does not.
    fig, ax = plt.subplots()
    x = np.geomspace(5, 500, 200)
    for name, shift in (("p", 1.0), ("q", 1.002), ("r", 3.0)):
        ax.step(x * shift, np.linspace(0, 1, 200), where="post", label=name)
    ax.set_xscale("log")
    ax.set(**base)
    ax.legend()
    assert labels(fig)["panels"][0]["hidden_legend_entries"] == ["p"]

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1], label="a long legend entry that spills")
    ax.set(**base)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.35))
    with pytest.raises(AssertionError, match="legend covers"):
        check_labels("covering", labels(fig))

    fig, ax = plt.subplots()
    ax.barh([0, 1], [0.5, 0.9], xerr=[[0.1, 0.1], [0.3, 0.9]])
    ax.set_xlim(0, 1.2)  # the second interval reaches 1.8
    ax.set(**base)
    ax.set_title("t")
    with pytest.raises(AssertionError, match="cut off"):
        check_labels("cut", labels(fig))
