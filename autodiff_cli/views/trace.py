"""The backward trace for people: a Rich table, one section per generation.

Reads only a ``trace.Trace``. Each row is one step: the function popped, what it
computes (in the program's names), the gradient it received, the gradients it
produced, and the queue of functions still waiting, in the order they will pop.
"""

from __future__ import annotations

from dataclasses import asdict

from ..core.trace import Trace
from .record import jsonable, number

_MAX_ELEMENTS = 6  # of a vector shown in a cell; the JSON trace has them all


def value(x) -> str:
    """A number or a short vector, for a cell."""
    text = number(x)
    parts = text.split(",")
    if len(parts) > _MAX_ELEMENTS:
        text = ",".join(parts[:_MAX_ELEMENTS]) + f",... ({len(parts)} elements)"
    return text.replace(",", ", ") if "," in text else text


def _computes(step, labels) -> str:
    args = ", ".join(labels.get(i, i) for i in step.inputs)
    return f"{labels.get(step.outputs[0], step.outputs[0])} = {step.function}({args})"


def _produced(step, labels) -> str:
    parts = [f"{labels.get(i, i)}: {value(g)}" for i, g in zip(step.inputs, step.grads_out)
             if g is not None]
    return "\n".join(parts) if parts else "(none)"


def table(trace, title: str = "backward pass"):
    """A Rich renderable of the trace; a sentence when there were no steps."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if not trace.steps:
        return Text(f"{title}: no steps (no function lies between the variables and the result)")
    first = trace.steps[0]
    out = first.outputs[0]
    name = trace.labels.get(out, out)
    heading = Text(f"{title} from {name if name == out else f'{name} ({out})'}, seed gradient "
                   f"{value(first.grads_in[0])}: {len(trace.steps)} "
                   f"step{'' if len(trace.steps) == 1 else 's'}, "
                   "latest generation first")
    grid = Table(header_style="bold")
    grid.add_column("step", justify="right", no_wrap=True)
    grid.add_column("function", style="cyan", no_wrap=True)
    grid.add_column("computes", overflow="fold")
    grid.add_column("received", overflow="fold")
    grid.add_column("produced", overflow="fold")
    grid.add_column("queue after", overflow="fold")
    generation = None
    for step in trace.steps:
        if step.generation != generation:
            if generation is not None:
                grid.add_section()
            generation = step.generation
            grid.add_row("", Text(f"generation {generation}", style="bold"))
        # Written as the seed document writes DeZero's list of functions: [B, C].
        more = [f"+{step.queue_more} more"] if step.queue_more else []
        queue = "[" + ", ".join(step.queue + more) + "]"
        # Text, not markup: '[f2, f1]' is not a Rich style.
        cells = (str(step.step), f"{step.id} {step.function}", _computes(step, trace.labels),
                 value(step.grads_in[0]), _produced(step, trace.labels), queue)
        grid.add_row(*(Text(cell) for cell in cells))
    return Group(heading, grid)


def as_json(trace: Trace) -> list[dict]:
    """The steps as JSON-able dicts (the ``trace`` list of ``eval --trace --format json``)."""
    # Only the gradients are numbers to convert: step and generation stay ints.
    # 'queue_more' appears only where the queue was cut short.
    entries = []
    for step in trace.steps:
        entry = {**asdict(step), "grads_in": jsonable(step.grads_in),
                 "grads_out": jsonable(step.grads_out)}
        if not step.queue_more:
            del entry["queue_more"]
        entries.append(entry)
    return entries
