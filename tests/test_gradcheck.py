"""`autodiff check`: exact derivatives against central differences."""

from __future__ import annotations

import json

import pytest

from autodiff_cli.core.check import HEADER, check, compare
from autodiff_cli.language.parser import parse


def table_rows(out: str) -> list[list[str]]:
    lines = out.splitlines()
    assert lines[0].split("\t") == list(HEADER)
    return [line.split("\t") for line in lines[1:]]


def test_a_smooth_function_passes(cli):
    run = cli("check", "sin(x)*exp(y) + x^3/y", "--x", "0.7", "--y", "1.3")
    assert run.code == 0, run.err
    rows = table_rows(run.out)
    assert [r[0] for r in rows] == ["df/dx", "df/dy"]
    assert all(r[5] == "ok" for r in rows)
    assert run.err == ""


def test_relu_at_its_kink_fails_and_says_which(cli):
    run = cli("check", "relu(x)", "--x", "0")
    assert run.code == 1
    assert table_rows(run.out) == [["df/dx", "0.0", "0.5", "0.5", "1.0", "FAIL"]]
    assert "check failed: 1 of 1 derivatives outside tolerance" in run.err
    assert "df/dx" in run.err and "Traceback" not in run.err


def test_json_is_strict_and_complete(cli):
    run = cli("check", "x^2*y", "--x", "3", "--y", "-2", "--order", "2", "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["ok"] is True and doc["order"] == 2 and doc["eps"] == 1e-6
    assert doc["inputs"] == {"x": 3.0, "y": -2.0}
    quantities = [c["quantity"] for c in doc["checks"]]
    assert quantities == ["df/dx", "df/dy", "d2f/dx2", "d2f/dxdy", "d2f/dydx", "d2f/dy2"]
    analytic = {c["quantity"]: c["analytic"] for c in doc["checks"]}
    assert analytic == {"df/dx": -12.0, "df/dy": 9.0, "d2f/dx2": -4.0, "d2f/dxdy": 6.0,
                        "d2f/dydx": 6.0, "d2f/dy2": 0.0}
    assert all(set(c) == {"quantity", "analytic", "numeric", "abs_error", "rel_error", "ok"}
               for c in doc["checks"])


def test_a_failing_entry_is_flagged_in_json(cli):
    run = cli("check", "relu(x) + y^2", "--x", "0", "--y", "1", "--format", "json")
    assert run.code == 1
    doc = json.loads(run.out)
    assert doc["ok"] is False
    assert [c["ok"] for c in doc["checks"]] == [False, True]


def test_hessian_entries_are_checked(cli):
    run = cli("check", "(1 - x)^2 + 100*(y - x^2)^2", "--x", "-1.2", "--y", "1",
              "--order", "2", "--format", "plain")
    assert run.code == 0, run.err
    rows = {r[0]: r for r in table_rows(run.out)}
    assert float(rows["d2f/dx2"][1]) == pytest.approx(1330.0, rel=1e-12)
    assert float(rows["d2f/dxdy"][1]) == pytest.approx(480.0, rel=1e-12)
    assert float(rows["d2f/dy2"][1]) == 200.0


def test_vectors_are_checked_element_by_element(cli):
    run = cli("check", "sum(x^2)*y", "--x", "1,2,3", "--y", "2")
    assert run.code == 0, run.err
    assert [r[0] for r in table_rows(run.out)] == ["df/dx[0]", "df/dx[1]", "df/dx[2]", "df/dy"]


def test_tolerances_decide(cli):
    # A step of 0.1 makes the central difference of x^3 off by h^2 = 0.01 exactly.
    loose = cli("check", "x^3", "--x", "1", "--eps", "0.1", "--rtol", "0.01")
    strict = cli("check", "x^3", "--x", "1", "--eps", "0.1")
    assert loose.code == 0, loose.err
    assert strict.code == 1


def test_the_table_highlights_failures(cli):
    run = cli("check", "relu(x)", "--x", "0", "--format", "table")
    assert run.code == 1
    assert "FAIL" in run.out and "\x1b[" not in run.out  # no colour in a pipe


@pytest.mark.parametrize("args, message", [
    (["--eps", "0"], "--eps must be between 0 and 1"),
    (["--eps", "nan"], "--eps must be between 0 and 1"),
    (["--rtol", "-1"], "--rtol must be a number >= 0"),
    (["--order", "3"], "check compares orders 1 and 2"),
    (["--order", "0"], "check compares orders 1 and 2"),
])
def test_bad_options_exit_2(cli, args, message):
    run = cli("check", "x^2", "--x", "1", *args)
    assert run.code == 2
    assert message in run.err and "Traceback" not in run.err and run.out == ""


def test_bad_input_exits_2(cli):
    assert cli("check", "x^2").code == 2  # no value
    assert cli("check", "x^", "--x", "1").code == 2  # syntax
    # a vector result at order 2 (the Hessian over elements needs a scalar function of vectors)
    assert cli("check", "x^2", "--x", "1,2", "--order", "2").code == 2


def test_the_api():
    report = check(parse("exp(x)*y"), {"x": 0.5, "y": 2.0}, order=2)
    assert not report.failures and len(report.rows) == 6
    row = compare("df/dx", 1.0, 1.0 + 1e-7, rtol=1e-6, atol=0.0)
    assert row.ok and row.abs_error == pytest.approx(1e-7)
    assert not compare("df/dx", float("nan"), 1.0, rtol=1.0, atol=1.0).ok


def test_a_nan_error_has_a_nan_relative_error_whatever_the_argument_order():
    from autodiff_cli.core.check import compare

    for analytic, numeric in ((0.0, float("nan")), (float("nan"), 0.0)):
        row = compare("df/dx", analytic, numeric, rtol=1e-5, atol=1e-7)
        assert row.rel_error != row.rel_error and not row.ok  # nan, and a failure
