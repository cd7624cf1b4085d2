"""Fuzzing the parser and the command line: a result (exit 0) or a clear error (exit 2).

Never a traceback, never a hang. Random text, mutations of valid programs
(deleted, inserted and duplicated characters, unicode, control characters, very
long tokens) run through the command line's own entry point in-process (hundreds
of cases, quickly), and a corpus of nasty inputs runs through a real subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autodiff_cli.cli.main import run
from conftest import run_cli

CORPUS = json.loads((Path(__file__).parent / "fuzz_corpus.json").read_text(encoding="utf-8"))

VALID = [
    "square(square(x))+square(square(x))",
    "a = square(x); y = square(a) + square(a)",
    "sin(x)*exp(-(x^2+y^2)/2) + log(1+x^2)*tanh(y)",
    "max(x, y) - min(x, 2) + hypot(x, y)^-1",
    "2^3^2 - -x**2 # comment",
    "t = atan2(y, x)\nr = hypot(x, y)\nr*cos(t)",
]
ALPHABET = st.sampled_from(list("xy()+-*/^,;=.#e0123456789 \n\t") +
                           ["sin", "**", "1e308", "\x00", "\x1b", "é", "∑", "\ufeff", "\ud800"])


def cli_in_process(*args: str) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return int(code), out.getvalue(), err.getvalue(), time.perf_counter() - start


def check_outcome(text: str) -> None:
    if text == "-":
        return  # that reads the program from stdin: tested elsewhere
    code, out, err, seconds = cli_in_process("eval", text, "--x", "0.7", "--y", "1.3",
                                             "--format", "json")
    assert "Traceback" not in err, (text, err)
    assert seconds < 5, (text, seconds)
    if code == 0:
        json.loads(out)  # a result is strict JSON
    else:
        assert code == 2, (text, code, err)
        assert err.startswith("autodiff: ") and out == "", (text, err)


FUZZ = settings(max_examples=250, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=40))
def test_random_text(text):
    check_outcome(text)


@FUZZ
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_random_tokens(text):
    check_outcome(text)


@st.composite
def mutations(draw):
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "long"]))
        if kind == "delete":
            text = text[:i] + text[i + 1:]
        elif kind == "insert":
            text = text[:i] + draw(ALPHABET) + text[i:]
        elif kind == "duplicate":
            j = draw(st.integers(i, min(len(text), i + 8)))
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i] + draw(st.sampled_from(["x", "9", "("])) * 3000 + text[i:]
    return text


@FUZZ
@given(mutations())
def test_mutated_programs(text):
    check_outcome(text)


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_corpus_through_a_real_process(text):
    args = ["--x", "0.7", "--y", "1.3", "--format", "json"]
    try:
        text.encode("utf-8")
        argv_safe = "\x00" not in text  # the OS cannot pass NUL or lone surrogates in argv
    except UnicodeEncodeError:
        argv_safe = False
    if argv_safe:
        r = run_cli("eval", text, *args, timeout=20)
    else:
        r = run_cli("eval", "-", *args, input=text.encode("utf-8", "surrogatepass"), timeout=20)
    assert "Traceback" not in r.err
    assert r.code in (0, 2), r.err
    if r.code == 0:
        json.loads(r.out)
    else:
        assert r.err.startswith("autodiff: ") and r.out == ""


def test_corpus_on_stdin_as_bytes():
    for text in CORPUS[:10]:
        r = run_cli("eval", "-", "--x", "1", input=text.encode("utf-8", "surrogatepass"))
        assert r.code in (0, 2) and "Traceback" not in r.err


def test_code_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    for text in [f"__import__('os').system('touch {marker}')",
                 f"eval(\"open('{marker}', 'w')\")", "exec('1')", "x.__class__",
                 "lambda: 1", "[c for c in ().__class__.__bases__]"]:
        r = run_cli("eval", text, "--x", "1")
        assert r.code == 2 and "Traceback" not in r.err
    assert not marker.exists()
