"""One evaluation of a parsed program: its value, gradient, higher orders and trace, as a Result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import math

from ..errors import EvaluationError, UsageError
from .elementary import np  # numpy only for vectors: a scalar run never imports it
from .engine import gc_paused
from .graph import build, check_values, describe_nonfinite, finite, gradients, resolve_wrt
from .higher import MAX_ORDER, attach, check_order, series as taylor_series
from .program import Program
from .tape import NotOnTape, first_order

if TYPE_CHECKING:
    from .trace import Trace


@dataclass
class Result:
    """What an evaluation produced. Values are floats or numpy arrays."""

    expression: str
    inputs: dict
    value: object
    gradient: dict
    warnings: list[str] = field(default_factory=list)
    derivatives: dict | None = None  # {name: [order 1, ..., order N]} (order N, one variable)
    bounds: dict | None = None  # {name: [a bound on each derivative's rounding error]}
    hessian: dict | None = None  # {"variables": [...], "matrix": [[...]]}
    series: dict | None = None  # the Taylor polynomial: variable, at, coefficients, bounds
    trace: "Trace | None" = None  # the backward pass step by step (trace=True)
    jacobian: dict | None = None  # several results: {"outputs", "variables", "matrix"}
    mode: str | None = None  # several results: the mode that computed the Jacobian
    traces: dict | None = None  # several results: {result: Trace} (trace=True)


def evaluate_program(program: Program, values: dict, *, wrt=None, strict: bool = False,
                     trace: bool = False, order: int = 1, bounds: bool = True,
                     series: int | None = None, mode: str = "auto",
                     jacobian: bool = False, threads: int | None = None) -> Result:
    """Evaluate ``program`` at ``values`` and differentiate it (see ``api.evaluate``)."""
    check_order(order)
    check_threads(threads)
    if series is not None and not 1 <= series <= MAX_ORDER:
        raise UsageError(f"the degree of a Taylor series must be from 1 to {MAX_ORDER}, got "
                         f"{series}", cli_message=f"--series must be from 1 to {MAX_ORDER}, "
                         f"got {series}", cli_hint="--series 5")
    names = resolve_wrt(program, wrt)
    if len(program.outputs) > 1:
        if jacobian:
            raise UsageError("the element-by-element Jacobian is for one vector result",
                             hint="ask for one result", cli_hint="drop --jacobian, or choose "
                             "one result with --output NAME")
        return _several(program, values, names, strict, trace, order, series, mode)
    if jacobian:
        return _elements(program, values, names, strict, order, series)
    if mode == "forward":
        raise UsageError("forward mode computes the Jacobian of several results",
                         hint="list several results (f, g), or leave the mode to the engine",
                         cli_hint="list several results (f, g), or drop --mode")
    if trace:  # the whole graph kept, and walked step by step: never in chunks
        from .trace import Recorder  # lazy by policy: only --trace records the steps

        recorder = Recorder()
        with gc_paused():
            graph = build(program, values)
            gradient = gradients(graph, names, retain_grad=True, on_step=recorder)
        data = {n: v.data for n, v in graph.inputs.items()}
        value, warnings = graph.output.data, graph.warnings
    else:
        recorder = None
        data, value, gradient, warnings = _first_order(program, values, names, threads)
    checked = getattr(gradient, "finite", None)  # chunks check theirs as they go (core/chunks.py)
    gradient = dict(gradient) if checked is not None else _undefined_where_nan(value, gradient)
    warnings += [f"the derivative with respect to {name} is not finite: "
                 f"{describe_nonfinite(g)}" for name, g in gradient.items()
                 if not (name in checked if checked is not None else finite(g))]
    result = Result(program.source, data, value, gradient, warnings,
                    trace=recorder.trace() if recorder else None)
    if order != 1:
        attach(result, program, values, names, order, bounds)
    if series is not None:
        result.series = _series(program, values, names, series)
    return _checked(result, strict)


def check_threads(threads) -> None:
    """None (the cores available) or a whole number of threads from 1 up."""
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int)
                                or threads < 1):
        raise UsageError(f"the number of threads must be a whole number from 1 up, got "
                         f"{threads!r}", hint="threads=2, or leave it out: the cores available",
                         cli_message=f"--threads must be a whole number from 1 up, got "
                                     f"{threads!r}",
                         cli_hint="--threads 2, or leave it out: the cores available")


def _first_order(program: Program, values: dict, names: list[str], threads) -> tuple:
    """(inputs, value, gradient, warnings): on the tape for scalars (core/tape.py); in
    chunks on threads where the program is elementwise over vectors (core/chunks.py);
    else as one graph that frees its values as the backward pass goes."""
    data = check_values(program, values)
    if any(getattr(v, "ndim", 0) for v in data.values()):  # (numpy is loaded then)
        from .chunks import evaluate_chunked  # lazy: scalars are never cut in chunks

        done = evaluate_chunked(program, data, names, threads)
        if done is not None:
            return (data, *done)
    else:  # scalars: the tape, a float per node (core/tape.py), unless a value is no float
        try:
            return (data, *first_order(program, data, names))
        except NotOnTape:
            pass
    with gc_paused():
        graph = build(program, data, wrt=names, lean=True)
        graph.nodes = []  # keep only what backward needs, and let it free values as it goes
        gradient = gradients(graph, names, free_graph=True)
    return data, graph.output.data, gradient, graph.warnings


def _several(program: Program, values: dict, names: list[str], strict: bool, trace: bool,
             order: int, series, mode: str = "auto") -> Result:
    """Several results: their values and the Jacobian (core/jacobian.py)."""
    from .jacobian import jacobian  # lazy by policy: one result needs none of it
    if order != 1 or series is not None:
        raise UsageError("higher orders and series are for one result",
                         hint="ask for one result at a time",
                         cli_hint="choose one result with --output NAME")
    recorders = None
    if trace:
        from .trace import Recorder  # lazy by policy: only --trace records the steps

        recorders = {name: Recorder() for name in program.output_names}
    value, matrix, used, warnings = jacobian(program, values, names, mode, recorders)
    data = check_values(program, values)
    result = Result(program.source, data, value, {}, warnings, jacobian=matrix, mode=used,
                    traces={n: r.trace() for n, r in recorders.items()} if recorders else None)
    return _checked(result, strict)


def _elements(program: Program, values: dict, names: list[str], strict: bool, order: int,
              series) -> Result:
    """One vector result, element by element: rows f[0], f[1], ..., columns x[0], ..."""
    from .elements import element_jacobian  # lazy: only --jacobian needs it

    if order != 1 or series is not None:
        raise UsageError("the element-by-element Jacobian is a first derivative",
                         cli_message="--jacobian is a first derivative: drop --order/--series")
    data = check_values(program, values)
    value, matrix = element_jacobian(program, data, names)
    result = Result(program.source, data, {"f": value}, {}, list(program.warnings),
                    jacobian=matrix, mode="reverse")
    result.warnings += [f"d{out}/d{name} is not finite" for out, row in
                        zip(matrix["outputs"], matrix["matrix"])
                        for name, g in zip(matrix["variables"], row) if not finite(g)]
    return _checked(result, strict)


def _series(program: Program, values: dict, names: list[str], degree: int) -> dict:
    if len(names) != 1:
        raise UsageError("a Taylor series is in one variable; name it", hint="wrt='x'",
                         cli_message="--series needs one variable; the expression has "
                                     f"{len(names)}: {', '.join(names)}",
                         cli_hint=f"--wrt {names[0] if names else 'x'}")
    return taylor_series(program, values, names[0], degree)


def _checked(result: Result, strict: bool) -> Result:
    """Under strict checking the first warning (a non-finite value) is an error."""
    if strict and result.warnings:
        raise EvaluationError(result.warnings[0], hint="without strict checking this is a "
                              "warning", cli_hint="without --strict this is a warning")
    return result


def _undefined_where_nan(value, gradient: dict) -> dict:
    """Where the value is nan (a function outside its domain: log(-1)), the derivative is
    undefined too: nan, not the finite number a formula like 1/x gives there. Element by
    element where the value and a variable have one shape; everywhere for a scalar value."""
    if isinstance(value, float):
        if not math.isnan(value):
            return gradient
        return {name: math.nan if isinstance(g, float) else
                np.full_like(np.asarray(g, dtype=np.float64), np.nan)
                for name, g in gradient.items()}
    bad = np.isnan(value)
    if not np.any(bad):
        return gradient
    out = {}
    for name, g in gradient.items():
        if np.ndim(value) == 0:
            out[name] = np.full_like(np.asarray(g, dtype=np.float64), np.nan)[()]
        elif np.shape(g) == np.shape(value):
            out[name] = np.where(bad, np.nan, g)
        else:
            out[name] = g
    return out
