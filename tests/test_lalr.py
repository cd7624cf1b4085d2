"""The table-driven driver (language/lalr.py) against Lark on the same tables.

Whatever the driver accepts, Lark accepts, with the same program (nodes, positions,
bindings, warnings, separators); whatever it rejects, Lark rejects with a syntax error;
an error the builder raises (names, arity) is the same error from both. Valid programs
are generated from the grammar, invalid ones by mixing its tokens with stray characters,
and the fuzz corpus is run through both.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autodiff_cli.core.program import ProgramBuilder
from autodiff_cli.errors import InputError, ParseError
from autodiff_cli.language import lalr, parser
from autodiff_cli.language.lark_parser import parse_with_lark

ROOT = Path(__file__).resolve().parents[1]
CORPUS = json.loads((Path(__file__).parent / "fuzz_corpus.json").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=300, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def outcome(parse, text: str):
    try:
        program = parse(text, ProgramBuilder(text))
    except lalr.Rejected:
        return "rejected"
    except InputError as error:
        return (type(error).__name__, error.message, error.position, error.hint)
    return program, [node.position for node in program.nodes]


def check_alike(text: str) -> str:
    """'accepted', 'rejected' or 'error' (the builder's); fails where the two parsers differ."""
    machine = lalr.machine()
    assert machine is not None, "the shipped tables must drive the fast parser"
    ours, theirs = outcome(machine.parse, text), outcome(parse_with_lark, text)
    if ours == "rejected":
        assert isinstance(theirs, tuple) and theirs[0] == ParseError.__name__, (text, theirs)
        return "rejected"
    assert ours == theirs, text
    return "error" if isinstance(ours[0], str) else "accepted"


NAMES = st.sampled_from(["x", "y", "a", "b1", "_t", "x", "y", "pi", "e"])
TARGETS = st.sampled_from(["a", "b1", "_t", "f"])
ODD_NAMES = st.sampled_from(["sin", "pi", "x"])  # a function or a constant assigned, an input
NUMBERS = st.sampled_from(["0", "2", "2.5", "10.", ".5", "1e3", "2.5E-2", "1e999", "007"])
SPACE = st.sampled_from(["", "", " ", "  ", "\t", " \\\n ", " # note\n"])


def expressions():
    def grow(inner):
        spaced = st.tuples(SPACE, inner, SPACE).map("".join)
        return st.one_of(
            st.tuples(spaced, st.sampled_from(["+", "-", "*", "/", "^", "**"]), spaced)
            .map("".join),
            st.tuples(st.sampled_from(["-", "+"]), inner).map("".join),
            inner.map(lambda e: f"({e})"),
            inner.map(lambda e: f"(\n{e}\n)"),  # a new line inside parentheses continues
            st.tuples(st.sampled_from(["sin", "exp", "sin", "exp", "sin", "hypot", "foo", "x"]),
                      st.lists(spaced, min_size=1, max_size=2))
            .map(lambda p: f"{p[0]}({', '.join(p[1])})"))
    return st.recursive(st.one_of(NAMES, NUMBERS), grow, max_leaves=8)


def programs():
    statement = st.one_of(expressions(), st.tuples(st.one_of(TARGETS, ODD_NAMES), expressions())
                          .map(lambda p: f"{p[0]} = {p[1]}"))
    last = st.one_of(expressions(), st.lists(expressions(), min_size=2, max_size=3)
                     .map(", ".join))
    separator = st.sampled_from(["; ", "\n", "\r\n", "\n\n", ";\n"])
    return st.tuples(st.lists(st.tuples(statement, separator).map("".join), max_size=3), last,
                     st.sampled_from(["", "\n", ";", " # end"])).map(
        lambda p: "".join(p[0]) + p[1] + p[2])


TOKENS = st.sampled_from(["x", "y", "sin", "pi", "1", "2.5", ".5", "1e", "1e3", "(", ")", ",",
                          "+", "-", "*", "/", "^", "**", "=", ";", "\n", "\r", "\\\n", " ",
                          "#c\n", "\t", "$", "é", "0x1", "[", "1_0", "\x00", "\ufeff"])


@SETTINGS
@given(programs())
def test_valid_programs_parse_alike(text):
    check_alike(text)


@SETTINGS
@given(st.lists(TOKENS, min_size=1, max_size=14).map("".join))
def test_token_soup_parses_or_fails_alike(text):
    check_alike(text)


@SETTINGS
@given(programs(), st.integers(0, 200), st.sampled_from(["", "(", ")", "+", ",", "=", ";", "$",
                                                         "\n", "**", "e", "1"]))
def test_mutated_programs_parse_or_fail_alike(text, at, inserted):
    at %= len(text) + 1
    check_alike(text[:at] + inserted + text[at + 1:])


def test_the_fuzz_corpus_parses_or_fails_alike():
    seen = {check_alike(text) for text in CORPUS if text.strip()}
    assert seen == {"accepted", "rejected", "error"}  # the corpus exercises all three


def test_both_parsers_see_the_same_tokens_where_lark_lexes_by_context():
    """'**' is one POW and '\\r\\n' a blank then a new line, in Lark's order of terminals."""
    for text in ["x**2", "2**-x**2", "x\r\n+1", "a = 1\r\na", "(x\r\n+ 1)", "x*\\\n*2"]:
        check_alike(text)
    assert check_alike("x**2") == "accepted" and check_alike("x* *2") == "rejected"


@pytest.mark.parametrize("depth", [100_000])
def test_depth_is_decided_by_the_input_only_on_stacks(depth):
    """No recursion: a 10^5-deep nesting, prefix and right-associative chain all parse."""
    for text, nodes in [("sin(" * depth + "x" + ")" * depth, depth + 1),
                        ("(" * depth + "x" + ")" * depth, 1),
                        ("-" * depth + "x", depth + 1), ("x^" * depth + "2", depth + 2)]:
        assert len(parser.parse(text).nodes) == nodes


def test_a_rejected_text_is_explained_by_lark_and_a_valid_one_needs_no_lark():
    code = ("import sys\nfrom autodiff_cli.language.parser import parse\n"
            "parse('a = sin(x)^2\\n(a +\\n 1) * y, max(a, 2)')\n"
            "print('lark' in sys.modules)\n"
            "try:\n    parse('x +* 2')\nexcept Exception as e:\n    print(e)\n"
            "print('lark' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.splitlines() == [
        "False", "unexpected '*'; expected a number, a name, '(' or '-'", "True"], out.stderr


def test_tables_with_a_feature_the_driver_lacks_leave_the_parsing_to_lark():
    """A keyword (a string terminal a regexp also matches: Lark retypes it) or a rule with no
    known callback makes the driver step aside rather than parse differently."""
    import copy

    from autodiff_cli.language import tables

    lalr._Machine(tables.DATA, tables.MEMO)  # the shipped tables are supported
    keyword = copy.deepcopy(tables.MEMO)
    plus = next(k for k, v in keyword.items() if v.get("name") == "PLUS")
    keyword[plus]["pattern"]["value"] = "plus"  # NAME matches it
    with pytest.raises(lalr._Unsupported):
        lalr._Machine(tables.DATA, keyword)
    renamed = copy.deepcopy(tables.MEMO)
    rule = next(k for k, v in renamed.items() if v.get("alias") == "number")
    renamed[rule]["alias"] = "numeral"
    with pytest.raises(lalr._Unsupported):
        lalr._Machine(tables.DATA, renamed)
