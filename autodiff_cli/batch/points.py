"""``eval --points``: the loop over blocks of rows, streamed, with a progress bar on a terminal.

``cli/commands.py`` hands over a parsed program, its values and the options in one
call to ``run``; ``rows`` parses, evaluates and formats one block.
"""

from __future__ import annotations

import os
import sys
import time

from ..core.program import Program
from ..errors import BadRowError, ExitCode, InputError, IOFailure
from ..options import EvalOptions, flag
from ..views import terminal
from . import rows, several
from .streaming import Output, blocks, open_input

PROGRESS_AFTER = 0.5  # seconds: short runs never show a bar


def _decode(data: bytes, first_line: int) -> str:
    try:
        # a byte-order mark before the header (some spreadsheets write one) is skipped
        return data.decode("utf-8-sig" if first_line == 1 else "utf-8")
    except UnicodeDecodeError as error:
        line = first_line + data.count(b"\n", 0, error.start)
        raise InputError(f"line {line} is not UTF-8 text (byte 0x{data[error.start]:02x})",
                         hint="the rows must be text") from None


def run(program: Program, values: dict, options: EvalOptions) -> int:
    """Evaluate ``program`` at every row of ``options.points``; returns the exit code."""
    fmt = "plain" if options.format == "auto" else options.format  # rows stream: no table
    points, no_color, strict = options.points, options.no_color, options.strict
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
                layout = rows.read_header(head, options.delimiter, program, values, options.wrt)
                layout.order, layout.mode = options.order, options.mode
                layout.threads = options.threads
                out.add(rows.header_line(layout, fmt))
                line += 1
                count = text.count("\n")
            bad: list = []
            block = rows.parse_block(text, line, layout, bad)
            if bad and not options.skip_bad_rows:
                _emit(program, rows.cut(block, bad[0][0]), layout, fmt, strict, out, no_color,
                      seen_warnings)
                out.flush()
                raise BadRowError(f"line {bad[0][0]}: {bad[0][1]}",
                                  hint=f"fix the row, or pass {flag(EvalOptions, 'skip_bad_rows')} "
                                       "to skip such rows")
            for number, message in bad:
                terminal.warning(f"line {number} skipped: {message}", no_color)
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
    if not block.echo:
        return
    if len(layout.results) > 1:  # several results: their values and Jacobian entries
        columns, warnings = several.evaluate_block(program, block, layout, strict)
        _warn_once(warnings, seen, no_color)
        out.add(several.render_block(block, layout, columns, fmt))
        return
    value, gradient, higher, warnings = rows.evaluate_block(program, block, layout, strict)
    _warn_once(warnings, seen, no_color)
    out.add(rows.render_block(block, layout, value, gradient, fmt, higher))


def _warn_once(warnings: list[str], seen: set, no_color: bool) -> None:
    for message in warnings:
        key = message.split(":")[0]
        if key not in seen:  # once per kind, not once per block or row
            seen.add(key)
            terminal.warning(message, no_color)


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
            from rich.progress import (BarColumn, DownloadColumn, Progress as Bar,
                                       SpinnerColumn, TextColumn, TimeElapsedColumn)

            console = terminal.error_console(self.no_color)
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
