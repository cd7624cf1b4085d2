"""The standard streams' policy: a reader that goes away ends us quietly; a closed or full
stdout is an I/O error."""

from __future__ import annotations

import os
import sys

from ..errors import IOFailure


def silence_stdout() -> None:
    """The reader went away (autodiff ... | head -1): send what is left to /dev/null, so that
    nothing fails again when Python flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def check_stdout() -> None:
    """Fail early, and clearly, when there is no stdout to write results to."""
    if sys.stdout is None:
        raise IOFailure("cannot write standard output: it is closed")


def flush_stdout() -> None:
    """Flush what is pending; an error here is an I/O error, not a traceback at exit."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:
        silence_stdout()
        raise IOFailure(f"cannot write standard output: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    return str(getattr(error, "strerror", None) or error)
