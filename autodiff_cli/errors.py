"""Errors a user can cause, and the exit codes they map to.

Every error carries enough to print one clear paragraph: a message, an
optional hint, and where there is one, the source position for a caret.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    EVALUATION_FAILED = 1  # check outside tolerance, non-finite under --strict, I/O
    BAD_INPUT = 2  # usage, syntax, names, values, arity, limits
    INTERRUPTED = 130


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the source: 1-based line and column, 0-based offset."""

    line: int
    column: int
    offset: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


class AutodiffError(Exception):
    """Base class of the errors we report to users without a traceback."""

    exit_code = ExitCode.BAD_INPUT
    kind = "error"

    def __init__(self, message: str, *, position: Position | None = None, hint: str | None = None,
                 source: str | None = None):
        super().__init__(message)
        self.message = message
        self.position = position
        self.hint = hint
        self.source = source


class InputError(AutodiffError):
    """The user's input is wrong: syntax, names, values, arity, limits."""

    kind = "input error"


class SyntaxError_(InputError):
    kind = "syntax error"


class NameError_(InputError):
    kind = "name error"


class ValueError_(InputError):
    kind = "value error"


class LimitError(InputError):
    kind = "limit exceeded"


class EvaluationError(AutodiffError):
    """The input was fine but evaluation failed (e.g. --strict and a non-finite result)."""

    exit_code = ExitCode.EVALUATION_FAILED
    kind = "evaluation failed"


def shorten(text: str, limit: int = 40) -> str:
    """A name or number as quoted in a message: a 100,000-character name is not repeated whole."""
    if len(text) <= limit:
        return text
    return f"{text[:limit - 12]}...{text[-9:]} ({len(text):,} characters)"


def did_you_mean(word: str, candidates) -> str | None:
    """A 'did you mean ...?' hint for near misses, or None."""
    import difflib  # only when a message needs it (start-up time)

    matches = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    if not matches:
        return None
    quoted = " or ".join(f"'{m}'" for m in matches)
    return f"did you mean {quoted}?"
