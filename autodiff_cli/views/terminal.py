"""Errors and warnings on stderr: one paragraph each, with a caret under the position."""

from __future__ import annotations

import os
import sys

from .errors import AutodiffError, Position

_WINDOW = 72  # characters of a long line shown around the caret


def color_wanted(stream, no_color: bool = False) -> bool:
    """Colour only for a terminal, and never with NO_COLOR, TERM=dumb or --no-color."""
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _printable(line: str) -> str:
    """One character per character, so the caret lines up; no control codes to the terminal."""
    return "".join(c if c.isprintable() else "?" for c in line)


def excerpt(source: str, position: Position) -> list[str]:
    """The offending line (or a window of a long one) and a caret under the column."""
    lines = source.split("\n")
    line = lines[position.line - 1] if position.line - 1 < len(lines) else ""
    column = position.column - 1
    start = 0
    if len(line) > _WINDOW:
        start = max(0, min(column - _WINDOW // 2, len(line) - _WINDOW))
        shown = line[start:start + _WINDOW]
        prefix = "..." if start > 0 else ""
        suffix = "..." if start + _WINDOW < len(line) else ""
        line = prefix + shown + suffix
        column = column - start + len(prefix)
    return [f"  {_printable(line.rstrip(chr(13)))}", "  " + " " * column + "^"]


def format_error(error: AutodiffError) -> str:
    where = ""
    if error.position is not None and error.source is not None and "\n" in error.source.rstrip():
        where = f" (line {error.position.line}, column {error.position.column})"
    elif error.position is not None and error.source is None:
        where = f" ({error.position})"
    parts = [f"autodiff: {error.kind}{where}: {error.message}"]
    if error.position is not None and error.source is not None:
        parts += excerpt(error.source, error.position)
    if error.hint:
        parts.append(f"  hint: {error.hint}")
    return "\n".join(parts) + "\n"


def _write(text: str, style: str, no_color: bool) -> None:
    stream = sys.stderr
    if color_wanted(stream, no_color):
        head, _, rest = text.partition(":")
        text = f"\x1b[{style}m{head}:\x1b[0m{rest}"
    stream.write(text)
    stream.flush()


def error(err: AutodiffError, no_color: bool = False) -> None:
    _write(format_error(err), "1;31", no_color)


def warning(message: str, no_color: bool = False) -> None:
    _write(f"autodiff: warning: {message}\n", "1;33", no_color)
