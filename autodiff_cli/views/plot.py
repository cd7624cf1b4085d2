"""A plot's numbers as text: the sampled columns (plain), the JSON document, and the list of
critical points printed under the chart."""

from __future__ import annotations

from .chart import MARK_STYLE, MARKS, label
from .numbers import jsonable, number


def plain(sampled) -> str:
    """A header line (x, f, df/dx, ...), then one tab-separated row per sample, as --points."""
    names = [sampled.variable] + [label(k, sampled.variable) for k in range(len(sampled.curves))]
    rows = ["\t".join(names)]
    columns = [sampled.x] + list(sampled.curves)
    rows += ["\t".join(number(c[i]) for c in columns) for i in range(len(sampled.x))]
    return "\n".join(rows) + "\n"


def critical_points(sampled) -> list[dict]:
    return [{"kind": p.kind, "x": p.x, "value": p.value, "slope": p.slope,
             "derivative": label(p.order, sampled.variable), "residual": p.residual}
            for p in sampled.critical]


def as_json(sampled, expression: str, inputs: dict, warnings: list[str]) -> str:
    """One JSON object: the samples as lists, the critical points, the warnings."""
    import json  # lazy by policy: plain output does not need it

    doc = {"expression": expression, "variable": sampled.variable,
           "range": jsonable([sampled.x[0], sampled.x[-1]]), "inputs": jsonable(inputs),
           "points": int(len(sampled.x)), "order": int(sampled.order),
           "x": jsonable(sampled.x), "value": jsonable(sampled.curves[0]),
           "derivatives": jsonable(list(sampled.curves[1:])),
           "critical_points": jsonable(critical_points(sampled)), "warnings": list(warnings)}
    return json.dumps(doc) + "\n"


def listing(sampled, width: int = 200) -> list[list[tuple[str, str | None]]]:
    """The critical points under the chart, one line each: mark, kind, x, f(x), with every
    digit, in columns (unaligned where columns would pass ``width``); or a line saying there
    are none."""
    if not sampled.critical:
        return [[(f"no extremum or inflection point in {sampled.variable} from "
                  f"{number(sampled.x[0])} to {number(sampled.x[-1])}", "dim")]]
    name = sampled.variable
    xs = [f"{name} = {number(p.x)}" for p in sampled.critical]
    column = max(len(t) for t in xs) + 3
    lines = [f" {p.kind:<10}  {xs[i]:<{column}}f = {number(p.value)}"
             for i, p in enumerate(sampled.critical)]
    if max(len(line) for line in lines) >= width:
        lines = [f" {p.kind}  {xs[i]}  f = {number(p.value)}"
                 for i, p in enumerate(sampled.critical)]
    return [[(MARKS[p.kind], MARK_STYLE), (line, None)]
            for p, line in zip(sampled.critical, lines)]
