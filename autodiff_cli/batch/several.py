"""``--points`` with several results: one column per result and per Jacobian entry."""

from __future__ import annotations

import numpy as np

from ..api import evaluate
from ..core.program import Program
from ..views.record import dumps, jsonable
from .rows import Block, Layout, _texts, jacobian_labels


def evaluate_block(program: Program, block: Block, layout: Layout, strict: bool):
    """(one float64 column per label, warnings) for the rows of a block."""
    n = len(block.echo)
    if layout.rowwise:  # reductions: each row on its own
        columns = [[] for _ in jacobian_labels(layout)]
        warnings = []
        for i in range(n):
            point = dict(layout.constants)
            point.update({name: column[i] for name, column in block.data.items()})
            row, row_warnings = _columns(program, point, layout, strict)
            for column, value in zip(columns, row):
                column.append(value)
            warnings += row_warnings
        return [np.asarray(c, dtype=np.float64) for c in columns], warnings
    values = {name: np.full(n, c, dtype=np.float64) for name, c in layout.constants.items()}
    values.update(block.data)
    row, warnings = _columns(program, values, layout, strict)
    return [np.broadcast_to(np.asarray(c, dtype=np.float64), (n,)) for c in row], warnings


def _columns(program: Program, values: dict, layout: Layout, strict: bool):
    result = evaluate(program, values, wrt=layout.wrt, strict=strict, mode=layout.mode)
    matrix = result.jacobian["matrix"]
    return list(result.value.values()) + [g for row in matrix for g in row], result.warnings


def render_block(block: Block, layout: Layout, columns: list, fmt: str) -> str:
    if not block.echo:
        return ""
    if fmt == "plain":
        texts = [_texts(column) for column in columns]
        return "\n".join(map("\t".join, zip(block.echo, *texts))) + "\n"
    k = len(layout.results)
    lines = []
    for i, row in enumerate(block.echo):
        fields = row.split("\t")
        inputs = {name: (float(block.data[name][i]) if name in layout.used else fields[j].strip())
                  for j, name in enumerate(layout.columns)}
        value = {r: float(columns[j][i]) for j, r in enumerate(layout.results)}
        matrix = [[float(columns[k + a * len(layout.wrt) + b][i]) for b in range(len(layout.wrt))]
                  for a in range(k)]
        doc = {"inputs": inputs, "value": value,
               "jacobian": {"outputs": layout.results, "variables": layout.wrt, "matrix": matrix}}
        lines.append(dumps(jsonable(doc)))
    return "".join(lines)
