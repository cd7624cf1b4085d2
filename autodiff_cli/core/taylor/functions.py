"""Taylor rules of the elementary functions: exp and logs, a variable exponent, trigonometric and
hyperbolic functions and their inverses, sigmoid, softplus, atan2, hypot, and the kinks."""

from __future__ import annotations

import math

import numpy as np

from .arithmetic import add, constant_power, div, mul_, neg, scale, square, sqrt, sub
from .dots import dot_at, late_rounding
from .response import output_recurrence, rotation
from .series import (LIB, NUMPY, U, Series, _below, _conv, _err, _itself, _lead, _one_point,
                     _over, _recurrence, _track, _Track, _unit, constant, derivative, elementary,
                     integral, truncate)


# --- exponentials and logarithms -------------------------------------------------------------

def exp(u: Series) -> Series:
    """v' = v·u'."""
    ns = elementary(u.c[0])
    v0 = ns.exp(u.c[0])
    ev0 = _lead(v0, v0, u)
    if _one_point(ns, u):
        return output_recurrence(derivative(u), u.d, v0, ev0, _itself, _unit)
    return _recurrence(u, v0, ev0, lambda v, m: (v.c[m], _err(v, m)))


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


def power(u: Series, w: Series) -> Series:
    """u^w: a constant exponent by arithmetic.constant_power, a variable one as exp(w·log u)
    (0^w is 0 at every order for w0 > 0)."""
    if len(w.c) == 1:
        return constant_power(u, w)
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


# --- trigonometric and hyperbolic -----------------------------------------------------------

def _coupled(u: Series, s0, c0, sign: float) -> tuple[Series, Series]:
    """s' = c·u', c' = sign·s·u' (sin/cos: sign -1; sinh/cosh: +1)."""
    es0, ec0 = _lead(s0, c0, u), _lead(c0, s0, u)
    if sign < 0 and _one_point(elementary(u.c[0]), u):
        return rotation(derivative(u), u.d, s0, c0, es0, ec0)
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

    if _one_point(elementary(u.c[0]), u):
        bounded = u.e is not None

        def g_local(v, m: int):
            sq, rsq = dot_at(v.c, v.array(), v, m, bounded)
            value = gamma * sq + beta * v.c[m] + (alpha if m == 0 else 0.0)
            return value, abs(gamma) * rsq + 2 * U * (abs(gamma * sq) + abs(beta * v.c[m])
                                                      + abs(value))

        def g_late(v) -> np.ndarray:  # the long squares' rounding
            return abs(gamma) * late_rounding(v.array()[:u.d], v.array()[:u.d], u.d)

        def dg(v: list) -> list:
            return [beta + 2 * gamma * v[0]] + [2 * gamma * x for x in v[1:u.d]]

        return output_recurrence(derivative(u), u.d, v0, _lead(v0, slope, u), g_local, dg,
                                 g_late)
    return _recurrence(u, v0, _lead(v0, slope, u), g_next)


def tan(u: Series) -> Series:
    return _quadratic_in_output(u, elementary(u.c[0]).tan(u.c[0]), 1.0, 0.0, 1.0)


def tanh(u: Series) -> Series:
    return _quadratic_in_output(u, elementary(u.c[0]).tanh(u.c[0]), 1.0, 0.0, -1.0)


def sigmoid(u: Series) -> Series:
    return _quadratic_in_output(u, elementary(u.c[0]).sigmoid(u.c[0]), 0.0, 1.0, -1.0)


def _one(u: Series) -> Series:
    return constant(1.0, u.d - 1, u.bounded)


def _inverse_rule(u: Series, f0, slope, g_of) -> Series:
    """v = I(D(u)·g) + f0 with g = g_of(u truncated to degree d - 1)."""
    if u.d == 0 or len(u.c) == 1:
        return Series([f0], None if u.e is None else [_lead(f0, slope, u)], u.d)
    return _derivative_rule(u, g_of(_below(u)), f0, slope)


def _derivative_rule(u: Series, g: Series, f0, slope) -> Series:
    """v = I(D(u)·g) + f(u0) for a g computed from u alone (degree d - 1)."""
    ev0 = _lead(f0, slope, u)
    if u.d == 0:
        return Series([f0], None if ev0 is None else [ev0], 0)
    return integral(mul_(derivative(u), g), f0, ev0)


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


def sign(u: Series) -> Series:
    """A step: its value at the point, and zero at every order past it (as its backward)."""
    ns = elementary(u.c[0])
    return Series([ns.sign(u.c[0])], None if u.e is None else [0.0], u.d)


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
