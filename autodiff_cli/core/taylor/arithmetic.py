"""Taylor rules of arithmetic: sums, products, quotients, integer and real constant powers,
sqrt and cbrt."""

from __future__ import annotations

import math

import numpy as np

from .dots import NUMPY_FROM, Running, dot_at, floats, late_rounding, product
from .response import output_recurrence
from .series import (MATH, SLACK2, U, Series, _abs_conv, _below, _conv, _conv_residual, _err,
                     _itself, _lead, _one_point, _quotient, _recurrence, _track, _Track, _unit,
                     constant, derivative, elementary)


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
    rows = min(len(u.c) + len(w.c) - 2, u.d) + 1
    if rows >= NUMPY_FROM and floats(u.c, w.c):  # one point, long: the whole block at once
        out = product(u.c, u.e, w.c, w.e, u.d)
        if out is not None:
            return Series(out[0], out[1], u.d)
    a, b = _track(u), _track(w)
    t = _Track(bounded=u.bounded)
    for n in range(rows):
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
    if ns is MATH and floats(u.c, w.c):
        q, residual = _div_one_point(u, w)
    else:
        q, residual = _div_steps(ns, u, w)
    if u.e is None:
        return Series(q, None, u.d)
    inverse = div(constant(1.0, u.d, False), Series(w.c, None, u.d))
    moved = _abs_conv(q, w.full_errors(), u.d)
    sources = [r + e + m for r, e, m in zip(residual, u.full_errors(), moved)]
    bound = _abs_conv(inverse.full(), sources, u.d)
    return Series(q, [b * SLACK2 for b in bound], u.d)


def _div_steps(ns, u: Series, w: Series) -> tuple[list, list]:
    """The quotient's coefficients and each step's local residual, step by step (arrays)."""
    w0, uf = w.c[0], u.full()
    tail, q = _track(w, 1, bounded=False), _Track(bounded=False)
    residual = []
    for k in range(u.d + 1):
        s, rs = _conv_residual(tail, q, k - 1, u.e is not None) if k else (0.0, 0.0)
        num = uf[k] - s
        qk = ns.div(num, w0)
        q.push(qk, None)
        if u.e is not None:
            residual.append(rs + U * (abs(num) + abs(w0 * qk)))
    return q.c, residual


def _div_one_point(u: Series, w: Series) -> tuple[list, list]:
    """_div_steps for one point: long sums by BLAS (dots.dot_at), their rounding after."""
    w0, uf, bounded = w.c[0], u.full(), u.e is not None
    tail = w.c[1:]
    q, residual = Running(u.d), []
    tail_array = np.array(tail, dtype=np.float64)
    for k in range(u.d + 1):
        s, rs = dot_at(tail, tail_array, q, k - 1, bounded) if k else (0.0, 0.0)
        num = uf[k] - s
        qk = MATH.div(num, w0)
        q.push(qk)
        if bounded:
            residual.append(rs + U * (abs(num) + abs(w0 * qk)))
    if bounded and u.d:
        late = late_rounding(tail_array, q.array(), u.d)  # sum n is step n + 1's
        residual = [residual[0]] + [r + x for r, x in zip(residual[1:], late.tolist())]
    return q.c, residual


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
        if _one_point(ns, u):
            out = output_recurrence(factor, u.d, v0, ev0, _itself, _unit)
        else:
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


def constant_power(u: Series, w: Series) -> Series:
    """u^w for a constant w: an integer by products, a real one by the recurrence."""
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
