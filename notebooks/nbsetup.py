"""nbsetup.py: what every notebook's first cell shares.

    NOTEBOOK = "01"
    from nbsetup import *          # ROOT, FIGURES, ipistorm, np, pd, plt, matplotlib
    save = saver(NOTEBOOK)         # save(fig, "name") -> $IPISTORM_FIGURES_DIR/01-name.png

Finds the repository ($IPISTORM_REPO, else the folder it runs in or a
parent), imports ipistorm (PYTHONPATH=build/python as
scripts/figures.sh sets it; without it, build/python of this checkout), draws
with Agg, and writes figures without a timestamp inside (an unchanged figure
is an unchanged file). Each PNG carries its labels (suptitle, and per panel the
title, axis labels and what each axis' ticks show) as JSON in a PNG text
chunk "ipistorm-labels", which pybindings/tests/test_notebooks.py reads to
check that every figure says what it shows, with units, and hides nothing
(no legend entry under another curve, no legend over a label, no error bar
cut at the axis).
"""

import json
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.container  # noqa: E402
import matplotlib.lines  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402



def _find_root():
    """The checkout whose results/ the notebooks read: $IPISTORM_REPO, else
    the folder (or a parent) the notebook runs in, else this file's. A clear
    error otherwise, never a bare StopIteration."""
    env = os.environ.get("IPISTORM_REPO")
    here = Path(__file__).resolve().parent.parent
    places = [Path(env)] if env else [Path.cwd(), *Path.cwd().parents, here]
    for p in places:
        if (p / "results" / "sim").is_dir() and (p / "notebooks").is_dir():
            return p.resolve()
    where = f"IPISTORM_REPO={env}" if env else f"{Path.cwd()} or its parents"
    raise RuntimeError(f"nbsetup: no ipistorm checkout with results/sim/ at {where}; run the "
                       "notebooks inside one, or set IPISTORM_REPO=/path/to/ipistorm")


ROOT = _find_root()
try:
    import ipistorm
except ImportError:
    sys.path.insert(0, str(ROOT / "build" / "python"))
    import ipistorm

# Figures go to $IPISTORM_FIGURES_DIR, else ./figures beside the notebook:
# never over the committed results/figures/ unless asked (scripts/figures.sh
# asks, to redraw them on purpose).
FIGURES = Path(os.environ.get("IPISTORM_FIGURES_DIR") or Path.cwd() / "figures")
FIGURES.mkdir(parents=True, exist_ok=True)
plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 110, "axes.grid": True,
                     "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False})

__all__ = ["ROOT", "FIGURES", "Path", "ipistorm", "matplotlib", "np", "os", "pd", "plt", "saver",
           "value_scale", "figure_labels"]


def _ticks(axis):
    """"words" when the axis' tick labels name things (strategies, kernels),
    "numbers" when they are values, "none" when it shows none (a shared axis)."""
    texts = [t.get_text() for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
    if not texts:
        return "none"
    return "numbers" if all(_numeric(t) for t in texts) else "words"


def _numeric(text):
    t = text.replace("\u2212", "-").replace("$", "").replace("\\mathdefault", "")
    t = t.replace("{", "").replace("}", "").replace("^", "e").replace(",", "").strip()
    t = t.rstrip("%kMG")
    try:
        float(t)
        return True
    except ValueError:
        return False


def _drawn(line):
    """A line's points as drawn, in pixels, with its step style applied."""
    path = line._get_transformed_path().get_fully_transformed_path()
    xy = np.asarray(path.vertices, dtype=float)
    return xy[np.isfinite(xy).all(axis=1)]


def _under(a, b, px=1.5):
    """Whether line a lies within px pixels of line b wherever a is drawn (so
    that b, drawn later, covers it)."""
    pa, pb = _drawn(a), _drawn(b)
    if len(pa) == 0 or len(pb) == 0:
        return False
    if len(pa) == len(pb) and np.allclose(pa, pb, atol=px):
        return True
    if b.get_linestyle() in ("None", "", " ") or b.get_linewidth() == 0:
        return False  # markers only: they cover a line nowhere between them
    # Curves over an increasing x (CDFs, time series): compare at a's points.
    xb = pb[:, 0]
    if len(pb) > 1 and np.all(np.diff(xb) >= 0):
        inside = (pa[:, 0] >= xb[0]) & (pa[:, 0] <= xb[-1])
        if inside.mean() < 0.95:
            return False
        # Where b has a vertical step, it covers every y between its ends.
        at = np.interp(pa[inside, 0], xb, pb[:, 1])
        left = np.searchsorted(xb, pa[inside, 0], side="left")
        right = np.searchsorted(xb, pa[inside, 0], side="right") - 1
        ys = pa[inside, 1]
        ymin = np.minimum(pb[np.clip(left, 0, len(pb) - 1), 1], pb[np.clip(right, 0, len(pb) - 1), 1])
        ymax = np.maximum(pb[np.clip(left, 0, len(pb) - 1), 1], pb[np.clip(right, 0, len(pb) - 1), 1])
        near = (np.abs(ys - at) <= px) | ((ys >= ymin - px) & (ys <= ymax + px))
        return bool(near.all())
    return False


def _covers(b, a, order):
    """Whether line b, where it runs over line a, hides it: drawn above it
    (higher zorder, or the same and later), solid, and at least as wide. A
    thinner or dashed line on top leaves the one below showing."""
    above = (b.get_zorder(), order[b]) > (a.get_zorder(), order[a])
    solid = b.get_linestyle() in ("-", "solid")
    return above and solid and b.get_linewidth() >= a.get_linewidth() - 0.01


def _hidden_entries(ax):
    """Legend entries whose line lies under another, within 1.5 pixels
    wherever it is drawn: the reader sees one curve for several entries."""
    lines = [h for h in ax.get_legend_handles_labels()[0]
             if isinstance(h, matplotlib.lines.Line2D) and h.get_visible()]
    order = {line: k for k, line in enumerate(ax.lines)}
    for line in lines:
        order.setdefault(line, len(order))
    return [a.get_label() for a in lines
            if any(b is not a and _covers(b, a, order) and _under(a, b) for b in lines)]


def _covered_texts(fig, legend, renderer):
    """The axis labels, titles and tick labels of the figure a legend's box
    covers."""
    box = legend.get_window_extent(renderer)
    covered = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts = [ax.xaxis.label, ax.yaxis.label, ax.title]
        texts += [t for t in ax.get_xticklabels() + ax.get_yticklabels()]
        for t in texts:
            if t.get_visible() and t.get_text() and t is not legend.get_title():
                if box.overlaps(t.get_window_extent(renderer)):
                    covered.append(t.get_text())
    return covered


def _cut_whiskers(ax):
    """Error bars that end beyond the axis limits, or exactly at a limit other
    than 0 (an interval clipped to the axis): an interval cut off."""
    cut = 0
    for c in ax.containers:
        if not isinstance(c, matplotlib.container.ErrorbarContainer):
            continue
        for coll in c.lines[2]:
            for seg in coll.get_segments():
                seg = np.asarray(seg, dtype=float)
                for k, lim in ((0, ax.get_xlim()), (1, ax.get_ylim())):
                    lo, hi = min(lim), max(lim)
                    span = hi - lo
                    ends = seg[:, k]
                    tol = 1e-9 * span
                    beyond = ends.min() < lo - tol or ends.max() > hi + tol
                    at = any(lim != 0 and np.isclose(ends, lim, rtol=0, atol=tol).any()
                             for lim in (lo, hi))
                    if np.ptp(ends) > 0 and (beyond or at):
                        cut += 1
    return cut


def figure_labels(fig):
    """The labels a reader sees: suptitle, and per visible panel with data its
    title, x and y labels and what each axis' ticks show; besides, what would
    mislead: legend entries hidden under another curve, a legend covering a
    label, error bars cut at the axis."""
    fig.canvas.draw()  # tick labels exist only once drawn
    renderer = fig.canvas.get_renderer()
    panels = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        if not (ax.lines or ax.patches or ax.collections or ax.images):
            continue  # colour bars, empty panels
        legend = ax.get_legend()
        panels.append({"title": ax.get_title(), "xlabel": ax.get_xlabel(),
                       "ylabel": ax.get_ylabel(), "xticks": _ticks(ax.xaxis),
                       "yticks": _ticks(ax.yaxis), "legend": legend is not None,
                       "hidden_legend_entries": _hidden_entries(ax) if legend else [],
                       "legend_covers": _covered_texts(fig, legend, renderer) if legend else [],
                       "cut_whiskers": _cut_whiskers(ax)})
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    covers = [t for leg in fig.legends for t in _covered_texts(fig, leg, renderer)]
    return {"suptitle": sup, "panels": panels, "figure_legend": bool(fig.legends),
            "figure_legend_covers": covers,
            "titles": [ax.get_title() for ax in fig.axes if ax.get_title()]}


def saver(notebook):
    def save(fig, name):
        """Write FIGURES/<notebook>-<name>.png with its labels in the metadata."""
        path = FIGURES / f"{notebook}-{name}.png"
        labels = json.dumps(figure_labels(fig), sort_keys=True)
        fig.savefig(path, bbox_inches="tight",
                    metadata={"Software": None, "ipistorm-labels": labels})
        plt.close(fig)
        print("wrote", path)
    return save


def _short(x, _pos=None):
    """Plain tick labels on a log axis: 300, 3k, 50M (no powers of ten)."""
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


def value_scale(ax, values, axis="y"):
    """Linear when the values span less than 10x (or include 0), log with
    plain-number tick labels otherwise (minor ticks labelled too, at 2 and 5,
    when the span is under 100x, so a log axis never shows a single label)."""
    v = np.asarray([x for x in np.ravel(values) if np.isfinite(x)], dtype=float)
    if len(v) == 0 or v.min() <= 0 or v.max() / v.min() < 10:
        return "linear"
    getattr(ax, f"set_{axis}scale")("log")
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(matplotlib.ticker.FuncFormatter(_short))
    if v.max() / v.min() < 100:
        target.set_minor_formatter(matplotlib.ticker.FuncFormatter(
            lambda x, _: _short(x) if f"{x:.0e}"[0] in "25" else ""))
    else:
        target.set_minor_formatter(matplotlib.ticker.NullFormatter())
    return "log"
