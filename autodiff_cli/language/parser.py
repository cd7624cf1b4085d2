"""Text to Program: the parse entry point, its limits, and which parser runs.

A valid program is parsed by the table-driven driver in ``lalr.py``, which needs no Lark
import (a one-shot run saves its import) and costs a fraction of Lark's time per token.
Any text it rejects is parsed again by Lark (``lark_parser.py``), so that a syntax error
reads exactly as Lark finds it, caret and hints included. The grammar's operator rules are
aliased to registry names (add, neg, pow, ...), so an operator needs a grammar rule and a
registry entry, and nothing here.
"""

from __future__ import annotations

import re
import threading

from ..core.engine import gc_paused
from ..core.program import Program, ProgramBuilder
from ..errors import InputError, LimitError, ParseError
from . import lalr

DEFAULT_MAX_CHARS = 64 * 1024 * 1024  # the whole program, in characters

_lock = threading.Lock()  # one parse at a time: the Lark fallback's callbacks are shared


def parse(source: str, *, max_chars: int = DEFAULT_MAX_CHARS, after: Program | None = None
          ) -> Program:
    """Parse a program. Raises ``InputError`` subclasses with positions.

    ``after``: a session's program so far; the text continues it (its bindings and inputs
    are known, its nodes come first) and the positions of the new nodes are in ``source``."""
    if len(source) > max_chars:
        raise LimitError(f"the program is {len(source):,} characters long; the limit is "
                         f"{max_chars:,}", hint="raise the limit (max_chars)",
                         cli_hint="raise it with --max-size")
    if not _strip_comments(source).strip():
        raise ParseError("the expression is empty", hint="for example: x^2", source=source,
                         cli_hint='for example: autodiff eval "x^2" --x 3')
    machine = lalr.machine()
    with _lock, gc_paused():
        try:
            if machine is not None:
                try:
                    return machine.parse(source, ProgramBuilder(source, after))
                except lalr.Rejected:
                    pass  # not the language: Lark says why, in its words
            from .lark_parser import parse_with_lark  # lazy: only a syntax error needs Lark

            return parse_with_lark(source, ProgramBuilder(source, after))
        except InputError as error:  # raised by the builder: attach the text for the caret
            error.source = error.source or source
            raise


def _strip_comments(source: str) -> str:
    return re.sub(r"#[^\n]*", "", source)


