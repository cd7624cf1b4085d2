"""The check's report as text: a table for people, tab-separated lines, strict JSON."""

from __future__ import annotations

from ..core.check import HEADER, Report, Row
from .record import jsonable, number


def _cells(row: Row) -> list[str]:
    return [row.quantity, number(row.analytic), number(row.numeric), number(row.abs_error),
            number(row.rel_error), "ok" if row.ok else "FAIL"]


def plain(report: Report) -> str:
    lines = ["\t".join(HEADER)] + ["\t".join(_cells(row)) for row in report.rows]
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    doc = {
        "expression": report.expression,
        "inputs": jsonable(report.inputs),
        **{k: (v if k == "order" else jsonable(v)) for k, v in report.settings.items()},
        "checks": [{"quantity": r.quantity, "analytic": jsonable(r.analytic),
                    "numeric": jsonable(r.numeric), "abs_error": jsonable(r.abs_error),
                    "rel_error": jsonable(r.rel_error), "ok": r.ok} for r in report.rows],
        "ok": not report.failures,
        "warnings": list(report.warnings),
    }
    import json  # lazy by policy: only a JSON document needs it

    return json.dumps(doc, allow_nan=False, ensure_ascii=False) + "\n"


def table(report: Report):
    """A Rich table; the failing rows in bold red."""
    from rich.table import Table

    settings = ", ".join(f"{k} {number(v)}" for k, v in report.settings.items() if k != "order")
    grid = Table(title=f"check {report.expression}  ({settings})", title_justify="left",
                 header_style="bold")
    for column in HEADER:
        grid.add_column(column, overflow="fold",
                        justify="left" if column in ("quantity", "status") else "right")
    for row in report.rows:
        cells = _cells(row)
        cells[3:5] = [f"{row.abs_error:.2e}", f"{row.rel_error:.2e}"]  # people want magnitudes
        grid.add_row(*cells, style=None if row.ok else "bold red")
    return grid
