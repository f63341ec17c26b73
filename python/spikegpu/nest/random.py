"""``nest.random`` of spikegpu.nest: random parameters for synapse weights and delays (drawn per
connection by the C library, Philox keyed by the kernel's rng_seed) and for node parameters and
state (``Create(..., params={"V_m": nest.random.uniform(-70, -55)})``, ``nodes.V_m = ...``: drawn
per node by the C library, keyed by rng_seed, the node id and a count of such calls, so the same
on every backend and thread count). The streams differ from NEST's, so the values agree with NEST
statistically, not number for number.
"""
from __future__ import annotations

from .. import random as _sg_random
from ..errors import NotSupportedError

__all__ = ["uniform", "normal", "lognormal", "exponential", "uniform_int"]


def uniform(min=0.0, max=1.0):
    """Uniform on [min, max)."""
    return _sg_random.uniform(min, max)


def normal(mean=0.0, std=1.0):
    """Normal with mean and standard deviation (clip it with ``nest.math.redraw``)."""
    return _sg_random.normal(mean, std)


def lognormal(mean=0.0, std=1.0):
    """exp(N(mean, std)): mean and std of the underlying normal."""
    return _sg_random.lognormal(mean, std)


def exponential(beta=1.0):
    """Exponential with scale beta."""
    return _sg_random.exponential(beta)


def uniform_int(max):
    """Not supported: spikegpu draws real-valued parameters only."""
    raise NotSupportedError(f"nest.random.uniform_int({max!r})",
                            "draw the integers with numpy and pass one value per node or connection")
