"""f and its derivatives drawn with braille cells: axes with tick labels, a legend, marked points.

A braille cell is 2 × 4 dots, so a chart of C columns and R rows is a canvas of 2C × 4R dots.
Each curve is drawn as line segments between its samples (clipped to the canvas; a gap where a
sample is not finite; no segment across a jump from far above the chart to far below it, as
tan(x) makes at its poles). With colour every curve has its own; without colour each has its
own dash pattern instead (solid, dashed, dotted, ...), so they stay apart in a golden file or a
``NO_COLOR`` terminal. f is drawn last, on top. Extrema and inflection points replace their
cell by a mark. The chart is a list of lines of (text, style) runs: ``text()`` is plain,
``rich()`` a Rich ``Text`` (Rich is imported only there). The scales and ticks are shared with
the SVG writer (``views/svg.py``).
"""

from __future__ import annotations

import math

import numpy as np

COLOURS = ("cyan", "magenta", "yellow", "green", "red", "blue", "bright_white")
# Dash patterns without colour: dots on, dots off, ... along the curve.
PATTERNS = ((1,), (4, 2), (1, 2), (6, 2, 1, 2), (2, 3), (6, 5), (1, 1, 1, 4))
MARKS = {"min": "▼", "max": "▲", "inflection": "◆"}
MARK_STYLE = "bold bright_white"
AXIS_STYLE = "dim"
_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [dot row][dot column]


def label(k: int, variable: str) -> str:
    """'f', 'df/dx', 'd2f/dx2', ... as eval names them."""
    if k == 0:
        return "f"
    return f"df/d{variable}" if k == 1 else f"d{k}f/d{variable}{k}"


def y_range(curves) -> tuple[float, float]:
    """The values shown: all finite values, unless a few outliers (a pole) would flatten the
    rest: then the 1st to 99th percentile, widened by a fifth. A little margin either way."""
    values = np.concatenate([np.asarray(c, dtype=float).ravel() for c in curves])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return -1.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    if values.size > 20:
        p1, p99 = (float(v) for v in np.percentile(values, [1, 99]))
        if (hi - lo) > 10 * (p99 - p1) > 0:
            lo, hi = p1 - 0.2 * (p99 - p1), p99 + 0.2 * (p99 - p1)
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1e-300):
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    pad = 0.04 * (hi - lo)
    return lo - pad, hi + pad


def ticks(lo: float, hi: float, count: int) -> tuple[list[float], float]:
    """About ``count`` round values (1, 2 or 5 times a power of ten) in [lo, hi], and the step."""
    raw = (hi - lo) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9)
    values = [(first + i) * step for i in range(int((hi - lo) / step + 1e-9) + 2)]
    inside = [v for v in values if lo - 1e-9 * step <= v <= hi + 1e-9 * step]
    return [0.0 if abs(v) < step * 1e-9 else v for v in inside], step


def tick_text(value: float, step: float) -> str:
    """A tick label with as many decimals as the step needs: 0.5, 10, 1e+06, 2.5e-05."""
    if value != 0 and (abs(value) >= 1e6 or abs(step) < 1e-4):
        return f"{value:.3g}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


class Canvas:
    """A grid of braille cells; each dot belongs to the last curve drawn through its cell."""

    def __init__(self, columns: int, rows: int):
        self.columns, self.rows = columns, rows
        self.width, self.height = 2 * columns, 4 * rows
        self.bits = [[0] * columns for _ in range(rows)]
        self.owner = [[-1] * columns for _ in range(rows)]

    def segment(self, x0, y0, x1, y1, curve: int, pattern, walked: list[int]) -> None:
        """A line between two points in dot coordinates, clipped; ``walked`` counts the dots
        the curve has gone through (its dash pattern continues across segments)."""
        clipped = _clip(x0, y0, x1, y1, self.width - 1, self.height - 1)
        if clipped is None:
            return
        x0, y0, x1, y1 = clipped
        steps = max(int(round(max(abs(x1 - x0), abs(y1 - y0)))), 1)
        period = sum(pattern)
        last = None
        for i in range(steps + 1):
            px, py = int(round(x0 + (x1 - x0) * i / steps)), int(round(y0 + (y1 - y0) * i / steps))
            if (px, py) == last:
                continue
            last = (px, py)
            walked[0] += 1
            phase, on = (walked[0] - 1) % period, True
            for run in pattern:
                if phase < run:
                    break
                phase -= run
                on = not on
            if on:
                row, column = py >> 2, px >> 1
                self.bits[row][column] |= _BITS[py & 3][px & 1]
                self.owner[row][column] = curve


def _clip(x0, y0, x1, y1, xmax, ymax):
    """Liang-Barsky: the part of the segment inside [0, xmax] × [0, ymax], or None."""
    t0, t1, dx, dy = 0.0, 1.0, x1 - x0, y1 - y0
    for p, q in ((-dx, x0), (dx, xmax - x0), (-dy, y0), (dy, ymax - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy


class Chart:
    """Lines of (text, style) runs; style None is plain."""

    def __init__(self, lines: list[list[tuple[str, str | None]]]):
        self.lines = lines

    def text(self) -> str:
        return "".join("".join(t for t, _ in line).rstrip() + "\n" for line in self.lines)

    def rich(self):
        from rich.text import Text  # lazy by policy: only a terminal draws in colour

        out = Text(no_wrap=True, overflow="crop")
        for i, line in enumerate(self.lines):
            line = list(line)
            while line and not line[-1][0].strip():  # no trailing blanks
                line.pop()
            if line:
                line[-1] = (line[-1][0].rstrip(), line[-1][1])
            for text, style in line:
                out.append(text, style=style)
            if i < len(self.lines) - 1:
                out.append("\n")
        return out


def render(sampled, width: int = 80, height: int = 16, color: bool = True) -> Chart:
    """The chart of a ``core.critical.Sampled``: ``width`` columns, ``height`` rows of plot."""
    x, curves = sampled.x, sampled.curves
    lo, hi = y_range(curves)
    height = max(height, 3)
    y_ticks, y_step = ticks(lo, hi, max(2, height // 3))
    y_labels = [tick_text(v, y_step) for v in y_ticks]
    margin = max(len(t) for t in y_labels) if y_labels else 1
    columns = max(width - margin - 2, 10)
    canvas = Canvas(columns, height)
    a, b = float(x[0]), float(x[-1])
    sx = (canvas.width - 1) / (b - a) if b > a else 0.0
    sy = (canvas.height - 1) / (hi - lo)
    px = ((x - a) * sx).tolist()  # Python floats: a dot at a time is faster on them
    for k in reversed(range(len(curves))):  # f last: on top
        with np.errstate(invalid="ignore", over="ignore"):
            py = ((hi - curves[k]) * sy).tolist()
        pattern = (1,) if color else PATTERNS[k % len(PATTERNS)]
        walked, far = [0], canvas.height * 4
        for i in range(len(x) - 1):
            y0, y1 = py[i], py[i + 1]
            if not (math.isfinite(y0) and math.isfinite(y1)):
                continue
            if (y0 < -far and y1 > far) or (y1 < -far and y0 > far):
                continue  # a jump across the whole chart (a pole), not a steep curve
            canvas.segment(px[i], y0, px[i + 1], y1, k, pattern, walked)
    cells = [[(chr(0x2800 + canvas.bits[r][c]) if canvas.bits[r][c] else " ",
               COLOURS[canvas.owner[r][c] % len(COLOURS)] if canvas.bits[r][c] else None)
              for c in range(columns)] for r in range(height)]
    if lo < 0 < hi:  # the zero line, where no curve is
        row = min(int(round(hi * sy)) >> 2, height - 1)
        cells[row] = [(("┈", AXIS_STYLE) if ch == " " else (ch, s)) for ch, s in cells[row]]
    for point in sampled.critical:
        cx, cy = (point.x - a) * sx, (hi - point.value) * sy
        if 0 <= cx <= canvas.width - 1 and 0 <= cy <= canvas.height - 1:
            cells[int(round(cy)) >> 2][int(round(cx)) >> 1] = (MARKS[point.kind], MARK_STYLE)
    tick_rows = {}
    for value, text in zip(y_ticks, y_labels):
        tick_rows.setdefault(min(int(round((hi - value) * sy)) >> 2, height - 1), text)
    lines = legend(sampled, color, width)
    for r in range(height):
        tick = r in tick_rows
        line = [(tick_rows.get(r, "").rjust(margin) + " ", None),
                ("┤" if tick else "│", AXIS_STYLE)]
        lines.append(line + _runs(cells[r]))
    lines += x_axis(a, b, margin, columns, sx)
    return Chart(lines)


def _runs(cells):
    """(char, style) cells merged into runs of one style."""
    runs: list[tuple[str, str | None]] = []
    for ch, style in cells:
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + ch, style)
        else:
            runs.append((ch, style))
    return runs


def x_axis(a: float, b: float, margin: int, columns: int, sx: float):
    """The x axis line with ┬ at the ticks, and the tick labels under them, never overlapping."""
    x_ticks, x_step = ticks(a, b, max(2, columns // 12))
    axis = ["─"] * columns
    labels = [" "] * (columns + margin + 2 + 12)
    end = -1
    for value in x_ticks:
        column = int(round((value - a) * sx)) >> 1
        column = min(max(column, 0), columns - 1)
        text = tick_text(value, x_step)
        start = min(max(margin + 2 + column - len(text) // 2, 0),
                    margin + 2 + columns - len(text))  # the last label ends with the axis
        if start <= end + 1:
            continue
        axis[column] = "┬"
        labels[start:start + len(text)] = list(text)
        end = start + len(text)
    return [[(" " * margin + " ", None), ("└" + "".join(axis), AXIS_STYLE)],
            [("".join(labels).rstrip(), None)]]


def swatch(k: int, color: bool) -> str:
    """Three cells of curve k's line, as the legend shows it."""
    canvas = Canvas(3, 1)
    canvas.segment(0, 1, 5, 1, k, (1,) if color else PATTERNS[k % len(PATTERNS)], [0])
    return "".join(chr(0x2800 + bits) if bits else " " for bits in canvas.bits[0])


def legend(sampled, color: bool, width: int = 80) -> list[list[tuple[str, str | None]]]:
    """Each curve's swatch and name, then the marks used: one line, or more if too wide."""
    items = [[(swatch(k, color), COLOURS[k % len(COLOURS)]),
              (f" {label(k, sampled.variable)}   ", None)] for k in range(len(sampled.curves))]
    items += [[(MARKS[kind], MARK_STYLE), (f" {kind}  ", None)] for kind in MARKS
              if any(p.kind == kind for p in sampled.critical)]
    lines: list[list[tuple[str, str | None]]] = [[]]
    used = 0
    for item in items:
        size = sum(len(text) for text, _ in item)
        if lines[-1] and used + size > width:
            lines.append([])
            used = 0
        lines[-1] += item
        used += size
    return lines
