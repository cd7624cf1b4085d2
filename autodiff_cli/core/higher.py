"""Higher derivatives by differentiating the backward pass again (double backprop).

``backward(create_graph=True)`` records the backward computation as a graph, so a
gradient is itself a Variable with a creator and can be differentiated in turn, as in
DeZero's later steps. No finite differences and no symbolic rewriting.

- one variable, ``--order N``: d^n f/dx^n for n = 1..N;
- several variables, ``--order 2``: the Hessian;
- several variables, ``--order N`` with N > 2: the pure derivatives d^n f/dx^n of each
  variable (mixed derivatives above order 2 are not computed).

Graphs grow with every order (a constant factor per order), so a budget on the number of
functions stops a runaway ``--order`` with a clear error instead of exhausting memory.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidValueError, LimitError, UsageError
from . import registry
from .engine import Variable, apply
from .graph import build

MAX_ORDER = 20
MAX_FUNCTIONS = 100_000  # a derivative graph larger than this is refused


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


def count_functions(*variables: Variable | None) -> int:
    """How many functions the graphs of ``variables`` hold together (a stack, no recursion)."""
    seen: set[int] = set()
    stack = [v.creator for v in variables if v is not None and v.creator is not None]
    while stack:
        f = stack.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        stack += [x.creator for x in f.inputs if x.creator is not None]
    return len(seen)


def derivative_graph_sizes(name: str, orders: int, at: float = 1.0) -> list[int]:
    """Functions in the graph of the n-th derivative of the registry function ``name``,
    n = 1..orders: how fast double backprop grows the graph (DeZero's tanh: 4, 9, 21, ...)."""
    x = Variable(at, kind="input")
    target, sizes = apply(registry.lookup(name, 1), x), []
    for _ in range(orders):
        x.cleargrad()
        target.backward(create_graph=True)
        target = x.grad
        sizes.append(count_functions(target))
    return sizes


def _clear(inputs) -> None:
    # backward adds to what a leaf already holds: every pass must start from nothing.
    for x in inputs:
        x.cleargrad()


def _pass(target: Variable, inputs) -> dict[int, Variable | None]:
    """One backward pass from ``target``, recorded as a graph; {id(input): its gradient}."""
    _clear(inputs)
    with np.errstate(all="ignore"):
        target.backward(create_graph=True)
    if count_functions(*(x.grad for x in inputs)) > MAX_FUNCTIONS:
        raise LimitError(f"the derivative graph grew beyond {MAX_FUNCTIONS:,} functions",
                         hint="ask for a lower order, or simplify the expression")
    return {id(x): x.grad for x in inputs}


def _data(var: Variable | None, like: Variable):
    return np.zeros_like(like.data) if var is None else var.data


def pure_derivatives(output: Variable, inputs: dict[str, Variable], names: list[str],
                     order: int) -> dict[str, list]:
    """{name: [d f/dx, ..., d^order f/dx^order]} for each name, at the graph's point."""
    every = list(inputs.values())
    first = _pass(output, every)
    result = {}
    for name in names:
        x = inputs[name]
        grad = first[id(x)]
        values = [_data(grad, x)]
        for _ in range(order - 1):
            if grad is None:  # zero from here on: nothing left to differentiate
                values.append(np.zeros_like(x.data))
                continue
            grad = _pass(grad, every)[id(x)]
            values.append(_data(grad, x))
        result[name] = values
    _clear(every)
    return result


def hessian(output: Variable, inputs: dict[str, Variable], names: list[str]) -> dict:
    """{"variables": names, "matrix": rows}: row i is the gradient of df/d(names[i])."""
    every = list(inputs.values())
    first = _pass(output, every)
    matrix = []
    for a in names:
        grad = first[id(inputs[a])]
        row = _pass(grad, every) if grad is not None else {}
        matrix.append([_data(row.get(id(inputs[b])), inputs[b]) for b in names])
    _clear(every)
    return {"variables": list(names), "matrix": matrix}


def _check_shapes(program, graph) -> None:
    """Vectors are allowed only where every order stays element-wise (see the README)."""
    shapes = {np.shape(x.data) for x in graph.inputs.values()}
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


def attach(result, program, values: dict, names: list[str], order: int) -> None:
    """Fill ``result.derivatives`` or ``result.hessian`` for ``--order`` (N >= 2)."""
    check_order(order)
    if order == 1:
        return
    graph = build(program, values)
    _check_shapes(program, graph)
    if len(names) > 1 and order == 2:
        result.hessian = hessian(graph.output, graph.inputs, names)
        entries = [(f"d2f/d{a}d{b}", v) for a, row in zip(names, result.hessian["matrix"])
                   for b, v in zip(names, row)]
    else:
        result.derivatives = pure_derivatives(graph.output, graph.inputs, names, order)
        entries = [(f"d{n}f/d{name}{n}", v) for name, ders in result.derivatives.items()
                   for n, v in enumerate(ders, start=1) if n > 1]
    for label, value in entries:
        if not np.all(np.isfinite(value)):
            result.warnings.append(f"{label} is not finite: {value}")
