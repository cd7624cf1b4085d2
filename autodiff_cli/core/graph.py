"""Program + values -> the engine's graph, and the gradients read off it.

``build`` runs a program's flat node list once, making a Variable per node;
``gradients`` runs the backward pass. Everything that evaluates (the API, the
higher orders, the check, the batch modes) goes through here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import InvalidValueError, NamingError, close_matches, shorten
from .elementary import np, quiet  # numpy only for vectors: a scalar run never imports it
from .engine import Function, Variable, as_data, no_grad
from .nodes import CALL, CONST
from .program import Program


@dataclass
class Graph:
    """The engine's graph for one run: a Variable per program node, and the output."""

    program: Program
    nodes: list[Variable]
    inputs: dict[str, Variable]
    warnings: list[str]
    output: Variable


def finite(data) -> bool:
    if isinstance(data, (float, int)):
        return math.isfinite(data)
    return bool(np.isfinite(data).all())


def describe_nonfinite(data) -> str:
    if not isinstance(data, (float, int)):
        bad = data[~np.isfinite(data)]
        return f"{bad.size} of {data.size} elements are not finite (first: {bad.flat[0]})"
    return str(float(data))


def where(program: Program, node) -> str:
    """'log at column 5' (or 'line 2, column 5' in a program of several lines)."""
    symbols = node.spec.symbols if node.spec is not None else ()
    what = f"'{symbols[0]}'" if symbols else node.name
    place = node.position if "\n" in program.source.strip() else f"column {node.position.column}"
    return f"{what} at {place}"


def check_values(program: Program, values: dict) -> dict:
    """float64 data for every input of the program; a clear error for a missing one."""
    data = {}
    for name, index in program.inputs.items():
        if name not in values:
            near = close_matches(name, [v for v in values if v not in program.inputs], n=1)
            raise InvalidValueError(
                f"the variable '{shorten(name)}' has no value",
                position=program.nodes[index].position, source=program.source,
                hint=(f"a value was given for '{shorten(near[0])}': did you mean "
                      f"'{shorten(name)}'?" if near else f"give '{shorten(name)}' a value"),
                cli_hint=(f"--{shorten(near[0])} was given: did you mean --{shorten(name)}?"
                          if near else f"give it a value: --{shorten(name)} VALUE"))
        try:
            value = values[name]
            data[name] = as_data(float(value) if isinstance(value, (float, int)) else
                                 np.asarray(value, dtype=np.float64))
        except (TypeError, ValueError):
            raise InvalidValueError(f"the value of '{shorten(name)}' is not a number: "
                                    f"{shorten(repr(values[name]))}") from None
    return data


def build(program: Program, values: dict, *, grad: bool = True, wrt=None,
          origins: bool = True, lean: bool = False) -> Graph:
    """Run the program's nodes in order, making the engine's graph.

    ``wrt`` (names) records the steps a gradient by those inputs only goes through: the
    others are constants to the backward pass. ``origins=False`` skips looking for the
    functions that made a non-finite result (a chunk's caller does it once, for all).
    ``lean`` drops each value the backward pass will not read once its last consumer
    has run (core/keep.py): the graph is then only good for one first-order backward."""
    data = check_values(program, values)
    dropper = None
    if lean and any(getattr(d, "ndim", 0) for d in data.values()):  # scalars: nothing to drop
        from .keep import Dropper  # lazy: only vectors need it

        dropper = Dropper(program)
    nodes: list[Variable] = []
    warnings = list(program.warnings)
    inputs = {}
    with quiet():
        table = program.nodes  # read column by column: no Node made per node
        first, second, specs, spec_of = table.first, table.second, table.specs, table.spec
        names, name_of, constants = table.names, table.name, table.value
        for index, kind in enumerate(table.kind):
            if kind == CALL:
                a, b = first[index], second[index]
                args = ([nodes[a]] if b < 0 else [nodes[a], nodes[b]]) if a >= 0 else \
                    [nodes[i] for i in table.args(index)]
                try:
                    var = Function(specs[spec_of[index]])(*args)  # positions: for messages
                except ValueError:  # numpy could not broadcast the arguments together
                    raise _shape_error(program, table[index], args) from None
            elif kind == CONST:
                var = Variable(constants[index], name=names[name_of[index]] or None)
            else:
                name = names[name_of[index]]
                var = inputs[name] = Variable(data[name], name=name, kind="input")
                var.requires_grad = grad and (wrt is None or name in wrt)
            nodes.append(var)
            if dropper is not None:
                dropper.after(len(nodes) - 1, nodes)
    for index, label in program.labels.items():
        nodes[index].name = label
    graph = Graph(program, nodes, inputs, warnings, nodes[program.output])
    if origins and not finite(graph.output.data):
        if dropper is not None and dropper.dropped:  # the dropped values are needed: redo
            graph.warnings += nonfinite_origins(build(program, data, grad=False, origins=False))
        else:
            graph.warnings += nonfinite_origins(graph)
    return graph


def _shape_error(program: Program, node, args) -> InvalidValueError:
    shapes = " and ".join(
        f"{len(a.data)} elements" if np.ndim(a.data) == 1 else
        ("a number" if np.ndim(a.data) == 0 else f"shape {np.shape(a.data)}") for a in args)
    return InvalidValueError(f"{where(program, node)} cannot combine {shapes}",
                             position=node.position, source=program.source,
                             hint="vectors combined element by element must have the same length")


def nonfinite_origins(graph: Graph) -> list[str]:
    """A warning for each function that made a non-finite value out of finite ones.

    Looked for only once a result is not finite, so the common case pays nothing."""
    nodes = graph.nodes
    return nonfinite_calls(graph.program, lambda i: nodes[i].data)


def nonfinite_calls(program: Program, data_of) -> list[str]:
    """As ``nonfinite_origins``, with node i's data given by ``data_of(i)`` (a Variable's
    data here; the tape's floats in core/tape.py). A Node is made only for a culprit."""
    table, found = program.nodes, []
    for i, kind in enumerate(table.kind):
        if kind == CALL and not finite(data_of(i)) and all(
                finite(data_of(j)) for j in table.args(i)):
            found.append(f"{where(program, table[i])} gave a non-finite result: "
                         f"{describe_nonfinite(data_of(i))}")
    return found


def gradients(graph: Graph, wrt: list[str], **backward_options) -> dict:
    """d(output)/d(input) for each name in ``wrt``; 0 (not None) where it does not depend."""
    out = graph.output
    with quiet():
        for var in graph.inputs.values():
            var.cleargrad()
        out.backward(**backward_options)
    result = {}
    for name in wrt:
        var = graph.inputs[name]
        result[name] = (var.grad.data if var.grad is not None else
                        0.0 if isinstance(var.data, float) else np.zeros_like(var.data))
    return result


def resolve_wrt(program: Program, wrt) -> list[str]:
    """The variables to differentiate by: ``wrt`` (names, or 'x,y'), or all of them."""
    if wrt is None:
        return program.variables
    names = [w.strip() for w in (wrt.split(",") if isinstance(wrt, str) else wrt) if w.strip()]
    if not names:
        raise NamingError("no variable to differentiate by was named",
                          hint=f"for example {','.join(program.inputs) or 'x'}",
                          cli_hint=f"for example --wrt {','.join(program.inputs) or 'x'}")
    for name in names:
        if name not in program.inputs:
            near = close_matches(name, program.inputs, n=1)
            listed = ", ".join(program.inputs) or "none"
            raise NamingError(
                f"cannot differentiate by '{shorten(name)}': the expression does not use it",
                hint=f"did you mean '{near[0]}'?" if near else f"the variables are: {listed}",
                cli_hint=(f"did you mean --wrt {near[0]}?" if near
                          else f"--wrt takes the expression's variables: {listed}"))
    return names


def value_only(program: Program, values: dict):
    """Evaluate without recording a graph."""
    with no_grad():
        return build(program, values, grad=False).output.data
