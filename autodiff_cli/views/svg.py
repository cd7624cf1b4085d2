"""A plot as a standalone SVG, written by hand: axes, ticks, grid, legend, curves, marked points.

The scales, ticks and labels are the braille chart's (``views/chart.py``), so the two agree.
Curves are paths clipped to the plot area: a gap where a sample is not finite, no segment
across a pole. Each curve has a colour and a dash pattern (readable in grey too); minima are
▼ triangles, maxima ▲, inflection points diamonds, each with a <title> giving x and f(x).
"""

from __future__ import annotations

import math

import numpy as np

from .chart import _clip, label, tick_text, ticks, y_range
from .numbers import number

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 4", "12 4", "2 2 2 6")
WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 70, 24, 64, 52


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _f(v: float) -> str:
    """A coordinate, to 0.01 of a pixel."""
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _mark(kind: str, cx: float, cy: float) -> str:
    r = 6
    if kind == "min":
        points = [(cx - r, cy - r * 0.6), (cx + r, cy - r * 0.6), (cx, cy + r * 0.9)]
    elif kind == "max":
        points = [(cx - r, cy + r * 0.6), (cx + r, cy + r * 0.6), (cx, cy - r * 0.9)]
    else:
        points = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    return " ".join(f"{_f(px)},{_f(py)}" for px, py in points)


def svg(sampled, expression: str) -> str:
    """The SVG document of a ``core.critical.Sampled``."""
    x, curves = sampled.x, sampled.curves
    a, b = float(x[0]), float(x[-1])
    lo, hi = y_range(curves)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    sx, sy = plot_w / (b - a), plot_h / (hi - lo)

    def X(v):
        return LEFT + (v - a) * sx

    def Y(v):
        return TOP + (hi - v) * sy

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Helvetica, Arial, '
           f'sans-serif" font-size="12">',
           f"<title>{_escape(expression)}</title>",
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<clipPath id="plot-area"><rect x="{LEFT}" y="{TOP}" width="{plot_w}" '
           f'height="{plot_h}"/></clipPath>',
           f'<text class="title" x="{LEFT}" y="22" font-size="14" font-weight="bold">'
           f"f({_escape(sampled.variable)}) = {_escape(expression)}</text>"]
    grid, labels = [], []
    y_ticks, y_step = ticks(lo, hi, 6)
    for v in y_ticks:
        y = _f(Y(v))
        grid.append(f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + plot_w}" y2="{y}"/>')
        labels.append(f'<line x1="{LEFT - 5}" y1="{y}" x2="{LEFT}" y2="{y}" stroke="#333"/>'
                      f'<text x="{LEFT - 8}" y="{y}" text-anchor="end" '
                      f'dominant-baseline="middle">{tick_text(v, y_step)}</text>')
    x_ticks, x_step = ticks(a, b, 8)
    for v in x_ticks:
        xx = _f(X(v))
        grid.append(f'<line x1="{xx}" y1="{TOP}" x2="{xx}" y2="{TOP + plot_h}"/>')
        labels.append(f'<line x1="{xx}" y1="{TOP + plot_h}" x2="{xx}" y2="{TOP + plot_h + 5}" '
                      f'stroke="#333"/><text x="{xx}" y="{TOP + plot_h + 19}" '
                      f'text-anchor="middle">{tick_text(v, x_step)}</text>')
    out.append('<g class="grid" stroke="#e4e4e4" stroke-width="1">' + "".join(grid) + "</g>")
    if lo < 0 < hi:
        out.append(f'<line class="zero" x1="{LEFT}" y1="{_f(Y(0))}" x2="{LEFT + plot_w}" '
                   f'y2="{_f(Y(0))}" stroke="#999" stroke-width="1"/>')
    out.append(f'<rect class="frame" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" '
               'fill="none" stroke="#333" stroke-width="1"/>')
    out.append('<g class="ticks">' + "".join(labels) + "</g>")
    out.append(f'<text class="axis-label" x="{LEFT + plot_w / 2}" y="{HEIGHT - 10}" '
               f'text-anchor="middle">{_escape(sampled.variable)}</text>')
    out.append('<g class="curves" fill="none" stroke-width="2" stroke-linejoin="round" '
               'clip-path="url(#plot-area)">')
    for k in reversed(range(len(curves))):
        d = _path(X(x), Y(np.asarray(curves[k], dtype=float)), plot_h)
        dash = f' stroke-dasharray="{DASHES[k % len(DASHES)]}"' if DASHES[k % len(DASHES)] else ""
        out.append(f'<path class="curve" data-curve="{_escape(label(k, sampled.variable))}" '
                   f'stroke="{COLOURS[k % len(COLOURS)]}"{dash} d="{d}"/>')
    out.append("</g>")
    out.append('<g class="points" stroke="#222" stroke-width="1">')
    for p in sampled.critical:
        if a <= p.x <= b and lo <= p.value <= hi:
            out.append(f'<polygon class="{p.kind}" fill="{"#ffd23f" if p.order == 2 else "#fff"}" '
                       f'points="{_mark(p.kind, X(p.x), Y(p.value))}"><title>{p.kind}: '
                       f"x = {number(p.x)}, f = {number(p.value)}</title></polygon>")
    out.append("</g>")
    out.append(_legend(sampled))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _path(xs, ys, plot_h: float) -> str:
    """M/L commands between consecutive finite samples, clipped to a band around the plot."""
    pad = 20.0
    parts, end = [], None
    with np.errstate(invalid="ignore"):
        for i in range(len(xs) - 1):
            y0, y1 = ys[i], ys[i + 1]
            if not (math.isfinite(y0) and math.isfinite(y1)):
                continue
            if (y0 < TOP - 4 * plot_h and y1 > TOP + 5 * plot_h) or \
                    (y1 < TOP - 4 * plot_h and y0 > TOP + 5 * plot_h):
                continue  # across a pole
            clipped = _clip(xs[i], y0 - (TOP - pad), xs[i + 1], y1 - (TOP - pad), WIDTH,
                            plot_h + 2 * pad)
            if clipped is None:
                continue
            p0 = (_f(clipped[0]), _f(clipped[1] + TOP - pad))
            p1 = (_f(clipped[2]), _f(clipped[3] + TOP - pad))
            if p0 != end:
                parts.append(f"M{p0[0]} {p0[1]}")
            parts.append(f"L{p1[0]} {p1[1]}")
            end = p1
    return "".join(parts)


def _legend(sampled) -> str:
    items, x = [], LEFT
    for k in range(len(sampled.curves)):
        dash = DASHES[k % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        name = label(k, sampled.variable)
        items.append(f'<line x1="{x}" y1="44" x2="{x + 28}" y2="44" stroke-width="2" '
                     f'stroke="{COLOURS[k % len(COLOURS)]}"{dash_attr}/>'
                     f'<text x="{x + 34}" y="48">{_escape(name)}</text>')
        x += 44 + 8 * len(name)
    for kind in ("min", "max", "inflection"):
        if any(p.kind == kind for p in sampled.critical):
            fill = "#ffd23f" if kind == "inflection" else "#fff"
            items.append(f'<polygon fill="{fill}" stroke="#222" points="{_mark(kind, x + 6, 44)}"/>'
                         f'<text x="{x + 16}" y="48">{kind}</text>')
            x += 30 + 8 * len(kind)
    return '<g class="legend">' + "".join(items) + "</g>"
