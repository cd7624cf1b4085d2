"""The precomputed LALR tables belong to the shipped grammar (else start-up pays ~30 ms)."""

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import autodiff_cli.language.parser as parser
from autodiff_cli.language import lalr, lark_parser
from autodiff_cli.errors import InputError
from autodiff_cli.language import build_tables, tables
from autodiff_cli.language.grammar import grammar_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = json.loads((Path(__file__).parent / "fuzz_corpus.json").read_text(encoding="utf-8"))
PROGRAMS = ["a = square(x); y = square(a) + square(a)", "-x^2 + 2^3^2 * (y - 1) / max(x, y)",
            "sum(v) + dot(v, v)\n# c\nz = 1; z"] + CORPUS[:40]


def outcome(text):
    try:
        program = parser.parse(text)
        return [(n.kind, n.name, n.value, n.args, n.position) for n in program.nodes]
    except InputError as error:
        return (type(error).__name__, error.message, error.position, error.hint)


def test_tables_match_a_fresh_build_from_the_shipped_grammar():
    """Content against content, not version strings: a Lark release that builds the same
    tables keeps this green; a grammar change without new tables turns it red."""
    text, data, memo = build_tables.tables_content()
    assert tables.GRAMMAR == text == grammar_text(), (
        "grammars/ changed: rebuild the tables: python -m autodiff_cli.language.build_tables")
    fresh = build_tables.canonical(data, memo)
    assert build_tables.canonical(tables.DATA, tables.MEMO) == fresh, (
        "the tables differ from a fresh build: python -m autodiff_cli.language.build_tables")


def test_the_generator_runs_as_a_module(tmp_path, monkeypatch):
    target = tmp_path / "tables.py"
    monkeypatch.setattr(build_tables, "TABLES", str(target))
    build_tables.main()
    written = runpy.run_path(str(target))
    assert written["GRAMMAR"] == tables.GRAMMAR
    assert (build_tables.canonical(written["DATA"], written["MEMO"])
            == build_tables.canonical(tables.DATA, tables.MEMO))


def test_the_runtime_parser_does_not_import_the_generator():
    code = ("import sys\nfrom autodiff_cli.language.parser import parse\nparse('x^2')\n"
            "print('autodiff_cli.language.build_tables' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


def clear_caches():
    lark_parser._lark.cache_clear()
    lalr.machine.cache_clear()


@pytest.fixture
def fresh_parser():
    clear_caches()
    yield
    clear_caches()


def test_tables_and_grammar_parse_alike(fresh_parser, monkeypatch):
    """With the tables: the table-driven driver (Lark for errors). With stale tables: Lark
    alone, from the grammar."""
    with_tables = [outcome(t) for t in PROGRAMS]
    assert lalr.machine() is not None
    monkeypatch.setattr(tables, "GRAMMAR", "stale")  # forces the slow path
    clear_caches()
    assert lalr.machine() is None
    assert [outcome(t) for t in PROGRAMS] == with_tables
