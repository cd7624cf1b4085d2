"""No silent misreadings: a typo of an option, a forgotten command word, a closed stream, a
thrown-away statement or a repeated value is an error or a warning, never a quiet wrong answer.
Each case runs the command line in a real process, as a user would."""

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_cli


@pytest.mark.parametrize("args,meant", [
    (["eval", "x^2", "--x", "1", "--ordr", "2"], "--order"),
    (["eval", "x^2", "--x", "1", "--Order", "2"], "--order"),
    (["eval", "x^2", "--x", "1", "--oder", "2"], "--order"),
    (["eval", "x^2", "--x", "1", "--ordr=2"], "--order"),
    (["check", "x^2", "--x", "1", "--tol", "1e-3"], "--atol or --rtol"),
    (["eval", "x^2", "--x", "1", "--fromat", "json"], "--format"),
    (["eval", "x^2", "--x", "1", "--json"], "--format json"),
    (["eval", "x^2", "--x", "1", "--tarce"], "--trace"),
    (["eval", "x^2", "--x", "1", "--strcit"], "--strict"),
    (["eval", "x^2", "--tarce", "--x", "1"], "--trace"),
])
def test_a_misspelt_option_is_an_error_with_did_you_mean(args, meant):
    r = run_cli(*args)
    assert r.code == 2 and r.out == ""
    assert f"did you mean {meant}?" in r.err and "Traceback" not in r.err


def test_an_option_of_another_command_is_named_as_such():
    r = run_cli("graph", "x^2", "--x", "1", "--order", "2")
    assert r.code == 2
    assert "--order is an option of eval, diff, check and plot, not of graph" in r.err


def test_a_variable_spelt_like_an_option_is_still_a_variable():
    r = run_cli("eval", "ordr * 2", "--ordr", "3")
    assert r.code == 0 and r.out == "f\t6.0\ndf/dordr\t2.0\n"


def test_a_value_for_a_name_far_from_every_option_stays_a_warning():
    r = run_cli("eval", "x^2", "--x", "1", "--learning_rate", "2")
    assert r.code == 0 and r.out == "f\t1.0\ndf/dx\t2.0\n"
    assert "--learning_rate is not used by the expression" in r.err


@pytest.mark.parametrize("command", ["", "eval", "graph", "check", "functions"])
def test_dash_h_is_help_everywhere(command):
    r = run_cli(*([command] if command else []), "-h")
    assert r.code == 0 and r.out.startswith("Usage: autodiff")


def test_a_forgotten_command_word_hints_the_eval_command():
    r = run_cli("x^2", "--x", "1")
    assert r.code == 2 and "autodiff eval 'x^2' --x 1" in r.err


@pytest.mark.parametrize("word", ["grad", "derive", "evaluate"])
def test_other_tools_words_suggest_the_right_command(word):
    r = run_cli(word, "x^2", "--x", "1")
    assert r.code == 2 and "autodiff eval 'x^2' --x 1" in r.err


@pytest.mark.parametrize("word", ["differentiate", "derivative"])
def test_words_for_the_formula_suggest_diff(word):
    r = run_cli(word, "x^2")
    assert r.code == 2 and "autodiff diff 'x^2'" in r.err


def test_diff_is_a_command_not_a_misreading():
    r = run_cli("diff", "x^2", "--x", "1")
    assert r.code == 0 and r.out == "df/dx\t2*x\t2.0\n", r.err


def shell(command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    autodiff = f"{sys.executable} -m autodiff_cli"
    return subprocess.run(["bash", "-c", command.replace("autodiff", autodiff)],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("command,what", [
    ("autodiff --version >&-", "cannot write standard output: it is closed"),
    ("autodiff eval x --x 1 >&-", "cannot write standard output: it is closed"),
    ("autodiff eval x --x 1 > /dev/full", "No space left on device"),
    ("autodiff eval x --x 1 --format json > /dev/full", "No space left on device"),
    ("autodiff functions > /dev/full", "No space left on device"),
    ("autodiff eval - --x 1 <&-", "cannot read standard input: it is closed"),
    ("autodiff eval x --points - <&-", "cannot read standard input: it is closed"),
    ("autodiff eval - --each-line --x 1 <&-", "cannot read standard input: it is closed"),
])
def test_a_closed_or_full_stream_is_an_io_error(command, what):
    r = shell(command)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("autodiff: I/O error:") and what in r.stderr
    assert len(r.stderr.splitlines()) == 1 and "internal error" not in r.stderr


def test_an_error_that_cannot_be_printed_keeps_its_exit_code():
    assert shell("autodiff eval x --x 1 >&- 2>&-").returncode == 1
    assert shell("autodiff eval 'x +* 1' --x 1 2>&-").returncode == 2


def test_each_line_shows_the_first_result_before_the_input_ends():
    proc = subprocess.Popen([sys.executable, "-m", "autodiff_cli", "eval", "-", "--each-line",
                             "--x", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        proc.stdin.write(b"x^2\n")
        proc.stdin.flush()
        start = time.monotonic()
        first = proc.stdout.readline()
        waited = time.monotonic() - start
        proc.stdin.write(b"x^3\n")
        proc.stdin.close()
        rest = proc.stdout.read()
    finally:
        proc.wait(timeout=30)
    assert first == b"1\t4.0\t4.0\n" and rest == b"2\t8.0\t12.0\n"
    assert waited < 10  # it came while stdin was still open, not at its end


def test_plain_each_line_rows_carry_the_input_line_number():
    r = run_cli("eval", "-", "--each-line", "--x", "2", input="x^2\n\n2+*3\nx^3\n")
    assert r.code == 2 and r.out == "1\t4.0\t4.0\n4\t8.0\t12.0\n"


@pytest.mark.parametrize("program,message", [
    ("x^2; y^2", "the value of 'x^2' is never used (line 1)"),
    ("a = x^2\n+ 1", "'a' is assigned but never used (line 1)"),
    ("a = x^2; b = y; a", "'b' is assigned but never used (line 1)"),
])
def test_a_statement_whose_value_is_never_used_is_named(program, message):
    r = run_cli("eval", program, "--x", "1", "--y", "2")
    assert r.code == 0 and message in r.err


def test_a_forgotten_continuation_gets_the_parentheses_hint():
    r = run_cli("eval", "-", "--x", "3", input="a = x^2\n+ 1\n")
    assert "the next statement starts with '+'" in r.err and "parentheses" in r.err


def test_used_bindings_are_not_warned_about():
    r = run_cli("eval", "-", "--x", "3", input="a = x^2\nb = a + 1\n(b\n * 2)\n")
    assert r.code == 0 and r.err == "" and r.out == "f\t20.0\ndf/dx\t12.0\n"


@pytest.mark.parametrize("args,used", [
    (["--x", "1", "--x", "2"], "2"),
    (["--x", "1", "--var", "x=3"], "3"),
    (["--var", "x=3", "--x", "5"], "5"),
    (["-v", "x=3", "--x=4", "--var", "x=6"], "6"),
])
def test_the_last_value_given_wins_and_the_warning_names_it(args, used):
    r = run_cli("eval", "x", *args)
    assert r.out == f"f\t{float(used)}\ndf/dx\t1.0\n"
    assert f"--x was given twice; using the last value, {used}" in r.err
