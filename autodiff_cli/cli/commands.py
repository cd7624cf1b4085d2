"""What the commands do, apart from parsing their arguments (which is Typer's, in cli.py).

Nothing here imports Typer: the entry point runs ``evaluate_command`` directly for
the common ``autodiff eval EXPR --x 2`` and saves Typer's import on every one-shot run.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathlib costs a few ms of start-up that the one-shot eval does not need
    from pathlib import Path

from .errors import EvaluationError, ExitCode, InputError, shorten

DEFAULT_MAX_SIZE = 64 * 1024 * 1024  # characters of a program


def silence_stdout() -> None:
    """The reader went away (autodiff ... | head -1): send what is left to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def evaluate_command(expression: str | None = None, var: list[str] | None = None,
                     file: Path | None = None, wrt: str | None = None, output_format: str = "auto",
                     strict: bool = False, show_trace: bool = False, order: int = 1,
                     no_color: bool = False, max_size: int = DEFAULT_MAX_SIZE,
                     points: str | None = None, delimiter: str | None = None,
                     skip_bad_rows: bool = False, each_line: bool = False,
                     debug: bool = False) -> int:
    """``autodiff eval``: called by the Typer command and by the entry point's fast path."""
    from .higher import check_order

    check_order(order)
    if points is not None or each_line:
        from .arguments import UsageError
        from .pipelines import run as run_pipeline

        if show_trace:
            raise UsageError("--trace works on one evaluation, not with --points or "
                             "--each-line", hint="trace one of those points on its own")
        return run_pipeline(expression=expression, file=file, points=points, each_line=each_line,
                            var=var or [], wrt=wrt, fmt=output_format, strict=strict,
                            no_color=no_color, delimiter=delimiter, skip_bad_rows=skip_bad_rows,
                            max_size=max_size, order=order)
    from .api import evaluate
    from . import render, report

    program, values, warnings = load(expression, file, var, max_size)
    result = evaluate(program, values, wrt=wrt, strict=strict, trace=show_trace,
                      order=order)
    result.warnings[:0] = warnings
    for message in result.warnings:
        report.warning(message, no_color)
    if show_trace:
        from . import trace_render

        error_console(no_color).print(trace_render.table(result.trace))
    fmt = resolve_format(output_format)
    if fmt == "table":
        console(no_color).print(render.table(result))
    else:
        extra = {"trace": result.trace.as_json()} if show_trace else None
        write(render.plain(result) if fmt == "plain" else render.as_json(result, extra))
    return ExitCode.OK


def console(no_color: bool):
    from rich.console import Console

    from .report import color_wanted

    # color_system=None, not just no_color: NO_COLOR and --no-color mean no bold or dim either.
    styled = color_wanted(sys.stdout, no_color)
    return Console(no_color=no_color or None, color_system="auto" if styled else None,
                   highlight=False, soft_wrap=not sys.stdout.isatty())


def error_console(no_color: bool):
    """A Rich console on stderr (the trace): colour only where report.py would use it."""
    from rich.console import Console

    from .report import color_wanted

    return Console(stderr=True, highlight=False,
                   color_system="auto" if color_wanted(sys.stderr, no_color) else None)


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def render_text(renderable) -> str:
    """A Rich renderable as plain text (no colour, no wrapping), for a file."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    # Wide enough that nothing is cut: a pipe has no width to respect.
    Console(file=buffer, color_system=None, soft_wrap=True, width=400).print(renderable)
    return buffer.getvalue()


def save_or_write(path: Path | None, text: str) -> None:
    """Write ``text`` to the file, or to stdout without one."""
    if path is None or str(path) == "-":
        write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        raise IOFailure(f"cannot write {path}: {error.strerror or error}") from None


def load(expression: str | None, file: Path | None, var: list[str] | None, max_size: int):
    """The program (from EXPR, '-' or --file), its values, and warnings about unused ones."""
    from .arguments import UsageError
    from .parser import parse

    if max_size < 1:
        raise UsageError(f"--max-size must be at least 1, got {max_size}")
    program = parse(read_program(expression, file), max_chars=max_size)
    values, warnings = collect_values(var or [], program.variables)
    return program, values, warnings


def resolve_format(fmt: str) -> str:
    """'auto' is a table for a person at a terminal, plain text for a pipe."""
    if fmt == "auto":
        return "table" if sys.stdout.isatty() else "plain"
    return fmt


def read_program(expression: str | None, file: Path | None) -> str:
    from .arguments import UsageError

    if expression is not None and file is not None:
        raise UsageError("give the expression or --file, not both")
    if file is None and expression is None:
        raise UsageError("no expression given", hint='autodiff eval "x^2" --x 3, or --file PATH')
    if file is not None and str(file) != "-":
        try:
            with open(file, "rb") as source:
                data = source.read()
        except OSError as error:
            raise IOFailure(f"cannot read {file}: {error.strerror or error}") from None
        return decode(data, str(file))
    if expression == "-" or file is not None:
        try:
            data = sys.stdin.buffer.read()
        except (OSError, AttributeError) as error:
            raise IOFailure(f"cannot read standard input: {error}") from None
        return decode(data, "standard input")
    return expression


def decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{origin} is not UTF-8 text (byte 0x{data[error.start]:02x} at "
                         f"offset {error.start})", hint="the program must be text") from None


def collect_values(assignments: list[str], used: list[str]) -> tuple[dict, list[str]]:
    """--var NAME=VALUE strings to float64 values; warnings for values the program ignores."""
    from .arguments import parse_assignment, parse_value

    import numpy as np

    texts: dict[str, str] = {}
    warnings = []
    for assignment in assignments:
        name, text = parse_assignment(assignment)
        if name in texts and texts[name] != text:
            warnings.append(f"--{shorten(name)} was given twice; using the last value, "
                            f"{shorten(text)}")
        texts[name] = text
    values = {name: parse_value(name, text) for name, text in texts.items()}
    for name, value in values.items():
        if np.isinf(value).any() and "inf" not in texts[name].lower():
            warnings.append(f"--{shorten(name)} {shorten(texts[name])} is too large for float64 "
                            "and becomes inf")
    warnings += [f"--{shorten(name)} is not used by the expression"
                 for name in values if name not in used]
    return values, warnings


class IOFailure(EvaluationError):
    kind = "I/O error"


