"""The terminal: whether colour is wanted, Rich consoles, and errors and warnings on stderr.

One place asks "is this a terminal, is colour wanted" (as httpie's Environment does).
Errors and warnings are one paragraph each, with a caret under the position. Rich is
imported only when a console is made (a door of the lazy-import policy, cli/main.py).
"""

from __future__ import annotations

import os
import sys

from ..errors import AutodiffError, Position

_WINDOW = 72  # characters of a long line shown around the caret


COLOR_MODES = ("auto", "always", "never")
_color = {"mode": "auto"}  # the process's choice: --color, set once by cli/main.py


def choose_color(mode: str) -> None:
    """--color auto|always|never, for every stream of this run."""
    _color["mode"] = mode if mode in COLOR_MODES else "auto"


def color_wanted(stream, no_color: bool = False) -> bool:
    """--color always or never decides; else (auto) colour only for a terminal, never with
    NO_COLOR, TERM=dumb or --no-color, and always with FORCE_COLOR (as git and ripgrep)."""
    mode = "never" if no_color else _color["mode"]
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def is_terminal(stream) -> bool:
    """Whether the stream is a terminal (a person reads it), not a file or a pipe."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_tty = is_terminal


def _printable(line: str) -> str:
    """One character per character, so the caret lines up; no control codes to the terminal
    (a tab shows as one space: a tab stop would move the text away from the caret)."""
    return "".join(c if c.isprintable() else " " if c == "\t" else "?" for c in line)


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


def error(err: AutodiffError, no_color: bool = False, prefix: str = "") -> None:
    """The error's paragraph on stderr; ``prefix`` places it ('line 3: ' in --each-line)."""
    text = format_error(err)
    if prefix:
        text = text.replace("autodiff: ", f"autodiff: {prefix}", 1)
    _write(text, "1;31", no_color)


def warning(message: str, no_color: bool = False) -> None:
    _write(f"autodiff: warning: {message}\n", "1;33", no_color)


def console(no_color: bool = False):
    """A Rich console on stdout: colour only where wanted, no wrapping in a pipe."""
    from rich.console import Console

    # color_system=None, not just no_color: NO_COLOR and --no-color mean no bold or dim either.
    styled = color_wanted(sys.stdout, no_color)
    return Console(no_color=not styled or None, color_system="auto" if styled else None,
                   force_terminal=True if styled and not _tty(sys.stdout) else None,
                   highlight=False, soft_wrap=not sys.stdout.isatty())


def error_console(no_color: bool = False):
    """A Rich console on stderr (the trace, progress): colour only where wanted."""
    from rich.console import Console

    styled = color_wanted(sys.stderr, no_color)
    return Console(stderr=True, highlight=False, color_system="auto" if styled else None,
                   force_terminal=True if styled and not _tty(sys.stderr) else None)


def render_text(renderable) -> str:
    """A Rich renderable as plain text (no colour, no wrapping), for a file or a pipe."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    # Wide enough that nothing is cut: a pipe has no width to respect.
    Console(file=buffer, color_system=None, soft_wrap=True, width=400).print(renderable)
    return buffer.getvalue()


def write(text: str) -> None:
    """Results to stdout, flushed (a closed or full stdout raises OSError: cli/main.py)."""
    sys.stdout.write(text)
    sys.stdout.flush()
