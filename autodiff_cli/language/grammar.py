"""The grammar's text and the Lark options it is built with (shared by the parser and the table builder)."""

from __future__ import annotations

import os

GRAMMAR_FILE = "autodiff.lark"
OPTIONS = dict(parser="lalr", maybe_placeholders=True)


def grammar_text() -> str:
    """The grammar: shipped inside the package, or at the top of a source checkout."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shipped = os.path.join(package, "grammars", GRAMMAR_FILE)
    path = shipped if os.path.isfile(shipped) else os.path.join(package, "..", "grammars",
                                                                 GRAMMAR_FILE)
    with open(path, encoding="utf-8") as grammar:
        return grammar.read()
