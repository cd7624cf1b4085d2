"""THE record of a result: its labelled quantities, as plain lines, strict JSON or a Rich table.

``eval``, ``--points`` and ``--each-line`` all take their labels, their order and their
JSON layout from here. Only reads the ``Result`` the core produced.
"""

from __future__ import annotations

import math

import numpy as np


def number(x) -> str:
    """The shortest text that reads back to the same float64 (Python's repr)."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        return ",".join(number(v) for v in x.ravel())
    return repr(float(x))


def jsonable(x):
    """Floats and lists of floats; nan and the infinities as strings (strict JSON)."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        return [jsonable(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, str) or x is None:
        return x
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def higher_labels(names: list[str], order: int) -> list[str]:
    """The labels of the derivatives above the first, in the order ``rows`` gives them:
    d2f/dx2 ... for one variable (or pure ones per variable), d2f/dxdy for a Hessian."""
    if order < 2:
        return []
    if order == 2 and len(names) > 1:
        return [f"d2f/d{a}d{b}" for a in names for b in names]
    return [f"d{n}f/d{name}{n}" for name in names for n in range(2, order + 1)]


def higher_values(result) -> list:
    """The values of the derivatives above the first, in the order of ``higher_labels``."""
    if result.hessian:
        return [v for row in result.hessian["matrix"] for v in row]
    return [d for ders in (result.derivatives or {}).values() for d in ders[1:]]


def rows(result) -> list[tuple[str, object]]:
    """(label, value) in the order of PRODUCT §6: f, df/dx..., higher orders, Hessian."""
    out = [("f", result.value)]
    out += [(f"df/d{name}", g) for name, g in result.gradient.items()]
    names = result.hessian["variables"] if result.hessian else list(result.derivatives or {})
    order = 2 if result.hessian else len(next(iter(result.derivatives.values()), [])) \
        if result.derivatives else 1
    out += list(zip(higher_labels(names, order), higher_values(result)))
    return out


def plain(result) -> str:
    return "".join(f"{label}\t{number(value)}\n" for label, value in rows(result))


def document(result, *, before: dict | None = None, extra: dict | None = None) -> dict:
    """The JSON object of a result (PRODUCT §6): ``before`` goes first (an --each-line
    line number), ``extra`` before the warnings (a trace)."""
    doc = dict(before or {})
    doc.update({
        "expression": result.expression,
        "inputs": jsonable(result.inputs),
        "value": jsonable(result.value),
        "gradient": jsonable(result.gradient),
    })
    if result.derivatives is not None:
        doc["derivatives"] = jsonable(result.derivatives)
    if result.hessian is not None:
        doc["hessian"] = jsonable(result.hessian)
    doc.update(extra or {})
    doc["warnings"] = list(result.warnings)
    return doc


def as_json(result, *, before: dict | None = None, extra: dict | None = None) -> str:
    """The result as one line of strict JSON."""
    return dumps(document(result, before=before, extra=extra))


def dumps(doc) -> str:
    import json  # lazy by policy: plain output does not need it

    return json.dumps(doc, allow_nan=False, ensure_ascii=False) + "\n"


def plain_row(result, names: list[str]) -> str:
    """f and the gradient by ``names`` on one tab-separated line (0 for a name not used)."""
    values = [result.value] + [result.gradient.get(name, 0.0) for name in names]
    return "\t".join(map(number, values)) + "\n"


def table(result):
    """A Rich renderable for a terminal."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def shown(v):
        text = number(v).replace(",", ", ")
        return f"[{text}]" if isinstance(v, np.ndarray) and v.ndim > 0 else text

    at = ", ".join(f"{name} = {shown(v)}" for name, v in result.inputs.items())
    title = Text(result.expression if "\n" not in result.expression else "program")
    if at:
        title.append(f"  at {at}", style="dim")
    grid = Table(show_header=True, header_style="bold")
    grid.add_column("quantity", style="cyan", no_wrap=True)
    grid.add_column("value", justify="right", overflow="fold")
    for label, value in rows(result):
        grid.add_row(label, number(value).replace(",", ", "))
    return Group(title, grid)  # the title above, not squeezed to the table's width
