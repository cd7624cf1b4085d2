"""Higher derivatives: pure ones by Taylor-mode propagation, the Hessian by double backprop.

- one variable, order N: d^n f/dx^n for n = 1..N, from one Taylor pass (``taylor``): the
  truncated series of f(x0 + t) pushed through the program, O(N^2) per nonlinear node,
  with a running bound on each derivative's rounding error;
- several variables, order N > 2: the pure derivatives of each variable, one pass each
  (mixed derivatives above order 2 are not computed);
- several variables, order 2: the Hessian, by double backprop (``nested``);
- a scalar function of vectors, order 2: the Hessian over every element (``elements``).
"""

from __future__ import annotations

from ..errors import InvalidValueError, LimitError, UsageError
from .elementary import np  # imported when --order asks for it, not by a first-order run
from .graph import build, check_values
from .labels import derivative_label

MAX_ORDER = 200  # Taylor mode costs O(N^2) per node: order 200 takes milliseconds
SUSPECT = 1e-8  # a derivative whose estimated relative error passes this gets a warning


def check_order(order: int, maximum: int = MAX_ORDER) -> int:
    if order < 1:
        raise UsageError(f"the order of differentiation must be at least 1, got {order}",
                         cli_message=f"--order must be at least 1, got {order}",
                         hint="order 2 for second derivatives (or the Hessian)",
                         cli_hint="--order 2 for second derivatives (or the Hessian)")
    if order > maximum:
        raise LimitError(f"order {order} is above the largest supported order, {maximum}",
                         cli_message=f"--order {order} is above the largest supported order, "
                                     f"{maximum}")
    return order


def taylor_derivatives(program, data: dict, names: list[str], order: int,
                       bounds: bool = True) -> tuple[dict, dict | None]:
    """({name: [d f/dx, ..., d^order f/dx^order]}, {name: [a bound on each one's absolute
    rounding error]} or None): one Taylor pass per variable, the others held fixed."""
    from . import taylor  # lazy by policy: only orders above 1 need Taylor mode
    derivatives, errors = {}, {} if bounds else None
    for name in names:
        values, bound = taylor.derivatives(program, data, name, order, bounds)
        derivatives[name] = values
        if bounds:
            errors[name] = bound
    return derivatives, errors


def series(program, values: dict, name: str, degree: int) -> dict:
    """The Taylor polynomial of f in ``name`` about its value: coefficients f_0..f_degree
    of f(x0 + t) and a bound on each one's rounding error."""
    from . import taylor  # lazy by policy: only --series needs it
    data = check_values(program, values)
    if any(np.ndim(v) for v in data.values()):
        raise InvalidValueError("a Taylor series needs scalar values",
                                hint="give one point at a time")
    with np.errstate(all="ignore"):
        coefficients, errors = taylor.taylor_coefficients(program, data, name, degree)
    return {"variable": name, "at": data[name], "coefficients": coefficients,
            "bounds": errors}


def _check_shapes(program, data: dict) -> None:
    """Vectors are allowed only where every order stays element-wise (docs/higher-orders.md)."""
    shapes = {np.shape(x) for x in data.values()}
    if shapes <= {()}:
        return
    if program.has_reductions or len(shapes) > 1:
        raise InvalidValueError("order 2 and above need scalar values, or vectors of one "
                                "length for all variables and an expression without reductions",
                                hint="give one point at a time, or ask for order 1",
                                cli_message="--order 2 and above need scalar values, or vectors "
                                            "of one length for all variables and an expression "
                                            "without reductions",
                                cli_hint="give one point at a time, or use --order 1")


def attach(result, program, values: dict, names: list[str], order: int,
           bounds: bool = True) -> None:
    """Fill ``result.derivatives`` (and ``result.bounds``) or ``result.hessian`` for order
    N >= 2; warn about non-finite derivatives and those float64 may have lost digits of."""
    check_order(order)
    if order == 1:
        return
    data = check_values(program, values)
    lengths = {np.size(v) for v in data.values() if np.ndim(v)}
    entries = []
    if lengths and order == 2 and program.has_reductions:  # a scalar function of vectors
        from .elements import element_hessian  # lazy: only this case needs it

        result.hessian = element_hessian(program, data, names)
        return
    if len(lengths) == 1 and not program.has_reductions:  # element-wise: a scalar value is
        (n,) = lengths  # the same at every element
        data = {k: np.broadcast_to(v, (n,)).copy() if np.ndim(v) == 0 else v
                for k, v in data.items()}
    else:
        _check_shapes(program, data)
    if len(names) > 1:  # the Hessian; from order 3 also the pure derivatives (a superset)
        from .nested import hessian  # lazy by policy: only a Hessian needs double backprop

        graph = build(program, data)
        result.hessian = hessian(graph.output, graph.inputs, names)
        entries = [(derivative_label((a, b)), v, None)
                   for a, row in zip(names, result.hessian["matrix"]) for b, v in zip(names, row)]
    if len(names) == 1 or order > 2:
        with np.errstate(all="ignore"):
            result.derivatives, result.bounds = taylor_derivatives(program, data, names, order,
                                                                   bounds)
        for name in names:  # one value for df/dx: the gradient (nan where f is), as printed
            result.derivatives[name][0] = result.gradient[name]
        if result.hessian:  # one value for d2f/dx2: the Hessian's diagonal, as printed
            for i, name in enumerate(names):
                result.derivatives[name][1] = result.hessian["matrix"][i][i]
        first = 3 if result.hessian else 1
        entries += [(derivative_label((name,) * n), v,
                     result.bounds[name][n - 1] if bounds else None)
                    for name, ders in result.derivatives.items()
                    for n, v in enumerate(ders, start=1) if n >= first]
    suspects, infinite = [], []
    for label, value, bound in entries:
        if not np.all(np.isfinite(value)):
            if not label.startswith("df/"):  # the gradient's own warning says it already
                infinite.append((label, value))
        elif bound is not None and _relative(bound, value) > SUSPECT:
            suspects.append((label, _relative(bound, value)))
    if len(infinite) == 1:
        result.warnings.append(f"{infinite[0][0]} is not finite: {infinite[0][1]}")
    elif infinite:  # one warning, not one per order
        result.warnings.append(f"{len(infinite)} derivatives are not finite, from "
                               f"{infinite[0][0]} to {infinite[-1][0]}")
    if suspects:  # one warning, not one per order: order 100 can have dozens
        worst = max(r for _, r in suspects)
        names = suspects[0][0] if len(suspects) == 1 else (
            f"{len(suspects)} derivatives, the first {suspects[0][0]},")
        result.warnings.append(f"{names} may have lost digits to float64 rounding: estimated "
                               f"relative error up to {worst:.1e} (see the error bounds)")


def _relative(bound, value) -> float:
    """The largest bound/|value| over the elements (0 where both are 0)."""
    bound, value = np.abs(np.asarray(bound, dtype=float)), np.abs(np.asarray(value, dtype=float))
    with np.errstate(all="ignore"):
        ratio = np.where(bound == 0, 0.0, bound / np.where(value == 0, np.inf, value))
    return float(np.max(ratio)) if ratio.size else 0.0
