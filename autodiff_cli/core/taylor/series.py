"""Series and their running error bounds: the Series record, the elementary functions at the
point (math or numpy), the bound arithmetic, convolutions and the recurrence machinery."""

from __future__ import annotations

import math
from itertools import accumulate
from operator import mul
from types import SimpleNamespace

import numpy as np

from ...errors import TaylorError  # noqa: F401 - re-exported for the rules

U = 2.0 ** -53  # unit roundoff of float64
GAMMA = 3.5 * U * (1 + 1e-6)  # per term, for the few sums bounded the simple way (reductions)
SLACK = 1 + 1e-10  # covers the rounding of the bounds' own arithmetic
SLACK2 = 1 + 1e-6  # also covers second-order terms where a bound is propagated as a whole
LIB = 8 * U  # relative error of a library function at the point (4 ulp: numpy's SIMD loops)


class Series:
    """Truncated Taylor coefficients c[0..] (zero past len(c)), their error bounds e, degree d."""

    __slots__ = ("c", "e", "d")

    def __init__(self, c: list, e: list | None, d: int):
        self.c, self.e, self.d = c, e, d

    @property
    def bounded(self) -> bool:
        return self.e is not None

    def full(self) -> list:
        """The d + 1 coefficients, padded with zeros."""
        return self.c + [0.0] * (self.d + 1 - len(self.c))

    def full_errors(self) -> list:
        return (self.e or [0.0] * len(self.c)) + [0.0] * (self.d + 1 - len(self.c))

    def __repr__(self) -> str:
        return f"Series({self.c!r}, e={self.e!r}, d={self.d})"


def constant(value, d: int, bounded: bool = True) -> Series:
    return Series([value], [0.0] if bounded else None, d)


def variable(x0, d: int, bounded: bool = True) -> Series:
    """The seed of the variable differentiated by: x0 + t."""
    return Series([x0, 1.0][: d + 1], [0.0, 0.0][: d + 1] if bounded else None, d)


# --- elementary functions at the point, by the kind of data --------------------------------

def _math_or_numpy(fn, np_fn):
    """math's function, falling back to numpy's answer (inf, nan) where math raises."""
    def safe(*args):
        try:
            return fn(*args)
        except (ValueError, OverflowError, ZeroDivisionError):
            with np.errstate(all="ignore"):
                return float(np_fn(*args))
    return safe


def _sigmoid(x):
    return 0.5 * (math.tanh(0.5 * x) + 1.0)


def _softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _pick_float(a, b):
    return 1.0 if a > b else (0.5 if a == b else 0.0)


_MATH_NAMES = ("exp expm1 log log1p log2 log10 sin cos tan asin acos atan atan2 sinh cosh "
               "tanh asinh acosh atanh sqrt cbrt hypot").split()
_NP = {"asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "atan2": np.arctan2,
       "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh}

MATH = SimpleNamespace(
    **{n: _math_or_numpy(getattr(math, n), _NP.get(n, getattr(np, n, None))) for n in _MATH_NAMES},
    pow=_math_or_numpy(math.pow, np.power),
    div=_math_or_numpy(lambda a, b: a / b, np.divide),
    sigmoid=_math_or_numpy(_sigmoid, lambda x: 0.5 * (np.tanh(0.5 * x) + 1.0)),
    softplus=_math_or_numpy(_softplus, lambda x: np.logaddexp(0.0, x)),
    sign=lambda x: (x > 0) - (x < 0) + 0.0 if x == x else math.nan,
    step=lambda x: 1.0 if x > 0 else 0.0,
    pick=_pick_float,
    where=lambda mask, a, b: a if mask else b,
    maximum=max, minimum=min,
    isinf=math.isinf,
    ldexp=_math_or_numpy(math.ldexp, np.ldexp),
)

NUMPY = SimpleNamespace(
    **{n: _NP.get(n, getattr(np, n, None)) for n in _MATH_NAMES},
    pow=np.power, div=np.divide,
    sigmoid=lambda x: 0.5 * (np.tanh(0.5 * x) + 1.0),
    softplus=lambda x: np.logaddexp(0.0, x),
    sign=np.sign,
    step=lambda x: (x > 0).astype(np.float64),
    pick=lambda a, b: np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0)),
    where=np.where,
    maximum=np.maximum, minimum=np.minimum,
    isinf=np.isinf,
    ldexp=np.ldexp,
)


def elementary(*values) -> SimpleNamespace:
    """The namespace of elementary functions for this data: numpy for arrays, math otherwise."""
    return NUMPY if any(isinstance(v, np.ndarray) for v in values) else MATH


# --- running error arithmetic --------------------------------------------------------------

class _Track:
    """A series being built or read: coefficients, |coefficients| and majorants |c| + e."""

    __slots__ = ("c", "a", "m", "e")

    def __init__(self, c=None, e=None, bounded=True):
        self.c = list(c or [])
        self.e = (list(e) if e is not None else [0.0] * len(self.c)) if bounded else None
        self.a = [abs(x) for x in self.c] if bounded else None
        self.m = [x + y for x, y in zip(self.a, self.e)] if bounded else None

    def push(self, value, err) -> None:
        self.c.append(value)
        if self.e is not None:
            a = abs(value)
            self.e.append(err)
            self.a.append(a)
            self.m.append(a + err)

    def series(self, d: int) -> Series:
        return Series(self.c, self.e, d)


def _track(u: Series, start: int = 0, stop: int | None = None, bounded=None) -> _Track:
    bounded = u.bounded if bounded is None else bounded
    return _Track(u.c[start:stop], u.e[start:stop] if bounded else None, bounded)


def _conv(A: _Track, B: _Track, n: int):
    """sum over i + j = n of A_i·B_j (stored terms only), and a bound on its error.

    Running error analysis of the recursive sum: each product rounds by at most U·|term| and
    each addition by U·|partial sum|, so the rounding is within U·(sum|t| + sum|partials|),
    much less than n·U·sum|t| when the terms cancel. The operands' errors move through
    sum |a|·eb + ea·(|b| + eb); SLACK covers the rounding of the bound's own arithmetic."""
    lo, hi = max(0, n - len(B.c) + 1), min(n, len(A.c) - 1)
    if lo > hi:
        return 0.0, (0.0 if A.e is not None else None)
    jl, jh = n - hi, n - lo + 1
    bc = B.c[jl:jh]
    bc.reverse()
    if A.e is None:
        return sum(map(mul, A.c[lo:hi + 1], bc)), None
    terms = list(map(mul, A.c[lo:hi + 1], bc))
    partials = list(accumulate(terms))
    be, bm = B.e[jl:jh], B.m[jl:jh]
    be.reverse()
    bm.reverse()
    moved = sum(map(mul, A.a[lo:hi + 1], be)) + sum(map(mul, A.e[lo:hi + 1], bm))
    rounding = sum(map(abs, terms)) + sum(map(abs, partials)) - abs(terms[0])  # t0: no addition
    return partials[-1], (moved + U * rounding) * SLACK


def _round(value, err):
    """The bound after one more rounding of ``value``."""
    return None if err is None else err + U * abs(value)


def _over(value, err, k):
    """value / k for an integer k, with its bound."""
    q = value / k
    return q, (None if err is None else err / k + U * abs(q))


def _quotient(ns, x, ex, y, ey):
    """x / y with a bound: (ex + |q|·ey) / (|y| - ey), inf when ey reaches |y|."""
    q = ns.div(x, y)
    if ex is None:
        return q, None
    room = abs(y) - ey
    bound = ns.div(ex + abs(q) * ey, ns.maximum(room, 0.0)) if ns is NUMPY else (
        (ex + abs(q) * ey) / room if room > 0 else math.inf)
    return q, bound + U * abs(q)


def _lead(v0, slope, u: Series, extra=0.0):
    """Bound of f(u0) from the library (LIB) and from u0's error through f'(u0) = slope."""
    if u.e is None:
        return None
    return LIB * abs(v0) + abs(slope) * u.e[0] * (1 + 1e-6) + extra


# --- series plumbing -------------------------------------------------------------------------

def derivative(u: Series) -> Series:
    """D(u): the series of du/dt, degree d - 1: [u1, 2·u2, 3·u3, ...]."""
    c = [k * u.c[k] for k in range(1, len(u.c))] or [0.0]
    if u.e is None:
        return Series(c, None, u.d - 1)
    e = [k * u.e[k] + U * abs(c[k - 1]) for k in range(1, len(u.c))] or [0.0]
    return Series(c, e, u.d - 1)


def integral(q: Series, v0, ev0) -> Series:
    """I(q) + v0: [v0, q0/1, q1/2, ...], degree d + 1."""
    t = _Track([v0], None if ev0 is None else [ev0], ev0 is not None)
    for k in range(1, len(q.c) + 1):
        t.push(*_over(q.c[k - 1], None if q.e is None else q.e[k - 1], k))
    return t.series(q.d + 1)


def truncate(u: Series, d: int) -> Series:
    return Series(u.c[: d + 1], None if u.e is None else u.e[: d + 1], d)


def _recurrence(u: Series, v0, ev0, g_next, factor: Series | None = None) -> Series:
    """v_k = (1/k)·sum_{i+j=k-1} D(u)_i·g_j, k = 1..d, where g_next(v, m) gives g_m from
    v_0..v_m (g depends on the output: exp, tan, tanh, sigmoid). ``factor`` replaces D(u)."""
    du = _track(factor if factor is not None else derivative(u)) if u.d > 0 else None
    v, g = _Track([v0], None if ev0 is None else [ev0], ev0 is not None), _Track(bounded=u.bounded)
    for k in range(1, u.d + 1):
        g.push(*g_next(v, k - 1))
        v.push(*_over(*_conv(du, g, k - 1), k))
    return v.series(u.d)


def _abs_conv(a: list, b: list, d: int) -> list:
    """sum_{i+j=k} |a_i|·b_j for k = 0..d (b >= 0): in one numpy call for one point."""
    if not any(isinstance(x, np.ndarray) for x in a + b):
        full = np.convolve(np.abs(np.array(a, dtype=np.float64)), np.array(b, dtype=np.float64))
        return (full[: d + 1].tolist() + [0.0] * (d + 1))[: d + 1]
    absa = [abs(x) for x in a]
    return [sum(absa[i] * b[k - i] for i in range(max(0, k - len(b) + 1), min(k, len(a) - 1) + 1))
            for k in range(d + 1)]


def _conv_residual(A: _Track, B: _Track, n: int, bounded: bool):
    """sum over i + j = n of A_i·B_j, and the bound of its own rounding (running error)."""
    lo, hi = max(0, n - len(B.c) + 1), min(n, len(A.c) - 1)
    if lo > hi:
        return 0.0, 0.0
    bc = B.c[n - hi:n - lo + 1]
    bc.reverse()
    if not bounded:
        return sum(map(mul, A.c[lo:hi + 1], bc)), 0.0
    terms = list(map(mul, A.c[lo:hi + 1], bc))
    partials = list(accumulate(terms))
    rounding = sum(map(abs, terms)) + sum(map(abs, partials)) - abs(terms[0])
    return partials[-1], U * rounding * SLACK


def _err(t: _Track, m: int):
    return None if t.e is None else t.e[m]


def _below(u: Series) -> Series:
    return truncate(u, u.d - 1)


def _one_point(ns, u: Series) -> bool:
    """One point past degree 0: the recurrences of response.py (their values by dots.py, with
    the linear-response bounds where bounds are on)."""
    return ns is MATH and u.d > 0


def _itself(v, m: int):
    """g(v) = v (exp, real powers): g_m and its rounding (none); v a dots.Running."""
    return v.c[m], 0.0


def _unit(v: list) -> list:
    """g'(v) = 1."""
    return [1.0]
