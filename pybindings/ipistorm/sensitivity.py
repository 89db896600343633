"""sensitivity(): which unknown costs a figure depends on, as Sobol' indices.

The chosen costs' plausible ranges (ipistorm.params(): distribution,
range_low, range_high; a config's "ranges" replace them) become OpenTURNS
marginals (Uniform, LogUniform); OpenTURNS draws the pick-freeze design
(SobolIndicesExperiment) and estimates first-order and total indices with
bootstrap confidence intervals (SaltelliSensitivityAlgorithm). The model is
the C++ study (the same runs as `reproduce`, queue_work_us re-fitted per
point), evaluated on local threads or, with client=, on a Dask cluster.
No estimator is written here: sobol_indices() is OpenTURNS end to end, and
the Ishigami test goes through it as the model does. Several figures of one
scenario share one design and one set of runs (figure=[...]).

Morris screening is not available: Debian's OpenTURNS (1.20) does not ship
it (it is the separate otmorris module, not packaged), and it is not written
here by hand. screening() ranks the costs instead by OpenTURNS'
CorrelationAnalysis (Spearman) over the samples of an existing
`reproduce --uncertainty` CSV, at no model run, so that a Sobol' study can
be kept to the few costs that move a figure.

    >>> ipistorm.sensitivity(figure="resched_ipis_peak_per_s", scenario="pvops", n=64)
"""

import numpy as np
import pandas as pd

from . import _args, _ipistorm

COLUMNS = ["parameter", "first_order", "first_order_low", "first_order_high",
           "total", "total_low", "total_high"]


def _ot():
    try:
        import openturns as ot
    except ImportError as e:  # pragma: no cover - setup.sh installs it
        raise RuntimeError("ipistorm.sensitivity needs OpenTURNS (Debian python3-openturns, "
                           "scripts/setup.sh)") from e
    return ot


def marginal(distribution, low, high):
    """An OpenTURNS marginal for a plausible range."""
    ot = _ot()
    if distribution == "uniform":
        return ot.Uniform(float(low), float(high))
    if distribution == "log-uniform":
        return ot.LogUniform(float(np.log(low)), float(np.log(high)))
    raise ValueError(f"unknown distribution '{distribution}' (accepted: uniform, log-uniform)")


def sobol_indices(names, marginals, function, n, *, seed=1, bootstrap=100, confidence=0.95,
                  outputs=None):
    """First-order and total Sobol' indices of `function` (rows of an
    (N, d) array -> N values, or an (N, k) array for k `outputs`) over
    independent `marginals`, with `confidence` bootstrap intervals:
    OpenTURNS' SobolIndicesExperiment (n * (d + 2) points) and
    SaltelliSensitivityAlgorithm, one per output on the same design. A
    DataFrame, one row per input (and output: an "output" column first when
    `outputs` is given), ranked by total index."""
    ot = _ot()
    n = _args.check_int("n", n, 2, 1 << 20)
    if len(names) != len(marginals) or not names:
        raise ValueError("names and marginals must be non-empty and of the same length")
    ot.RandomGenerator.SetSeed(int(seed))
    dist = ot.ComposedDistribution(list(marginals))
    x = ot.SobolIndicesExperiment(dist, n).generate()
    state = ot.RandomGenerator.GetState()  # each output's bootstrap starts here
    y = np.asarray(function(np.asarray(x)), dtype=float)
    y = y.reshape(y.shape[0], -1) if y.ndim else y.reshape(1, 1)
    k = 1 if outputs is None else len(outputs)
    if y.shape != (x.getSize(), k) or not np.isfinite(y).all():
        raise RuntimeError(f"the function must return {k} finite value(s) per row")
    frames = []
    for o in range(k):
        ot.RandomGenerator.SetState(state)
        algo = ot.SaltelliSensitivityAlgorithm(x, ot.Sample(y[:, [o]]), n)
        algo.setBootstrapSize(int(bootstrap))
        algo.setConfidenceLevel(float(confidence))
        s1, st = algo.getFirstOrderIndices(), algo.getTotalOrderIndices()
        i1, it = algo.getFirstOrderIndicesInterval(), algo.getTotalOrderIndicesInterval()
        rows = [{
            "parameter": name,
            "first_order": s1[j], "first_order_low": i1.getLowerBound()[j],
            "first_order_high": i1.getUpperBound()[j],
            "total": st[j], "total_low": it.getLowerBound()[j],
            "total_high": it.getUpperBound()[j],
        } for j, name in enumerate(names)]
        df = pd.DataFrame(rows, columns=COLUMNS)
        df = df.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
        if outputs is not None:
            df.insert(0, "output", outputs[o])
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df.attrs.update({"n": n, "evaluations": int(x.getSize()), "seed": int(seed),
                     "confidence": float(confidence), "bootstrap": int(bootstrap),
                     "estimator": "OpenTURNS SaltelliSensitivityAlgorithm"})
    df.attrs["design"] = pd.DataFrame(np.asarray(x), columns=list(names))
    df.attrs["values"] = y
    return df


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
    df = samples if isinstance(samples, pd.DataFrame) else pd.read_csv(samples)
    figures = [figures] if isinstance(figures, str) else list(figures)
    fitted = "queue_work_us"
    cols = list(df.columns)
    if "sample" not in cols or "all_within" not in cols:
        raise ValueError("screening needs the --csv of 'ipistorm reproduce --uncertainty'")
    params = [c for c in cols[1:] if "/" not in c
              and c not in (fitted, "fit_converged", "all_within")]
    x = ot.Sample(df[params].to_numpy(dtype=float))
    out = []
    for f in figures:
        col = f"{scenario}/{f}"
        if col not in cols:
            raise ValueError(f"no column '{col}' in the samples (figures: "
                             + ", ".join(c for c in cols if "/" in c) + ")")
        if fitted in cols and (scenario, f) == ("pvops", "boot_time_s"):
            col = fitted  # the boot is pinned by the re-fit; the fitted value moves instead
        rho = np.asarray(ot.CorrelationAnalysis(
            x, ot.Sample(df[[col]].to_numpy(dtype=float))).computeSpearmanCorrelation())
        r = pd.DataFrame({"figure": f, "parameter": params, "spearman": rho,
                          "abs_spearman": np.abs(rho)})
        out.append(r.sort_values("abs_spearman", ascending=False, kind="stable"))
    res = pd.concat(out, ignore_index=True)
    res.attrs.update({"samples": len(df), "method": "OpenTURNS CorrelationAnalysis "
                      "(Spearman) over the reproduce --uncertainty samples"})
    return res


def _evaluate_chunk(base, scenario, figures, names, rows, refit):
    """One Dask task: the C++ model on a block of rows (one thread)."""
    from . import _ipistorm as ext  # the worker's own import of the package
    return ext._evaluate(base, scenario, list(figures), list(names),
                         [list(map(float, r)) for r in rows], bool(refit), 1)


def sensitivity(figure="boot_time_s", scenario="pvops", n=32, *, parameters=None, refit=None,
                seed=1, jobs=None, client=None, chunk=8, bootstrap=100, confidence=0.95,
                config=None, **overrides):
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

    Returns a DataFrame (parameter, first_order, first_order_low/high, total,
    total_low/high), ranked by total index, with a "figure" column first
    when `figure` is a list; attrs hold n, evaluations, seed, and the design
    and its values ("design", "values").
    """
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
    dims = _ipistorm._dimensions(base, bool(refit))
    if parameters is not None:
        known = {d["name"]: d for d in dims}
        for p in parameters:
            if p not in known:
                raise ValueError(f"parameter '{p}' has no plausible range to vary "
                                 "(see ipistorm.params())")
        dims = [known[p] for p in parameters]
    names = [d["name"] for d in dims]
    marginals = [marginal(d["distribution"], *d["range"]) for d in dims]

    def model(x):
        rows = [list(map(float, r)) for r in x]
        if client is None:
            return _ipistorm._evaluate(base, scenario, figures, names, rows, bool(refit),
                                       _args.check_jobs(jobs))
        blocks = [rows[i:i + chunk] for i in range(0, len(rows), chunk)]
        futures = client.map(_evaluate_chunk, [base] * len(blocks), [scenario] * len(blocks),
                             [figures] * len(blocks), [names] * len(blocks), blocks,
                             [refit] * len(blocks), pure=False)
        return [v for block in client.gather(futures) for v in block]

    df = sobol_indices(names, marginals, model, n, seed=seed, bootstrap=bootstrap,
                       confidence=confidence, outputs=figures if several else None)
    if several:
        df = df.rename(columns={"output": "figure"})
    df.attrs.update({"figure": figures if several else figure, "scenario": scenario,
                     "refit": bool(refit)})
    return df


def main(argv=None):
    """`ipistorm sensitivity` (the CLI runs this module): the ranked table,
    --json FILE (indices, command, seed, n, provenance) and --csv FILE (the
    design, one row per model evaluation) for tools. Bad input: one line on
    stderr, exit 2, nothing written."""
    import argparse
    import json
    import os
    import sys
    import time

    ap = argparse.ArgumentParser(
        prog="ipistorm sensitivity",
        description="Sobol' indices (OpenTURNS) of reproduce figures over the chosen costs' "
                    "plausible ranges. Morris screening is not offered: Debian's OpenTURNS "
                    "1.20 lacks it (the separate otmorris module is not packaged); --screen "
                    "ranks the costs by Spearman correlation over an existing reproduce "
                    "--uncertainty CSV instead, at no model run.")
    ap.add_argument("--figure", action="append",
                    help="a figure of the scenario (repeatable: one design serves all; "
                         "default boot_time_s)")
    ap.add_argument("--scenario", default="pvops")
    ap.add_argument("--config", help="JSON config file, as for the other commands ('params', "
                                     "'ranges', topology, seed of the runs)")
    ap.add_argument("-n", type=int, default=32, help="base sample size (runs: n * (d + 2))")
    ap.add_argument("--parameter", action="append", help="vary only these (repeatable)")
    ap.add_argument("--screen", metavar="CSV",
                    help="vary only the --top costs each figure follows most closely over the "
                         "samples of this 'reproduce --uncertainty --csv' file (Spearman)")
    ap.add_argument("--top", type=int, default=6, help="with --screen: costs kept per figure")
    ap.add_argument("--no-refit", action="store_true", help="keep queue_work_us fixed")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("--json", dest="json_file")
    ap.add_argument("--csv", dest="csv_file", help="the design and its values, one row per run")

    class Fail(Exception):
        pass

    def error(msg):
        raise Fail(msg)
    ap.error = error
    try:
        a = ap.parse_args(argv)
        figures = a.figure or ["boot_time_s"]
        # The CLI's checks (sim/io): a device, directory or FIFO, or one file twice, refused.
        _ipistorm._check_outputs([(a.json_file or "", "--json"), (a.csv_file or "", "--csv")])
        config = None
        if a.config:
            try:
                with open(a.config) as f:
                    config = json.load(f)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                raise ValueError(f"--config '{a.config}': {e}") from None
            if not isinstance(config, dict):
                raise ValueError(f"--config '{a.config}' must hold a JSON object")
        refit = False if a.no_refit else None
        if refit is None:
            refit = not (a.scenario == "pvops" and "boot_time_s" in figures)
        parameters, screen = a.parameter, None
        if a.screen:
            if a.parameter:
                raise ValueError("--screen chooses the parameters: give it or --parameter")
            _args.check_int("--top", a.top, 1, 1000)
            if not os.path.isfile(a.screen):
                raise OSError(f"cannot read --screen file '{a.screen}'")
            screen = screening(a.screen, figures, a.scenario)
            keep = set()
            for f in figures:
                keep.update(screen[screen.figure == f].parameter.head(a.top))
            order = list(screen.parameter.drop_duplicates())
            table = [d["name"] for d in _ipistorm._dimensions(_args.config_dict(config, {}),
                                                              bool(refit))]
            parameters = [p for p in table if p in keep] + sorted(keep - set(table), key=order.index)
        t0 = time.perf_counter()
        df = sensitivity(figures if len(figures) > 1 else figures[0], a.scenario, a.n,
                         parameters=parameters, refit=refit, seed=a.seed, jobs=a.jobs,
                         config=config)
        wall = time.perf_counter() - t0
    except (Fail, ValueError, TypeError, OSError) as e:
        print(f"ipistorm: error: {e}", file=sys.stderr)
        return 2
    evals = df.attrs["evaluations"]
    print(f"ipistorm sensitivity: {', '.join(figures)} of {a.scenario}, n={df.attrs['n']}, "
          f"{len(df.attrs['design'].columns)} costs ({evals} model evaluations"
          f"{', each re-fitted' if df.attrs['refit'] else ''}), seed {a.seed}, "
          f"{int(100 * df.attrs['confidence'])} % bootstrap intervals")
    if screen is not None:
        print(f"costs screened from {a.screen} ({screen.attrs['samples']} samples, Spearman): "
              f"the top {a.top} per figure")
    for f in figures:
        part = df[df.figure == f] if "figure" in df.columns else df
        print(f"\n{f}\n{'parameter':32s} {'first order':>22s} {'total':>22s}")
        for r in part.itertuples():
            print(f"{r.parameter:32s} {r.first_order:7.3f} [{r.first_order_low:6.3f},"
                  f"{r.first_order_high:6.3f}] {r.total:7.3f} [{r.total_low:6.3f},"
                  f"{r.total_high:6.3f}]")
    print(f"\n{evals} evaluations in {wall:.1f} s ({evals / max(wall, 1e-9):.2f} /s)")
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
               "figures": figures, "scenario": a.scenario, **attrs,
               "parameters": list(df.attrs["design"].columns), "wall_s": round(wall, 1),
               "evaluations_per_s": round(evals / max(wall, 1e-9), 3),
               "indices": df.to_dict(orient="records"), "provenance": _ipistorm.provenance()}
        if screen is not None:
            doc["screening"] = {"from": a.screen, "top": a.top, **screen.attrs,
                                "spearman": {f: dict(zip(g.parameter, g.spearman))
                                             for f, g in screen.groupby("figure", sort=False)}}
        _ipistorm._write_file_atomic(a.json_file, json.dumps(doc, indent=1), "--json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
