"""Readers for lab runs: `ipistorm-bench` output under results/lab/<host>-<date>/.

A lab run directory holds Google Benchmark JSON files (bench.json, from
`--benchmark_out=... --benchmark_out_format=json`) and, beside them, what
`ipistorm calibrate` and `ipistorm validate` write: calibration.json
({"params": {name: value}, "fit": ..., "provenance"}) and validation.json
({"rows": [{benchmark, distance, k, measured_us, predicted_us, ...}], ...}). Google Benchmark's
documented format is an object with "context" (the machine: host_name,
num_cpus, mhz_per_cpu, caches, date, plus AddCustomContext keys) and
"benchmarks", a list of runs: name, run_name, run_type ("iteration" or
"aggregate" with aggregate_name), iterations, real_time and cpu_time in
time_unit, threads, optional label / error_occurred / error_message, and one
extra key per user counter (state.counters["ipis_per_op"]).

read_run() turns that into one DataFrame row per benchmark run. Benchmark
names are parsed the Google Benchmark way: "family/arg/arg" with named
arguments as "key:value" (ArgNames, or names given to RegisterBenchmark), so
"BM_Hypercall/strategy:mlock-per-call/bytes:4096/k:2/real_time" gives
family BM_Hypercall, strategy mlock-per-call, bytes 4096, k 2.

ipistorm-bench's own names follow that scheme with positional parts:
"strategy/mlock-per-call/bytes:4096/load:spin/same_core/k:1/real_time"
(family "strategy": the first part is the strategy),
"fanout/schedule_on_each_cpu/other_package/k:8" (arg0 the primitive, a
distance class part fills the distance column).
"""

import re
from pathlib import Path

import pandas as pd

from . import _args, _ipistorm

# Keys of a benchmark entry that are not user counters.
_STANDARD_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type",
    "repetitions", "repetition_index", "threads", "iterations", "real_time", "cpu_time",
    "time_unit", "aggregate_name", "aggregate_unit", "label", "error_occurred",
    "error_message", "big_o", "rms", "complexity",
}
# Name components that are run settings, not arguments ("real_time", "threads:4").
_SETTING_KEYS = {"threads", "repeats", "min_time", "min_warmup_time", "iterations"}
_SETTING_WORDS = {"real_time", "manual_time", "process_time"}
_NS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# Parts of a name that are distance classes (topology.hpp's names, and the
# bench's "nearest" set).
DISTANCES = ("same_cpu", "same_core", "same_package", "other_package", "nearest")

BASE_COLUMNS = [
    "file", "name", "family", "strategy", "bytes", "k", "distance", "run_type", "aggregate_name",
    "repetition_index", "threads", "iterations", "real_time_ns", "cpu_time_ns", "label",
    "error",
]


def _number(text):
    try:
        v = float(text)
    except ValueError:
        return text
    return int(v) if v.is_integer() and re.fullmatch(r"[+-]?\d+", text) else v


def parse_name(name):
    """'family/a/key:v/...' -> (family, {key: value}, [positional args])."""
    parts = name.split("/")
    named, positional = {}, []
    for part in parts[1:]:
        if part in _SETTING_WORDS:
            continue
        key, sep, value = part.partition(":")
        if sep:
            if key not in _SETTING_KEYS:
                named[key] = _number(value)
        else:
            positional.append(_number(part))
    return parts[0], named, positional


def read_benchmark_json(path):
    """One Google Benchmark JSON file -> (DataFrame, context dict)."""
    path = Path(path)
    # The CLI's checked reader (a directory, FIFO or device refused) and its
    # JSON rules (a key twice in one object refused, no NaN).
    doc = _args.loads_json(_text(path, "benchmark results"), f"benchmark results '{path}'",
                           bare_nan_as_null=True)
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise ValueError(f"{path}: not Google Benchmark JSON (no 'benchmarks' list)")
    rows = []
    for b in doc["benchmarks"]:
        if not isinstance(b, dict) or "name" not in b:
            raise ValueError(f"{path}: a benchmark entry without a name: {b!r}")
        # Aggregates are named "<run_name>_mean"; parse the run name.
        family, named, positional = parse_name(b.get("run_name", b["name"]))
        unit = b.get("time_unit", "ns")
        if unit not in _NS_PER_UNIT:
            raise ValueError(f"{path}: {b['name']}: unknown time_unit '{unit}'")
        scale = _NS_PER_UNIT[unit]
        counters = {k: v for k, v in b.items() if k not in _STANDARD_KEYS}
        error = b.get("error_message") if b.get("error_occurred") else None
        # The "cv" aggregate is a ratio (aggregate_unit "percentage"), not a time.
        ratio = b.get("aggregate_unit") == "percentage"
        strategy = named.get("strategy")
        if strategy is None and family == "strategy" and positional:
            strategy = positional[0]
        distance = next((p for p in positional if p in DISTANCES), None)
        row = {
            "file": path.name,
            "name": b["name"],
            "family": family,
            "strategy": strategy,
            "bytes": named.get("bytes", counters.get("bytes")),
            "k": named.get("k", counters.get("k")),
            "distance": distance,
            "run_type": b.get("run_type", "iteration"),
            "aggregate_name": b.get("aggregate_name"),
            "repetition_index": b.get("repetition_index"),
            "threads": b.get("threads", 1),
            "iterations": b.get("iterations"),
            "real_time_ns": b["real_time"] * scale if "real_time" in b and not ratio else None,
            "cpu_time_ns": b["cpu_time"] * scale if "cpu_time" in b and not ratio else None,
            "label": b.get("label"),
            "error": error,
        }
        if ratio:
            row["real_time_cv"] = b.get("real_time")
            row["cpu_time_cv"] = b.get("cpu_time")
        for key, value in named.items():
            if key not in ("strategy", "bytes", "k"):
                row.setdefault(key, value)
        for i, value in enumerate(positional):
            row.setdefault(f"arg{i}", value)
        for key, value in counters.items():
            if key not in ("bytes", "k"):
                row.setdefault(key, value)
        rows.append(row)
    df = pd.DataFrame(rows)
    extra = [c for c in df.columns if c not in BASE_COLUMNS]
    df = df.reindex(columns=BASE_COLUMNS + extra)
    return df, doc.get("context", {})


def _json_files(path):
    return sorted(p for p in Path(path).glob("*.json") if p.is_file())


def _text(path, what):
    raw = _ipistorm._read_text_file(str(path), what)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{what} '{path}' is not UTF-8 text") from None


def _load_json(p):
    """The JSON document in file p, or None when it is not JSON. A JSON file
    with a key twice in one object is refused (ValueError), not skipped."""
    try:
        return _args.loads_json(_text(p, "lab file"), f"lab file '{p}'", bare_nan_as_null=True)
    except _args.DuplicateKeyError:
        raise
    except ValueError:
        return None


def _json_documents(path):
    """(file, document) for every JSON file in a directory holding an object."""
    for f in _json_files(path):
        doc = _load_json(f)
        if isinstance(doc, dict):
            yield f, doc


def _is_benchmark_json(p):
    doc = _load_json(p)
    return isinstance(doc, dict) and isinstance(doc.get("benchmarks"), list)


def read_run(path):
    """A lab run (a results/lab/<host>-<date>/ directory, or one JSON file)
    -> a DataFrame with one row per benchmark run: file, name, family,
    strategy, bytes, k, distance, run_type, aggregate_name, repetition_index,
    threads, iterations, real_time_ns, cpu_time_ns, label, error, then every
    other named argument (load, ...), positional part (arg0, arg1, ...) and
    user counter (ipis_per_op, ...) as its own column. The "cv" aggregate is a
    ratio, not a time: its real_time_ns is empty and real_time_cv holds it.

    attrs["context"] holds each file's Google Benchmark context (the machine),
    keyed by file name; attrs["path"] the directory.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no lab run at {path}")
    files = [path] if path.is_file() else [p for p in _json_files(path) if _is_benchmark_json(p)]
    if not files:
        raise ValueError(f"{path}: no Google Benchmark JSON file in this directory")
    frames, contexts = [], {}
    for f in files:
        df, ctx = read_benchmark_json(f)
        frames.append(df)
        contexts[f.name] = ctx
    out = pd.concat(frames, ignore_index=True)
    extra = [c for c in out.columns if c not in BASE_COLUMNS]
    out = out.reindex(columns=BASE_COLUMNS + extra)
    out.attrs["context"] = contexts
    out.attrs["path"] = str(path)
    return out


def read_calibration(path):
    """The first JSON file in a lab run directory with a top-level "params"
    object (what `ipistorm simulate --calibration FILE` reads), as a dict;
    None when the run has none."""
    for f, doc in _json_documents(path):
        if isinstance(doc.get("params"), dict) and "benchmarks" not in doc:
            doc = dict(doc)
            # The parameters through the one calibration reader: what --calibration
            # would run with, or the ValueError it would give.
            doc["params"] = dict(_ipistorm._read_calibration(str(f)))
            doc["file"] = f.name
            return doc
    return None


def read_validation(path):
    """The run's validation (what `ipistorm validate RUN_DIR` writes: the
    calibrated simulator against every benchmark of the run that calibrate
    does not read, schema in bench/README.md) as a DataFrame, one row per
    benchmark: benchmark, family, strategy, bytes, load, distance, k,
    measured_us, repetition_cv, predicted_us, rel_error, within_noise, ...;
    attrs hold median_abs_rel_error, median_repetition_cv, target,
    noise_limit, verdict, ok and the file (keys a file lacks are None).
    None when the run has none."""
    for f, doc in _json_documents(path):
        rows = doc.get("rows")
        if isinstance(rows, list) and all(isinstance(r, dict) and "predicted_us" in r
                                          for r in rows):
            df = pd.DataFrame(rows)
            for key in ("median_abs_rel_error", "median_repetition_cv", "target",
                        "noise_limit", "verdict", "ok"):
                df.attrs[key] = doc.get(key)
            df.attrs["file"] = f.name
            return df
    return None


# "<host>-2025-01-02", "<host>-20250102T101500Z" (bench/lab-run's default).
_DATE = re.compile(r"(\d{4}-?\d{2}-?\d{2})(?:[T_-]?(\d{2}:?\d{2}(?::?\d{2})?))?Z?$")


def latest_run(root="results/lab"):
    """The newest results/lab/<host>-<date>/ directory holding benchmark JSON,
    by the date in its name (then its modification time); None if none.
    Hidden directories (bench/lab-run's ".<name>.partial.*" while a run is
    being written) are skipped."""
    root = Path(root)
    if not root.is_dir():
        return None
    runs = [d for d in root.iterdir()
            if d.is_dir() and not d.name.startswith(".")
            and any(_is_benchmark_json(p) for p in _json_files(d))]
    if not runs:
        return None

    def key(d):
        m = _DATE.search(d.name)
        stamp = (m.group(1).replace("-", "") + (m.group(2) or "").replace(":", "")) if m else ""
        return (stamp, d.stat().st_mtime, d.name)

    return max(runs, key=key)
