"""Defects a fresh-eyes review found, each pinned through a real process."""

import pytest

from conftest import run_cli


@pytest.mark.parametrize("args,message", [
    (["diff", "f = x^2; g = sin(x); f, g", "--x", "1"], "works on one result"),
    (["diff", "x^2, sin(x)"], "works on one result"),
    (["graph", "f = x; g = x^2; f, g", "--x", "1"], "graph works on one result"),
    (["plot", "x, x^2", "--x", "0:1"], "plot works on one result"),
    (["diff", "sum(x^2)", "--x", "1,2", "--order", "2"], "formulas for scalar variables"),
])
def test_what_works_on_one_result_or_scalars_says_so(args, message):
    r = run_cli(*args)
    assert r.code == 2 and message in r.err and "internal error" not in r.err


def test_each_line_with_several_results_and_constant_lines():
    r = run_cli("eval", "-", "--each-line", "--x", "2", input="x^2, x^3\n3\npi*2\n")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["1\t4.0\t8.0\t4.0\t12.0", "2\t3.0", "3\t6.283185307179586"]


@pytest.mark.parametrize("args,message", [
    (["--series", "0"], "--series must be from 1 to 200, got 0"),
    (["--series", "201"], "--series must be from 1 to 200, got 201"),
    (["--format", "jsn"], "usage error: invalid value for '--format'"),
    (["--order", "abc"], "usage error: invalid value for '--order'"),
])
def test_bad_option_values_are_said_in_the_tools_words(args, message):
    r = run_cli("eval", "x", "--x", "1", *args)
    assert r.code == 2 and message in r.err and "Usage:" not in r.err


@pytest.mark.parametrize("text,hint", [
    ("0x10", "numbers are decimal"), ("1_000", "write 1000"),
    ("1e", "an exponent needs digits"), ("2x", "to multiply, write 2*x")])
def test_malformed_numbers_get_the_right_hint(text, hint):
    r = run_cli("eval", text, "--x", "1")
    assert r.code == 2 and hint in r.err


def test_a_value_for_a_constant_says_it_sets_nothing():
    r = run_cli("eval", "e", "--e", "2")
    assert r.out == "f\t2.718281828459045\n" and "--e sets nothing: e is a constant" in r.err


def test_non_finite_higher_derivatives_are_one_warning():
    r = run_cli("eval", "tanh(tanh(x))", "--x", "0.5", "--order", "200")
    assert r.code == 0
    assert r.err.count("not finite") == 1 and "derivatives are not finite, from" in r.err


def test_an_element_jacobian_too_large_is_refused_up_front():
    r = run_cli("eval", "x^2", "--x", "1:5000:1", "--jacobian")
    assert r.code == 2 and "the limit is 10,000,000" in r.err


def test_a_delimiter_that_does_not_split_the_header_says_what_was_read():
    r = run_cli("eval", "x*y", "--points", "-", "--delimiter", ";", input="x,y\n1,2\n")
    assert r.code == 2 and "the header was read as one column, 'x,y'" in r.err


def test_options_of_other_commands_and_of_one_evaluation():
    check = run_cli("check", "x", "--x", "1", "--points", "-")
    assert check.code == 2 and "--points is an option of eval and plot, not of check" in check.err
    batch = run_cli("eval", "-", "--each-line", "--x", "1,2", "--jacobian", input="x^2\n")
    assert batch.code == 2 and "--jacobian works on one evaluation" in batch.err
    negative = run_cli("eval", "x", "--x", "-1")
    assert negative.out == "f\t-1.0\ndf/dx\t1.0\n"  # '-1' is still a value


def test_trace_with_higher_orders_says_what_it_shows():
    r = run_cli("eval", "x^3", "--x", "2", "--order", "2", "--trace")
    assert r.code == 0 and "note: this is the first-order backward pass" in r.err
    assert "note:" not in run_cli("eval", "x^3", "--x", "2", "--trace").err


def test_the_table_shows_the_hessian_as_a_matrix_and_digits_round_for_people():
    r = run_cli("eval", "(1 - x)^2 + 100*(y - x^2)^2", "--x", "-1.2", "--y", "1", "--order", "2",
                "--format", "table", env={"COLUMNS": "100"})
    assert "Hessian, d2f/d(row)d(column)" in r.out and "d2f/dxdy" not in r.out
    assert any("1330.0" in line and "480.0" in line for line in r.out.splitlines())
    rounded = run_cli("eval", "sin(x)", "--x", "1", "--format", "table", "--digits", "4")
    assert "0.8415" in rounded.out and "0.8414709848078965" not in rounded.out
    exact = run_cli("eval", "sin(x)", "--x", "1", "--format", "plain", "--digits", "4")
    assert exact.out.startswith("f\t0.8414709848078965")  # plain stays exact
    assert run_cli("eval", "x", "--x", "1", "--digits", "0").code == 2


def test_a_long_vector_is_shortened_in_the_table_only():
    r = run_cli("eval", "x^2", "--x", "0:30:1", "--format", "table", env={"COLUMNS": "200"})
    assert "…" in r.out and "(31 elements)" in r.out
    plain = run_cli("eval", "x^2", "--x", "0:30:1")
    assert plain.out.splitlines()[0].count(",") == 30


def test_graph_refuses_an_output_name_it_cannot_write(tmp_path):
    r = run_cli("graph", "x", "--x", "1", "-o", str(tmp_path / "g.xyz"))
    assert r.code == 2 and "does not know how to write" in r.err
    assert not (tmp_path / "g.xyz").exists()
    dot = run_cli("graph", "x", "--x", "1", "-o", str(tmp_path / "g.dot"))
    assert dot.code == 0 and (tmp_path / "g.dot").read_text().startswith("digraph")
