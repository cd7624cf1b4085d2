"""The pipeline modes of ``eval``: ``--points`` (many rows) and ``--each-line`` (many programs).

``cli.eval_command`` hands over with one call to ``run``; everything about the
modes lives here, in ``points``, ``each_line`` and ``streaming``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .arguments import UsageError
from .errors import ExitCode, InputError

PROGRESS_AFTER = 0.5  # seconds: short runs never show a bar


def run(*, expression: str | None, file: Path | None, points: str | None, each_line: bool,
        var: list[str], wrt: str | None, fmt: str, strict: bool, no_color: bool,
        delimiter: str | None, skip_bad_rows: bool, max_size: int, order: int = 1) -> int:
    """Run ``--points`` or ``--each-line``; returns the exit code."""
    if fmt == "auto":
        fmt = "plain"  # rows stream: a table would have to wait for the end
    if fmt == "table":
        raise UsageError("--format table does not stream", hint="use --format plain or json")
    if points is not None and each_line:
        raise UsageError("give --points or --each-line, not both")
    if each_line:
        from .each_line import run_lines

        if order != 1:
            raise UsageError("--order works with --points, not with --each-line",
                             hint="evaluate those lines one at a time with --order")
        return run_lines(expression, file, var, wrt, fmt, strict, no_color, max_size)
    return run_points(expression, file, points, var, wrt, fmt, strict, no_color, delimiter,
                      skip_bad_rows, max_size, order)


def _decode(data: bytes, first_line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = first_line + data.count(b"\n", 0, error.start)
        raise InputError(f"line {line} is not UTF-8 text (byte 0x{data[error.start]:02x})",
                         hint="the rows must be text") from None


def run_points(expression, file, points, var, wrt, fmt, strict, no_color, delimiter,
               skip_bad_rows, max_size, order=1) -> int:
    from . import points as pts, report
    from .commands import IOFailure, load
    from .streaming import Output, blocks, open_input

    if points == "-" and (expression == "-" or (file is not None and str(file) == "-")):
        raise UsageError("the program and the points cannot both come from stdin",
                         hint="give the expression as an argument or with --file PATH")
    program, values, warnings = load(expression, file, var, max_size)
    for message in warnings:
        report.warning(message, no_color)
    try:
        stream = open_input(points)
    except OSError as error:
        raise IOFailure(f"cannot read {points}: {error.strerror or error}") from None
    out = Output()
    layout = None
    line = 1  # the number of the next line to read
    failed = 0
    seen_warnings: set[str] = set()
    with stream, Progress(stream, no_color) as progress:
        for data in blocks(stream):
            progress.advance(len(data))
            text = _decode(data, line)
            count = text.count("\n")
            if layout is None:
                text, line = _skip_to_header(text, line)
                if text is None:
                    continue
                head, _, text = text.partition("\n")
                layout = pts.read_header(head, delimiter, program, values, wrt)
                layout.order = order
                out.add(pts.header_line(layout, fmt))
                line += 1
                count = text.count("\n")
            bad: list = []
            block = pts.parse_block(text, line, layout, bad)
            if bad and not skip_bad_rows:
                _emit(program, pts._cut(block, bad[0][0]), layout, fmt, strict, out, no_color,
                      seen_warnings)
                out.flush()
                raise pts.BadRow(f"line {bad[0][0]}: {bad[0][1]}",
                                 hint="fix the row, or pass --skip-bad-rows to skip such rows")
            for number, message in bad:
                report.warning(f"line {number} skipped: {message}", no_color)
            failed += len(bad)
            _emit(program, block, layout, fmt, strict, out, no_color, seen_warnings)
            out.flush()
            line += count
    if layout is None:
        raise InputError("the points have no header line", hint="the first line names the "
                         "columns, for example: x,y")
    out.flush()
    return ExitCode.OK


def _skip_to_header(text: str, line: int):
    """Drop blank and comment lines before the header; (None, line) if the block has none."""
    while text:
        first, _, rest = text.partition("\n")
        if first.strip() and not first.lstrip().startswith("#"):
            return text, line
        text, line = rest, line + 1
    return None, line


def _emit(program, block, layout, fmt, strict, out, no_color, seen: set) -> None:
    from . import points as pts, report

    if not block.echo:
        return
    value, gradient, higher, warnings = pts.evaluate_block(program, block, layout, strict)
    for message in warnings:
        key = message.split(":")[0]
        if key not in seen:  # once per kind, not once per block or row
            seen.add(key)
            report.warning(message, no_color)
    out.add(pts.render_block(block, layout, value, gradient, fmt, higher))


class Progress:
    """A Rich progress bar on stderr, only on a terminal and only for runs longer than a moment.

    Never when stdout is the terminal too: the rows themselves show the progress there.
    """

    def __init__(self, stream, no_color: bool):
        self.enabled = sys.stderr.isatty() and not sys.stdout.isatty()
        self.start = time.monotonic()
        self.total = None
        self.done = 0
        self.bar = None
        self.no_color = no_color
        if self.enabled:
            try:
                stat = os.fstat(stream.fileno())
                self.total = stat.st_size if os.path.isfile(getattr(stream, "name", "")) else None
            except (OSError, AttributeError, TypeError):
                self.total = None

    def __enter__(self):
        return self

    def advance(self, size: int) -> None:
        self.done += size
        if not self.enabled:
            return
        if self.bar is None and time.monotonic() - self.start >= PROGRESS_AFTER:
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, Progress as Bar,
                                       SpinnerColumn, TextColumn, TimeElapsedColumn)

            from .report import color_wanted

            styled = color_wanted(sys.stderr, self.no_color)
            console = Console(stderr=True, color_system="auto" if styled else None)
            self.bar = Bar(SpinnerColumn(), TextColumn("points"), BarColumn(), DownloadColumn(),
                           TimeElapsedColumn(), console=console, transient=True,
                           redirect_stdout=False, redirect_stderr=False)
            self.task = self.bar.add_task("points", total=self.total)
            self.bar.start()
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
