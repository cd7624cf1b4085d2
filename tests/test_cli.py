"""The command line as a user types it: results, formats, values and errors."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli

SEED = "square(square(x))+square(square(x))"


def test_plain_output_when_piped():
    r = run_cli("eval", SEED, "--x", "2.0")
    assert r.code == 0
    assert r.out == "f\t32.0\ndf/dx\t64.0\n"
    assert r.err == ""


def test_json_output():
    r = run_cli("eval", SEED, "--x", "2.0", "--format", "json")
    doc = json.loads(r.out)
    assert doc == {"expression": SEED, "inputs": {"x": 2.0}, "value": 32.0,
                   "gradient": {"x": 64.0}, "warnings": []}


def test_table_output_shows_both_numbers():
    r = run_cli("eval", SEED, "--x", "2.0", "--format", "table")
    assert r.code == 0
    assert "32.0" in r.out and "64.0" in r.out and "df/dx" in r.out
    assert "\x1b[" not in r.out  # not a terminal: no colour codes


@pytest.mark.parametrize("args", [
    ["eval", "--x", "2", "x^2"],
    ["eval", "x^2", "--x=2"],
    ["eval", "x^2", "--var", "x=2"],
    ["eval", "-v", "x=2", "x^2"],
    ["eval", "--format", "plain", "--x", "2", "x^2"],
])
def test_values_in_any_order(args):
    r = run_cli(*args)
    assert (r.code, r.out) == (0, "f\t4.0\ndf/dx\t4.0\n")


def test_negative_value_and_expression_starting_with_minus():
    r = run_cli("eval", "-x^2", "--x=-3")
    assert r.out == "f\t-9.0\ndf/dx\t6.0\n"
    r = run_cli("eval", "-x^2", "--x", "-3")
    assert r.out == "f\t-9.0\ndf/dx\t6.0\n"


def test_gradient_order_is_first_appearance_and_wrt_chooses():
    r = run_cli("eval", "y*x + x", "--x", "2", "--y", "3")
    assert r.out == "f\t8.0\ndf/dy\t2.0\ndf/dx\t4.0\n"
    r = run_cli("eval", "y*x + x", "--x", "2", "--y", "3", "--wrt", "x")
    assert r.out == "f\t8.0\ndf/dx\t4.0\n"


def test_vector_values():
    r = run_cli("eval", "x*y", "--x", "1,2,3", "--y", "2", "--format", "json")
    doc = json.loads(r.out)
    assert doc["value"] == [2.0, 4.0, 6.0]
    assert doc["gradient"] == {"x": [2.0, 2.0, 2.0], "y": 6.0}
    r = run_cli("eval", "sum(x^2)", "--x", "1,2,3")
    assert r.out == "f\t14.0\ndf/dx\t2.0,4.0,6.0\n"


def test_numbers_read_back_exactly():
    r = run_cli("eval", "x + 0.2", "--x", "0.1")
    assert r.out.splitlines()[0] == "f\t0.30000000000000004"


def test_program_from_stdin_and_file(tmp_path):
    program = "a = square(x)\n# a comment\ny = square(a) + square(a)\n"
    r = run_cli("eval", "-", "--x", "2", input=program)
    assert r.out == "f\t32.0\ndf/dx\t64.0\n"
    path = tmp_path / "seed.ad"
    path.write_text(program)
    r = run_cli("eval", "--file", str(path), "--x", "2")
    assert r.out == "f\t32.0\ndf/dx\t64.0\n"
    r = run_cli("eval", "-f", str(path), "--x", "2")
    assert r.out == "f\t32.0\ndf/dx\t64.0\n"


def test_unused_value_is_a_warning_not_an_error():
    r = run_cli("eval", "x^2", "--x", "3", "--y", "1", "--format", "json")
    assert r.code == 0
    assert "--y is not used" in r.err
    assert json.loads(r.out)["warnings"] == ["--y is not used by the expression"]


def test_non_finite_result_warns_and_strict_fails():
    r = run_cli("eval", "log(x)", "--x", "-1")
    assert r.code == 0 and r.out.startswith("f\tnan")
    assert "log" in r.err and "column 1" in r.err
    r = run_cli("eval", "log(x)", "--x", "-1", "--strict")
    assert r.code == 1 and "log" in r.err and r.out == ""
    r = run_cli("eval", "1/x", "--x", "0", "--format", "json")
    doc = json.loads(r.out)
    assert doc["value"] == "inf" and doc["gradient"] == {"x": "-inf"}
    assert any("'/' at column 2" in w for w in doc["warnings"])


BAD_INPUTS = [
    (["x +* 2", "--x", "1"], "unexpected '*'"),
    (["sin(", "--x", "1"], "ended too soon"),
    (["foo(x)", "--x", "1"], "unknown function 'foo'"),
    (["x ^^ 2", "--x", "1"], "unexpected '^'"),
    ([")", "--x", "1"], "unexpected ')'"),
    (["", "--x", "1"], "empty"),
    (["   # only a comment", "--x", "1"], "empty"),
    (["2x", "--x", "1"], "2*x"),
    (["sin(x, x)", "--x", "1"], "takes 1 argument"),
    (["pi = 3", "--x", "1"], "cannot assign to 'pi'"),
    (["x $ y", "--x", "1", "--y", "1"], "unexpected character '$'"),
    (["x^2"], "'x' has no value"),
    (["x^2", "--xx", "2"], "did you mean --x"),
    (["x^2", "--x", "abc"], "not a number"),
    (["x^2", "--x"], "needs a value"),
    (["x + 1"], "'x' has no value"),
    (["sn(x)", "--x", "1"], "did you mean 'sin'"),
    (["x^2", "--x", "1", "--wrt", "z"], "--wrt"),
    (["x", "+", "1"], "quote the expression"),
    (["\x01\x02", "--x", "1"], "unexpected character"),
]


@pytest.mark.parametrize("args,message", BAD_INPUTS, ids=[repr(a[0]) for a, _ in BAD_INPUTS])
def test_bad_input_exits_2_with_a_clear_message(args, message):
    r = run_cli("eval", *args)
    assert r.code == 2, r.err
    assert message in r.err
    assert "Traceback" not in r.err
    assert r.out == ""
    assert r.err.startswith("autodiff: ")


def test_syntax_error_shows_line_and_caret():
    r = run_cli("eval", "x +* 2", "--x", "1")
    lines = r.err.splitlines()
    assert lines[1] == "  x +* 2"
    assert lines[2] == "     ^"


def test_end_of_input_caret_after_last_character():
    r = run_cli("eval", "sin(", "--x", "1")
    lines = r.err.splitlines()
    assert lines[1] == "  sin("
    assert lines[2] == "      ^"


def test_multiline_error_names_the_line():
    r = run_cli("eval", "-", "--x", "1", input="a = x\nb = a +* 2\n")
    assert r.code == 2
    assert "line 2, column 8" in r.err
    assert "  b = a +* 2" in r.err


def test_binary_junk_on_stdin():
    r = run_cli("eval", "-", "--x", "1", input=b"\xff\xfe\x00junk")
    assert r.code == 2 and "not UTF-8" in r.err and "Traceback" not in r.err


def test_missing_file_is_an_io_failure(tmp_path):
    r = run_cli("eval", "--file", str(tmp_path / "nope.ad"), "--x", "1")
    assert r.code == 1 and "cannot read" in r.err


def test_deep_nesting_through_a_file(tmp_path):
    depth = 20_000
    path = tmp_path / "deep.ad"
    path.write_text("sin(" * depth + "x" + ")" * depth)
    r = run_cli("eval", "-f", str(path), "--x", "0.5")
    assert r.code == 0 and r.out.startswith("f\t")


def test_version_and_help():
    r = run_cli("--version")
    assert r.code == 0 and r.out.startswith("autodiff ")
    r = run_cli("--help")
    assert r.code == 0 and "eval" in r.out
    r = run_cli("eval", "--help")
    assert r.code == 0 and "--wrt" in r.out


def test_help_and_version_do_not_import_numpy_or_lark():
    code = ("import sys\nfrom autodiff_cli.cli.main import run\nrun(['--version'])\n"
            "run(['eval', '--help'])\n"
            "print(sorted(m for m in ('numpy', 'lark') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_python_dash_m_works_like_the_command():
    r = run_cli("eval", "x*3", "--x", "2")
    assert r.out == "f\t6.0\ndf/dx\t3.0\n"


def test_a_reader_that_goes_away_ends_quietly():
    """`autodiff eval ... | head -1`: no traceback, no message, exit 0."""
    import os

    values = ",".join(str(i) for i in range(15_000))  # more output than a pipe holds
    proc = subprocess.Popen([sys.executable, "-m", "autodiff_cli", "eval", "x*2", "--x", values],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert err == ""


@pytest.mark.parametrize("args,code,message", [
    (["x", "--formt", "json", "--x", "1"], 2, "did you mean --format?"),
    (["x", "--x", "--y", "2"], 2, "--x needs a value"),
    (["x", "--x", "1e400"], 0, "becomes inf"),
    (["x", "--x", "1", "--x", "2"], 0, "given twice"),
    (["x", "--x", "1,,2"], 2, "empty element"),
    (["x", "--x", "1", "--max-size", "-5"], 2, "--max-size must be at least 1"),
    (["x^2", "--x", "3", "--wrt", ""], 2, "--wrt names no variable"),
    (["x*y", "--x", "1,2,3", "--y", "1,2"], 2, "cannot combine 3 elements and 2 elements"),
])
def test_argument_mistakes_are_named(args, code, message):
    r = run_cli("eval", *args)
    assert r.code == code and message in r.err and "Traceback" not in r.err


def test_typer_and_the_fast_path_read_one_declaration_of_each_command():
    """Every Typer parameter is a declared option of the command, with the spellings its
    declaration gives, and the fast path reads the same declarations."""
    import typer

    from autodiff_cli.cli import app
    from autodiff_cli.options import COMMANDS, EvalOptions, flags_of

    commands = typer.main.get_command(app.app).commands
    for name, options_class in COMMANDS.items():
        params = {p.name: p for p in commands[name].params}
        assert set(params) == set(options_class.declared), name
        spelled = {}
        for param in params.values():
            if getattr(param, "param_type_name", "") == "option":
                for opt in param.opts + param.secondary_opts:
                    spelled[opt] = (param.name, not (param.is_flag or param.count))
        assert spelled == {**flags_of(options_class), "-h": ("help", False),
                           "--help": ("help", False)} or spelled == flags_of(options_class)
    from autodiff_cli.cli.main import fast_eval

    options = fast_eval(["x^2", "--x", "3", "--order", "2", "--format=json", "--strict",
                         "--var", "y=1", "--wrt", "x"])
    assert options == EvalOptions(expression="x^2", values=("x=3", "y=1"), order=2,
                                  format="json", strict=True, wrt="x")


def test_the_one_shot_eval_does_not_import_typer():
    code = ("import sys\nfrom autodiff_cli.cli.main import run\n"
            "run(['eval', 'x^2', '--x', '3', '--format', 'plain'])\n"
            "print('typer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT).stdout
    assert out.splitlines() == ["f\t9.0", "df/dx\t6.0", "False"]
