"""A program through the Taylor rules in one forward pass: series of every node, coefficients and
derivatives of the output with their error bounds."""

from __future__ import annotations

import math

import numpy as np

from .rules import BY_NAME
from .series import U, Series, TaylorError, constant, elementary, variable


def rule_of(spec):
    """A registry entry's Taylor rule: the one it names (taylor="exp"), or its own function
    (taylor=generic(...) for a new function)."""
    rule = getattr(spec, "taylor", None)
    if isinstance(rule, str):
        rule = BY_NAME.get(rule)
    if rule is None:
        raise TaylorError(f"{spec.name}() has no Taylor rule",
                          hint="give its registry entry one: taylor=generic(f0, derivative)")
    return rule


def rule_for(node):
    """The Taylor rule of a program node (a call)."""
    return rule_of(node.spec)


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
