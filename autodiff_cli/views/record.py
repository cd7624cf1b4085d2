"""THE record of a result: its labelled quantities, as plain lines, strict JSON or a Rich table.

``eval``, ``--points`` and ``--each-line`` all take their labels, their order and their
JSON layout from here. Only reads the ``Result`` the core produced.
"""

from __future__ import annotations

from ..core.elementary import np  # numpy only when a value is a vector

from ..core.labels import derivative_label
from .numbers import jsonable, number  # noqa: F401 - also the views' shared helpers


def higher_labels(names: list[str], order: int) -> list[str]:
    """The labels of the derivatives above the first, in the order ``rows`` gives them: for
    one variable d2f/dx2 ... dNf/dxN; for several the Hessian (d2f/dx2, d2f/dxdy, ...), then
    from order 3 the pure derivatives of each (a superset of order 2)."""
    if order < 2:
        return []
    if len(names) == 1:
        return [derivative_label(names * n) for n in range(2, order + 1)]
    hessian = [derivative_label((a, b)) for a in names for b in names]
    return hessian + [derivative_label((name,) * n) for name in names
                      for n in range(3, order + 1)]


def higher_values(result) -> list:
    """The values of the derivatives above the first, in the order of ``higher_labels``."""
    values = [v for row in result.hessian["matrix"] for v in row] if result.hessian else []
    first = 3 if result.hessian else 2  # the Hessian has the second derivatives
    for ders in (result.derivatives or {}).values():
        values += ders[first - 1:]
    return values


def jacobian_rows(result) -> list[tuple[str, object]]:
    """Several results: f1, f2 (or their binding names), then df1/dx, df1/dy, df2/dx, ..."""
    jacobian = result.jacobian
    out = list(result.value.items())
    for name, row in zip(jacobian["outputs"], jacobian["matrix"]):
        out += [(f"d{name}/d{variable}", g) for variable, g in zip(jacobian["variables"], row)]
    return out


def rows(result) -> list[tuple[str, object]]:
    """(label, value) in the order of PRODUCT §6: f, df/dx..., higher orders, Hessian."""
    if result.jacobian is not None:
        return jacobian_rows(result)
    out = [("f", result.value)]
    out += [(f"df/d{name}", g) for name, g in result.gradient.items()]
    names = result.hessian["variables"] if result.hessian else list(result.derivatives or {})
    order = len(next(iter(result.derivatives.values()), [])) if result.derivatives else (
        2 if result.hessian else 1)
    out += list(zip(higher_labels(names, order), higher_values(result)))
    return out


def bounds_by_label(result) -> dict[str, object]:
    """The rounding-error bound of each derivative Taylor mode computed, by its label."""
    if not result.bounds:
        return {}
    out = {}
    for name, errors in result.bounds.items():
        for n, bound in enumerate(errors, start=1):
            if not (result.hessian and n == 2):  # the Hessian's d2f/dx2 is double backprop's
                out[derivative_label((name,) * n)] = bound
    return out


def series_text(result) -> str | None:
    if not result.series:
        return None
    from .series import expression  # lazy by policy: only --series shows it

    return expression(result.series)


def plain(result) -> str:
    """``label<TAB>number`` lines; with a series, a last ``series<TAB>EXPRESSION`` line."""
    lines = [f"{label}\t{number(value)}\n" for label, value in rows(result)]
    if result.series:
        lines.append(f"series\t{series_text(result)}\n")
    return "".join(lines)


def document(result, *, before: dict | None = None, extra: dict | None = None) -> dict:
    """The JSON object of a result (PRODUCT §6): ``before`` goes first (an --each-line
    line number), ``extra`` before the warnings (a trace)."""
    doc = dict(before or {})
    doc.update({
        "expression": result.expression,
        "inputs": jsonable(result.inputs),
        "value": jsonable(result.value),
    })
    if result.jacobian is not None:
        doc["jacobian"] = jsonable(result.jacobian)
        doc["mode"] = result.mode
    else:
        doc["gradient"] = jsonable(result.gradient)
    if result.derivatives is not None:
        doc["derivatives"] = jsonable(result.derivatives)
    if result.bounds is not None:
        doc["derivative_bounds"] = jsonable(result.bounds)
    if result.hessian is not None:
        doc["hessian"] = jsonable(result.hessian)
    if result.series is not None:
        doc["series"] = {**jsonable(result.series), "expression": series_text(result)}
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
    if result.jacobian is not None:  # several results: their values, then the Jacobian
        values = [value for _, value in jacobian_rows(result)]
    else:
        values = [result.value] + [result.gradient.get(name, 0.0) for name in names]
        values += higher_values(result)
    return "\t".join(map(number, values)) + "\n"


SHOWN_ELEMENTS = 20  # of a vector in a table cell; past it the middle is left out (JSON has all)


def cell(value, digits: int | None = None) -> str:
    """A number or a vector for people: rounded to ``digits`` significant digits if asked,
    a long vector shortened with '…' (plain and JSON always have every digit)."""
    values = np.ravel(value) if getattr(value, "ndim", 0) > 0 else None
    text = (lambda v: f"{float(v):.{digits}g}") if digits else number
    if values is None:
        return text(value)
    if values.size > SHOWN_ELEMENTS:
        head, tail = values[:8], values[-3:]
        return (", ".join(map(text, head)) + ", …, " + ", ".join(map(text, tail))
                + f"  ({values.size} elements)")
    return ", ".join(map(text, values))


def table(result, digits: int | None = None):
    """A Rich renderable for a terminal; the Hessian as a matrix below the other rows."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def shown(v):
        text = cell(v, digits)
        return f"[{text}]" if getattr(v, "ndim", 0) > 0 else text

    at = ", ".join(f"{name} = {shown(v)}" for name, v in result.inputs.items())
    title = Text(result.expression if "\n" not in result.expression else "program")
    if at:
        title.append(f"  at {at}", style="dim")
    if result.jacobian is not None:
        return Group(title, _values_grid(result), _jacobian_grid(result))
    grid = Table(show_header=True, header_style="bold")
    grid.add_column("quantity", style="cyan", no_wrap=True)
    grid.add_column("value", justify="right", overflow="fold")
    bounds = bounds_by_label(result)
    if bounds:  # Taylor mode's rounding-error bound beside each derivative
        grid.add_column("±", justify="right", style="dim", no_wrap=True)
    hessian = set(_hessian_labels(result))
    for label, value in rows(result):
        if label in hessian:
            continue  # shown as a matrix below
        cells = [label, cell(value, digits)]
        if bounds:
            cells.append(_magnitude(bounds[label]) if label in bounds else "")
        grid.add_row(*cells)
    parts = [title, grid]  # the title above, not squeezed to the table's width
    if hessian:
        parts.append(_hessian_grid(result, digits))
    if result.series:  # below, as a line of its own: a long expression would widen the table
        line = Text("series ", style="cyan")
        parts.append(line.append(series_text(result) or "(a coefficient is not finite)"))
    return Group(*parts)


def _magnitude(bound) -> str:
    """A bound as people read it: 2.3e-15 (the largest, for a vector)."""
    return f"{float(np.max(bound)):.1e}"


def _values_grid(result):
    from rich.table import Table

    grid = Table(show_header=True, header_style="bold")
    grid.add_column("result", style="cyan", no_wrap=True)
    grid.add_column("value", justify="right", overflow="fold")
    for name, value in result.value.items():
        grid.add_row(name, number(value).replace(",", ", "))
    return grid


def _jacobian_grid(result):
    """The Jacobian as a matrix: a row per result, a column per variable."""
    from rich.table import Table

    jacobian = result.jacobian
    grid = Table(title=f"Jacobian ({result.mode} mode)", title_justify="left",
                 header_style="bold")
    grid.add_column("", style="cyan", no_wrap=True)
    for variable in jacobian["variables"]:
        grid.add_column(f"d/d{variable}", justify="right", overflow="fold")
    for name, row in zip(jacobian["outputs"], jacobian["matrix"]):
        grid.add_row(name, *(number(g).replace(",", ", ") for g in row))
    return grid


def _hessian_labels(result) -> list[str]:
    if not result.hessian:
        return []
    names = result.hessian["variables"]
    return [derivative_label((a, b)) for a in names for b in names]


def _hessian_grid(result, digits: int | None):
    """The Hessian as a matrix: the variables as row and column headers."""
    from rich.table import Table

    names = result.hessian["variables"]
    grid = Table(title="Hessian, d2f/d(row)d(column)", title_justify="left", header_style="bold")
    grid.add_column("", style="cyan", no_wrap=True)
    for name in names:
        grid.add_column(name, justify="right", overflow="fold")
    for name, row in zip(names, result.hessian["matrix"]):
        grid.add_row(name, *(cell(v, digits) for v in row))
    return grid
