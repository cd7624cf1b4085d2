"""A Taylor polynomial written in the tool's own language, in powers of (x - x0)."""

from __future__ import annotations

import math

from .numbers import number


def _power(variable: str, at: float, k: int) -> str:
    """x, (x - 2.0), (x + 0.5)^3: the k-th power of the distance from the point."""
    if at == 0:
        base = variable
    else:
        base = f"({variable} {'-' if at > 0 else '+'} {number(abs(at))})"
    return base if k == 1 else f"{base}^{k}"


def expression(series: dict) -> str | None:
    """``c0 + c1*(x - x0) + c2*(x - x0)^2 + ...``, which ``autodiff eval`` reads back; exact
    zero coefficients are left out. None when a coefficient is not finite (the language has
    no literal for nan)."""
    coefficients = [float(c) for c in series["coefficients"]]
    if not all(math.isfinite(c) for c in coefficients):
        return None
    name, at = series["variable"], float(series["at"])
    terms = []
    for k, c in enumerate(coefficients):
        if c == 0 and (k > 0 or len(coefficients) == 1):
            continue
        magnitude = number(abs(c))
        body = magnitude if k == 0 else (_power(name, at, k) if abs(c) == 1
                                         else f"{magnitude}*{_power(name, at, k)}")
        if not terms:
            terms.append(f"-{body}" if c < 0 else body)
        else:
            terms.append(f"{'-' if c < 0 else '+'} {body}")
    return " ".join(terms) if terms else "0.0"
