"""One block of ``--points`` rows: parsing, then a vectorised evaluation (``compute``).

A block of rows is parsed with numpy, evaluated once as arrays (the parsed program is
reused), and written before the next block is read, so memory is bounded and output
keeps pace with the input. Programs with reductions (sum, dot, ...) or vector
constants cannot be vectorised across rows; they are evaluated row by row.

``compute`` is the whole evaluation of a block, with no I/O: the one function to hand
to a pool of threads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..api import evaluate
from ..core.program import Program
from ..errors import shorten
from ..views.record import higher_values
from .header import NUMBER, Layout, delimiter_name

# A line that may be blank or a comment (checked row by row only when this matches).
_MAYBE_SKIPPED = re.compile(r"^[ \t\r]*(#|\n)", re.MULTILINE)
_RUNS = re.compile(r"[ \t]+")
_EDGES = re.compile(r"^[ \t]+|[ \t]+$", re.MULTILINE)


@dataclass
class Block:
    """Rows of one block: their text (fields joined by tabs), line numbers and variables."""

    echo: list[str]
    lines: list[int]
    data: dict[str, np.ndarray]


def _tabbed(text: str, delimiter: str | None) -> str:
    """The block with its fields separated by one tab (how plain output echoes them)."""
    text = text.replace("\r\n", "\n")
    if delimiter is None:
        return _RUNS.sub("\t", _EDGES.sub("", text))
    if delimiter != "\t":
        text = text.replace("\t", " ").replace(delimiter, "\t")
    return text


def _blank_or_comment(row: str) -> bool:
    """Spaces only, or a comment. A row of separators (',') is not blank: it is a bad row."""
    row = row.lstrip(" \r")
    return not row or row.startswith("#")


def parse_block(text: str, first_line: int, layout: Layout, bad: list) -> Block:
    """Rows of a block; malformed ones are appended to ``bad`` as (line, message)."""
    text = _tabbed(text, layout.delimiter)
    rows = text.split("\n")
    rows.pop()  # the block ends with a newline
    numbers = list(range(first_line, first_line + len(rows)))
    if _MAYBE_SKIPPED.search(text):
        kept = [(r, n) for r, n in zip(rows, numbers) if not _blank_or_comment(r)]
        rows, numbers = [r for r, _ in kept], [n for _, n in kept]
    width = len(layout.columns)
    try:
        if rows and set(map(_count_tabs, rows)) != {width - 1}:
            raise ValueError("ragged")
        data = _columns(rows, layout) if rows else {n: np.empty(0) for n in layout.used}
    except ValueError:
        return _parse_rows(rows, numbers, layout, bad)
    return Block(rows, numbers, data)


def _count_tabs(row: str) -> int:
    return row.count("\t")


def _columns(rows: list[str], layout: Layout) -> dict[str, np.ndarray]:
    """The variables' columns as float64, parsed by numpy's C reader. It accepts exactly
    what ``NUMBER`` does (not '1_0' nor other scripts' digits, which float() takes)."""
    names = list(layout.used)
    table = np.loadtxt(rows, delimiter="\t", usecols=[layout.used[n] for n in names],
                       dtype=np.float64, comments=None, ndmin=2, quotechar=None)
    return {name: table[:, i] for i, name in enumerate(names)}


def _parse_rows(rows, numbers, layout: Layout, bad: list) -> Block:
    """The slow path, row by row, to find and describe the malformed rows."""
    good, good_numbers, values = [], [], {n: [] for n in layout.used}
    width = len(layout.columns)
    for row, number in zip(rows, numbers):
        fields = row.split("\t")
        if len(fields) != width:
            bad.append((number, _ragged(fields, width, layout)))
            continue
        texts = {n: fields[i].strip() for n, i in layout.used.items()}
        if not any(f.strip() for f in fields):
            bad.append((number, "a row of separators only, without values"))
            continue
        wrong = next((n for n, t in texts.items() if not NUMBER.match(t)), None)
        if wrong is not None:
            bad.append((number, not_a_number(wrong, texts[wrong])))
            continue
        good.append(row)
        good_numbers.append(number)
        for n, t in texts.items():
            values[n].append(float(t))
    return Block(good, good_numbers, {n: np.array(v, dtype=np.float64) for n, v in values.items()})


def _ragged(fields: list[str], width: int, layout: Layout) -> str:
    """'1;2' has 1 field with the delimiter ',', but the header names 2."""
    count, text = len(fields), (layout.delimiter or " ").join(fields)
    return (f"{shorten(repr(text))} has {count} field{'s' if count != 1 else ''} with the "
            f"delimiter {delimiter_name(layout.delimiter)}, but the header names {width}")


def not_a_number(name: str, text: str) -> str:
    if not text:
        return f"the value of '{name}' is missing (an empty field)"
    message = f"the value of '{name}' is not a number: {text!r}"
    if any(c.isdigit() and not c.isascii() for c in text):
        message += " (numbers are written with the ASCII digits 0-9)"
    return message


def cut(block: Block, line: int) -> Block:
    """The rows of a block before ``line`` (what comes out before a bad row stops the run)."""
    keep = sum(1 for n in block.lines if n < line)
    return Block(block.echo[:keep], block.lines[:keep],
                 {n: v[:keep] for n, v in block.data.items()})


# --- evaluation --------------------------------------------------------------------------

@dataclass
class Computed:
    """A block's results: one column per output label, and what went wrong where."""

    columns: list  # float64 arrays (vectorised) or lists of values (row by row)
    warnings: list[str]  # the engine's, for the whole block
    nonfinite: list[int]  # indices of the rows with a result that is not finite
    row_warnings: dict[int, list[str]] | None = None  # by row index, for JSON; others: none
    mode: str | None = None  # several results: how the Jacobian was computed


def compute(program: Program, block: Block, layout: Layout, row_warnings: bool) -> Computed:
    """Evaluate every row of ``block`` (never strict: the caller decides what to do with
    the rows that are not finite). With ``row_warnings``, the rows that are not finite are
    evaluated once more, each alone, for exactly the warnings ``eval`` gives at that point
    (every other row has only the program's own warnings)."""
    n = len(block.echo)
    if layout.rowwise:
        return _rowwise(program, block, layout)
    values = {name: np.full(n, c, dtype=np.float64) for name, c in layout.constants.items()}
    values.update(block.data)
    columns, warnings, mode = _evaluate(program, values, layout)
    columns = [np.broadcast_to(np.asarray(c, dtype=np.float64), (n,)) for c in columns]
    bad = np.zeros(n, dtype=bool)
    for column in columns:
        bad |= ~np.isfinite(column)
    nonfinite = np.flatnonzero(bad).tolist()
    done = Computed(columns, warnings, nonfinite, mode=mode)
    if row_warnings:
        done.row_warnings = {i: _evaluate(program, point(block, layout, i), layout)[1]
                             for i in nonfinite}
    return done


def point(block: Block, layout: Layout, i: int) -> dict:
    """The values of row ``i`` alone."""
    values = dict(layout.constants)
    values.update({name: float(column[i]) for name, column in block.data.items()})
    return values


def _evaluate(program: Program, values: dict, layout: Layout, strict: bool = False):
    """(columns in the order of the output labels, warnings, Jacobian mode or None)."""
    if len(layout.results) > 1:  # several results: their values, then the Jacobian
        result = evaluate(program, values, wrt=layout.wrt, strict=strict, mode=layout.mode)
        matrix = result.jacobian["matrix"]
        columns = list(result.value.values()) + [g for row in matrix for g in row]
        return columns, result.warnings, result.mode
    result = evaluate(program, values, wrt=layout.wrt, strict=strict, order=layout.order,
                      bounds=False)  # plain rows have no room for them
    columns = [result.value] + [result.gradient[name] for name in layout.wrt]
    return columns + higher_values(result), result.warnings, None


def strictly(program: Program, block: Block, layout: Layout, i: int) -> None:
    """Evaluate row ``i`` alone under strict checking: raises its exact error."""
    _evaluate(program, point(block, layout, i), layout, strict=True)


def _rowwise(program: Program, block: Block, layout: Layout) -> Computed:
    columns, warnings, nonfinite, by_row, mode = None, [], [], {}, None
    for i in range(len(block.echo)):
        row, row_warnings, mode = _evaluate(program, point(block, layout, i), layout)
        if columns is None:
            columns = [[] for _ in row]
        for column, value in zip(columns, row):
            column.append(value)
        warnings += row_warnings
        by_row[i] = row_warnings
        if not all(np.all(np.isfinite(v)) for v in row):
            nonfinite.append(i)
    return Computed(columns or [], warnings, nonfinite, by_row, mode)
