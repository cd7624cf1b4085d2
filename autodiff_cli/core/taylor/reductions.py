"""Taylor rules of the reductions: each coefficient reduced over the vector's elements."""

from __future__ import annotations

import math

import numpy as np

from .arithmetic import _scale_down, add, mul_, sqrt, sub
from .functions import _masked, exp, log
from .series import GAMMA, MATH, Series, constant


def _reduce_sum(u: Series) -> Series:
    c = [float(np.sum(x)) for x in u.c]
    if u.e is None:
        return Series(c, None, u.d)
    n = max(int(np.size(u.c[0])), 1)
    e = [float(np.sum(err)) * (np.size(x) if np.ndim(err) == 0 else 1)
         + n * GAMMA * float(np.sum(np.abs(x))) for x, err in zip(u.c, u.e)]
    return Series(c, e, u.d)


def total(u: Series) -> Series:
    """sum(v)."""
    return _reduce_sum(u)


def mean(u: Series) -> Series:
    n = max(int(np.size(u.c[0])), 1)
    return _scale_down(MATH, _reduce_sum(u), float(n), 0.0)


def dot(a: Series, b: Series) -> Series:
    return _reduce_sum(mul_(a, b))


def norm(u: Series) -> Series:
    return sqrt(dot(u, u))


def _elements(u: Series) -> list[Series]:
    """One scalar series per element of a vector series."""
    shape = np.shape(u.c[0])
    for x in u.c:
        shape = np.broadcast_shapes(shape, np.shape(x))
    flat = [np.broadcast_to(x, shape).ravel() for x in u.c]
    errs = None if u.e is None else [np.broadcast_to(x, shape).ravel() for x in u.e]
    return [Series([float(x[i]) for x in flat], None if errs is None else [float(x[i]) for x in errs],
                   u.d) for i in range(int(np.prod(shape)))]


def prod(u: Series) -> Series:
    """The product of the elements, as a chain of products of element series."""
    result = constant(1.0, u.d, u.bounded)
    for element in _elements(u):
        result = mul_(result, element)
    return result


def logsumexp(u: Series) -> Series:
    """log(sum(exp(u - m))) + m with m = max(u0), a constant: no overflow."""
    m = float(np.max(u.c[0]))
    if not math.isfinite(m):
        m = 0.0
    shifted = sub(u, constant(m, u.d, u.bounded))
    return add(log(total(exp(shifted))), constant(m, u.d, u.bounded))


def _extreme_vector(u: Series, larger: bool) -> Series:
    """max(v)/min(v): the series shared equally among the elements tied at the extreme."""
    x0 = np.asarray(u.c[0], dtype=np.float64)
    best = float(np.max(x0) if larger else np.min(x0))
    hits = (x0 == best).astype(np.float64)
    hits /= hits.sum()
    v = _reduce_sum(_masked(u, hits, 0.0))
    v.c[0] = best
    if v.e is not None:
        v.e[0] = float(np.max(np.broadcast_to(u.e[0], x0.shape))) if x0.size else 0.0
    return v


def vector_max(u: Series) -> Series:
    return _extreme_vector(u, True)


def vector_min(u: Series) -> Series:
    return _extreme_vector(u, False)
