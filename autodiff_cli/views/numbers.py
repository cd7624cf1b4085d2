"""Numbers as text: the shortest form that reads back exactly, and strict-JSON values."""

from __future__ import annotations

import math


def number(x) -> str:
    """The shortest text that reads back to the same float64 (Python's repr)."""
    if getattr(x, "ndim", 0) > 0:  # an array (a scalar, numpy's or a Real, has ndim 0)
        return ",".join(number(v) for v in x.ravel())
    return repr(float(x))


def jsonable(x):
    """Floats and lists of floats; nan and the infinities as strings (strict JSON)."""
    if getattr(x, "ndim", 0) > 0:
        return [jsonable(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, str) or x is None:
        return x
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x
