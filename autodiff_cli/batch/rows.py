"""One block of ``--points`` rows: the header, parsing, a vectorised evaluation, the output.

The header names the columns; the columns the program uses are its variables,
the others pass through untouched. A block of rows is parsed with numpy,
evaluated once as arrays (the parsed program is reused), and written before the
next block is read, so memory is bounded and output keeps pace with the input.
Programs with reductions (sum, dot, ...) or vector constants cannot be
vectorised across rows; they are evaluated row by row.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np

from ..api import evaluate
from ..core.graph import resolve_wrt
from ..core.program import Program
from ..errors import InputError, InvalidValueError, UsageError, did_you_mean
from ..views.record import higher_labels, higher_values, jsonable, number

DELIMITERS = {",": ",", "comma": ",", ";": ";", "tab": "\t", "\t": "\t",
              "space": None, " ": None, "whitespace": None}
_SKIPPED = re.compile(r"^[ \t\r]*(#|$)", re.MULTILINE)  # blank lines and comments
_RUNS = re.compile(r"[ \t]+")
_EDGES = re.compile(r"^[ \t]+|[ \t]+$", re.MULTILINE)


def delimiter_for(option: str | None, header: str) -> str | None:
    """',' ';' or tab; None for runs of whitespace. Detected from the header unless given."""
    if option is not None:
        if option not in DELIMITERS:
            raise UsageError(f"unknown delimiter {option!r}",
                             hint="one of ',', ';', tab, space (runs of whitespace)")
        return DELIMITERS[option]
    for candidate in (",", "\t", ";"):
        if candidate in header:
            return candidate
    return None


@dataclass
class Layout:
    """What the header says: the columns, which of them are variables, and the output header."""

    columns: list[str]
    delimiter: str | None
    used: dict[str, int]  # variable -> column index
    constants: dict[str, object]  # variable -> value given with --NAME
    wrt: list[str]
    rowwise: bool = False
    unused_values: list[str] = field(default_factory=list)
    order: int = 1  # --order: derivatives above the first become extra columns
    results: list[str] = field(default_factory=lambda: ["f"])  # the program's results
    mode: str = "auto"  # how the Jacobian of several results is computed
    threads: int | None = None  # --threads: the pool a block's rows are evaluated on


def read_header(line: str, option: str | None, program: Program, values: dict,
                wrt) -> Layout:
    line = line.rstrip("\r\n")
    delimiter = delimiter_for(option, line)
    columns = [c.strip() for c in (line.split(delimiter) if delimiter else line.split())]
    if not any(columns):
        raise InputError("the first line must name the columns", hint="for example: x,y")
    seen = set()
    for name in columns:
        if name in seen:
            raise InputError(f"the column '{name}' appears twice in the header (line 1)")
        seen.add(name)
    used, constants = {}, {}
    for name in program.variables:
        if name in columns and name in values:
            raise UsageError(f"'{name}' is both a column and --{name}",
                             hint=f"drop --{name} or the column")
        if name in columns:
            used[name] = columns.index(name)
        elif name in values:
            constants[name] = values[name]
        else:
            hint = did_you_mean(name, columns) or f"add a column '{name}' or give --{name} VALUE"
            if len(columns) == 1 and any(d in columns[0] for d in ",;\t "):
                hint = (f"the header was read as one column, '{columns[0]}': is --delimiter "
                        "right? (without it the separator is detected)")
            raise InvalidValueError(f"the variable '{name}' is neither a column nor a value",
                              hint=hint)
    rowwise = program.has_reductions or any(np.ndim(v) > 0 for v in constants.values())
    unused = [name for name in values if name not in program.inputs]
    return Layout(columns, delimiter, used, constants, resolve_wrt(program, wrt), rowwise, unused,
                  results=list(program.output_names))


@dataclass
class Block:
    """Rows of one block: their text (fields joined by tabs), line numbers and variables."""

    echo: list[str]
    lines: list[int]
    data: dict[str, np.ndarray]
    fields: list[list[str]] | None = None  # split fields, for JSON output


def _tabbed(text: str, delimiter: str | None) -> tuple[str, str]:
    """The block with its fields separated by one tab (how plain output echoes them)."""
    text = text.replace("\r\n", "\n")
    if delimiter is None:
        return _RUNS.sub("\t", _EDGES.sub("", text)), "\t"
    if delimiter != "\t":
        text = text.replace("\t", " ").replace(delimiter, "\t")
    return text, "\t"


def parse_block(text: str, first_line: int, layout: Layout, bad: list) -> Block:
    """Rows of a block; malformed ones are appended to ``bad`` as (line, message)."""
    text, sep = _tabbed(text, layout.delimiter)
    rows = text.split("\n")
    rows.pop()  # the block ends with a newline
    numbers = list(range(first_line, first_line + len(rows)))
    if _SKIPPED.search(text):
        kept = [(r, n) for r, n in zip(rows, numbers) if r.strip() and not r.startswith("#")]
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
    """The variables' columns as float64, parsed by numpy's C reader."""
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
            bad.append((number, f"{len(fields)} fields, but the header names {width}"))
            continue
        try:
            parsed = {n: float(fields[i]) for n, i in layout.used.items()}
        except ValueError:
            name = next(n for n, i in layout.used.items() if not _is_number(fields[i]))
            bad.append((number, f"the value of '{name}' is not a number: "
                                f"{fields[layout.used[name]].strip()!r}"))
            continue
        good.append(row)
        good_numbers.append(number)
        for n, v in parsed.items():
            values[n].append(v)
    return Block(good, good_numbers, {n: np.array(v, dtype=np.float64) for n, v in values.items()})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def evaluate_block(program: Program, block: Block, layout: Layout, strict: bool):
    """(values, {name: gradient}, higher, warnings) for the rows of a block, as float64
    arrays; ``higher`` has one column per label of ``record.higher_labels`` (--order)."""
    n = len(block.echo)
    if layout.rowwise:
        return _rowwise(program, block, layout, strict)
    values = {name: np.full(n, c, dtype=np.float64) for name, c in layout.constants.items()}
    values.update(block.data)
    result = evaluate(program, values, wrt=layout.wrt, strict=strict, order=layout.order,
                      bounds=False, threads=layout.threads)  # plain rows have no room for bounds
    value = np.broadcast_to(np.asarray(result.value, dtype=np.float64), (n,))
    higher = [np.broadcast_to(np.asarray(v, dtype=np.float64), (n,))
              for v in higher_values(result)]
    return value, result.gradient, higher, result.warnings


def _rowwise(program: Program, block: Block, layout: Layout, strict: bool):
    values, grads, warnings = [], {name: [] for name in layout.wrt}, []
    higher = [[] for _ in higher_labels(layout.wrt, layout.order)]
    for i in range(len(block.echo)):
        point = dict(layout.constants)
        point.update({name: column[i] for name, column in block.data.items()})
        result = evaluate(program, point, wrt=layout.wrt, strict=strict, order=layout.order,
                          bounds=False)
        values.append(result.value)
        for name in layout.wrt:
            grads[name].append(result.gradient[name])
        for column, v in zip(higher, higher_values(result)):
            column.append(v)
        warnings += result.warnings
    return values, grads, higher, warnings


# --- output ------------------------------------------------------------------------------

def jacobian_labels(layout: Layout) -> list[str]:
    """Several results: f1, f2 (or their names), then df1/dx, df1/dy, df2/dx, ..."""
    return layout.results + [f"d{r}/d{v}" for r in layout.results for v in layout.wrt]


def header_line(layout: Layout, fmt: str) -> str:
    """The plain header: the input columns, f, then df/dNAME for each variable."""
    if fmt != "plain":
        return ""
    if len(layout.results) > 1:
        labels = jacobian_labels(layout)
    else:
        labels = ["f"] + [f"df/d{n}" for n in layout.wrt] + higher_labels(layout.wrt, layout.order)
    return "\t".join(layout.columns + labels) + "\n"


def _texts(values) -> list[str]:
    """Each value exactly as ``record.number`` prints it (repr of the float)."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return list(map(repr, values.tolist()))
    return [number(v) for v in values]


def _json_texts(values) -> list[str]:
    """Each value as strict JSON: numbers, or "nan"/"inf"/"-inf" strings, or lists."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        texts = list(map(repr, values.tolist()))
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            texts[i] = f'"{texts[i]}"'
        return texts
    return [json.dumps(jsonable(v)) for v in values]


# A fast writer, built from strings: equal to ``record``'s JSON layout (a test compares them).
def render_block(block: Block, layout: Layout, value, gradient: dict, fmt: str,
                 higher: list = ()) -> str:
    if not block.echo:
        return ""
    if fmt == "plain":
        columns = [_texts(value)] + [_texts(gradient[n]) for n in layout.wrt]
        columns += [_texts(column) for column in higher]
        return "\n".join(map("\t".join, zip(block.echo, *columns))) + "\n"
    fields = list(zip(*(row.split("\t") for row in block.echo)))
    inputs = []
    for j, name in enumerate(layout.columns):
        key = json.dumps(name, ensure_ascii=False) + ": "
        texts = (_json_texts(block.data[name]) if name in layout.used
                 else [json.dumps(f.strip(), ensure_ascii=False) for f in fields[j]])
        inputs.append([key + t for t in texts])
    grads = [[json.dumps(n) + ": " + t for t in _json_texts(gradient[n])] for n in layout.wrt]
    extra = _json_higher(layout, [_json_texts(column) for column in higher],
                         {n: _json_texts(gradient[n]) for n in layout.wrt})
    lines = []
    for i, v in enumerate(_json_texts(value)):
        ins = ", ".join(col[i] for col in inputs)
        gs = ", ".join(col[i] for col in grads)
        lines.append(f'{{"inputs": {{{ins}}}, "value": {v}, "gradient": {{{gs}}}'
                     f'{extra(i)}}}\n')
    return "".join(lines)


def _json_higher(layout: Layout, texts: list[list[str]], first: dict[str, list[str]]):
    """Row i's 'hessian' and 'derivatives' members, as the single-point JSON has them: the
    columns come in ``record.higher_labels``' order (the Hessian first, with several)."""
    names, order = layout.wrt, layout.order
    if order < 2:
        return lambda i: ""
    k = len(names) if len(names) > 1 else 0  # a Hessian's side: its k*k columns come first
    head = json.dumps({"variables": names})[:-1]

    def hessian(i):
        rows = ("[" + ", ".join(texts[r * k + c][i] for c in range(k)) + "]" for r in range(k))
        return f', "hessian": {head}, "matrix": [{", ".join(rows)}]}}'

    if k and order == 2:
        return hessian
    per = order - (2 if k else 1)  # pure columns per variable: orders 3..N (2..N for one)

    def member(i):
        ders = []
        for j, name in enumerate(names):
            pure = [t[i] for t in texts[k * k + j * per:k * k + (j + 1) * per]]
            second = [texts[j * k + j][i]] if k else []  # the Hessian's diagonal
            ders.append(f"{json.dumps(name)}: [{', '.join([first[name][i]] + second + pure)}]")
        return (hessian(i) if k else "") + f', "derivatives": {{{", ".join(ders)}}}'
    return member


def cut(block: Block, line: int) -> Block:
    """The rows of a block before ``line`` (what comes out before a bad row stops the run)."""
    keep = sum(1 for n in block.lines if n < line)
    return Block(block.echo[:keep], block.lines[:keep],
                 {n: v[:keep] for n, v in block.data.items()})
