"""``autodiff plot``: read the range and the values, sample, and show the chart, the columns,
JSON or an SVG file.

The one variable drawn is the one given a range, ``--x A:B`` (401 samples, or ``--points N``)
or ``--x A:B:STEP`` (the points of the range); every other variable takes one value, as in
``eval``. The numbers come from ``core/critical``, the pictures from ``views/chart`` and
``views/svg``; Rich is imported only when the chart is drawn on a console.
"""

from __future__ import annotations

import sys

import numpy as np

from ..core.critical import sample
from ..core.program import one_result
from ..errors import ExitCode, IOFailure, LimitError, UsageError, shorten
from ..options import PlotOptions
from ..views import plot as plot_view, terminal
from .inputs import load
from .values import parse_assignment, parse_range, range_points

DEFAULT_POINTS = 401
MAX_POINTS = 1_000_000


def split_ranges(assignments) -> tuple[dict[str, str], tuple[str, ...]]:
    """({name: 'A:B'} for the values given as ranges, the other NAME=VALUE texts); the last
    value given for a name wins, as in eval."""
    last = {}
    for assignment in assignments:
        name, text = parse_assignment(assignment)
        last[name] = text
    ranges = {name: text for name, text in last.items() if ":" in text}
    rest = tuple(a for a in assignments if parse_assignment(a)[0] not in ranges)
    return ranges, rest


def grid(name: str, text: str, points: int | None) -> np.ndarray:
    """The sample points of the range ``text`` of ``name``."""
    a, b, step = parse_range(name, text)
    if b - a < 1e-9 * max(abs(a), abs(b)) or b - a < 1e-290:
        raise UsageError(f"the range {text} of '{shorten(name)}' is too narrow to draw in "
                         "float64", hint="a wider range")
    if step is not None:
        if points is not None:
            raise UsageError(f"the range {text} of '{shorten(name)}' has a step, which says "
                             "its points; --points says it too", hint="give one of them")
        x = range_points(name, a, b, step)
        if x.size < 2:
            raise UsageError(f"the range {text} of '{shorten(name)}' has one point; a plot "
                             "needs two or more", hint="a smaller step")
        return x
    count = DEFAULT_POINTS if points is None else points
    if count < 2:
        raise UsageError(f"--points must be at least 2, got {count}", hint="--points 401")
    if count > MAX_POINTS:
        raise LimitError(f"--points {count} is more than {MAX_POINTS:,}",
                         hint="a chart shows a few hundred; --points 2001")
    return np.linspace(a, b, count)


def run(options: PlotOptions) -> int:
    ranges, rest = split_ranges(options.values)
    program, values, warnings = load("plot", PlotOptions(**{**vars(options), "values": rest}))
    one_result(program, "plot")
    if not ranges:
        name = program.variables[0] if program.variables else "x"
        raise UsageError("plot needs the range of the variable it draws",
                         hint=f"for example --{shorten(name)} -2:2 (from -2 to 2)")
    if len(ranges) > 1:
        names = ", ".join(ranges)
        raise UsageError(f"plot draws one variable; ranges were given for {names}",
                         hint=f"give the others one value each, e.g. --{list(ranges)[1]} 1")
    name, text = next(iter(ranges.items()))
    x = grid(name, text, options.points)
    if options.output is not None and not options.output.lower().endswith(".svg"):
        raise UsageError(f"--output writes SVG; {shorten(options.output)} is not a .svg name",
                         hint="--output plot.svg")
    if name not in program.inputs:
        warnings.append(f"the expression does not use {shorten(name)}: f is constant")
    sampled = sample(program, values, name, x, options.order)
    for message in warnings + sampled.warnings:
        terminal.warning(message, options.no_color)
    if options.output is not None:
        from ..views import svg  # lazy by policy: only --output writes SVG

        _save(options.output, svg.svg(sampled, program.source))
    fmt = options.format
    if fmt == "auto":
        if options.output is not None:
            return ExitCode.OK
        fmt = "chart" if sys.stdout.isatty() else "plain"
    if fmt == "plain":
        terminal.write(plot_view.plain(sampled))
    elif fmt == "json":
        fixed = {k: v for k, v in values.items() if k in program.inputs}
        terminal.write(plot_view.as_json(sampled, program.source, fixed,
                                         warnings + sampled.warnings))
    else:
        _draw(sampled, options.no_color)
    return ExitCode.OK


def _draw(sampled, no_color: bool) -> None:
    """The chart on the console: its width, and a height that leaves the list of points and
    the prompt in sight."""
    from ..views import chart  # lazy by policy: only a chart needs the renderer

    console = terminal.console(no_color)
    color = terminal.color_wanted(sys.stdout, no_color)
    width = min(console.width, 200)
    listing = plot_view.listing(sampled, width)
    legend = len(chart.legend(sampled, color, width))
    spare = legend + 2 + 1 + min(len(listing), 8) + 2  # legend, x axis, gap, points, prompt
    height = max(5, min(24, console.height - spare))
    drawn = chart.render(sampled, width=width, height=height, color=color)
    lines = drawn.lines + [[("", None)]] + listing
    console.print(chart.Chart(lines).rich(), soft_wrap=True)


def _save(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        raise IOFailure(f"cannot write {path}: {error.strerror or error}") from None
