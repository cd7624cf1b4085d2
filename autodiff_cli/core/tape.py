"""First-order reverse mode on scalars, over flat arrays (a tape).

A scalar evaluation without a trace needs only numbers: a value per node forward, a
gradient per node backward. The engine (core/engine.py) makes two objects per call (a
Variable and a Function, with a weak reference), a heap entry and a pending-gradient entry;
for a program of 10^6 terms that is most of its memory (issue 11: at most 1 KB per term).
The tape reads the program's columns (core/nodes.py) and keeps a float per node for the
values and another for the gradients.

It computes what ``graph.build`` + ``graph.gradients`` compute, bitwise: the same registry
forwards and backwards, on the same floats, with gradients added up in the same order
(tests/test_tape.py compares the two on random programs and every registry entry).

The backward steps are visited in the engine's order (core/order.py).

``--trace``, higher orders, vectors and the Jacobian of several results use the engine.
"""

from __future__ import annotations

import math
from array import array

from .elementary import quiet
from .engine import _ieee_backward, as_data
from .graph import nonfinite_calls
from .nodes import CALL, INPUT
from .order import backward_steps
from .program import Program


class NotOnTape(Exception):
    """A value the tape cannot hold (not a float): the engine evaluates the program."""


def first_order(program: Program, data: dict, names: list[str]):
    """(value, gradient, warnings) of ``program`` at scalar ``data`` (floats), differentiated
    by ``names``, as the engine gives them; raises NotOnTape where the engine must do it."""
    nodes = program.nodes
    count = len(nodes)
    wanted = set(names)
    values = array("d", bytes(8 * count))
    recorded = bytearray(count)  # 1: a gradient can flow through it (DeZero's requires_grad)
    generation = array("i", bytes(4 * count))  # of each node's output, as the engine counts
    with quiet():
        _forward(program, data, wanted, values, recorded, generation)
        output = program.output
        steps = backward_steps(nodes, recorded, generation, output)
        grads, received = _backward(nodes, values, recorded, steps, output)
    value = values[output]
    gradient = {}
    for name in names:
        index = program.inputs[name]
        gradient[name] = grads[index] if received[index] else 0.0
    warnings = list(program.warnings)
    if not math.isfinite(value):
        warnings += nonfinite_calls(program, values.__getitem__)
    return value, gradient, warnings


def _forward(program: Program, data: dict, wanted: set, values, recorded, generation) -> None:
    nodes = program.nodes
    kinds, first, second, specs, spec_of = nodes.kind, nodes.first, nodes.second, nodes.specs, \
        nodes.spec
    names, name_of, constants = nodes.names, nodes.name, nodes.value
    for i, kind in enumerate(kinds):
        if kind == CALL:
            a = first[i]
            forward = specs[spec_of[i]].forward
            if a >= 0 and second[i] < 0:
                y = forward(values[a])
                args = (a,)
            elif a >= 0:
                b = second[i]
                y = forward(values[a], values[b])
                args = (a, b)
            else:
                args = nodes.args(i)
                y = forward(*[values[j] for j in args])
            if type(y) is not float:  # what the engine's Variable would hold: a float, or
                y = as_data(y)  # a Real or an array, which only the engine keeps as they are
                if type(y) is not float:
                    raise NotOnTape(i)
            values[i] = y
            top = -1
            for j in args:  # recorded if an argument is; its generation the largest + 1
                if recorded[j]:
                    top = max(generation[j] for j in args)
                    break
            if top >= 0:
                recorded[i] = 1
                generation[i] = top + 1
        elif kind == INPUT:
            name = names[name_of[i]]
            value = data[name]
            if type(value) is not float:
                raise NotOnTape(i)
            values[i] = value
            recorded[i] = name in wanted
        else:
            values[i] = constants[i]


def _backward(nodes, values, recorded, steps, output: int):
    """Gradients of every node, added up as the engine adds them (out of place, in the
    order the steps give them); ``received`` marks the nodes that got one."""
    count = len(values)
    grads = array("d", bytes(8 * count))
    received = bytearray(count)
    if recorded[output]:
        grads[output], received[output] = 1.0, 1
    specs, spec_of, first, second = nodes.specs, nodes.spec, nodes.first, nodes.second
    for i in steps:
        if not received[i]:
            continue  # every path to it was cut (a backward gave None): the engine never pushes it
        spec = specs[spec_of[i]]
        a = first[i]
        args = ((a,) if second[i] < 0 else (a, second[i])) if a >= 0 else nodes.args(i)
        xs = tuple([values[j] for j in args])
        y, gy = values[i], grads[i]
        needs = tuple([recorded[j] == 1 for j in args]) if spec.selective else None
        try:
            gxs = spec.backward(xs, y, gy, needs) if needs is not None else \
                spec.backward(xs, y, gy)
        except ArithmeticError:  # a float divided by 0 or overflowing: IEEE operators
            gxs = _ieee_backward(spec, xs, y, gy, needs)
        for j, gx in zip(args, gxs):
            if gx is None or not recorded[j]:
                continue
            if type(gx) is not float:  # an int, numpy's float64 or a 0-d array: the same
                gx = as_data(gx)  # double; a longer array the engine would add as one
                if type(gx) is not float:
                    raise NotOnTape(i)
            if received[j]:
                grads[j] = grads[j] + gx  # as the engine adds: the sum so far, plus this one
            else:
                grads[j], received[j] = gx, 1
    return grads, received
