"""ipistorm: the mlock() -> lru_add_drain_all() IPI storm of a Xen pvops dom0, simulated.

The Python face of the `ipistorm` simulator (the same C++ model as the CLI,
through the `_ipistorm` extension). Every function takes and returns what the
CLI's JSON files hold, so a config gives the same numbers here and from
`ipistorm simulate --json`:

    >>> import ipistorm
    >>> r = ipistorm.simulate(kernel="linux-2.6.31-pvops", dom0_vcpus=16)
    >>> r.metrics["boot_time_s"]
    >>> ipistorm.sweep({"kernel": ["linux-2.6.18-xen", "linux-2.6.31-pvops"],
    ...                 "dom0_vcpus": [1, 4, 16]})

Bad input (an unknown name, an out-of-range value) raises ValueError with the
simulator's one-line message; a wrong type raises TypeError. See
pybindings/README.md for the whole API, Dask sweeps included.
"""

from ._ipistorm import (  # noqa: F401  (re-exported)
    Series,
    SimResult,
    Topology,
    __version__,
    grid_size,
    placements,
    provenance,
)
from ._run import fit, latency_cdf, reproduce, resolve_config, simulate, topology  # noqa: F401
from ._sweep import compare, sweep, to_wide  # noqa: F401
from ._tables import kernels, metrics, params, presets, strategies  # noqa: F401
from . import lab  # noqa: F401
from .sensitivity import sensitivity, sobol_indices  # noqa: F401

__all__ = [
    "Series",
    "SimResult",
    "Topology",
    "__version__",
    "fit",
    "grid_size",
    "kernels",
    "lab",
    "latency_cdf",
    "metrics",
    "params",
    "placements",
    "presets",
    "provenance",
    "reproduce",
    "sensitivity",
    "sobol_indices",
    "resolve_config",
    "simulate",
    "strategies",
    "sweep",
    "to_wide",
    "topology",
]
