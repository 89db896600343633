"""Keyword arguments -> the JSON config object the simulator reads.

simulate() and reproduce() take the config's fields as keywords and any cost
parameter as an extra keyword (``evtchn_send_us=2.0``). This module checks
their Python types (TypeError) and names (ValueError, with a suggestion) and
builds the dict that run::apply_json then checks for ranges, exactly as it
checks a `--config` file. Defaults are never repeated here: a field left as
None is left out, and the C++ Config's default applies.
"""

import difflib
import json
import math
import numbers
import operator
import os
import re
from collections.abc import Mapping

from . import _ipistorm



def _fields(*types):
    """The config keys of these types, from the C++ field table
    (sim/run/config_fields.hpp)."""
    return tuple(key for key, kind in _ipistorm._config_fields() if kind in types)


_STR_FIELDS = _fields("name")
# Integer fields: their type is checked here, their range only by the C++
# config reader (run::apply_json), so a bad value raises ValueError with
# the message the CLI prints for the same key in a --config file.
_INT_FIELDS = _fields("integer", "seed")
_FLOAT_FIELDS = _fields("real")

_param_names = None


def param_names():
    """Every cost parameter's name, in the table's order."""
    global _param_names
    if _param_names is None:
        _param_names = [p["name"] for p in _ipistorm._params()]
    return _param_names


def one_line(text):
    """A message as one printable line (the C++ one_line: control characters
    escaped, at most 2000 characters)."""
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    return out if len(out) <= 2000 else out[:2000] + "..."


def _type_name(value):
    return type(value).__name__


def check_int(name, value, lo=None, hi=None):
    """An int (numpy integers too, never a bool) within [lo, hi]."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{name} must be an int, got {_type_name(value)} {value!r}")
    value = operator.index(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be in {lo}..{hi}, got {value}")
    return value


def check_number(name, value):
    """A real number (int or float, numpy too, never a bool or a string)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_type_name(value)} {value!r}")
    return float(value) if not isinstance(value, numbers.Integral) else int(value)


def check_bool(name, value):
    """A bool (numpy's too), never a string or a number: refit="no" is not true."""
    if type(value).__name__ == "bool_" or isinstance(value, bool):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {_type_name(value)} {value!r}")


def check_real(name, value, lo=None, hi=None, *, open_lo=False):
    """A finite real number (never a bool or a string) within [lo, hi]
    ((lo, hi] with open_lo); NaN and infinities are ValueError."""
    value = check_number(name, value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if ((lo is not None and (value <= lo if open_lo else value < lo))
            or (hi is not None and value > hi)):
        low = f"({lo}" if open_lo else f"[{lo}"
        raise ValueError(f"{name} must be a number in {low}, {hi}], got {value!r}")
    return value


# The CLI's number grammar (sim/io/number.cpp): decimal digits with an
# optional sign, nothing else (no spaces, underscores, 0x, non-ASCII digits).
_DECIMAL_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL_REAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def parse_int_text(name, text, lo, hi):
    """A flag's integer as the CLI reads it: whole decimal in [lo, hi], else
    ValueError "<name> must be a whole number in [lo, hi], got '<text>'"."""
    if not isinstance(text, str) or not _DECIMAL_INT.fullmatch(text) or not lo <= int(text) <= hi:
        raise ValueError(f"{name} must be a whole number in [{lo}, {hi}], got '{text}'")
    return int(text)


def parse_real_text(name, text, lo=None, hi=None):
    """A real number as the CLI reads it (io::parse_real): finite decimal,
    within [lo, hi] when given."""
    ok = isinstance(text, str) and _DECIMAL_REAL.fullmatch(text)
    v = float(text) if ok else math.nan
    if lo is None:
        if not ok or not math.isfinite(v):
            raise ValueError(f"{name} must be a finite decimal number, got '{text}'")
    elif not ok or not math.isfinite(v) or not lo <= v <= hi:
        raise ValueError(f"{name} must be a number in [{lo:g}, {hi:g}], got '{text}'")
    return v


class DuplicateKeyError(ValueError):
    """A JSON object gives one key twice (io::parse_json refuses it too)."""


def _refuse_duplicates(what):
    def hook(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise DuplicateKeyError(f"{what} has the key \"{key[:60]}\" twice in one object; "
                                 "give it once")
            seen[key] = value
        return seen
    return hook


def _refuse_constant(what):
    def hook(name):
        raise ValueError(f"{what} is not valid JSON ({name} is not a JSON number)")
    return hook


def loads_json(text, what, bare_nan_as_null=False):
    """JSON text as the C++ reader (io::parse_json) takes it: a key twice in
    one object, NaN/Infinity and numbers that overflow are refused
    (ValueError naming `what`). With bare_nan_as_null, a bare NaN, Infinity
    or -Infinity reads as None, as the C++ reader of Google Benchmark's
    output does (calibration/bench_results.cpp json_without_nan: the CV of a
    counter that is 0 in every repetition is written as NaN)."""
    constant = (lambda name: None) if bare_nan_as_null else _refuse_constant(what)
    try:
        doc = json.loads(text, object_pairs_hook=_refuse_duplicates(what),
                         parse_constant=constant)
    except json.JSONDecodeError as e:
        raise ValueError(f"{what} is not valid JSON ({e.msg} at line {e.lineno} column "
                         f"{e.colno})") from None
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply") from None

    def finite(v):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"{what} is not valid JSON (a number overflows: {v})")
        if isinstance(v, dict):
            for x in v.values():
                finite(x)
        elif isinstance(v, list):
            for x in v:
                finite(x)
    finite(doc)
    return doc


def read_json(path, what):
    """A JSON file through the CLI's checked reader (regular file, 64 MiB;
    a FIFO, device or directory refused) and io::parse_json."""
    return _ipistorm._read_json_file(os.fspath(path), what)


def check_str(name, value):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {_type_name(value)} {value!r}")
    return value


def topology_spec(value):
    """A topology given as a name/path/synthetic string, a path object or a Topology."""
    if isinstance(value, _ipistorm.Topology):
        return value.spec
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return check_str("topology", value)


def check_param_names(names, keywords=()):
    """Every name a cost parameter; a typo gets the closest parameter or, for
    a mistyped keyword of the calling function (`kernal=`), that keyword."""
    known = param_names()
    for name in names:
        if name not in known:
            fields = [f for f in (*_STR_FIELDS, *_INT_FIELDS, *_FLOAT_FIELDS)
                      if f not in keywords]
            close = difflib.get_close_matches(name, [*keywords, *known, *fields], n=1)
            if close and close[0] in keywords:
                raise TypeError(f"unexpected keyword '{name}' (did you mean '{close[0]}'? "
                                f"any other keyword is a cost parameter: ipistorm.params())")
            if close and close[0] in fields:
                raise TypeError(f"unexpected keyword '{name}' (did you mean "
                                f"config={{'{close[0]}': ...}}? any other keyword is a cost "
                                "parameter: ipistorm.params())")
            hint = f" (did you mean '{close[0]}'?)" if close else " (see ipistorm.params())"
            raise ValueError(f"unknown parameter '{name}'{hint}")


def config_dict(config=None, overrides=None, **fields):
    """The JSON config object for `config` (a dict as in a --config file),
    then `fields` (None = leave out), then `overrides` {param: value}."""
    out = {}
    if config is not None:
        if not isinstance(config, Mapping):
            raise TypeError(f"config must be a dict, got {_type_name(config)}")
        out.update(config)
        if "params" in out:
            if not isinstance(out["params"], Mapping):
                raise TypeError("config['params'] must be a dict {name: number}")
            out["params"] = dict(out["params"])
    for name, value in fields.items():
        if value is None:
            continue
        if name == "topology":
            out[name] = topology_spec(value)
        elif name in _STR_FIELDS:
            out[name] = check_str(name, value)
        elif name in _INT_FIELDS:
            out[name] = check_int(name, value)
        elif name in _FLOAT_FIELDS:
            out[name] = check_number(name, value)
        else:  # a programming error in this package, not the caller's
            raise AssertionError(f"unhandled config field {name}")
    if overrides:
        check_param_names(overrides, keywords=("config", *fields))
        params = dict(out.get("params", {}))
        for name, value in overrides.items():
            params[name] = check_number(name, value)
        out["params"] = params
    return out


def check_jobs(jobs):
    """Threads for a local run: None = every core, else an int >= 1."""
    if jobs is None:
        return _ipistorm._default_jobs()  # every core, as the CLI's -j 0 (study/pool.hpp)
    return check_int("jobs", jobs, 1, 1024)  # as the CLI's -j (0 there: every core, None here)
