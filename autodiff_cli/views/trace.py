"""The backward trace for people (a Rich table) and for files (tab-separated lines).

Reads only a ``trace.Trace``. Each row is one step: the function popped, what it
computes (in the program's names), the gradient it received, the gradients it
produced, and the queue of functions still waiting, in the order they will pop.

The table fits the console it is printed on without cutting a number in two: it
tries layouts from the roomiest (every digit, full box) to the narrowest (no side
borders, numbers shortened to a few significant digits) and draws the first whose
narrowest rendering fits; the heading says when numbers were shortened. A file or a
pipe gets ``lines``: one tab-separated line per step, every digit, for diff and grep.
"""

from __future__ import annotations

from dataclasses import asdict

from ..core.trace import Trace
from .record import jsonable, number

_MAX_ELEMENTS = 6  # of a vector shown in a cell; the JSON trace has them all
# (side borders and edge padding, significant digits or None for every digit), roomiest first:
# whole numbers matter more than box lines, so the box goes before any digit does.
_LAYOUTS = ((True, None), (False, None), (False, 12), (False, 8), (False, 6), (False, 4),
            (False, 3))
COLUMNS = ("step", "generation", "id", "function", "computes", "received", "produced", "queue")


def value(x, digits: int | None = None) -> str:
    """A number or a short vector, for a cell; rounded to ``digits`` significant digits."""
    text = number(x)
    parts = text.split(",")
    if digits is not None:
        parts = [_rounded(part, digits) for part in parts]
    if len(parts) > _MAX_ELEMENTS:
        return ", ".join(parts[:_MAX_ELEMENTS]) + f", ... ({len(parts)} elements)"
    return ", ".join(parts)


def _rounded(text: str, digits: int) -> str:
    """A number's shortest text if it has at most ``digits`` significant digits, else rounded."""
    try:
        exact = float(text)
    except ValueError:  # a name ('x'), not a number
        return text
    short = f"{exact:.{digits}g}"
    return text if float(short) == exact else short


def _label(labels: dict, node: str, digits: int | None) -> str:
    """A node's name; a constant's label is its value, shortened like the other numbers."""
    label = labels.get(node, node)
    return label if digits is None else _rounded(label, digits)


def _computes(step, labels, digits: int | None = None) -> str:
    args = ", ".join(_label(labels, i, digits) for i in step.inputs)
    return f"{_label(labels, step.outputs[0], digits)} = {step.function}({args})"


def _produced(step, labels, digits: int | None = None, join: str = "\n") -> str:
    parts = [f"{_label(labels, i, digits)}: {value(g, digits)}"
             for i, g in zip(step.inputs, step.grads_out) if g is not None]
    return join.join(parts) if parts else "(none)"


def _queue(step) -> str:
    # Written as the seed document writes DeZero's list of functions: [B, C].
    more = [f"+{step.queue_more} more"] if step.queue_more else []
    return "[" + ", ".join(step.queue + more) + "]"


def _heading(trace: Trace, title: str, digits: int | None) -> str:
    first = trace.steps[0]
    out = first.outputs[0]
    name = trace.labels.get(out, out)
    count = len(trace.steps)
    return (f"{title} from {name if name == out else f'{name} ({out})'}, seed gradient "
            f"{value(first.grads_in[0], digits)}: {count} step{'' if count == 1 else 's'}, "
            "latest generation first")


def table(trace: Trace, title: str = "backward pass", digits: int | None = None):
    """A Rich renderable of the trace that fits the console it is printed on; a sentence
    when there were no steps. ``digits`` rounds every number (``--digits``)."""
    from rich.text import Text

    if not trace.steps:
        return Text(f"{title}: no steps (no function lies between the variables and the result)")
    return _FittedTable(trace, title, digits)


class _FittedTable:
    """The heading and the grid, in the roomiest layout whose numbers fit the width."""

    def __init__(self, trace: Trace, title: str, digits: int | None):
        self.trace, self.title, self.digits = trace, title, digits

    def __rich_console__(self, console, options):
        from rich.text import Text

        layouts = [(box, _fewer(self.digits, d)) for box, d in _LAYOUTS]
        for boxed, digits in layouts:
            grid = self.grid(boxed, digits)
            if _fit(grid, console, options):
                break
        heading = _heading(self.trace, self.title, digits)
        if digits is not None and digits != self.digits:
            heading += (f" (numbers shortened to {digits} significant digits to fit "
                        f"{options.max_width} columns; --format json has every digit)")
        yield Text(heading)
        yield grid

    def grid(self, boxed: bool, digits: int | None):
        """The table; without side borders and edge padding when ``boxed`` is false."""
        from rich import box
        from rich.table import Table
        from rich.text import Text

        grid = Table(header_style="bold", box=box.HEAVY_HEAD if boxed else box.SIMPLE_HEAD,
                     show_edge=boxed, pad_edge=boxed, collapse_padding=not boxed)
        grid.add_column("step", justify="right", no_wrap=True)
        grid.add_column("function", style="cyan", no_wrap=True)
        # Cells wrap between words only: the layout chosen leaves room for the longest word,
        # so a number is never cut in two ('fold' is the last resort of a tiny terminal).
        for name in ("computes", "received", "produced", "queue after"):
            grid.add_column(name, overflow="fold")
        generation = None
        labels = self.trace.labels
        for step in self.trace.steps:
            if step.generation != generation:
                if generation is not None:
                    grid.add_section()
                generation = step.generation
                grid.add_row("", Text(f"generation {generation}", style="bold"))
            cells = (str(step.step), f"{step.id} {step.function}",
                     _computes(step, labels, digits), value(step.grads_in[0], digits),
                     _produced(step, labels, digits), _queue(step))
            grid.add_row(*(Text(cell) for cell in cells))  # Text, not markup: '[f2, f1]'
        return grid


def _fit(grid, console, options) -> bool:
    """Give each column a width of at least its longest word, if the width allows.

    Rich's own shrinking narrows the widest columns first, below their longest word
    (it would cut 0.17004975499104655 in two), so the widths are chosen here: start
    from each column's widest cell and take one column at a time from the widest
    column that still has room above its longest word."""
    ranges = [grid._measure_column(console, options, column) for column in grid.columns]
    widths = [r.maximum for r in ranges]
    # A column that does not wrap keeps its widest cell.
    ranges = [(w if column.no_wrap else r.minimum) for w, r, column in
              zip(widths, ranges, grid.columns)]
    budget = options.max_width - grid._extra_width
    while sum(widths) > budget:
        room = [(w, i) for i, (w, least) in enumerate(zip(widths, ranges)) if w > least]
        if not room:
            return False
        widths[max(room)[1]] -= 1
    for column, width in zip(grid.columns, widths):
        column.width = width - grid._get_padding_width(column._index)
    return True


def _fewer(asked: int | None, layout: int | None) -> int | None:
    """The digits a layout shows: at most what --digits asked for."""
    if asked is None or layout is None:
        return asked if layout is None else layout
    return min(asked, layout)


def lines(traces: dict) -> str:
    """Tab-separated lines, a header and one line per step, every digit (as plain output).

    ``traces`` maps a result's name to its trace; with several results a first column
    ``result`` names the backward pass each step belongs to."""
    several = len(traces) > 1
    out = ["\t".join(("result",) * several + COLUMNS)]
    for name, trace in traces.items():
        for step in trace.steps:
            cells = (str(step.step), str(step.generation), step.id, step.function,
                     _computes(step, trace.labels), value(step.grads_in[0]),
                     _produced(step, trace.labels, join="; "), _queue(step))
            out.append("\t".join((name,) * several + cells))
    return "\n".join(out) + "\n"


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
