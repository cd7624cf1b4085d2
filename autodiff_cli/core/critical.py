"""The numbers behind ``plot``: f and its derivatives sampled on a range, and its critical points.

Every curve comes from one vectorised Taylor pass over the samples (``taylor``): f, f′, ..., the
derivative of order max(N, 2), exact to rounding. A critical point is a zero of f′ (a minimum
or a maximum) or of f″ (an inflection point) where the sampled derivative changes sign. Each
sign change brackets a zero, which safeguarded Newton refines on the exact derivatives (g and
g′ = the next order, from a scalar Taylor pass), with bisection whenever a Newton step leaves
the bracket or does not halve: to a bracket of a few ulp, the limit of float64. A sign change
across a pole (1/x) is not a zero and is dropped. Two zeros closer than the sampling step
can cancel out and be missed: more points (``--points``) separate them.

Where f is not finite (log(x) for x <= 0) every curve is a gap (nan), and one warning says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidValueError, UsageError
from .graph import check_values
from .program import Program
from .taylor import taylor_coefficients

MAX_ORDER = 6  # f and six derivatives: seven curves, still told apart on one chart
KINDS = {(1, -1, 1): "min", (1, 1, -1): "max"}


@dataclass
class CriticalPoint:
    """A zero of d^k f/dx^k (k = 1: ``min``/``max``; k = 2: ``inflection``)."""

    kind: str
    x: float
    value: float  # f(x)
    slope: float  # f′(x)
    order: int  # k: which derivative vanishes
    residual: float  # d^k f/dx^k at x, as float64 computes it


@dataclass
class Sampled:
    """f and its derivatives on the points ``x``: ``curves[k]`` is d^k f/dx^k (nan: a gap)."""

    variable: str
    x: np.ndarray
    curves: list[np.ndarray]
    order: int
    critical: list[CriticalPoint] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def sample(program: Program, values: dict, name: str, x: np.ndarray, order: int = 1) -> Sampled:
    """f and its derivatives up to ``order`` at the points ``x`` of variable ``name``, the
    others held at ``values``; the critical points in the range; a warning about gaps."""
    if not 1 <= order <= MAX_ORDER:
        raise UsageError(f"a plot shows derivatives of order 1 to {MAX_ORDER}, not {order}",
                         cli_message=f"--order {order}: a plot shows derivatives of order 1 "
                                     f"to {MAX_ORDER}",
                         hint="order 2", cli_hint="--order 2")
    x = np.asarray(x, dtype=np.float64)
    fixed = {k: v for k, v in values.items() if k != name}
    vectors = [k for k, v in fixed.items() if np.ndim(v)]
    if vectors:
        raise InvalidValueError(f"a plot has one variable along its axis, {name}; the others "
                                f"take one value each, but '{vectors[0]}' has several",
                                hint=f"--{vectors[0]} 1.5")
    data = {**check_values(program, {**fixed, name: x}), name: x}  # x even if f ignores it
    curves = derivatives(program, data, name, max(order, 2))
    with np.errstate(invalid="ignore"):
        gaps = ~np.isfinite(curves[0])
        for curve in curves[1:]:
            curve[gaps] = np.nan  # f undefined there: so are its derivatives
    result = Sampled(name, x, curves[:order + 1], order)
    broken = gaps | np.any([~np.isfinite(c) for c in result.curves], axis=0)
    if broken.any():
        where = x[broken]
        what = "f" if gaps.any() else "a derivative of f"
        place = (f"{name} = {where[0]:.6g}" if where.size == 1
                 else f"{name} from {where.min():.6g} to {where.max():.6g}")
        result.warnings.append(
            f"{what} is not finite at {int(broken.sum())} of {x.size} points ({place}): "
            "drawn as gaps")
    scalar = {k: v for k, v in data.items() if k != name}
    for k in (1, 2):
        result.critical += zeros(program, scalar, name, x, curves[k], curves[0], k)
    result.critical.sort(key=lambda p: (p.x, p.order))
    return result


def derivatives(program: Program, data: dict, name: str, degree: int) -> list[np.ndarray]:
    """[f, f′, ..., d^degree f/dx^degree] at the points of ``data[name]``, float64 arrays."""
    x = np.asarray(data[name])
    if x.ndim and program.has_reductions:  # it would reduce across the samples: one at a time
        columns = [derivatives(program, {**data, name: xi}, name, degree) for xi in x.ravel()]
        return [np.array([c[k] for c in columns], dtype=np.float64) for k in range(degree + 1)]
    with np.errstate(all="ignore"):
        coefficients, _ = taylor_coefficients(program, data, name, degree, bounds=False)
        return [np.array(np.broadcast_to(c, x.shape), dtype=np.float64) * math.factorial(k)
                for k, c in enumerate(coefficients)]


def at(program: Program, data: dict, name: str, x: float, degree: int) -> list[float]:
    """[f, f′, ..., d^degree f/dx^degree] at the one point x."""
    return [float(v) for v in derivatives(program, {**data, name: np.float64(x)}, name, degree)]


def zeros(program: Program, data: dict, name: str, x: np.ndarray, g: np.ndarray,
          f: np.ndarray, k: int) -> list[CriticalPoint]:
    """The zeros of g = d^k f/dx^k where its samples change sign, refined on the exact g."""
    found = []
    for i, j, exact in brackets(g, f):
        def slope(t: float, k=k) -> tuple[float, float]:
            ders = at(program, data, name, t, k + 1)
            return ders[k], ders[k + 1]

        root = x[exact] if exact is not None else refine(slope, x[i], x[j], g[i], g[j])
        ders = at(program, data, name, root, k)
        if not math.isfinite(ders[0]) or not abs(ders[k]) <= max(abs(g[i]), abs(g[j])):
            continue  # across a pole (2/x^3): the sign changes, no zero is there
        kind = KINDS.get((k, int(np.sign(g[i])), int(np.sign(g[j]))), "inflection")
        found.append(CriticalPoint(kind, float(root), ders[0], ders[1], k, ders[k]))
    return found


def brackets(g: np.ndarray, f: np.ndarray):
    """(i, j, exact): g[i] and g[j] finite with opposite signs, between them either nothing
    or one sample where g is exactly 0 (``exact``, its index; else None). A run of several
    zeros (a flat stretch) is not an isolated zero."""
    ok = np.isfinite(g) & np.isfinite(f)
    last, zero_run = None, []
    for index in range(g.size):
        if not ok[index]:
            last, zero_run = None, []
        elif g[index] == 0:
            zero_run.append(index)
        else:
            if last is not None and np.sign(g[last]) != np.sign(g[index]) and len(zero_run) <= 1:
                yield last, index, (zero_run[0] if zero_run else None)
            last, zero_run = index, []


def refine(slope, a: float, b: float, ga: float, gb: float, limit: int = 200) -> float:
    """A zero of g in [a, b] (g(a), g(b) of opposite signs): Newton on (g, g′) = slope(t),
    kept inside the bracket, bisecting when a step leaves it or fails to halve."""
    (neg, gneg), (pos, gpos) = ((a, ga), (b, gb)) if ga < 0 else ((b, gb), (a, ga))
    t = a - ga * (b - a) / (gb - ga)  # a secant step to start
    if not min(a, b) < t < max(a, b):
        t = 0.5 * (a + b)
    step_before = abs(b - a)
    for _ in range(limit):
        gt, dg = slope(t)
        if gt == 0:
            return t
        if not math.isfinite(gt):  # a nan inside: bisect towards the nearer side
            gt, dg = (-math.inf if abs(t - neg) < abs(t - pos) else math.inf), math.nan
        if gt < 0:
            neg, gneg = t, gt
        else:
            pos, gpos = t, gt
        newton = t - gt / dg if math.isfinite(dg) and dg != 0 else math.nan
        if abs(newton - t) <= 2 * math.ulp(t):  # converged: keep the better of the two
            return newton if abs(slope(newton)[0]) < abs(gt) else t
        low, high = min(neg, pos), max(neg, pos)
        if high - low <= 2 * math.ulp(max(abs(low), abs(high))):
            return neg if abs(gneg) < abs(gpos) else pos
        if low < newton < high and abs(newton - t) <= 0.5 * step_before:
            step_before, t = abs(newton - t), newton
        else:
            step_before, t = 0.5 * (high - low), 0.5 * (low + high)
    return t
