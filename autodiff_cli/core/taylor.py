"""Univariate Taylor propagation: truncated series through a program, with a rounding-error bound.

A series of a node is f(x0 + t) = sum_k c_k t^k truncated at degree d, held in a ``Series``:
``c`` the coefficients (Python floats for one point, numpy float64 arrays for many), ``e`` an
upper bound on the absolute rounding error of each coefficient (or None: bounds switched off)
and ``d`` the degree. ``c`` may be shorter than d + 1: the missing coefficients are exact zeros,
so polynomials stay exact and cheap (x^4 at 0 is exactly [0, 0, 0, 0, 1]).

Each rule is written once, against ``elementary(u0)``: ``math`` for floats, numpy for arrays.
Rules follow Griewank & Walther, *Evaluating Derivatives* (2nd ed.), chapter 13, in the
v' = g(u)·u' form: with D the derivative of a series and I its integral,
v = I(D(u)·g) + f(u0). Where g depends on v itself (exp, tan, tanh, sigmoid, sin/cos), the
coefficients are produced in order, each from the ones before.

The error bound is a running error analysis (after Christianson 1992): every sum of products
carries sum |a||b| (rounding: gamma_n times it) and sum (|a|+ea)(|b|+eb) - sum |a||b| (the
inputs' errors, propagated exactly to first order). Values at the point come from the math
library (taken as within 4 ulp). Division (and log, atan, asin, ... built on it) bounds its
recurrence by its local residuals through the signed series of 1/w instead: absolute values
step by step follow the recurrence's majorant and can overstate by 1e12 at order 50. The
recurrences of exp/tan/tanh/sigmoid/sin/cos/real powers still carry absolute values step by
step, so their bounds are loose (1e3-1e5x) at high orders where terms cancel.
The bound covers rounding in this pass, relative to the
program with its float64 constants and point; it is first order in the unit roundoff and
ignores underflow to subnormals.

Choices where the function is not analytic (documented, and followed at every order):
- x^p with a real, non-integer p at x0 = 0: c_k = 0 for k < p; for k > p the k-th derivative
  is falling(p, k)·u1^k·0^(p-k), the derivative of (u1·t)^p at 0 (±inf; nan if u1 = 0), as
  the nested backward pass gives it. sqrt and cbrt at 0 follow the same rule (inf slopes).
- a variable exponent: u^w = exp(w·log u); the constant base 0 gives 0 at every order
  when w0 > 0 (0^y by y); a base <= 0 otherwise gives nan past the value.
- kinks follow the registry's subgradients, decided at x0 and held as constants for every
  order: relu'(0) = 0, abs'(0) = sign(0) = 0, max/min at a tie give each side half, so the
  series is 0.5·(u + w) past the value (the value itself is max(u0, w0)).
- reductions reduce every element of a coefficient, as the registry's forward does: sum,
  mean, dot, prod, norm, logsumexp and max/min of a vector are supported (max/min share the
  series among the tied elements, as their backward shares the gradient).
"""

from __future__ import annotations

import math
from itertools import accumulate
from operator import mul
from types import SimpleNamespace

import numpy as np

U = 2.0 ** -53  # unit roundoff of float64
GAMMA = 3.5 * U * (1 + 1e-6)  # per term, for the few sums bounded the simple way (reductions)
SLACK = 1 + 1e-10  # covers the rounding of the bounds' own arithmetic
SLACK2 = 1 + 1e-6  # also covers second-order terms where a bound is propagated as a whole
LIB = 8 * U  # relative error of a library function at the point (4 ulp: numpy's SIMD loops)


class TaylorError(ValueError):
    """A program the Taylor pass cannot propagate (no rule, or a value it cannot seed)."""


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


def _derivative_rule(u: Series, g: Series, f0, slope) -> Series:
    """v = I(D(u)·g) + f(u0) for a g computed from u alone (degree d - 1)."""
    ev0 = _lead(f0, slope, u)
    if u.d == 0:
        return Series([f0], None if ev0 is None else [ev0], 0)
    return integral(mul_(derivative(u), g), f0, ev0)


def _recurrence(u: Series, v0, ev0, g_next, factor: Series | None = None) -> Series:
    """v_k = (1/k)·sum_{i+j=k-1} D(u)_i·g_j, k = 1..d, where g_next(v, m) gives g_m from
    v_0..v_m (g depends on the output: exp, tan, tanh, sigmoid). ``factor`` replaces D(u)."""
    du = _track(factor if factor is not None else derivative(u)) if u.d > 0 else None
    v, g = _Track([v0], None if ev0 is None else [ev0], ev0 is not None), _Track(bounded=u.bounded)
    for k in range(1, u.d + 1):
        g.push(*g_next(v, k - 1))
        v.push(*_over(*_conv(du, g, k - 1), k))
    return v.series(u.d)


# --- arithmetic ----------------------------------------------------------------------------

def _linear(u: Series, w: Series, sign: float) -> Series:
    n = max(len(u.c), len(w.c))
    uc, wc = u.c + [0.0] * (n - len(u.c)), w.c + [0.0] * (n - len(w.c))
    c = [a + sign * b for a, b in zip(uc, wc)]
    if u.e is None:
        return Series(c, None, u.d)
    ue, we = u.full_errors()[:n], w.full_errors()[:n]
    return Series(c, [x + y + U * abs(s) for x, y, s in zip(ue, we, c)], u.d)


def add(u: Series, w: Series) -> Series:
    return _linear(u, w, 1.0)


def sub(u: Series, w: Series) -> Series:
    return _linear(u, w, -1.0)


def neg(u: Series) -> Series:
    return Series([-x for x in u.c], None if u.e is None else list(u.e), u.d)


def scale(u: Series, s, es=0.0) -> Series:
    """s·u for a constant s (with error es): O(d)."""
    c = [s * x for x in u.c]
    if u.e is None:
        return Series(c, None, u.d)
    a = abs(s)
    return Series(c, [a * e + es * (abs(x) + e) + U * abs(y) for x, e, y in zip(u.c, u.e, c)], u.d)


def mul_(u: Series, w: Series) -> Series:
    """The product: a convolution, O(len(u)·len(w)); a constant side is a scaling."""
    if len(w.c) == 1:
        return scale(u, w.c[0], 0.0 if w.e is None else w.e[0])
    if len(u.c) == 1:
        return scale(w, u.c[0], 0.0 if u.e is None else u.e[0])
    a, b = _track(u), _track(w)
    t = _Track(bounded=u.bounded)
    for n in range(min(len(u.c) + len(w.c) - 2, u.d) + 1):
        t.push(*_conv(a, b, n))
    return t.series(u.d)


def square(u: Series) -> Series:
    return mul_(u, u)


def div(u: Series, w: Series) -> Series:
    """q = u / w: q_k = (u_k - sum_{j>=1} w_j q_{k-j}) / w0.

    The bound is not carried step by step through the recurrence (absolute values would
    follow its majorant, which grows like the largest root of |w|: 1/(1+x^2) at 0.7 would be
    bounded 1e12 times too loosely at order 50). Instead, the computed q satisfies
    w·q = u + rho exactly for the local residuals rho of each step, so to first order
    q - exact = (rho + du - q·dw) / w, bounded with the signed series of 1/w."""
    ns = elementary(u.c[0], w.c[0])
    w0 = w.c[0]
    if len(w.c) == 1:
        return _scale_down(ns, u, w0, None if w.e is None else w.e[0])
    uf = u.full()
    tail, q = _track(w, 1, bounded=False), _Track(bounded=False)
    residual = []
    for k in range(u.d + 1):
        s, rs = _conv_residual(tail, q, k - 1, u.e is not None) if k else (0.0, 0.0)
        num = uf[k] - s
        qk = ns.div(num, w0)
        q.push(qk, None)
        if u.e is not None:
            residual.append(rs + U * (abs(num) + abs(w0 * qk)))
    if u.e is None:
        return q.series(u.d)
    inverse = div(constant(1.0, u.d, False), Series(w.c, None, u.d))
    moved = _abs_conv(q.c, w.full_errors(), u.d)
    sources = [r + e + m for r, e, m in zip(residual, u.full_errors(), moved)]
    bound = _abs_conv(inverse.full(), sources, u.d)
    return Series(q.c, [b * SLACK2 for b in bound], u.d)


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


def _scale_down(ns, u: Series, w0, ew0) -> Series:
    t = _Track(bounded=u.bounded)
    for k, x in enumerate(u.c):
        t.push(*_quotient(ns, x, None if u.e is None else u.e[k], w0, ew0))
    return t.series(u.d)


# --- powers ----------------------------------------------------------------------------------

def _integer_power(u: Series, n: int) -> Series:
    """u^n by binary powering (exact where the products are: x^4 at 0)."""
    result, base = None, u
    while n:
        if n & 1:
            result = base if result is None else mul_(result, base)
        n >>= 1
        if n:
            base = square(base)
    return result


def _falling(p: float, k: int) -> float:
    out = 1.0
    for i in range(k):
        out *= p - i
    return out


def _binomial(p: float, k: int) -> float:
    """falling(p, k) / k!, as a product (k! alone overflows a float past k = 170)."""
    out = 1.0
    for i in range(k):
        out *= (p - i) / (i + 1)
    return out


def _power_at_zero(ns, u: Series, p: float) -> tuple[list, list]:
    """u^p where u0 = 0 (p not an integer): 0 below order p, and above it the coefficient of
    the derivative falling(p,k)·u1^k·0^(p-k) of (u1·t)^p at 0 (see the module's docstring)."""
    u1 = u.c[1] if len(u.c) > 1 else 0.0
    c = [ns.pow(0.0 * u1, p)]  # 0 for p > 0, inf for p < 0
    for k in range(1, u.d + 1):
        c.append(0.0 * u1 if k < p else _binomial(p, k) * u1 ** k * math.inf)
    return c, [ns.where(x == 0.0, 0.0, math.inf) for x in c]


def _real_power(u: Series, p, ep, v0) -> Series:
    """u^p for a constant p: v' = p·v·(u'/u), v0 given (the function's value: cbrt is real for
    u0 < 0). ep bounds p's own error. O(d^2): one division and one recurrence."""
    ns = elementary(u.c[0], p)
    u0 = u.c[0]
    ev0 = _lead(v0, ns.div(p * v0, u0), u, extra=abs(v0 * ns.log(abs(u0))) * ep if ep else 0.0)
    if u.d == 0 or len(u.c) == 1:
        out = Series([v0], None if ev0 is None else [ev0], u.d)
    else:
        factor = scale(div(derivative(u), _below(u)), p, ep)
        out = _recurrence(u, v0, ev0, lambda v, m: (v.c[m], _err(v, m)), factor=factor)
    _patch_zero_base(ns, u, p, out)
    return out


def _patch_zero_base(ns, u: Series, p, out: Series) -> None:
    """Replace the recurrence's 0/0 where u0 = 0 by the documented limit."""
    u0 = u.c[0]
    if ns is MATH:
        if u0 == 0:
            out.c, zero_e = _power_at_zero(ns, u, p)
            out.e = None if out.e is None else zero_e
        return
    zero = u0 == 0
    if np.any(zero) and np.ndim(p) == 0:
        c, e = _power_at_zero(ns, u, float(p))
        out.c = [np.where(zero, a, b) for a, b in zip(c, out.full())]
        if out.e is not None:
            out.e = [np.where(zero, a, b) for a, b in zip(e, out.full_errors())]


def _is_integer(p) -> bool:
    return isinstance(p, float) and p.is_integer() and abs(p) <= 2 ** 31


def _uniform(p):
    """A scalar exponent where an array holds one value (a variable not differentiated by)."""
    if isinstance(p, np.ndarray) and p.size and np.all(p == p.flat[0]):
        return float(p.flat[0])
    return float(p) if isinstance(p, (int, float)) else p


def power(u: Series, w: Series) -> Series:
    """u^w: an integer constant by products, a real constant by the recurrence, a variable
    exponent as exp(w·log u) (0^w is 0 at every order for w0 > 0)."""
    if len(w.c) == 1:
        p = _uniform(w.c[0])
        if _is_integer(p):
            n = int(p)
            if n == 0:
                return constant(1.0 + 0.0 * u.c[0], u.d, u.bounded)
            r = _integer_power(u, abs(n))
            r = Series(list(r.c), None if r.e is None else list(r.e), r.d)  # never u itself
            return r if n > 0 else div(constant(1.0, u.d, u.bounded), r)
        ns = elementary(u.c[0], p)
        return _real_power(u, p, 0.0 if w.e is None else w.e[0], ns.pow(u.c[0], p))
    return _variable_power(u, w)


def _variable_power(u: Series, w: Series) -> Series:
    ns = elementary(u.c[0], w.c[0])
    u0, w0 = u.c[0], w.c[0]
    general = exp(mul_(w, log(u)))
    if len(u.c) == 1:  # constant base: 0^w is 0 at every order where w0 > 0
        zero = (u0 == 0) & (w0 > 0) if ns is NUMPY else (u0 == 0 and w0 > 0)
        if np.any(zero):
            general.c = [ns.where(zero, 0.0, x) for x in general.full()]
            if general.e is not None:
                general.e = [ns.where(zero, 0.0, x) for x in general.full_errors()]
    general.c[0] = ns.where(u0 <= 0, ns.pow(u0, w0), general.c[0])
    return general


def sqrt(u: Series) -> Series:
    """v^2 = u: 2·v0·v_k = u_k - sum_{j=1..k-1} v_j·v_{k-j} (one convolution an order)."""
    ns = elementary(u.c[0])
    v0 = ns.sqrt(u.c[0])
    ev0 = _lead(v0, ns.div(0.5, v0), u)
    v = _Track([v0], None if ev0 is None else [ev0], u.bounded)
    tail = _Track(bounded=u.bounded)  # v_1, v_2, ...: the sum leaves out v0
    uf, ue = u.full(), u.full_errors()
    two_v0, e2 = 2.0 * v0, (None if ev0 is None else 2.0 * ev0)
    for k in range(1, u.d + 1 if len(u.c) > 1 else 1):
        s, es = _conv(tail, tail, k - 2) if k >= 2 else (0.0, None if ev0 is None else 0.0)
        num = uf[k] - s
        vk, ek = _quotient(ns, num, None if es is None else ue[k] + es + U * abs(num), two_v0, e2)
        v.push(vk, ek)
        tail.push(vk, ek)
    out = v.series(u.d)
    _patch_zero_base(ns, u, 0.5, out)
    return out


def cbrt(u: Series) -> Series:
    ns = elementary(u.c[0])
    return _real_power(u, 1.0 / 3.0, U / 3.0, ns.cbrt(u.c[0]))


# --- exponentials and logarithms -------------------------------------------------------------

def exp(u: Series) -> Series:
    """v' = v·u'."""
    ns = elementary(u.c[0])
    v0 = ns.exp(u.c[0])
    return _recurrence(u, v0, _lead(v0, v0, u), lambda v, m: (v.c[m], _err(v, m)))


def _err(t: _Track, m: int):
    return None if t.e is None else t.e[m]


def expm1(u: Series) -> Series:
    """exp(u) - 1: the series of exp past the value."""
    ns = elementary(u.c[0])
    v = exp(u)
    v.c[0] = ns.expm1(u.c[0])
    if v.e is not None:
        v.e[0] = _lead(v.c[0], v.c[0] + 1.0, u)
    return v


def log(u: Series) -> Series:
    """v' = u'/u."""
    ns = elementary(u.c[0])
    v0 = ns.log(u.c[0])
    if u.d == 0 or len(u.c) == 1:
        return Series([v0], None if u.e is None else [_lead(v0, ns.div(1.0, u.c[0]), u)], u.d)
    q = div(derivative(u), truncate(u, u.d - 1))
    return integral(q, v0, _lead(v0, ns.div(1.0, u.c[0]), u))


def log1p(u: Series) -> Series:
    ns = elementary(u.c[0])
    v0 = ns.log1p(u.c[0])
    slope = ns.div(1.0, 1.0 + u.c[0])
    if u.d == 0 or len(u.c) == 1:
        return Series([v0], None if u.e is None else [_lead(v0, slope, u)], u.d)
    one_plus = add(constant(1.0, u.d - 1, u.bounded), truncate(u, u.d - 1))
    return integral(div(derivative(u), one_plus), v0, _lead(v0, slope, u))


def _log_base(u: Series, base: float, f0) -> Series:
    ns = elementary(u.c[0])
    inv = 1.0 / math.log(base)
    v = scale(log(u), inv, 2 * U * inv)
    v.c[0] = f0(ns)(u.c[0])
    if v.e is not None:
        v.e[0] = _lead(v.c[0], ns.div(inv, u.c[0]), u)
    return v


def log2(u: Series) -> Series:
    return _log_base(u, 2.0, lambda ns: ns.log2)


def log10(u: Series) -> Series:
    return _log_base(u, 10.0, lambda ns: ns.log10)


# --- trigonometric and hyperbolic -----------------------------------------------------------

def _coupled(u: Series, s0, c0, sign: float) -> tuple[Series, Series]:
    """s' = c·u', c' = sign·s·u' (sin/cos: sign -1; sinh/cosh: +1)."""
    es0, ec0 = _lead(s0, c0, u), _lead(c0, s0, u)
    s = _Track([s0], None if es0 is None else [es0], u.bounded)
    c = _Track([c0], None if ec0 is None else [ec0], u.bounded)
    du = _track(derivative(u)) if u.d > 0 else None
    for k in range(1, u.d + 1):
        sk, esk = _over(*_conv(du, c, k - 1), k)
        ck, eck = _over(*_conv(du, s, k - 1), k)
        s.push(sk, esk)
        c.push(sign * ck, eck)
    return s.series(u.d), c.series(u.d)


def sincos(u: Series) -> tuple[Series, Series]:
    ns = elementary(u.c[0])
    return _coupled(u, ns.sin(u.c[0]), ns.cos(u.c[0]), -1.0)


def sinhcosh(u: Series) -> tuple[Series, Series]:
    ns = elementary(u.c[0])
    return _coupled(u, ns.sinh(u.c[0]), ns.cosh(u.c[0]), 1.0)


def sin(u: Series) -> Series:
    return sincos(u)[0]


def cos(u: Series) -> Series:
    return sincos(u)[1]


def sinh(u: Series) -> Series:
    return sinhcosh(u)[0]


def cosh(u: Series) -> Series:
    return sinhcosh(u)[1]


def _quadratic_in_output(u: Series, v0, alpha: float, beta: float, gamma: float) -> Series:
    """v' = (alpha + beta·v + gamma·v^2)·u': tan (1, 0, 1), tanh (1, 0, -1), sigmoid (0, 1, -1)."""
    slope = alpha + beta * v0 + gamma * v0 * v0

    def g_next(v: _Track, m: int):
        sq, esq = _conv(v, v, m)
        value = gamma * sq + beta * v.c[m] + (alpha if m == 0 else 0.0)
        if esq is None:
            return value, None
        err = abs(gamma) * esq + abs(beta) * v.e[m]
        return value, err + 2 * U * (abs(gamma * sq) + abs(beta * v.c[m]) + abs(value))

    return _recurrence(u, v0, _lead(v0, slope, u), g_next)


def tan(u: Series) -> Series:
    return _quadratic_in_output(u, elementary(u.c[0]).tan(u.c[0]), 1.0, 0.0, 1.0)


def tanh(u: Series) -> Series:
    return _quadratic_in_output(u, elementary(u.c[0]).tanh(u.c[0]), 1.0, 0.0, -1.0)


def sigmoid(u: Series) -> Series:
    return _quadratic_in_output(u, elementary(u.c[0]).sigmoid(u.c[0]), 0.0, 1.0, -1.0)


def _below(u: Series) -> Series:
    return truncate(u, u.d - 1)


def _one(u: Series) -> Series:
    return constant(1.0, u.d - 1, u.bounded)


def _inverse_rule(u: Series, f0, slope, g_of) -> Series:
    """v = I(D(u)·g) + f0 with g = g_of(u truncated to degree d - 1)."""
    if u.d == 0 or len(u.c) == 1:
        return Series([f0], None if u.e is None else [_lead(f0, slope, u)], u.d)
    return _derivative_rule(u, g_of(_below(u)), f0, slope)


def atan(u: Series) -> Series:
    ns = elementary(u.c[0])
    x = u.c[0]
    return _inverse_rule(u, ns.atan(x), ns.div(1.0, 1.0 + x * x),
                         lambda b: div(_one(u), add(_one(u), square(b))))


def asin(u: Series) -> Series:
    ns = elementary(u.c[0])
    x = u.c[0]
    return _inverse_rule(u, ns.asin(x), ns.div(1.0, ns.sqrt(1.0 - x * x)),
                         lambda b: div(_one(u), sqrt(sub(_one(u), square(b)))))


def acos(u: Series) -> Series:
    ns = elementary(u.c[0])
    x = u.c[0]
    return _inverse_rule(u, ns.acos(x), ns.div(1.0, ns.sqrt(1.0 - x * x)),
                         lambda b: div(neg(_one(u)), sqrt(sub(_one(u), square(b)))))


def asinh(u: Series) -> Series:
    ns = elementary(u.c[0])
    x = u.c[0]
    return _inverse_rule(u, ns.asinh(x), ns.div(1.0, ns.sqrt(1.0 + x * x)),
                         lambda b: div(_one(u), sqrt(add(square(b), _one(u)))))


def acosh(u: Series) -> Series:
    ns = elementary(u.c[0])
    x = u.c[0]
    return _inverse_rule(u, ns.acosh(x), ns.div(1.0, ns.sqrt(x * x - 1.0)),
                         lambda b: div(_one(u), sqrt(sub(square(b), _one(u)))))


def atanh(u: Series) -> Series:
    ns = elementary(u.c[0])
    x = u.c[0]
    return _inverse_rule(u, ns.atanh(x), ns.div(1.0, 1.0 - x * x),
                         lambda b: div(_one(u), sub(_one(u), square(b))))


def softplus(u: Series) -> Series:
    """v' = sigmoid(u)·u'."""
    ns = elementary(u.c[0])
    x = u.c[0]
    return _inverse_rule(u, ns.softplus(x), ns.sigmoid(x), sigmoid)


def atan2(a: Series, b: Series) -> Series:
    """The angle of (b, a): v' = (b·a' - a·b') / (a^2 + b^2)."""
    ns = elementary(a.c[0], b.c[0])
    a0, b0 = a.c[0], b.c[0]
    v0 = ns.atan2(a0, b0)
    r2 = a0 * a0 + b0 * b0
    ev0 = None
    if a.e is not None:
        ev0 = LIB * abs(v0) + ns.div(abs(b0) * a.e[0] + abs(a0) * b.e[0], r2) * (1 + 1e-6)
    if a.d == 0 or (len(a.c) == 1 and len(b.c) == 1):
        return Series([v0], None if ev0 is None else [ev0], a.d)
    ab, bb = _below(a), _below(b)
    num = sub(mul_(bb, derivative(a)), mul_(ab, derivative(b)))
    return integral(div(num, add(square(ab), square(bb))), v0, ev0)


def hypot(a: Series, b: Series) -> Series:
    """sqrt(a^2 + b^2), the value from the library (no overflow); nan past it at the origin."""
    ns = elementary(a.c[0], b.c[0])
    v = sqrt(add(square(a), square(b)))
    h = ns.hypot(a.c[0], b.c[0])
    v.c[0] = h
    if v.e is not None:
        moved = ns.div(abs(a.c[0]) * a.e[0] + abs(b.c[0]) * b.e[0], h)  # |dh| <= |da| + |db|
        v.e[0] = LIB * abs(h) + ns.where(h > 0, moved, a.e[0] + b.e[0])
    return v


# --- kinks: the registry's subgradients, held constant at every order ----------------------

def _masked(u: Series, mask, value) -> Series:
    """value at order 0, mask·u_k past it (mask decided at the point)."""
    c = [value] + [mask * x for x in u.c[1:]]
    # the value is 1-Lipschitz in u0: its error is u0's (the branch is the computed one's)
    e = None if u.e is None else [u.e[0]] + [abs(mask) * x for x in u.e[1:]]
    return Series(c, e, u.d)


def relu(u: Series) -> Series:
    ns = elementary(u.c[0])
    return _masked(u, ns.step(u.c[0]), ns.maximum(u.c[0], 0.0))


def abs_(u: Series) -> Series:
    ns = elementary(u.c[0])
    return _masked(u, ns.sign(u.c[0]), abs(u.c[0]))


def _extreme2(u: Series, w: Series, larger: bool) -> Series:
    ns = elementary(u.c[0], w.c[0])
    u0, w0 = u.c[0], w.c[0]
    pu, pw = (ns.pick(u0, w0), ns.pick(w0, u0)) if larger else (ns.pick(w0, u0), ns.pick(u0, w0))
    v = add(_masked(u, pu, 0.0), _masked(w, pw, 0.0))
    v.c[0] = ns.maximum(u0, w0) if larger else ns.minimum(u0, w0)
    if v.e is not None:
        v.e[0] = ns.maximum(u.e[0], w.e[0])
    return v


def maximum(u: Series, w: Series) -> Series:
    return _extreme2(u, w, True)


def minimum(u: Series, w: Series) -> Series:
    return _extreme2(u, w, False)


# --- reductions: each coefficient reduced over the vector's elements ------------------------

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


# --- the generic rule: from an entry's derivative ------------------------------------------

def generic(f0, g, uses_output: bool = False):
    """A rule for a unary f from its derivative g: v' = g·u', so
    v_k = (1/k)·sum_{j=1..k} j·u_j·g_{k-j}.

    ``f0(ns, x)`` is f at the point; ``g(u)`` (or ``g(u, v)`` with ``uses_output``) is the
    series of f' computed with the rules of this module. Where g needs v itself, the series of
    g is recomputed at each order from the coefficients known so far: O(d^3), a fallback."""
    def rule(u: Series) -> Series:
        ns = elementary(u.c[0])
        v0 = f0(ns, u.c[0])
        if not uses_output:
            gs = g(truncate(u, 0))
            return _inverse_rule(u, v0, gs.c[0], g)
        return _generic_output(u, v0, g)
    return rule


def _generic_output(u: Series, v0, g) -> Series:
    zero_u = truncate(u, 0)
    slope = g(zero_u, Series([v0], None if u.e is None else [0.0], 0)).c[0]

    def g_next(v: _Track, m: int):
        gs = g(truncate(u, m), Series(list(v.c), None if v.e is None else list(v.e), m))
        full, errs = gs.full(), gs.full_errors()
        return full[m], (None if gs.e is None else errs[m])

    return _recurrence(u, v0, _lead(v0, slope, u), g_next)


# The rules, by registry name and arity: a registry entry references one as taylor=...
RULES = {
    ("add", 2): add, ("sub", 2): sub, ("mul", 2): mul_, ("div", 2): div, ("neg", 1): neg,
    ("pow", 2): power, ("square", 1): square, ("sqrt", 1): sqrt, ("cbrt", 1): cbrt,
    ("exp", 1): exp, ("expm1", 1): expm1, ("log", 1): log, ("log1p", 1): log1p,
    ("log2", 1): log2, ("log10", 1): log10,
    ("sin", 1): sin, ("cos", 1): cos, ("tan", 1): tan, ("asin", 1): asin, ("acos", 1): acos,
    ("atan", 1): atan, ("atan2", 2): atan2,
    ("sinh", 1): sinh, ("cosh", 1): cosh, ("tanh", 1): tanh, ("asinh", 1): asinh,
    ("acosh", 1): acosh, ("atanh", 1): atanh,
    ("sigmoid", 1): sigmoid, ("softplus", 1): softplus,
    ("relu", 1): relu, ("abs", 1): abs_, ("hypot", 2): hypot,
    ("max", 2): maximum, ("min", 2): minimum,
    ("sum", 1): total, ("mean", 1): mean, ("prod", 1): prod, ("norm", 1): norm,
    ("logsumexp", 1): logsumexp, ("max", 1): vector_max, ("min", 1): vector_min, ("dot", 2): dot,
}


# --- a program, one forward pass -------------------------------------------------------------

def rule_for(node):
    """The node's Taylor rule: its registry entry's ``taylor`` if it has one, else RULES."""
    rule = getattr(node.spec, "taylor", None) or RULES.get((node.name, len(node.args)))
    if rule is None:
        raise TaylorError(f"{node.name}() has no Taylor rule")
    return rule


def _seed_value(value):
    """A float for one point, a float64 array for many."""
    data = np.asarray(value, dtype=np.float64)
    return float(data) if data.ndim == 0 else data


def propagate(program, values: dict, wrt: str, degree: int, bounds: bool = True) -> list:
    """The series of every node of ``program`` in x = ``wrt`` about its value, to ``degree``."""
    if degree < 0:
        raise TaylorError(f"the degree must be at least 0, got {degree}")
    series: list[Series] = []
    with np.errstate(all="ignore"):
        for node in program.nodes:
            if node.kind == "const":
                s = constant(float(node.value), degree, bounds)
            elif node.kind == "input":
                x0 = _seed_value(values[node.name])
                s = variable(x0, degree, bounds) if node.name == wrt else constant(x0, degree, bounds)
            else:
                s = rule_for(node)(*[series[i] for i in node.args])
            series.append(s)
    return series


def taylor_coefficients(program, values: dict, wrt: str, degree: int, bounds: bool = True):
    """(coefficients f_0..f_degree of f(x0 + t), their error bounds), padded with zeros."""
    out = propagate(program, values, wrt, degree, bounds)[program.output]
    return _same_shape(out.full()), (_same_shape(out.full_errors()) if bounds else None)


def _same_shape(items: list) -> list:
    """Arrays all of one shape where any coefficient is an array (padding zeros are floats)."""
    if not any(isinstance(x, np.ndarray) for x in items):
        return items
    shape = np.broadcast_shapes(*(np.shape(x) for x in items))
    return [np.array(np.broadcast_to(x, shape), dtype=np.float64) for x in items]


def _times_factorial(ns, x, err, k: int):
    """k!·x without forming k! as a float (it overflows past k = 170): k! = m·2^shift."""
    n = math.factorial(k)
    shift = max(n.bit_length() - 62, 0)
    m = float(n >> shift)  # within 2^-61 + U of k!/2^shift
    d = ns.ldexp(x * m, shift)
    if err is None:
        return d, None
    return d, ns.ldexp(err * m, shift) * (1 + 4 * U) + 2.5 * U * abs(d)


def derivatives(program, values: dict, wrt: str, order: int, bounds: bool = True):
    """([d^k f/dx^k for k = 1..order], [a bound on each one's absolute rounding error])."""
    coeffs, errs = taylor_coefficients(program, values, wrt, order, bounds)
    ns = elementary(*coeffs)
    pairs = [_times_factorial(ns, coeffs[k], None if errs is None else errs[k], k)
             for k in range(1, order + 1)]
    return [p[0] for p in pairs], (None if errs is None else [p[1] for p in pairs])
