"""Keyword arguments -> the JSON config object the simulator reads.

simulate() and reproduce() take the config's fields as keywords and any cost
parameter as an extra keyword (``evtchn_send_us=2.0``). This module checks
their Python types (TypeError) and names (ValueError, with a suggestion) and
builds the dict that model::apply_json then checks for ranges, exactly as it
checks a `--config` file. Defaults are never repeated here: a field left as
None is left out, and the C++ Config's default applies.
"""

import difflib
import numbers
import operator
import os
from collections.abc import Mapping

from . import _ipistorm

_STR_FIELDS = ("topology", "kernel", "strategy", "placement")
# Integer fields: their type is checked here, their range only by the C++
# config reader (model::apply_json), so a bad value raises ValueError with
# the message the CLI prints for the same key in a --config file.
_INT_FIELDS = ("dom0_vcpus", "dm_vcpu", "seed")
_FLOAT_FIELDS = ("cpu_ghz", "window_s")

_param_names = None


def param_names():
    """Every cost parameter's name, in the table's order."""
    global _param_names
    if _param_names is None:
        _param_names = [p["name"] for p in _ipistorm._params()]
    return _param_names


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
            close = difflib.get_close_matches(name, [*keywords, *known], n=1)
            if close and close[0] in keywords:
                raise TypeError(f"unexpected keyword '{name}' (did you mean '{close[0]}'? "
                                f"any other keyword is a cost parameter: ipistorm.params())")
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
        return max(1, os.cpu_count() or 1)
    return check_int("jobs", jobs, 1, 1024)  # as the CLI's -j (0 there: every core, None here)
