"""``--points`` output: the plain header and rows, or JSON Lines, built from strings.

The JSON writer is fast (strings, not dicts), and equal to ``views/record.py``'s record of
each point, less the error bounds (``--points`` computes none): a test compares them.
A skipped row leaves ``{"line": N, "error": ...}`` in its place, as ``--each-line`` does.
"""

from __future__ import annotations

import json

import numpy as np

from ..views.record import higher_labels, jsonable, number
from .header import NUMBER, Layout
from .rows import Block, Computed


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


def _field(text: str) -> str:
    """A column the program does not use: a number if it reads as one, else a string."""
    text = text.strip()
    if NUMBER.match(text):
        return _json_texts(np.array([float(text)]))[0]
    return json.dumps(text, ensure_ascii=False)


def render(block: Block, layout: Layout, done: Computed, fmt: str, program_warnings: list[str],
           skipped: list = ()) -> str:
    """The block's rows as text; in JSON, ``skipped`` (line, error) records in their places."""
    if fmt == "plain":
        if not block.echo:
            return ""
        texts = [_texts(column) for column in done.columns]
        return "\n".join(map("\t".join, zip(block.echo, *texts))) + "\n"
    lines = _json_rows(block, layout, done, program_warnings) if block.echo else []
    if skipped:  # rare: merge the error records in by line number
        records = [(n, _error_record(n, message)) for n, message in skipped]
        lines = [text for _, text in sorted(list(zip(block.lines, lines)) + records)]
    return "".join(lines)


def _error_record(line: int, message: str) -> str:
    return json.dumps({"line": line, "error": f"bad row: {message}"}, ensure_ascii=False) + "\n"


def _json_rows(block: Block, layout: Layout, done: Computed, program_warnings) -> list[str]:
    fields = list(zip(*(row.split("\t") for row in block.echo)))
    inputs = []
    for j, name in enumerate(layout.columns):
        key = json.dumps(name, ensure_ascii=False) + ": "
        texts = (_json_texts(block.data[name]) if name in layout.used
                 else list(map(_field, fields[j])))
        inputs.append([key + t for t in texts])
    # the values given as options (--a 10) are inputs of every row, as in eval's record
    given = "".join(f", {json.dumps(name)}: {json.dumps(jsonable(value))}"
                    for name, value in layout.constants.items())
    texts = [_json_texts(column) for column in done.columns]
    head = '"expression": ' + json.dumps(layout.expression, ensure_ascii=False)
    static = json.dumps(list(program_warnings), ensure_ascii=False)
    by_row = done.row_warnings or {}
    if len(layout.results) > 1:
        rest = _jacobian_members(layout, texts, done.mode)
    else:
        rest = _gradient_members(layout, texts)
    lines = []
    for i, line in enumerate(block.lines):
        ins = ", ".join(col[i] for col in inputs)
        warnings = static if i not in by_row else json.dumps(by_row[i], ensure_ascii=False)
        lines.append(f'{{"line": {line}, {head}, "inputs": {{{ins}{given}}}{rest(i)}, '
                     f'"warnings": {warnings}}}\n')
    return lines


def _jacobian_members(layout: Layout, texts: list[list[str]], mode):
    """Row i's 'value' ({result: value}), 'jacobian' and 'mode', as record has them."""
    k, m = len(layout.results), len(layout.wrt)
    names = [json.dumps(r, ensure_ascii=False) for r in layout.results]
    head = json.dumps({"outputs": layout.results, "variables": layout.wrt},
                      ensure_ascii=False)[:-1]
    tail = f', "mode": {json.dumps(mode)}'

    def members(i):
        value = ", ".join(f"{name}: {texts[j][i]}" for j, name in enumerate(names))
        rows = ("[" + ", ".join(texts[k + a * m + b][i] for b in range(m)) + "]"
                for a in range(k))
        return (f', "value": {{{value}}}, "jacobian": {head}, "matrix": [{", ".join(rows)}]}}'
                + tail)
    return members


def _gradient_members(layout: Layout, texts: list[list[str]]):
    """Row i's 'value', 'gradient' and, with --order, 'derivatives' and 'hessian'."""
    names = layout.wrt
    keys = [json.dumps(n, ensure_ascii=False) + ": " for n in names]
    first = texts[1:1 + len(names)]
    extra = _json_higher(layout, texts[1 + len(names):], dict(zip(names, first)))

    def members(i):
        gs = ", ".join(key + column[i] for key, column in zip(keys, first))
        return f', "value": {texts[0][i]}, "gradient": {{{gs}}}{extra(i)}'
    return members


def _json_higher(layout: Layout, texts: list[list[str]], first: dict[str, list[str]]):
    """Row i's 'derivatives' and 'hessian' members, as the single-point JSON has them: the
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
        return f', "derivatives": {{{", ".join(ders)}}}' + (hessian(i) if k else "")
    return member
