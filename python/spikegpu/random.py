"""Random parameters, as NEST's ``nest.random`` module.

Use them as ``weight`` or ``delay`` in a ``syn_spec`` (each connection draws its own value) or as
a scalar node parameter or state at ``create(params=...)`` and ``set`` (each node draws its own
value). The draws are Philox keyed by the simulation seed and, for nodes, by the node id, so
they are the same on every backend and thread count (docs/rng.md)::

    sim.connect(pre, post, "all_to_all",
                {"weight": spikegpu.random.normal(mean=0.5, std=0.1),
                 "delay": spikegpu.random.uniform(min=1.0, max=3.0)})
    nodes.set(V_m=spikegpu.random.uniform(-70.0, -60.0))
"""
from __future__ import annotations

import math

from . import _capi

__all__ = ["Distribution", "uniform", "normal", "normal_clipped", "lognormal", "exponential"]


class Distribution:
    """A parameter distribution. Build one with the functions of this module."""

    __slots__ = ("kind", "name", "a", "b", "lo", "hi")

    def __init__(self, kind, name, a=0.0, b=0.0, lo=-math.inf, hi=math.inf, names=("a", "b", "lo", "hi")):
        self.kind, self.name = kind, name
        # numbers only (None, str, or an int too large for a double raise ArgumentError);
        # the ranges themselves are checked by the C library at connect
        self.a, self.b, self.lo, self.hi = (_capi.to_double(f"random.{name}: {k}", v)
                                            for k, v in zip(names, (a, b, lo, hi)))

    def __repr__(self):
        args = {
            "uniform": f"min={self.a!r}, max={self.b!r}",
            "normal": f"mean={self.a!r}, std={self.b!r}",
            "normal_clipped": f"mean={self.a!r}, std={self.b!r}, min={self.lo!r}, max={self.hi!r}",
            "lognormal": f"mean={self.a!r}, std={self.b!r}",
            "exponential": f"beta={self.a!r}",
        }[self.name]
        return f"spikegpu.random.{self.name}({args})"

    def __eq__(self, other):
        return isinstance(other, Distribution) and (self.kind, self.a, self.b, self.lo, self.hi) == (
            other.kind, other.a, other.b, other.lo, other.hi)

    def __hash__(self):
        return hash((self.kind, self.a, self.b, self.lo, self.hi))

    def _fill(self, v):
        """Fills a ctypes sg_value."""
        v.kind = self.kind
        v.a, v.b, v.lo, v.hi = self.a, self.b, self.lo, self.hi


def uniform(min=0.0, max=1.0):
    """Uniform on [min, max) (``nest.random.uniform``)."""
    return Distribution(_capi.SG_DIST_UNIFORM, "uniform", min, max, names=("min", "max", "lo", "hi"))


def normal(mean=0.0, std=1.0):
    """Normal with mean and standard deviation (``nest.random.normal``)."""
    return Distribution(_capi.SG_DIST_NORMAL, "normal", mean, std, names=("mean", "std", "lo", "hi"))


def normal_clipped(mean=0.0, std=1.0, min=-math.inf, max=math.inf):
    """Normal redrawn until it lies in [min, max] (NEST's ``normal_clipped`` distributions)."""
    return Distribution(_capi.SG_DIST_NORMAL_CLIPPED, "normal_clipped", mean, std, min, max,
                        names=("mean", "std", "min", "max"))


def lognormal(mean=0.0, std=1.0):
    """exp(N(mean, std)): mean and std of the underlying normal (``nest.random.lognormal``)."""
    return Distribution(_capi.SG_DIST_LOGNORMAL, "lognormal", mean, std, names=("mean", "std", "lo", "hi"))


def exponential(beta=1.0):
    """Exponential with scale beta (mean beta) (``nest.random.exponential``)."""
    return Distribution(_capi.SG_DIST_EXPONENTIAL, "exponential", beta, names=("beta", "b", "lo", "hi"))
