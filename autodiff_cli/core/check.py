"""`autodiff check`: the exact derivatives against central differences.

Each first derivative is compared with ``(f(x+h) - f(x-h)) / 2h`` (f summed over a vector
output, as the gradient's seed of ones does), one row per variable, or per element of a
vector value. With ``order=2`` each Hessian entry H[a][b] is compared with central
differences of the (exact) gradient, ``(df/da(b+h) - df/da(b-h)) / 2h``: second
differences of f alone lose half the digits to rounding.

The step is relative to the point, ``h = eps * max(1, |x|)``, in float64. A row passes when
its absolute error is at most ``atol`` or its relative error at most ``rtol``; a non-finite
analytic or numeric value never passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import CheckFailedError, InvalidValueError, UsageError
from .graph import build, check_values, gradients, resolve_wrt, value_only
from .labels import derivative_label
from .nested import hessian
from .program import Program

DEFAULTS = {"eps": 1e-6, "rtol": 1e-5, "atol": 1e-7}
HEADER = ("quantity", "analytic", "numeric", "abs_error", "rel_error", "status")


@dataclass
class Row:
    quantity: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    ok: bool


@dataclass
class Report:
    expression: str
    inputs: dict
    settings: dict
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]


def compare(quantity: str, analytic, numeric, rtol: float, atol: float) -> Row:
    analytic, numeric = float(analytic), float(numeric)
    error = abs(analytic - numeric)
    scale = max(abs(analytic), abs(numeric))
    if math.isnan(error) or math.isnan(scale):  # max() with a nan depends on argument order
        relative = math.nan
    else:
        relative = error / scale if scale > 0 else 0.0
    finite = math.isfinite(analytic) and math.isfinite(numeric)
    return Row(quantity, analytic, numeric, error, relative,
               finite and (error <= atol or relative <= rtol))


def validate(eps: float, rtol: float, atol: float, order: int) -> None:
    if not (math.isfinite(eps) and 0 < eps < 1):
        raise UsageError(f"the step eps must be between 0 and 1, got {eps}", hint="eps=1e-6",
                         cli_message=f"--eps must be between 0 and 1, got {eps}",
                         cli_hint="--eps 1e-6")
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not (math.isfinite(value) and value >= 0):
            raise UsageError(f"the tolerance {name} must be a number >= 0, got {value}",
                             cli_message=f"--{name} must be a number >= 0, got {value}")
    if order not in (1, 2):
        raise UsageError(f"the check compares orders 1 and 2, not order {order}",
                         cli_message=f"check compares orders 1 and 2, not --order {order}",
                         hint="order 2 checks the Hessian too",
                         cli_hint="--order 2 checks the Hessian too")


def _shifted(data: dict, name: str, index, delta: float) -> tuple[dict, float]:
    """The values with one element moved by ``delta``; also the step actually taken."""
    moved = np.array(data[name], dtype=np.float64)
    before = moved[index]
    moved[index] = before + delta
    return {**data, name: moved[()] if moved.ndim == 0 else moved}, moved[index] - before


def _central(function, data: dict, name: str, index, eps: float):
    h = eps * max(1.0, abs(float(np.asarray(data[name])[index])))
    up, step_up = _shifted(data, name, index, h)
    down, step_down = _shifted(data, name, index, -h)
    with np.errstate(all="ignore"):
        return (function(up) - function(down)) / (step_up - step_down)


def _label(name: str, index, shape) -> str:
    return f"df/d{name}" if shape == () else f"df/d{name}[{', '.join(map(str, index))}]"


def check(program: Program, values: dict, *, eps: float = DEFAULTS["eps"],
          rtol: float = DEFAULTS["rtol"], atol: float = DEFAULTS["atol"],
          order: int = 1, wrt=None) -> Report:
    """Compare every first derivative by ``wrt`` (default: every variable), and with
    ``order=2`` every Hessian entry."""
    validate(eps, rtol, atol, order)
    data = check_values(program, values)
    names = resolve_wrt(program, wrt)
    settings = {"eps": eps, "rtol": rtol, "atol": atol, "order": order}
    if len(program.outputs) > 1:
        rows = _jacobian_rows(program, data, names, eps, rtol, atol)
        if order == 2:
            raise UsageError("the check of several results compares their Jacobian (order 1)",
                             cli_message="check --order 2 is for one result")
        return Report(program.source, data, settings, rows, list(program.warnings))
    graph = build(program, data)
    analytic = gradients(graph, names)

    def total(point):
        return float(np.sum(value_only(program, point)))

    rows = []
    for name in names:
        shape = np.shape(data[name])
        for index in np.ndindex(shape):
            numeric = _central(total, data, name, index, eps)
            rows.append(compare(_label(name, index, shape), np.asarray(analytic[name])[index],
                                numeric, rtol, atol))
    if order == 2:
        rows += _hessian_rows(program, data, names, eps, rtol, atol)
    return Report(program.source, data, settings, rows, list(graph.warnings))


def _jacobian_rows(program, data, names, eps, rtol, atol) -> list[Row]:
    """Each entry d(result)/d(variable) against central differences of that result."""
    from .jacobian import jacobian  # lazy: only several results need it

    _, matrix, _, _ = jacobian(program, data, names)
    rows = []
    for i, out in enumerate(program.output_names):
        def result(point, i=i):
            graph = build(program, point, grad=False)
            return float(np.sum(graph.nodes[program.outputs[i]].data))

        for j, name in enumerate(names):
            shape = np.shape(data[name])
            for index in np.ndindex(shape):
                numeric = _central(result, data, name, index, eps)
                label = f"d{out}/d{name}" + (f"[{', '.join(map(str, index))}]" if shape else "")
                rows.append(compare(label, np.asarray(matrix["matrix"][i][j])[index], numeric,
                                    rtol, atol))
    return rows


def _element_hessian_rows(program, data, names, eps, rtol, atol) -> list[Row]:
    """The Hessian over a vector's elements: entry (a[i], b[k]) against central differences
    in b[k] of the exact df/da[i]."""
    from .elements import element_hessian  # lazy: only vectors at order 2 need it

    hessian_ = element_hessian(program, data, names)
    cells = [(name, index) for name in names for index in np.ndindex(np.shape(data[name]))]
    labels = hessian_["variables"]
    rows = []
    for (a, i), row, label_a in zip(cells, hessian_["matrix"], labels):
        def partial(point, a=a, i=i):
            return float(np.asarray(gradients(build(program, point), [a])[a])[i])

        for (b, k), analytic, label_b in zip(cells, row, labels):
            numeric = _central(partial, data, b, k, eps)
            rows.append(compare(derivative_label((label_a, label_b)), analytic, numeric, rtol,
                                atol))
    return rows


def _hessian_rows(program, data, names, eps, rtol, atol) -> list[Row]:
    if any(np.shape(v) != () for v in data.values()):
        if program.has_reductions:
            return _element_hessian_rows(program, data, names, eps, rtol, atol)
        raise InvalidValueError("check --order 2 needs scalar values, or a scalar function of "
                                "vectors", hint="check one point at a time")
    graph = build(program, data)
    matrix = hessian(graph.output, graph.inputs, names)["matrix"]
    rows = []
    for i, a in enumerate(names):
        def partial(point, a=a):
            return float(gradients(build(program, point), [a])[a])

        for j, b in enumerate(names):
            numeric = _central(partial, data, b, (), eps)
            rows.append(compare(derivative_label((a, b)), matrix[i][j], numeric, rtol, atol))
    return rows


def failure(report: Report) -> CheckFailedError:
    """The error that ends a check with derivatives outside tolerance."""
    bad = report.failures
    s = report.settings
    return CheckFailedError(
        f"{len(bad)} of {len(report.rows)} derivatives outside tolerance "
        f"(rtol {float(s['rtol'])!r}, atol {float(s['atol'])!r}): "
        + ", ".join(row.quantity for row in bad),
        hint="at a kink (relu, abs, min, max) or outside a function's domain the two cannot "
             "agree; 'autodiff functions' says what is returned at kinks")
