"""One evaluation of a parsed program: its value, gradient, higher orders and trace, as a Result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import EvaluationError
from .engine import gc_paused
from .graph import build, describe_nonfinite, finite, gradients, resolve_wrt
from .higher import attach, check_order
from .program import Program

if TYPE_CHECKING:
    from .trace import Trace


@dataclass
class Result:
    """What an evaluation produced. Values are floats (numpy float64) or arrays."""

    expression: str
    inputs: dict
    value: object
    gradient: dict
    warnings: list[str] = field(default_factory=list)
    derivatives: dict | None = None  # {name: [order 1, ..., order N]} (order N, one variable)
    hessian: dict | None = None  # {"variables": [...], "matrix": [[...]]}
    trace: "Trace | None" = None  # the backward pass step by step (trace=True)


def evaluate_program(program: Program, values: dict, *, wrt=None, strict: bool = False,
                     trace: bool = False, order: int = 1) -> Result:
    """Evaluate ``program`` at ``values`` and differentiate it (see ``api.evaluate``)."""
    check_order(order)
    names = resolve_wrt(program, wrt)
    recorder = None
    if trace:
        from .trace import Recorder  # lazy by policy: only --trace records the steps

        recorder = Recorder()
    with gc_paused():
        graph = build(program, values)
        if not trace:  # keep only what backward needs, and let it free values as it goes
            graph.nodes = []
        gradient = gradients(graph, names, retain_grad=trace, on_step=recorder,
                             free_graph=not trace)
    warnings = graph.warnings
    warnings += [f"the derivative with respect to {name} is not finite: "
                 f"{describe_nonfinite(g)}" for name, g in gradient.items() if not finite(g)]
    result = Result(program.source, {n: v.data for n, v in graph.inputs.items()},
                    graph.output.data, gradient, warnings,
                    trace=recorder.trace() if recorder else None)
    if order != 1:
        attach(result, program, values, names, order)
    if strict and result.warnings:
        raise EvaluationError(result.warnings[0], hint="without strict checking this is a "
                              "warning", cli_hint="without --strict this is a warning")
    return result
