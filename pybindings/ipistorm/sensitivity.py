"""sensitivity(): which unknown costs a figure depends on, as Sobol' indices.

The chosen costs' plausible ranges (ipistorm.params(): distribution,
range_low, range_high; a config's "ranges" replace them) become OpenTURNS
marginals (Uniform, LogUniform); OpenTURNS draws the Monte Carlo
pick-freeze design (SobolIndicesExperiment: n * (d + 2) points). The
indices are the estimators Saltelli et al. (2010) recommend for that
design, written here in a few lines of numpy (estimate()): first order
Saltelli 2010, total Jansen 1999, with percentile-bootstrap intervals over
the n base rows (bootstrap_intervals()). OpenTURNS 1.20's own
SaltelliSensitivityAlgorithm is not used: its estimators give a cost that
changes nothing intervals as wide as the top cost's (about [-0.4, 0.56] at
n = 32 over the 44 costs), and OpenTURNS' intervals are quantiles of a
kernel smoothing of the bootstrap, 1.1 to 1.7 times wider than the same
resamples' percentiles, the more so the more inputs (measured at d = 3,
10 and 40 on Ishigami).
The Ishigami and linear-model tests check the estimators and their
intervals' coverage against the known indices.

The model is the C++ study (the same runs as `reproduce`, queue_work_us
re-fitted per point unless refit=False), evaluated on local threads or,
with client=, on a Dask cluster. Several figures of one scenario share one
design and one set of runs (figure=[...]). By default every cost with a
plausible range is varied.

Morris screening is not available: Debian's OpenTURNS (1.20) does not ship
it (it is the separate otmorris module, not packaged). screening() ranks
the costs by OpenTURNS' CorrelationAnalysis (Spearman) over the samples of
an existing `reproduce --uncertainty` CSV, at no model run, for a quick
look or to keep a study small (--screen); the committed studies vary every
cost.

    >>> ipistorm.sensitivity(figure="resched_ipis_peak_per_s", scenario="pvops", n=64)
"""

import contextlib
import math
import os
import signal
import threading
import warnings

import numpy as np
import pandas as pd

from . import _args, _ipistorm

# The bootstrap needs a few base points: below 4 its resamples are
# degenerate (every drawn point alike). Below USEFUL_N the intervals are
# rough (wider than the indices' range and skewed): a warning says so.
MIN_N = 4
USEFUL_N = 16
MAX_N = 1 << 20
DEFAULT_N = 32
DEFAULT_BOOTSTRAP = 1000
# Rough CPU cost of one evaluation of the pvops scenario (one run; with
# queue_work_us re-fitted, the fit's runs too), per core, measured on the
# 2-vCPU machine of results/sim/sensitivity-*.json: 0.33 s with the costs
# fixed, 1.2 s re-fitted.
SECONDS_PER_EVALUATION = {False: 0.33, True: 1.2}

COLUMNS = ["parameter", "first_order", "first_order_low", "first_order_high",
           "total", "total_low", "total_high", "no_effect"]


_OT = []


def _ot():
    if _OT:
        return _OT[0]
    try:
        with _ot_section():
            import openturns as ot
            # Importing OpenTURNS installs its own C handler for SIGINT, which
            # ends the process (OT::InterruptionException, std::terminate) at
            # the next Ctrl-C, even in plain Python code. Python's handler is
            # put back, so that Ctrl-C is a KeyboardInterrupt again.
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.getsignal(signal.SIGINT))
    except ImportError as e:  # pragma: no cover - setup.sh installs it
        raise RuntimeError("ipistorm.sensitivity needs OpenTURNS (Debian python3-openturns, "
                           "scripts/setup.sh)") from e
    _OT.append(ot)
    return ot


@contextlib.contextmanager
def _ot_section():
    """While OpenTURNS computes, a signal only is noted: OpenTURNS checks
    Python's signals from its worker threads and turns a raised
    KeyboardInterrupt into an OT::InterruptionException there, which ends
    the process (std::terminate). The interrupt is raised once it returns."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got, old = [], {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        h = signal.getsignal(sig)
        if callable(h):
            old[sig] = signal.signal(sig, lambda s, f: got.append(s))
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)
    if got:
        raise KeyboardInterrupt


def marginal(distribution, low, high):
    """An OpenTURNS marginal for a plausible range."""
    ot = _ot()
    if distribution == "uniform":
        with _ot_section():
            return ot.Uniform(float(low), float(high))
    if distribution == "log-uniform":
        with _ot_section():
            return ot.LogUniform(float(np.log(low)), float(np.log(high)))
    raise ValueError(f"unknown distribution '{distribution}' (accepted: uniform, log-uniform)")


def sobol_indices(names, marginals, function, n, *, seed=1, bootstrap=DEFAULT_BOOTSTRAP,
                  confidence=0.95, outputs=None):
    """First-order and total Sobol' indices of `function` (rows of an
    (N, d) array -> N values, or an (N, k) array for k `outputs`) over
    independent `marginals`, with `confidence` percentile-bootstrap
    intervals. The design is OpenTURNS' SobolIndicesExperiment (Monte
    Carlo pick-freeze: base samples A and B of n rows, then for each input
    i the matrix A with column i taken from B; n * (d + 2) points). The
    estimators are the ones Saltelli et al. (2010) recommend for that
    design (estimate()): first order Saltelli 2010 (Sobol' 2007), total
    Jansen (1999). The intervals resample the n base rows `bootstrap`
    times (numpy, seeded by `seed`). A DataFrame, one row per input (and
    output: an "output" column first when `outputs` is given), ranked by
    total index.

    n is at least MIN_N (4) and d at least 2 (with one input both indices
    are 1 by definition); below USEFUL_N (16) a RuntimeWarning says the
    intervals are rough. An input that changed no value at any of the n
    points (f(A with column i from B) == f(A), exactly) has both indices
    0 with the interval [0, 0] and no_effect True. A figure that is the
    same at every point has no indices (NaN, with a warning)."""
    ot = _ot()
    n = _args.check_int("n", n, MIN_N, MAX_N)
    seed = _args.check_int("seed", seed, 0, (1 << 64) - 1)
    bootstrap = _args.check_int("bootstrap", bootstrap, 10, 100000)
    confidence = _args.check_real("confidence", confidence, 0, 1, open_lo=True)
    if confidence >= 1:
        raise ValueError(f"confidence must be a number in (0, 1), got {confidence!r}")
    names, marginals = list(names), list(marginals)
    if len(names) != len(marginals) or not names:
        raise ValueError("names and marginals must be non-empty and of the same length")
    if len(names) < 2:
        raise ValueError(f"one parameter ('{names[0]}') has Sobol' indices of 1 by definition "
                         "(it carries all the variance): give two or more")
    twice = sorted({x for x in names if names.count(x) > 1})
    if twice:
        raise ValueError(f"parameter '{twice[0]}' is given twice; give each once")
    with _ot_section():
        # OpenTURNS' seed is an unsigned 64-bit integer, as the CLI's --seed.
        ot.RandomGenerator.SetSeed(seed)
        dist = ot.ComposedDistribution(list(marginals))
        x = ot.SobolIndicesExperiment(dist, n).generate()
        xa, size = np.asarray(x), int(x.getSize())
    y = np.asarray(function(xa), dtype=float)
    y = y.reshape(y.shape[0], -1) if y.ndim else y.reshape(1, 1)
    k = 1 if outputs is None else len(outputs)
    if y.shape != (size, k) or not np.isfinite(y).all():
        raise ValueError(f"the function must return {k} finite value(s) per row")
    d = len(names)
    frames, notes = [], []
    for o in range(k):
        est = estimate(y[:, o], n, d)
        # Each output's bootstrap draws the same resamples (one seed).
        low1, high1, lowt, hight = bootstrap_intervals(y[:, o], n, d, bootstrap, confidence,
                                                       seed)
        if not np.isfinite(est["variance"]) or est["variance"] == 0:
            who = "the function" if outputs is None else f"'{outputs[o]}'"
            notes.append(f"{who} has the same value at every point: its Sobol' indices are "
                         "undefined (NaN)")
        df = pd.DataFrame({
            "parameter": names,
            "first_order": est["first_order"], "first_order_low": low1,
            "first_order_high": high1,
            "total": est["total"], "total_low": lowt, "total_high": hight,
            "no_effect": est["no_effect"]}, columns=COLUMNS)
        df = df.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
        if outputs is not None:
            df.insert(0, "output", outputs[o])
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    if n < USEFUL_N:
        notes.insert(0, f"n={n} is below {USEFUL_N}: the bootstrap intervals are rough (wide "
                     f"and skewed); use n >= {USEFUL_N} for indices to rank costs by")
    notes += _interval_notes(df, n)
    for note in notes:
        warnings.warn(note, RuntimeWarning, stacklevel=2)
    df.attrs.update({"n": n, "evaluations": size, "seed": int(seed),
                     "confidence": float(confidence), "bootstrap": int(bootstrap),
                     "sampling": SAMPLING,
                     "estimator": ESTIMATOR,
                     "warnings": notes})
    df.attrs["design"] = pd.DataFrame(xa, columns=list(names))
    df.attrs["values"] = y
    return df


SAMPLING = ("OpenTURNS SobolIndicesExperiment: Monte Carlo pick-freeze, A and B of n rows "
            "and A with column i from B for each of the d inputs, n * (d + 2) points")
ESTIMATOR = ("first order: Saltelli et al. 2010 (mean of f(B) * (f(A_B^i) - f(A))); total: "
             "Jansen 1999 (half the mean of (f(A) - f(A_B^i))^2); both over the variance of "
             "f on A and B; percentile bootstrap intervals over the n base rows")


def _split(y, n, d):
    """The pick-freeze blocks of one output: f(A), f(B) (n each) and
    f(A_B^i) as an (n, d) array (SobolIndicesExperiment's order: A, B,
    then A with column i from B for i = 1..d)."""
    y = np.asarray(y, dtype=float)
    if y.shape != (n * (d + 2),):
        raise ValueError(f"{y.shape[0]} values for a design of n={n}, d={d} "
                         f"({n * (d + 2)} points)")
    return y[:n], y[n:2 * n], y[2 * n:].reshape(d, n).T


def _indices(ya, yb, ye):
    """First-order and total indices on the last axis but one: ya, yb of
    shape (..., n), ye (..., n, d). Returns (first, total, variance)."""
    ab = np.concatenate([ya, yb], axis=-1)
    v = ab.var(axis=-1, ddof=1)
    m = ab.mean(axis=-1)
    diff = ye - ya[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.mean((yb - m[..., None])[..., None] * diff, axis=-2) / v[..., None]
        total = 0.5 * np.mean(diff ** 2, axis=-2) / v[..., None]
    return first, total, v


def estimate(y, n, d):
    """The point estimates from the n * (d + 2) values of one output, in
    the design's order: {"first_order", "total" (arrays of d), "variance",
    "no_effect" (input i changed no value)}.

    First order (Saltelli et al. 2010, their Table 2 (b); Sobol' 2007):
      S_i = mean(f(B) (f(A_B^i) - f(A))) / V, f(B) centred,
    total (Jansen 1999):
      ST_i = mean((f(A) - f(A_B^i))^2) / (2 V),
    V the variance of f over the 2n points of A and B. Both vanish exactly
    for an input that changes no value; the first-order one's error shrinks
    with the input's total effect, so small indices come out small."""
    ya, yb, ye = _split(y, n, d)
    first, total, v = _indices(ya, yb, ye)
    return {"first_order": first, "total": total, "variance": float(v),
            "no_effect": np.all(ye == ya[:, None], axis=0)}


def bootstrap_intervals(y, n, d, size, confidence, seed, block=64):
    """Percentile bootstrap intervals of estimate()'s indices: `size`
    resamples of the n base rows (each row with its f(A), f(B) and its d
    f(A_B^i) values), numpy's PCG64 seeded by `seed`. Returns (first_low,
    first_high, total_low, total_high), arrays of d; NaN where every
    resample was degenerate."""
    ya, yb, ye = _split(y, n, d)
    rng = np.random.Generator(np.random.PCG64(seed))
    f1, ft = [], []
    for start in range(0, size, block):
        idx = rng.integers(0, n, size=(min(block, size - start), n))
        a, t, _ = _indices(ya[idx], yb[idx], ye[idx])
        f1.append(a)
        ft.append(t)
    f1, ft = np.concatenate(f1), np.concatenate(ft)
    q = [50 * (1 - confidence), 50 * (1 + confidence)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: NaN bounds
        l1, h1 = np.nanpercentile(f1, q, axis=0)
        lt, ht = np.nanpercentile(ft, q, axis=0)
    return l1, h1, lt, ht


def _interval_notes(df, n):
    """Bounds the bootstrap could not give become NaN; each interval that
    does not contain its estimate is named. Returns the notes (one line each)."""
    notes = []
    for kind in ("first_order", "total"):
        for side in ("low", "high"):
            col = f"{kind}_{side}"
            bad = ~np.isfinite(df[col]) | (df[col].abs() > 1e300)
            if bad.any():
                df.loc[bad, col] = math.nan
                notes.append(f"{kind} interval of {', '.join(df.parameter[bad])}: the bootstrap "
                             f"gave no finite bound at n={n} (a degenerate resample); raise n")
        est, lo, hi = df[kind], df[f"{kind}_low"], df[f"{kind}_high"]
        out = (est < lo) | (est > hi)
        for r in df[out].itertuples():
            who = r.parameter + (f" ({r.output})" if "output" in df.columns else "")
            notes.append(f"the {kind.replace('_', '-')} interval of {who} "
                         f"[{getattr(r, kind + '_low'):.3g}, {getattr(r, kind + '_high'):.3g}] "
                         f"does not contain its estimate {getattr(r, kind):.3g}: at n={n} the "
                         "estimator is biased and the bootstrap's percentile interval is not "
                         "centred on it; raise n")
    return notes


def screening(samples, figures, scenario="pvops"):
    """Rank the sampled costs by how strongly each figure of `scenario`
    follows them over the samples of a `reproduce --uncertainty` run
    (`samples`: its --csv file or that CSV as a DataFrame): the Spearman
    rank correlation by OpenTURNS' CorrelationAnalysis, no model run.
    Where the figure is the re-fit's own target (the pvops boot time) and
    the samples were re-fitted (the CSV has the fitted cost's column), the
    boot is pinned at 42 s in every sample and the fitted value stands in
    for it: the re-fit absorbs exactly the boot time's deviation. That
    depends on how the samples were made, not on whether the Sobol' study
    that uses the ranking re-fits.

    A DataFrame (figure, parameter, spearman, abs_spearman), ranked by
    |spearman| per figure. With 64 samples, |rho| below ~0.25 is noise."""
    ot = _ot()
    df = samples if isinstance(samples, pd.DataFrame) else read_samples(samples)
    figures = [figures] if isinstance(figures, str) else list(figures)
    for f in figures:
        _args.check_str("figure", f)
    scenario = _args.check_str("scenario", scenario)
    fitted = "queue_work_us"
    cols = list(df.columns)
    if "sample" not in cols or "all_within" not in cols:
        raise ValueError("screening needs the --csv of 'ipistorm reproduce --uncertainty'")
    params = [c for c in cols[1:] if "/" not in c
              and c not in (fitted, "fit_converged", "all_within")]
    _finite_columns(df, params, "screening samples")
    x = ot.Sample(df[params].to_numpy(dtype=float))
    out = []
    for f in figures:
        col = f"{scenario}/{f}"
        if col not in cols:
            raise ValueError(f"no column '{col}' in the samples (figures: "
                             + ", ".join(c for c in cols if "/" in c) + ")")
        if fitted in cols and (scenario, f) == ("pvops", "boot_time_s"):
            col = fitted  # the boot is pinned by the re-fit; the fitted value moves instead
        _finite_columns(df, [col], "screening samples")
        with _ot_section():
            rho = np.asarray(ot.CorrelationAnalysis(
                x, ot.Sample(df[[col]].to_numpy(dtype=float))).computeSpearmanCorrelation())
        r = pd.DataFrame({"figure": f, "parameter": params, "spearman": rho,
                          "abs_spearman": np.abs(rho)})
        out.append(r.sort_values("abs_spearman", ascending=False, kind="stable"))
    res = pd.concat(out, ignore_index=True)
    res.attrs.update({"samples": len(df), "method": "OpenTURNS CorrelationAnalysis "
                      "(Spearman) over the reproduce --uncertainty samples"})
    return res


def _finite_columns(df, columns, what):
    """Every value of these columns a finite number (the number grammar: no
    empty field, no NaN or infinity, no text): ValueError naming the column."""
    for c in columns:
        try:
            v = pd.to_numeric(df[c], errors="raise").to_numpy(dtype=float)
        except (ValueError, TypeError):
            raise ValueError(f"{what}: column '{c}' holds a value that is not a number") from None
        if not np.isfinite(v).all():
            row = int(np.flatnonzero(~np.isfinite(v))[0])
            raise ValueError(f"{what}: column '{c}' row {row + 1} is empty or not a finite "
                             "number")


def read_samples(path):
    """A `reproduce --uncertainty --csv` file through the CLI's checked
    reader (regular file, 64 MiB: a FIFO, device or directory is refused),
    every field read as text and checked as the CLI's number grammar takes
    it (decimal only; no empty field, NaN or infinity), one header per
    column (a repeated column is refused, not renamed)."""
    import csv
    import io
    path = os.fspath(path)
    raw = _ipistorm._read_text_file(path, "--screen file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"--screen file '{path}' is not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0]:
        raise ValueError(f"--screen file '{path}' is empty")
    header = rows[0]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ValueError(f"--screen file '{path}' has the column '{twice[0]}' twice")
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            raise ValueError(f"--screen file '{path}' line {i} has {len(r)} fields, the header "
                             f"{len(header)}")
    data = {}
    for j, h in enumerate(header):
        col = [r[j] for r in rows[1:]]
        if h in ("fit_converged", "all_within"):
            bad = next((v for v in col if v not in ("true", "false", "True", "False", "1", "0")),
                       None)
            if bad is not None:
                raise ValueError(f"--screen file '{path}' column '{h}': '{bad}' is not true "
                                 "or false")
            data[h] = [v in ("true", "True", "1") for v in col]
        else:
            data[h] = [_args.parse_real_text(f"--screen file '{path}' column '{h}'", v)
                       for v in col]
    return pd.DataFrame(data, columns=header)


def _evaluate_chunk(base, scenario, figures, names, rows, refit):
    """One Dask task: the C++ model on a block of rows (one thread)."""
    from . import _ipistorm as ext  # the worker's own import of the package
    return ext._evaluate(base, scenario, list(figures), list(names),
                         [list(map(float, r)) for r in rows], bool(refit), 1)


_KEYWORDS = ("figure", "scenario", "n", "parameters", "refit", "seed", "jobs", "client", "chunk",
             "bootstrap", "confidence", "config", "progress")


def check_parameters(parameters, varied, flag="parameter"):
    """Each name once, and each one with a plausible range to vary (a typo
    gets the closest such name): ValueError otherwise."""
    import difflib
    seen = set()
    for p in parameters:
        if p in seen:
            raise ValueError(f"{flag} '{p}' is given twice; give each once")
        seen.add(p)
        if p not in varied:
            close = difflib.get_close_matches(p, varied, n=1)
            if close:
                hint = f" (did you mean '{close[0]}'?)"
            elif p in _args.param_names():
                hint = (" (a fixed cost; those with a range: "
                        + ", ".join(varied[:6]) + ", ...)")
            else:
                hint = " (those with a range: " + ", ".join(varied[:6]) + ", ...)"
            raise ValueError(f"parameter '{p}' has no plausible range to vary{hint}")


def sensitivity(figure="boot_time_s", scenario="pvops", n=32, *, parameters=None, refit=None,
                seed=1, jobs=None, client=None, chunk=8, bootstrap=DEFAULT_BOOTSTRAP,
                confidence=0.95, config=None, progress=None, **overrides):
    """Sobol' indices of reproduce figures over the chosen costs.

    figure, scenario: a figure of a `reproduce` scenario (e.g.
      "boot_time_s"/"pvops", "resched_ipis_peak_per_s"/"pvops",
      "dom0_util_peak_pct"/"pvops"), or a list of figures of the scenario:
      one design and one run per point give them all; unknown names raise
      ValueError.
    n: the base sample size; the model runs n * (d + 2) times (d = number of
      parameters), each with a re-fit of queue_work_us when refit.
    parameters: names to vary (default: every parameter with a range).
    refit: re-fit queue_work_us per point (default True, except for the fit's
      own target, the pvops boot time, which a re-fit pins to 42 s: its
      indices are then those of the boot time before calibration).
    client: a dask.distributed Client; the design is cut into blocks of
      `chunk` rows, one task each. Without it, `jobs` local threads.
    Keywords and config= set the base as in reproduce() (config "ranges"
    replace the table's).
    progress: None, or a function (done, total) called as evaluations end.

    bootstrap, confidence: the intervals' resamples and level (see
      sobol_indices()).

    Returns a DataFrame (parameter, first_order, first_order_low/high, total,
    total_low/high, no_effect), ranked by total index, with a "figure" column first
    when `figure` is a list; attrs hold n, evaluations, seed, and the design
    and its values ("design", "values").
    """
    _args.check_param_names(overrides, keywords=_KEYWORDS)
    base = _args.config_dict(config, overrides)
    names_ok = [tuple(p) for p in _ipistorm._figure_names(base)]
    scenario = _args.check_str("scenario", scenario)
    several = not isinstance(figure, str)
    figures = list(figure) if several else [figure]
    if not figures:
        raise ValueError("figure: give at least one")
    if scenario not in {s for s, _ in names_ok}:
        raise ValueError(f"unknown scenario '{scenario}' (accepted: "
                         + ", ".join(dict.fromkeys(s for s, _ in names_ok)) + ")")
    for f in figures:
        f = _args.check_str("figure", f)
        if (scenario, f) not in names_ok:
            raise ValueError(f"unknown figure '{f}' for {scenario} (accepted: "
                             + ", ".join(g for s, g in names_ok if s == scenario) + ")")
    if len(set(figures)) != len(figures):
        raise ValueError("figure: a figure is listed twice")
    if refit is None:
        refit = not (scenario == "pvops" and "boot_time_s" in figures)
    refit = _args.check_bool("refit", refit)
    n = _args.check_int("n", n, MIN_N, MAX_N)
    seed = _args.check_int("seed", seed, 0, (1 << 64) - 1)
    chunk = _args.check_int("chunk", chunk, 1, 1 << 20)
    if client is None:
        jobs = _args.check_jobs(jobs)
    elif jobs is not None:
        raise ValueError("jobs is for local runs; with client= the cluster's workers "
                         "decide how many evaluations run at once")
    elif not hasattr(client, "map") or not hasattr(client, "gather"):
        raise TypeError(f"client must be a dask.distributed.Client, got {type(client).__name__}")
    dims = _ipistorm._dimensions(base, refit)
    if parameters is not None:
        if isinstance(parameters, str):
            raise TypeError(f"parameters must be a list of names, got str {parameters!r}")
        parameters = [_args.check_str("parameters", p) for p in parameters]
        check_parameters(parameters, [d["name"] for d in dims])
        known = {d["name"]: d for d in dims}
        dims = [known[p] for p in parameters]
    names = [d["name"] for d in dims]
    marginals = [marginal(d["distribution"], *d["range"]) for d in dims]

    def model(x):
        rows = [list(map(float, r)) for r in x]
        if client is None:
            out = []
            # Blocks of rows, so that a progress bar can move and Ctrl-C is
            # seen between them; each row's figures do not depend on its block.
            # Blocks of 16 rows per thread: the threads wait for the slowest
            # row of each block only once per 16.
            step = max(1, len(rows) if progress is None else 16 * jobs)
            for i in range(0, len(rows), step):
                out += _ipistorm._evaluate(base, scenario, figures, names, rows[i:i + step],
                                           refit, jobs)
                if progress is not None:
                    progress(len(out), len(rows))
            return out
        blocks = [rows[i:i + chunk] for i in range(0, len(rows), chunk)]
        futures = client.map(_evaluate_chunk, [base] * len(blocks), [scenario] * len(blocks),
                             [figures] * len(blocks), [names] * len(blocks), blocks,
                             [refit] * len(blocks), pure=False)
        return [v for block in client.gather(futures) for v in block]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = sobol_indices(names, marginals, model, n, seed=seed, bootstrap=bootstrap,
                           confidence=confidence, outputs=figures if several else None)
    for w in caught:  # said where sensitivity() was called
        warnings.warn(w.message, w.category, stacklevel=2)
    if several:
        df = df.rename(columns={"output": "figure"})
    df.attrs.update({"figure": figures if several else figure, "scenario": scenario,
                     "refit": bool(refit),
                     "dimensions": [{k: d[k] for k in ("name", "distribution", "range",
                                                       "range_source")} for d in dims]})
    return df


def _progress_bar(stream):
    """A one-line progress bar with an ETA, redrawn in place (a terminal only)."""
    import time
    t0 = time.monotonic()

    def show(done, total):
        el = time.monotonic() - t0
        eta = el / done * (total - done) if done else 0
        width = 30
        fill = int(width * done / max(total, 1))
        stream.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} evaluations, "
                     f"{el:.0f} s, ETA {eta:.0f} s ")
        if done >= total:
            stream.write("\r" + " " * (width + 60) + "\r")
        stream.flush()
    return show


def _help_epilog():
    """The default design's size and rough cost, from the parameter table."""
    try:
        d_fixed = len(_ipistorm._dimensions({}, False))
        d_refit = len(_ipistorm._dimensions({}, True))
    except Exception:  # pragma: no cover - the table always loads
        return ""
    n = DEFAULT_N
    runs = n * (d_refit + 2)
    cost = runs * SECONDS_PER_EVALUATION[True] / 60
    other = "" if d_fixed == d_refit else f"; {d_fixed} with --no-refit"
    return (f"Cost: the model runs n * (d + 2) times, d the costs varied. The default, n={n} "
            f"over every cost with a range (d={d_refit}{other}), is {runs} evaluations, each "
            "a `reproduce` of the scenario "
            f"(roughly {SECONDS_PER_EVALUATION[False]:g} s per core with the costs fixed, "
            f"{SECONDS_PER_EVALUATION[True]:g} s re-fitted): about {cost:.0f} core-minutes. "
            f"--screen or --parameter keep d small. n must be at least {MIN_N}; below "
            f"{USEFUL_N} the intervals are rough (a warning says so). "
            "Exit status: 0 ran and wrote what was asked; 2 bad input (one line on stderr, "
            "nothing written); 130 interrupted (nothing written).")


def _cpu_seconds():
    """CPU time of this process and its threads (user + system)."""
    import resource
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _load_average():
    """The 1-minute load average (None where the system has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - Linux has it
        return None


def _star(low, high):
    """An index lies in [0, 1]: only an interval above 0 says the cost
    matters (one below 0 is the estimator's noise at a small index)."""
    return "*" if low > 0 else " "


def _clear(part, kind):
    return int((part[kind + "_low"] > 0).sum())


def _wrap(text, width=100):
    import textwrap
    return "\n".join(textwrap.wrap(text, width, subsequent_indent="  "))


def main(argv=None):
    """`ipistorm sensitivity` (the CLI runs this module): the ranked table,
    --json FILE (indices, command, seed, n, provenance) and --csv FILE (the
    design, one row per model evaluation) for tools. Bad input: one line on
    stderr, exit 2, nothing written; Ctrl-C (or SIGTERM, SIGHUP): one line,
    exit 130, nothing written. Numbers follow the CLI's grammar (decimal
    only), files go through the CLI's checked readers (sim/io)."""
    import argparse
    import errno
    import json
    import signal
    import sys
    import time

    def number(flag, lo, hi):
        def parse(text):
            try:
                return _args.parse_int_text(flag, text, lo, hi)
            except ValueError as e:  # argparse would hide the text of a ValueError
                raise argparse.ArgumentTypeError(str(e)) from None
        return parse

    ap = argparse.ArgumentParser(
        prog="ipistorm sensitivity", allow_abbrev=False,
        description="Sobol' indices (OpenTURNS) of reproduce figures over the chosen costs' "
                    "plausible ranges. Morris screening is not offered: Debian's OpenTURNS "
                    "1.20 lacks it (the separate otmorris module is not packaged); --screen "
                    "ranks the costs by Spearman correlation over an existing reproduce "
                    "--uncertainty CSV instead, at no model run.",
        epilog=_help_epilog())
    ap.add_argument("--figure", action="append",
                    help="a figure of the scenario (repeatable: one design serves all; "
                         "default boot_time_s)")
    ap.add_argument("--scenario", default="pvops")
    ap.add_argument("--config", help="JSON config file, as for the other commands ('params', "
                                     "'ranges', topology, seed of the runs)")
    ap.add_argument("-n", type=number("-n", MIN_N, MAX_N), default=DEFAULT_N,
                    help=f"base sample size (default {DEFAULT_N}; the model runs n * (d + 2) "
                         f"times, d the costs varied; at least {MIN_N}, {USEFUL_N} or more "
                         "for usable intervals)")
    ap.add_argument("--parameter", action="append", help="vary only these (repeatable)")
    ap.add_argument("--screen", metavar="CSV",
                    help="vary only the --top costs each figure follows most closely over the "
                         "samples of this 'reproduce --uncertainty --csv' file (Spearman)")
    ap.add_argument("--top", type=number("--top", 2, 1000), default=None,
                    help="with --screen: costs kept per figure (default 6)")
    ap.add_argument("--no-refit", action="store_true", help="keep queue_work_us fixed")
    ap.add_argument("--seed", type=number("--seed", 0, (1 << 64) - 1), default=1)
    ap.add_argument("--bootstrap", type=number("--bootstrap", 10, 100000),
                    default=DEFAULT_BOOTSTRAP,
                    help=f"bootstrap resamples for the 95 %% intervals (default "
                         f"{DEFAULT_BOOTSTRAP}; they cost no model run)")
    ap.add_argument("-j", "--jobs", type=number("-j", 0, 1024), default=None,
                    help="threads (default, or 0: every core)")
    ap.add_argument("--json", dest="json_file")
    ap.add_argument("--csv", dest="csv_file", help="the design and its values, one row per run")

    class Fail(Exception):
        pass

    class Interrupted(BaseException):
        pass

    def error(msg):
        raise Fail(msg)
    ap.error = error

    # A signal is noted, and acted on between blocks of evaluations (the
    # progress callback) or once OpenTURNS returns: raised inside a C++ call
    # it would surface as that call's error instead.
    pending = []

    def interrupted(signum, frame):
        pending.append(signum)
        raise KeyboardInterrupt

    def check_pending():
        if pending:
            raise Interrupted()
    old = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            old[sig] = signal.signal(sig, interrupted)
        except (ValueError, OSError):  # not the main thread: leave Python's own
            pass
    screen = None
    try:
        try:
            a = ap.parse_args(argv)
            figures = a.figure or ["boot_time_s"]
            for flag, value in (("--json", a.json_file), ("--csv", a.csv_file),
                                ("--config", a.config), ("--screen", a.screen)):
                if value == "":
                    raise ValueError(f"{flag} path is empty")
            if a.top is not None and not a.screen:
                raise ValueError("--top needs --screen (it keeps the top costs of the screening)")
            top = 6 if a.top is None else a.top
            if a.screen and a.parameter:
                raise ValueError("--screen chooses the parameters: give it or --parameter")
            # The CLI's checks (sim/io): a device, directory or FIFO, one file
            # twice, or an output that is one of the inputs, refused.
            _ipistorm._check_outputs(
                [(a.json_file or "", "--json"), (a.csv_file or "", "--csv")],
                [(p, w) for p, w in ((a.config, "config file"), (a.screen, "--screen file"))
                 if p])
            config = _args.read_json(a.config, "config file") if a.config else None
            if config is not None and not isinstance(config, dict):
                raise ValueError(f"config file '{a.config}' must hold a JSON object")
            refit = False if a.no_refit else None
            if refit is None:
                refit = not (a.scenario == "pvops" and "boot_time_s" in figures)
            parameters = a.parameter
            if a.screen:
                screen = screening(read_samples(a.screen), figures, a.scenario)
                keep = set()
                for f in figures:
                    keep.update(screen[screen.figure == f].parameter.head(top))
                order = list(screen.parameter.drop_duplicates())
                table = [d["name"] for d in _ipistorm._dimensions(
                    _args.config_dict(config, {}), bool(refit))]
                parameters = ([p for p in table if p in keep]
                              + sorted(keep - set(table), key=order.index))
            elif parameters is not None:
                table = [d["name"] for d in _ipistorm._dimensions(
                    _args.config_dict(config, {}), bool(refit))]
                check_parameters(parameters, table, "--parameter")
            # In blocks either way, so that Ctrl-C is seen within a block;
            # the bar only on a terminal.
            bar = _progress_bar(sys.stderr) if sys.stderr.isatty() else None

            def progress(done, total):
                check_pending()
                if bar is not None:
                    bar(done, total)
            t0, c0 = time.perf_counter(), _cpu_seconds()
            load0 = _load_average()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                df = sensitivity(figures if len(figures) > 1 else figures[0], a.scenario, a.n,
                                 parameters=parameters, refit=refit, seed=a.seed,
                                 jobs=a.jobs or None, config=config, progress=progress,
                                 bootstrap=a.bootstrap)
            check_pending()
            wall, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
            load1 = _load_average()
        except (Fail, ValueError, TypeError, OSError) as e:
            print(f"ipistorm: error: {_args.one_line(str(e))}", file=sys.stderr)
            return 2
        except RuntimeError:
            # A signal that came while the model ran can surface as the
            # call's (empty) RuntimeError: it is the interrupt.
            if not pending:
                raise
            raise Interrupted() from None
    except (Interrupted, KeyboardInterrupt):
        print("\nipistorm: interrupted; nothing written" if sys.stderr.isatty()
              else "ipistorm: interrupted; nothing written", file=sys.stderr)
        return 130
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    for w in caught:
        print(f"ipistorm: warning: {_args.one_line(str(w.message))}", file=sys.stderr)
    try:
        evals = df.attrs["evaluations"]
        print(f"ipistorm sensitivity: {', '.join(figures)} of {a.scenario}, n={df.attrs['n']}, "
              f"{len(df.attrs['design'].columns)} costs ({evals} model evaluations"
              f"{', each re-fitted' if df.attrs['refit'] else ''}), seed {a.seed}, "
              f"{int(100 * df.attrs['confidence'])} % bootstrap intervals")
        if screen is not None:
            print(f"costs screened from {a.screen} ({screen.attrs['samples']} samples, Spearman): "
                  f"the top {top} per figure")
        print(f"estimators: {ESTIMATOR} ({df.attrs['bootstrap']} resamples); "
              "* an interval above 0")
        for f in figures:
            part = df[df.figure == f] if "figure" in df.columns else df
            print(f"\n{f}\n{'parameter':32s} {'first order':>23s} {'total':>23s}")
            for r in part[~part.no_effect].itertuples():
                print(f"{r.parameter:32s} {r.first_order:7.3f} [{r.first_order_low:6.3f},"
                      f"{r.first_order_high:6.3f}]{_star(r.first_order_low, r.first_order_high)}"
                      f" {r.total:7.3f} [{r.total_low:6.3f},{r.total_high:6.3f}]"
                      f"{_star(r.total_low, r.total_high)}")
            idle = list(part[part.no_effect].parameter)
            if idle:
                print(_wrap(f"no effect (the figure unchanged at all {df.attrs['n']} points, "
                            f"both indices 0): {', '.join(idle)}"))
            lead = part[~part.no_effect].head(5)
            print(f"top {len(lead)} by total: first-order interval above 0 for "
                  f"{_clear(lead, 'first_order')} of {len(lead)}, total for "
                  f"{_clear(lead, 'total')} of {len(lead)}")
        print(f"\n{evals} evaluations in {wall:.1f} s ({evals / max(wall, 1e-9):.2f} /s), "
              f"{cpu:.0f} s of CPU, load average {load0} at the start, {load1} at the end")
        if "figure" not in df.columns:
            df.insert(0, "figure", figures[0])
        if a.csv_file:
            design = df.attrs["design"].copy()
            for k, f in enumerate(figures):
                design[f"{a.scenario}/{f}"] = df.attrs["values"][:, k]
            design.insert(0, "evaluation", range(len(design)))
            _ipistorm._write_file_atomic(
                a.csv_file, design.to_csv(index=False, float_format="%.17g"), "--csv")
        if a.json_file:
            attrs = {k: v for k, v in df.attrs.items() if k not in ("design", "values")}
            doc = {"command": "ipistorm sensitivity " + " ".join(argv if argv is not None
                                                                 else sys.argv[1:]),
                   "figures": figures, "scenario": a.scenario, "config": config, **attrs,
                   "parameters": list(df.attrs["design"].columns), "wall_s": round(wall, 1),
                   "cpu_s": round(cpu, 1),
                   "load_average": {"start": load0, "end": load1},
                   "evaluations_per_s": round(evals / max(wall, 1e-9), 3),
                   "indices": [{k: (None if isinstance(v, float) and math.isnan(v) else v)
                                for k, v in r.items()} for r in df.to_dict(orient="records")],
                   "provenance": _ipistorm.provenance()}
            if screen is not None:
                doc["screening"] = {"from": a.screen, "top": top, **screen.attrs,
                                    "spearman": {f: dict(zip(g.parameter, g.spearman))
                                                 for f, g in screen.groupby("figure", sort=False)}}
            _ipistorm._write_file_atomic(a.json_file, json.dumps(doc, indent=1), "--json")
        sys.stdout.flush()
    except (ValueError, OSError) as e:
        if isinstance(e, OSError) and not isinstance(e, FileNotFoundError) and e.errno in (
                errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO):
            print("ipistorm: error: cannot write standard output", file=sys.stderr)
            return 1
        print(f"ipistorm: error: {_args.one_line(str(e))}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
