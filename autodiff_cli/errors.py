"""Every error a user can cause, and the exit codes they map to: the ground floor all layers import.

Each error carries what one clear paragraph needs: a message, an optional hint and,
where there is one, the source position for a caret. The library's messages speak
of variables and values; ``cli_message`` and ``cli_hint`` say the same in
command-line words (``--order must be at least 1``, ``--y VALUE``), and the
command line shows those instead.
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
    """Base class of the errors reported to users without a traceback."""

    exit_code = ExitCode.BAD_INPUT
    kind = "error"

    def __init__(self, message: str, *, position: Position | None = None, hint: str | None = None,
                 source: str | None = None, cli_message: str | None = None,
                 cli_hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.position = position
        self.hint = hint
        self.source = source
        self.cli_message = cli_message
        self.cli_hint = cli_hint

    def in_command_line_words(self) -> AutodiffError:
        """The same error as the command line says it (options instead of parameters)."""
        self.message = self.cli_message or self.message
        self.hint = self.cli_hint or self.hint
        return self


class InputError(AutodiffError):
    """The input is wrong: syntax, names, values, arity, limits."""

    kind = "input error"


class ParseError(InputError):
    """The text is not a program of the language."""

    kind = "syntax error"


class NamingError(InputError):
    """A name is unknown, or used as what it is not (a function as a value, ...)."""

    kind = "name error"


class InvalidValueError(InputError):
    """A value is missing, not a number, or of a shape that cannot be combined."""

    kind = "value error"


class LimitError(InputError):
    kind = "limit exceeded"


class UsageError(InputError):
    """The command line is wrong: options, their values, their combinations."""

    kind = "usage error"


class BadRowError(InputError):
    """A row of --points input is malformed."""

    kind = "bad row"


class EvaluationError(AutodiffError):
    """The input was fine but evaluation failed (a non-finite result under strict, say)."""

    exit_code = ExitCode.EVALUATION_FAILED
    kind = "evaluation failed"


class IOFailure(EvaluationError):
    """A file or a standard stream could not be read or written."""

    kind = "I/O error"


class CheckFailedError(EvaluationError):
    """A derivative disagrees with central differences beyond the tolerance."""

    kind = "check failed"


class TaylorError(InputError):
    """A program Taylor mode cannot propagate (a function without a Taylor rule)."""

    kind = "Taylor mode"


class GraphvizError(EvaluationError):
    kind = "graphviz"


def shorten(text: str, limit: int = 40) -> str:
    """A name or number as quoted in a message: a 100,000-character name is not repeated whole."""
    if len(text) <= limit:
        return text
    return f"{text[:limit - 12]}...{text[-9:]} ({len(text):,} characters)"


def close_matches(word: str, candidates, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Near misses of ``word`` among ``candidates`` (difflib is imported only when asked)."""
    import difflib  # lazy by policy: only a message needs it (see cli/main.py)

    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def did_you_mean(word: str, candidates) -> str | None:
    """A 'did you mean ...?' hint for near misses, or None."""
    matches = close_matches(word, candidates)
    if not matches:
        return None
    quoted = " or ".join(f"'{m}'" for m in matches)
    return f"did you mean {quoted}?"
