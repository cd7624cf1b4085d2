"""eval - --each-line: one program per line, one result per line; and colour rules."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from conftest import ROOT
from terminals import read_until_closed


def test_the_acceptance_example(cli):
    r = cli("eval", "-", "--each-line", "--x", "2", "--format", "json",
            input="x^2\nsin(x)*x\n2+*3\nexp(x)/x\n")
    assert r.code == 2
    docs = [json.loads(line) for line in r.out.splitlines()]
    assert [d["line"] for d in docs] == [1, 2, 3, 4]
    assert [("error" in d) for d in docs] == [False, False, True, False]
    assert docs[0] == {"line": 1, "expression": "x^2", "inputs": {"x": 2.0}, "value": 4.0,
                       "gradient": {"x": 4.0}, "warnings": []}
    assert docs[2]["error"].startswith("syntax error: unexpected '*'")
    assert docs[2]["column"] == 3
    assert "line 3" in r.err and "2+*3" in r.err
    assert "not used" not in r.err


def test_plain_rows_are_f_then_the_gradient(cli):
    r = cli("eval", "-", "--each-line", "--x", "2", "--y", "3",
            input="x^2\n\n# a comment\nx*y\ny\n")
    assert r.code == 0 and r.err == ""
    assert r.out == "1\t4.0\t4.0\n4\t6.0\t3.0\t2.0\n5\t3.0\t1.0\n"  # line numbers first


def test_wrt_fixes_the_columns(cli):
    r = cli("eval", "-", "--each-line", "--x", "2", "--y", "3", "--wrt", "x,y",
            input="x^2\ny\n")
    assert r.out == "1\t4.0\t4.0\t0.0\n2\t3.0\t0.0\t1.0\n"


@pytest.mark.parametrize("wrt", ["x", "x,y"])
@pytest.mark.parametrize("order", ["2", "3"])
def test_wrt_fixes_the_columns_of_higher_orders_too(cli, wrt, order):
    """A name a line does not use has derivatives 0 in every column: each row equals the
    evaluation of the same line made to use every name (``+ 0*x`` adds only zeros here)."""
    lines = ["x^2", "x*y", "y^3", "2+3"]
    common = ["--x", "2", "--y", "3", "--wrt", wrt, "--order", order]
    for fmt in ("plain", "json"):
        r = cli("eval", "-", "--each-line", *common, "--format", fmt,
                input="\n".join(lines) + "\n")
        assert r.code == 0 and r.err == "", r.err
        rows = r.out.splitlines()
        assert len(rows) == len(lines)
        for row, line in zip(rows, lines):
            full = cli("eval", line + "".join(f" + 0*{n}" for n in wrt.split(",")), *common,
                       "--format", fmt)
            if fmt == "plain":
                assert row.split("\t")[1:] == [v.split("\t")[1] for v in
                                                full.out.splitlines()], line
            else:
                got, want = json.loads(row), json.loads(full.out)
                for key in ("value", "gradient", "derivatives", "hessian"):
                    assert got.get(key) == want.get(key), (line, key)


def test_a_value_no_line_uses_is_one_warning(cli):
    r = cli("eval", "-", "--each-line", "--x", "2", "--y", "3", "--z", "1",
            input="x\ny\n")
    assert r.code == 0
    assert r.err.count("warning") == 1 and "--z" in r.err


def test_from_a_file_and_the_other_lines_still_run(cli, tmp_path):
    path = tmp_path / "formulas.txt"
    path.write_text("x^2\nq*2\nlog(x)\n")
    r = cli("eval", "--file", str(path), "--each-line", "--x", "1")
    assert r.code == 2
    assert r.out == "1\t1.0\t2.0\n3\t0.0\t1.0\n"
    assert "line 2" in r.err and "'q' has no value" in r.err


def test_strict_makes_a_non_finite_line_fail(cli):
    r = cli("eval", "-", "--each-line", "--x", "0", "--strict", input="log(x)\nx+1\n")
    assert r.code == 1
    assert r.out == "2\t1.0\t1.0\n"
    assert "line 1" in r.err


def test_a_line_that_is_not_utf8_is_reported(cli):
    r = cli("eval", "-", "--each-line", "--x", "1", input=b"x\n\xff\nx+1\n")
    assert r.code == 2 and "line 2" in r.err and r.out == "1\t1.0\t1.0\n3\t2.0\t1.0\n"


def test_many_lines_in_one_process(cli):
    lines = "".join(f"sin(x)*{i} + x^{i % 5}\n" for i in range(500))
    r = cli("eval", "-", "--each-line", "--x", "0.5", input=lines)
    assert r.code == 0 and len(r.out.splitlines()) == 500


# --- colour ------------------------------------------------------------------------------

def _in_a_terminal(args, env_extra=None) -> bytes:
    """stdout and stderr on a pty: what a person at a terminal would see."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update({"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", **(env_extra or {})})
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "autodiff_cli", *args], env=env,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    shown = read_until_closed(master)
    proc.wait(30)
    os.close(master)
    return shown


TABLE = ["eval", "x^2", "--x", "2"]
ERROR = ["eval", "x^2", "--each-line", "--x", "2", "--y", "1"]  # a warning on stderr


def test_a_terminal_gets_colour():
    assert b"\x1b[" in _in_a_terminal(TABLE)
    assert b"\x1b[" in _in_a_terminal(ERROR)


@pytest.mark.parametrize("args, env", [
    (TABLE, {"NO_COLOR": "1"}), (ERROR, {"NO_COLOR": "1"}),
    (TABLE, {"TERM": "dumb"}), (ERROR, {"TERM": "dumb"}),
    (TABLE + ["--no-color"], None), (ERROR + ["--no-color"], None),
])
def test_no_escape_codes_with_no_color_term_dumb_or_the_option(args, env):
    shown = _in_a_terminal(args, env)
    assert b"4.0" in shown and b"\x1b" not in shown


def test_no_escape_codes_in_a_pipe(cli):
    for args in (TABLE, ERROR, ["eval", "x+", "--x", "2"]):
        r = cli(*args, env={"TERM": "xterm-256color"})
        assert "\x1b" not in r.out and "\x1b" not in r.err
