"""sensitivity(): which unknown costs a figure depends on, as Sobol' indices.

The chosen costs' plausible ranges (ipistorm.params(): distribution,
range_low, range_high; a config's "ranges" replace them) become OpenTURNS
marginals (Uniform, LogUniform); OpenTURNS draws the pick-freeze design
(SobolIndicesExperiment) and estimates first-order and total indices with
bootstrap confidence intervals (SaltelliSensitivityAlgorithm). The model is
the C++ study (the same runs as `reproduce`, queue_work_us re-fitted per
point), evaluated on local threads or, with client=, on a Dask cluster.
No estimator is written here: sobol_indices() is OpenTURNS end to end, and
the Ishigami test goes through it as the model does.

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


def sobol_indices(names, marginals, function, n, *, seed=1, bootstrap=100, confidence=0.95):
    """First-order and total Sobol' indices of `function` (rows of an
    (N, d) array -> N values) over independent `marginals`, with
    `confidence` bootstrap intervals: OpenTURNS' SobolIndicesExperiment
    (n * (d + 2) points) and SaltelliSensitivityAlgorithm. A DataFrame, one
    row per input, ranked by total index."""
    ot = _ot()
    n = _args.check_int("n", n, 2, 1 << 20)
    if len(names) != len(marginals) or not names:
        raise ValueError("names and marginals must be non-empty and of the same length")
    ot.RandomGenerator.SetSeed(int(seed))
    dist = ot.ComposedDistribution(list(marginals))
    x = ot.SobolIndicesExperiment(dist, n).generate()
    y = np.asarray(function(np.asarray(x)), dtype=float).reshape(-1, 1)
    if y.shape[0] != x.getSize() or not np.isfinite(y).all():
        raise RuntimeError("the function must return one finite value per row")
    algo = ot.SaltelliSensitivityAlgorithm(x, ot.Sample(y), n)
    algo.setBootstrapSize(int(bootstrap))
    algo.setConfidenceLevel(float(confidence))
    s1, st = algo.getFirstOrderIndices(), algo.getTotalOrderIndices()
    i1, it = algo.getFirstOrderIndicesInterval(), algo.getTotalOrderIndicesInterval()
    rows = [{
        "parameter": name,
        "first_order": s1[j], "first_order_low": i1.getLowerBound()[j],
        "first_order_high": i1.getUpperBound()[j],
        "total": st[j], "total_low": it.getLowerBound()[j], "total_high": it.getUpperBound()[j],
    } for j, name in enumerate(names)]
    df = pd.DataFrame(rows, columns=COLUMNS)
    df = df.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
    df.attrs.update({"n": n, "evaluations": int(x.getSize()), "seed": int(seed),
                     "confidence": float(confidence), "bootstrap": int(bootstrap),
                     "estimator": "OpenTURNS SaltelliSensitivityAlgorithm"})
    return df


def _evaluate_chunk(base, scenario, figure, names, rows, refit):
    """One Dask task: the C++ model on a block of rows (one thread)."""
    from . import _ipistorm as ext  # the worker's own import of the package
    return ext._evaluate(base, scenario, figure, list(names), [list(map(float, r)) for r in rows],
                         bool(refit), 1)


def sensitivity(figure="boot_time_s", scenario="pvops", n=32, *, parameters=None, refit=None,
                seed=1, jobs=None, client=None, chunk=8, bootstrap=100, confidence=0.95,
                config=None, **overrides):
    """Sobol' indices of one reproduce figure over the chosen costs.

    figure, scenario: a figure of a `reproduce` scenario (e.g.
      "boot_time_s"/"pvops", "resched_ipis_peak_per_s"/"pvops",
      "dom0_util_peak_pct"/"pvops"); unknown names raise ValueError.
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
    total_low/high), ranked by total index; attrs hold n, evaluations, seed.
    """
    base = _args.config_dict(config, overrides)
    names_ok = [tuple(p) for p in _ipistorm._figure_names(base)]
    scenario = _args.check_str("scenario", scenario)
    figure = _args.check_str("figure", figure)
    if scenario not in {s for s, _ in names_ok}:
        raise ValueError(f"unknown scenario '{scenario}' (accepted: "
                         + ", ".join(dict.fromkeys(s for s, _ in names_ok)) + ")")
    if (scenario, figure) not in names_ok:
        raise ValueError(f"unknown figure '{figure}' for {scenario} (accepted: "
                         + ", ".join(f for s, f in names_ok if s == scenario) + ")")
    if refit is None:
        refit = not (scenario == "pvops" and figure == "boot_time_s")
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
            return _ipistorm._evaluate(base, scenario, figure, names, rows, bool(refit),
                                       _args.check_jobs(jobs))
        blocks = [rows[i:i + chunk] for i in range(0, len(rows), chunk)]
        futures = client.map(_evaluate_chunk, [base] * len(blocks), [scenario] * len(blocks),
                             [figure] * len(blocks), [names] * len(blocks), blocks,
                             [refit] * len(blocks), pure=False)
        return [v for block in client.gather(futures) for v in block]

    df = sobol_indices(names, marginals, model, n, seed=seed, bootstrap=bootstrap,
                       confidence=confidence)
    df.attrs.update({"figure": figure, "scenario": scenario, "refit": bool(refit)})
    return df


def main(argv=None):
    """`ipistorm sensitivity` (the CLI runs this module): the ranked table,
    --json FILE for tools. Bad input: one line on stderr, exit 2."""
    import argparse
    import json
    import os
    import sys

    ap = argparse.ArgumentParser(prog="ipistorm sensitivity",
                                 description="Sobol' indices (OpenTURNS) of one reproduce figure "
                                             "over the chosen costs' plausible ranges")
    ap.add_argument("--figure", default="boot_time_s")
    ap.add_argument("--scenario", default="pvops")
    ap.add_argument("-n", type=int, default=32, help="base sample size (runs: n * (d + 2))")
    ap.add_argument("--parameter", action="append", help="vary only these (repeatable)")
    ap.add_argument("--no-refit", action="store_true", help="keep queue_work_us fixed")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("--json", dest="json_file")

    class Fail(Exception):
        pass

    def error(msg):
        raise Fail(msg)
    ap.error = error
    try:
        a = ap.parse_args(argv)
        if a.json_file:
            d = os.path.dirname(os.path.abspath(a.json_file))
            if not os.path.isdir(d) or not os.access(d, os.W_OK) or os.path.isdir(a.json_file):
                raise OSError(f"cannot write --json file '{a.json_file}'")
        df = sensitivity(a.figure, a.scenario, a.n, parameters=a.parameter,
                         refit=False if a.no_refit else None, seed=a.seed, jobs=a.jobs)
    except (Fail, ValueError, TypeError, OSError) as e:
        print(f"ipistorm: error: {e}", file=sys.stderr)
        return 2
    print(f"ipistorm sensitivity: {a.figure} of {a.scenario}, n={df.attrs['n']} "
          f"({df.attrs['evaluations']} model runs{', re-fitted' if df.attrs['refit'] else ''}), "
          f"seed {a.seed}, {int(100 * df.attrs['confidence'])} % bootstrap intervals\n")
    print(f"{'parameter':32s} {'first order':>22s} {'total':>22s}")
    for r in df.itertuples():
        print(f"{r.parameter:32s} {r.first_order:7.3f} [{r.first_order_low:6.3f},"
              f"{r.first_order_high:6.3f}] {r.total:7.3f} [{r.total_low:6.3f},{r.total_high:6.3f}]")
    if a.json_file:
        doc = {"figure": a.figure, "scenario": a.scenario, **df.attrs,
               "indices": df.to_dict(orient="records"), "provenance": _ipistorm.provenance()}
        with open(a.json_file + ".tmp", "w") as f:
            json.dump(doc, f, indent=1)
        os.replace(a.json_file + ".tmp", a.json_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
