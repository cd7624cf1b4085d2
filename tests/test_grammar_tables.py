"""The precomputed LALR tables belong to the shipped grammar (else start-up pays ~30 ms)."""

import json
from pathlib import Path

import lark
import pytest

import autodiff_cli.parser as parser
from autodiff_cli import grammar_tables
from autodiff_cli.errors import InputError

CORPUS = json.loads((Path(__file__).parent / "fuzz_corpus.json").read_text(encoding="utf-8"))
PROGRAMS = ["a = square(x); y = square(a) + square(a)", "-x^2 + 2^3^2 * (y - 1) / max(x, y)",
            "sum(v) + dot(v, v)\n# c\nz = 1; z"] + CORPUS[:40]


def outcome(text):
    try:
        program = parser.parse(text)
        return [(n.kind, n.name, n.value, n.args, n.position) for n in program.nodes]
    except InputError as error:
        return (type(error).__name__, error.message, error.position, error.hint)


def test_tables_were_made_from_the_shipped_grammar():
    assert grammar_tables.GRAMMAR == parser.grammar_text(), (
        "grammars/ changed: regenerate the tables with "
        "python -c \"import autodiff_cli.parser as p; p.write_grammar_tables()\"")
    assert grammar_tables.LARK_VERSION == lark.__version__


@pytest.fixture
def fresh_parser():
    parser._lark.cache_clear()
    yield
    parser._lark.cache_clear()


def test_tables_and_grammar_parse_alike(fresh_parser, monkeypatch):
    with_tables = [outcome(t) for t in PROGRAMS]
    monkeypatch.setattr(grammar_tables, "GRAMMAR", "stale")  # forces the slow path
    parser._lark.cache_clear()
    assert [outcome(t) for t in PROGRAMS] == with_tables
