"""The Python API: run a parsed program on values and differentiate it.

    >>> from autodiff_cli import evaluate
    >>> r = evaluate("x^2", x=3.0)
    >>> float(r.value), float(r.gradient["x"])
    (9.0, 6.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .engine import Function, Variable, as_data, gc_paused, no_grad
from .errors import EvaluationError, NameError_, ValueError_, did_you_mean, shorten
from .parser import parse
from .program import Program


@dataclass
class Result:
    """What an evaluation produced. Values are floats (numpy float64) or arrays."""

    expression: str
    inputs: dict
    value: object
    gradient: dict
    warnings: list[str] = field(default_factory=list)
    derivatives: dict | None = None  # {name: [order 1, ..., order N]} (--order N)
    hessian: dict | None = None  # {"variables": [...], "matrix": [[...]]}
    trace: object | None = None  # a trace.Trace of the backward pass (trace=True)


@dataclass
class Graph:
    """The engine's graph for one run: a Variable per program node, and the output."""

    program: Program
    nodes: list[Variable]
    inputs: dict[str, Variable]
    warnings: list[str]
    output: Variable


def _finite(data) -> bool:
    if isinstance(data, np.ndarray):
        return bool(np.isfinite(data).all())
    return math.isfinite(data)


def _describe_nonfinite(data) -> str:
    if isinstance(data, np.ndarray):
        bad = data[~np.isfinite(data)]
        return f"{bad.size} of {data.size} elements are not finite (first: {bad.flat[0]})"
    return str(float(data))


_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "neg": "-"}


def where(program: Program, node) -> str:
    """'log at column 5' (or 'line 2, column 5' in a program of several lines)."""
    what = f"'{_SYMBOLS[node.name]}'" if node.name in _SYMBOLS else node.name
    place = node.position if "\n" in program.source.strip() else f"column {node.position.column}"
    return f"{what} at {place}"


def check_values(program: Program, values: dict) -> dict:
    """float64 data for every input of the program; a clear error for a missing one."""
    data = {}
    for name, index in program.inputs.items():
        if name not in values:
            unused = [v for v in values if v not in program.inputs]
            import difflib  # only when a message needs it (start-up time)

            near = difflib.get_close_matches(name, unused, n=1, cutoff=0.6)
            hint = (f"--{shorten(near[0])} was given: did you mean --{shorten(name)}?" if near
                    else f"give it a value: --{shorten(name)} VALUE")
            raise ValueError_(f"the variable '{shorten(name)}' has no value",
                              position=program.nodes[index].position, hint=hint,
                              source=program.source)
        try:
            data[name] = as_data(np.asarray(values[name], dtype=np.float64))
        except (TypeError, ValueError):
            raise ValueError_(f"the value of '{shorten(name)}' is not a number: "
                              f"{shorten(repr(values[name]))}") from None
    return data


def build(program: Program, values: dict, *, grad: bool = True) -> Graph:
    """Run the program's nodes in order, making the engine's graph."""
    data = check_values(program, values)
    nodes: list[Variable] = []
    warnings = list(program.warnings)
    inputs = {}
    with np.errstate(all="ignore"):
        for node in program.nodes:
            if node.kind == "const":
                var = Variable(node.value, name=node.name or None)
            elif node.kind == "input":
                var = inputs[node.name] = Variable(data[node.name], name=node.name, kind="input")
                var.requires_grad = grad
            else:
                args = [nodes[i] for i in node.args]
                try:
                    var = Function(node.spec, node.position)(*args)
                except ValueError:  # numpy could not broadcast the arguments together
                    raise _shape_error(program, node, args) from None
            nodes.append(var)
    for index, label in program.labels.items():
        nodes[index].name = label
    graph = Graph(program, nodes, inputs, warnings, nodes[program.output])
    if not _finite(graph.output.data):
        graph.warnings += nonfinite_origins(graph)
    return graph


def _shape_error(program: Program, node, args) -> ValueError_:
    shapes = " and ".join(
        f"{len(a.data)} elements" if np.ndim(a.data) == 1 else
        ("a number" if np.ndim(a.data) == 0 else f"shape {np.shape(a.data)}") for a in args)
    return ValueError_(f"{where(program, node)} cannot combine {shapes}",
                       position=node.position, source=program.source,
                       hint="vectors combined element by element must have the same length")


def nonfinite_origins(graph: Graph) -> list[str]:
    """A warning for each function that made a non-finite value out of finite ones.

    Looked for only once a result is not finite, so the common case pays nothing."""
    found = []
    for node, var in zip(graph.program.nodes, graph.nodes):
        if node.kind == "call" and not _finite(var.data) and all(
                _finite(graph.nodes[i].data) for i in node.args):
            found.append(f"{where(graph.program, node)} gave a non-finite result: "
                         f"{_describe_nonfinite(var.data)}")
    return found


def gradients(graph: Graph, wrt: list[str], **backward_options) -> dict:
    """d(output)/d(input) for each name in ``wrt``; 0 (not None) where it does not depend."""
    out = graph.output
    with np.errstate(all="ignore"):
        for var in graph.inputs.values():
            var.cleargrad()
        out.backward(**backward_options)
    result = {}
    for name in wrt:
        var = graph.inputs[name]
        result[name] = var.grad.data if var.grad is not None else np.zeros_like(var.data)
    return result


def resolve_wrt(program: Program, wrt) -> list[str]:
    if wrt is None:
        return program.variables
    names = [w.strip() for w in (wrt.split(",") if isinstance(wrt, str) else wrt) if w.strip()]
    if not names:
        raise NameError_("--wrt names no variable",
                         hint=f"for example --wrt {','.join(program.inputs) or 'x'}")
    for name in names:
        if name not in program.inputs:
            hint = did_you_mean(name, program.inputs) or (
                f"the variables are: {', '.join(program.inputs)}" if program.inputs
                else "the expression has no variables")
            raise NameError_(f"--wrt names '{shorten(name)}', which the expression does not use",
                             hint=hint)
    return names


def evaluate(expression, values: dict | None = None, *, wrt=None, strict: bool = False,
             trace: bool = False, order: int = 1, **named_values) -> Result:
    """Evaluate ``expression`` (text or a parsed Program) and its gradient.

    Values may be given as a dict, as keyword arguments, or both; floats or numpy
    arrays (arrays evaluate element-wise, vectorised). ``wrt`` picks the variables
    to differentiate by (default: all, in order of first appearance). ``trace``
    records the backward pass step by step in ``Result.trace``. ``order`` > 1
    adds ``derivatives`` (one variable) or ``hessian`` (several, order 2): see ``higher``.
    """
    program = expression if isinstance(expression, Program) else parse(expression)
    values = {**(values or {}), **named_values}
    names = resolve_wrt(program, wrt)
    recorder = None
    if trace:
        from .trace import Recorder

        recorder = Recorder()
    with gc_paused():
        graph = build(program, values)
        if not trace:  # keep only what backward needs, and let it free values as it goes
            graph.nodes = []
        gradient = gradients(graph, names, retain_grad=trace, on_step=recorder,
                             free_graph=not trace)
    bad = [name for name, g in gradient.items() if not _finite(g)]
    warnings = graph.warnings
    warnings += [f"the derivative with respect to {name} is not finite: "
                 f"{_describe_nonfinite(gradient[name])}" for name in bad]
    result = Result(program.source, {n: v.data for n, v in graph.inputs.items()},
                    graph.output.data, gradient, warnings,
                    trace=recorder.trace() if recorder else None)
    if order != 1:
        from .higher import attach

        attach(result, program, values, names, order)
    if strict and result.warnings:
        raise EvaluationError(result.warnings[0], hint="without --strict this is a warning")
    return result


def value_only(program: Program, values: dict):
    """Evaluate without recording a graph."""
    with no_grad():
        return build(program, values, grad=False).output.data
