"""The generic Taylor rule: a unary function's series from the series of its derivative."""

from __future__ import annotations

from .functions import _inverse_rule
from .series import Series, _lead, _recurrence, _Track, elementary, truncate


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
