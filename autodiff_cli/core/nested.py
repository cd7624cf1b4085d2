"""Derivatives by differentiating the backward pass again (double backprop).

``backward(create_graph=True)`` records the backward computation as a graph, so a
gradient is itself a Variable with a creator and can be differentiated in turn, as in
DeZero's later steps. It computes the Hessian, and pure derivatives as the independent
check of Taylor mode. Its graphs grow by a constant factor per order, so a budget on the
number of functions stops a runaway with a clear error instead of exhausting memory.
"""

from __future__ import annotations

import numpy as np

from ..errors import LimitError
from . import registry
from .engine import Variable, apply

MAX_FUNCTIONS = 100_000  # a derivative graph larger than this is refused


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


def clear_gradients(inputs) -> None:
    # backward adds to what a leaf already holds: every pass must start from nothing.
    for x in inputs:
        x.cleargrad()


def backward_pass(target: Variable, inputs) -> dict[int, Variable | None]:
    """One backward pass from ``target``, recorded as a graph; {id(input): its gradient}."""
    clear_gradients(inputs)
    with np.errstate(all="ignore"):
        target.backward(create_graph=True)
    if count_functions(*(x.grad for x in inputs)) > MAX_FUNCTIONS:
        raise LimitError(f"the derivative graph grew beyond {MAX_FUNCTIONS:,} functions",
                         hint="ask for a lower order, or simplify the expression")
    return {id(x): x.grad for x in inputs}


def _data(var: Variable | None, like: Variable):
    return np.zeros_like(like.data) if var is None else var.data


def nested_pure_derivatives(output: Variable, inputs: dict[str, Variable], names: list[str],
                            order: int) -> dict[str, list]:
    """{name: [d f/dx, ..., d^order f/dx^order]} for each name by repeated backward passes
    (the independent check of Taylor mode; the graph grows with every order)."""
    every = list(inputs.values())
    first = backward_pass(output, every)
    result = {}
    for name in names:
        x = inputs[name]
        grad = first[id(x)]
        values = [_data(grad, x)]
        for _ in range(order - 1):
            if grad is None:  # zero from here on: nothing left to differentiate
                values.append(np.zeros_like(x.data))
                continue
            grad = backward_pass(grad, every)[id(x)]
            values.append(_data(grad, x))
        result[name] = values
    clear_gradients(every)
    return result


def hessian(output: Variable, inputs: dict[str, Variable], names: list[str]) -> dict:
    """{"variables": names, "matrix": rows}: row i is the gradient of df/d(names[i])."""
    every = list(inputs.values())
    first = backward_pass(output, every)
    matrix = []
    for a in names:
        grad = first[id(inputs[a])]
        row = backward_pass(grad, every) if grad is not None else {}
        matrix.append([_data(row.get(id(inputs[b])), inputs[b]) for b in names])
    clear_gradients(every)
    return {"variables": list(names), "matrix": matrix}
