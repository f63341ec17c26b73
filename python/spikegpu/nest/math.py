"""``nest.math`` of spikegpu.nest: ``redraw`` of a normal distribution (NEST's way to clip it) is
spikegpu's ``normal_clipped``; NEST's other parameter arithmetic is not supported."""
from __future__ import annotations

import math as _m

from .. import random as _sg_random
from ..errors import NotSupportedError

__all__ = ["redraw", "exp", "sin", "cos", "min", "max"]


def redraw(value, min=-_m.inf, max=_m.inf):
    """value redrawn until it lies in [min, max]; value must be ``nest.random.normal(...)``."""
    if isinstance(value, _sg_random.Distribution) and value.name == "normal":
        return _sg_random.normal_clipped(value.a, value.b, min, max)
    raise NotSupportedError(f"nest.math.redraw of {value!r}",
                            "redraw works on nest.random.normal (spikegpu's normal_clipped)")


def _unsupported(name):
    def f(*args, **kwargs):
        raise NotSupportedError(f"nest.math.{name} (parameter arithmetic)",
                                "compute the values with numpy and pass one value per node or connection")
    f.__name__ = name
    f.__doc__ = f"Not supported: NEST's parameter arithmetic ({name})."
    return f


exp, sin, cos, min, max = (_unsupported(n) for n in ("exp", "sin", "cos", "min", "max"))
