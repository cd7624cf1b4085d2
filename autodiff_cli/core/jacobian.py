"""Several results at once: their values and the Jacobian, by reverse or forward mode.

Reverse mode runs one backward pass per result over one recorded graph; forward mode
runs one degree-1 Taylor pass per variable. Each costs about one evaluation per pass, so
the cheaper is the one with fewer passes: reverse when results <= variables, else
forward (``mode`` forces one). Vector values use reverse mode: its seed of ones gives,
per result, the gradient of the result's sum, as for one result (DeZero's convention).
"""

from __future__ import annotations

from ..errors import UsageError
from .engine import gc_paused
from .graph import build, check_values, describe_nonfinite, finite, gradients, nonfinite_origins
from .program import Program

MODES = ("auto", "forward", "reverse")


def choose_mode(mode: str, outputs: int, variables: int, vectors: bool) -> str:
    if mode not in MODES:
        raise UsageError(f"unknown mode '{mode}'", hint="forward or reverse")
    if mode == "forward" and vectors:
        raise UsageError("forward mode takes scalar values; with vectors the Jacobian is the "
                         "gradient of each result's sum, which reverse mode gives",
                         cli_hint="drop --mode forward, or give one point at a time")
    if mode != "auto":
        return mode
    return "forward" if outputs > variables and not vectors else "reverse"


def jacobian(program: Program, values: dict, names: list[str], mode: str = "auto",
             recorders: dict | None = None) -> tuple[dict, dict, str, list[str]]:
    """({result: value}, {"outputs", "variables", "matrix"}, the mode used, warnings).

    ``recorders`` ({result: Recorder}) observe each backward pass (reverse mode only)."""
    data = check_values(program, values)
    vectors = any(getattr(v, "ndim", 0) for v in data.values())  # scalars are floats
    used = choose_mode(mode, len(program.outputs), len(names), vectors)
    if recorders and used == "forward":
        raise UsageError("the trace shows backward passes; forward mode has none",
                         cli_hint="drop --mode forward to trace the backward passes")
    with gc_paused():
        if used == "reverse":
            value, rows, warnings = _reverse(program, data, names, recorders or {})
        else:
            value, rows, warnings = _forward(program, data, names)
    for out, row in zip(program.output_names, rows):
        for name, g in zip(names, row):
            if not finite(g):
                warnings.append(f"d{out}/d{name} is not finite: {describe_nonfinite(g)}")
    matrix = {"outputs": list(program.output_names), "variables": list(names), "matrix": rows}
    return value, matrix, used, warnings


def _values(program: Program, nodes) -> dict:
    return {name: nodes[i] for name, i in zip(program.output_names, program.outputs)}


def _reverse(program: Program, data: dict, names: list[str], recorders: dict):
    graph = build(program, data)
    rows = []
    for name, index in zip(program.output_names, program.outputs):
        graph.output = graph.nodes[index]
        recorder = recorders.get(name)
        gradient = gradients(graph, names, retain_grad=recorder is not None, on_step=recorder)
        rows.append([gradient[n] for n in names])
    value = _values(program, [v.data for v in graph.nodes])
    warnings = list(graph.warnings)
    if not all(finite(v) for v in value.values()):
        warnings += nonfinite_origins(graph)
    return value, rows, warnings


def _forward(program: Program, data: dict, names: list[str]):
    # lazy: reverse mode on scalars needs neither Taylor mode nor numpy (a one-shot start-up)
    import numpy as np

    from . import taylor

    columns, value = [], None
    with np.errstate(all="ignore"):
        for name in names:
            series = taylor.propagate(program, data, name, 1, bounds=False)
            columns.append([series[i].full()[1] for i in program.outputs])
            value = value or _values(program, [s.full()[0] for s in series])
    if value is None:  # no variable to differentiate by: the values alone
        series = taylor.propagate(program, data, "", 0, bounds=False)
        value = _values(program, [s.full()[0] for s in series])
    rows = [[float(column[i]) for column in columns] for i in range(len(program.outputs))]
    return {k: float(v) for k, v in value.items()}, rows, list(program.warnings)
