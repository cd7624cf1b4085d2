"""``eval --points``: the loop over blocks of rows, streamed, with a progress bar on a terminal.

``cli/commands.py`` hands over a parsed program, its values and the options in one
call to ``run``. Each block is parsed (``rows.parse_block``), computed (``rows.compute``,
no I/O) and written (``render``) before the next is read. Whatever was computed before an
error reaches stdout before the error is reported.
"""

from __future__ import annotations

from ..core.program import Program
from ..errors import AutodiffError, BadRowError, EvaluationError, ExitCode, InputError, IOFailure
from ..options import EvalOptions, flag
from . import render, rows
from .header import read_header
from .progress import Progress
from .report import Report
from .streaming import Output, blocks, open_input


def _decode(data: bytes, first_line: int) -> tuple[str, list]:
    """The block as text, and its lines that are not UTF-8 as bad rows (line, message);
    those lines are left blank, so the others keep their numbers."""
    bom = "utf-8-sig" if first_line == 1 else "utf-8"  # some spreadsheets write a BOM
    try:
        return data.decode(bom), []
    except UnicodeDecodeError:
        pass
    texts, bad = [], []
    for i, raw in enumerate(data.split(b"\n")):
        try:
            texts.append(raw.decode(bom if i == 0 else "utf-8"))
        except UnicodeDecodeError as error:
            bad.append((first_line + i, f"not UTF-8 text (byte 0x{raw[error.start]:02x} "
                                        f"at column {error.start + 1})"))
            texts.append("")
    return "\n".join(texts), bad


def run(program: Program, values: dict, options: EvalOptions) -> int:
    """Evaluate ``program`` at every row of ``options.points``; returns the exit code."""
    fmt = "plain" if options.format == "auto" else options.format  # rows stream: no table
    try:
        stream = open_input(options.points)
    except OSError as error:
        raise IOFailure(f"cannot read {options.points}: {error.strerror or error}") from None
    out = Output()
    report = Report(program.warnings, options.no_color)
    try:
        with stream, Progress(stream, options.no_color) as progress:
            layout = _loop(program, values, options, fmt, stream, out, report, progress)
    except AutodiffError:
        out.flush()  # what was computed comes out before the error is reported
        raise
    if layout is None:
        raise InputError("the points have no header line", hint="the first line names the "
                         "columns, for example: x,y")
    out.flush()
    report.finish()
    return ExitCode.OK


def _loop(program, values, options: EvalOptions, fmt: str, stream, out: Output,
          report: Report, progress: Progress):
    layout = None
    line = 1  # the number of the next line to read
    for data in blocks(stream):
        text, undecodable = _decode(data, line)
        count = text.count("\n")
        size = len(data)
        if layout is None:
            text, line = _skip_to_header(text, line)
            if text is None:
                continue
            if undecodable and undecodable[0][0] <= line:
                number, message = undecodable[0]
                raise InputError(f"line {number} (the header) is {message}",
                                 hint="the rows must be text")
            head, _, text = text.partition("\n")
            layout = read_header(head, options.delimiter, program, values, options.wrt, line)
            layout.order, layout.mode = options.order, options.mode
            out.add(render.header_line(layout, fmt))
            line += 1
            count = text.count("\n")
        bad = list(undecodable)
        block = rows.parse_block(text, line, layout, bad)
        bad.sort()
        report.count(len(block.lines) + len(bad))
        if bad and not options.skip_bad_rows:
            _emit(program, rows.cut(block, bad[0][0]), layout, fmt, options.strict, out, report)
            raise BadRowError(f"line {bad[0][0]}: {bad[0][1]}",
                              hint=f"fix the row, or pass {flag(EvalOptions, 'skip_bad_rows')} "
                                   "to skip such rows")
        report.skip(bad)
        _emit(program, block, layout, fmt, options.strict, out, report, bad)
        out.flush()
        progress.advance(size, len(block.lines))
        line += count
    return layout


def _skip_to_header(text: str, line: int):
    """Drop blank and comment lines before the header; (None, line) if the block has none."""
    while text:
        first, _, rest = text.partition("\n")
        if first.strip() and not first.lstrip().startswith("#"):
            return text, line
        text, line = rest, line + 1
    return None, line


def _emit(program, block, layout, fmt: str, strict: bool, out: Output, report: Report,
          skipped: list = ()) -> None:
    """Compute and write a block; under --strict, its rows up to the first that is not finite,
    then that row's error."""
    if not block.lines:
        out.add(render.render(block, layout, None, fmt, program.warnings, skipped))
        return
    done = rows.compute(program, block, layout, row_warnings=fmt == "json")
    if strict and done.warnings:
        if not done.nonfinite:  # the program's own warnings: no row to name
            raise EvaluationError(done.warnings[0], hint="without --strict this is a warning")
        first = done.nonfinite[0]
        out.add(render.render(rows.cut(block, block.lines[first]), layout, done, fmt,
                              program.warnings, [s for s in skipped if s[0] < block.lines[first]]))
        _raise_strictly(program, block, layout, first, done.warnings[0])
    report.warnings(done.warnings)
    report.nonfinite_rows([block.lines[i] for i in done.nonfinite])
    out.add(render.render(block, layout, done, fmt, program.warnings, skipped))


def _raise_strictly(program, block, layout, i: int, fallback: str):
    """Row ``i``'s own error under --strict, named by its line."""
    line = block.lines[i]
    try:
        rows.strictly(program, block, layout, i)
    except EvaluationError as error:
        error.message = f"line {line}: {error.message}"
        raise error.in_command_line_words() from None
    raise EvaluationError(f"line {line}: {fallback}", hint="without --strict this is a warning")
