"""The cost model and the registries as DataFrames.

params() is `ipistorm params` as a table; kernels(), strategies() and
presets() list the registries the model is built from, in their own order,
so code that loops over "every strategy" picks up new ones by itself.
"""

import pandas as pd

from . import _ipistorm

PARAM_COLUMNS = [
    "name", "value", "unit", "group", "fitted", "source", "integer", "type", "min", "max", "field",
    "distribution", "range_low", "range_high", "range_source",
]


def params():
    """Every cost parameter: name, value (default), unit, group, fitted, source, integer,
    type (real, count, index, probability, state), accepted range [min, max], Costs field,
    and the plausible range the uncertainty studies sample: distribution ("uniform",
    "log-uniform" or "none"), range_low, range_high (NaN without one), range_source."""
    return pd.DataFrame(_ipistorm._params(), columns=PARAM_COLUMNS)


def metrics():
    """The metric table: name (the dotted key of SimResult.metrics and of a
    sweep's "metric" column), label, unit, format, computation, deterministic."""
    return pd.DataFrame(_ipistorm._metrics(),
                        columns=["name", "label", "unit", "format", "computation",
                                 "deterministic"])


def kernels():
    """Kernel presets in historical order: name, summary, source."""
    return pd.DataFrame(_ipistorm._kernels(), columns=["name", "summary", "source"])


def strategies():
    """Hypercall-buffer strategies: name, summary, mirrors (the real code), safe."""
    return pd.DataFrame(_ipistorm._strategies(), columns=["name", "summary", "mirrors", "safe"])


def presets():
    """Built-in topologies: name, summary, ghz, synthetic (the hwloc string)."""
    return pd.DataFrame(_ipistorm._topology_presets(),
                        columns=["name", "summary", "ghz", "synthetic"])
