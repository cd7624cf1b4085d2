"""Habits a new user brings: other tools' function names, characters pasted from documents, a
byte-order mark, tabs, digits of other scripts, one-element vectors. Each through a process."""

import pytest

from conftest import run_cli


@pytest.mark.parametrize("name,meant", [("ln", "log"), ("arcsin", "asin"), ("arctan", "atan"),
                                        ("sgn", "sign")])
def test_other_names_for_known_functions_get_the_languages_name(name, meant):
    r = run_cli("eval", f"{name}(x)", "--x", "0.5")
    assert r.code == 2 and f"the language writes it {meant}(...)" in r.err


@pytest.mark.parametrize("text,ascii_form", [("x − 1", "'-'"), ("2×x", "'*'"), ("x·y", "'*'"),
                                             ("x²", "^2"), ("x ÷ 2", "'/'"), ("2π", "pi")])
def test_pasted_characters_get_a_hint_naming_the_ascii_form(text, ascii_form):
    r = run_cli("eval", text, "--x", "1", "--y", "2")
    assert r.code == 2 and f"write {ascii_form}" in r.err and "^" in r.err


def test_a_byte_order_mark_is_skipped_in_a_program_file_and_a_csv_header(tmp_path):
    program = tmp_path / "f.ad"
    program.write_bytes(b"\xef\xbb\xbfx^2\n")
    r = run_cli("eval", "--file", str(program), "--x", "3")
    assert r.code == 0 and r.out == "f\t9.0\ndf/dx\t6.0\n"
    points = run_cli("eval", "x*2", "--points", "-", input=b"\xef\xbb\xbfx\n1\n")
    assert points.code == 0 and points.out == "x\tf\tdf/dx\n1\t2.0\t2.0\n"
    lines = run_cli("eval", "-", "--each-line", "--x", "2", input=b"\xef\xbb\xbfx^2\n")
    assert lines.code == 0 and lines.out == "1\t4.0\t4.0\n"


def test_a_tab_in_an_error_excerpt_shows_as_a_space_under_which_the_caret_lines_up():
    r = run_cli("eval", "x +\t* 2", "--x", "1")
    excerpt, caret = r.err.splitlines()[1:3]
    assert excerpt == "  x + * 2" and caret.index("^") == excerpt.index("*")


def test_digits_of_other_scripts_are_refused_with_a_hint():
    r = run_cli("eval", "１+x", "--x", "1")
    assert r.code == 2 and "ASCII digits 0-9" in r.err
    v = run_cli("eval", "x", "--x", "１")
    assert v.code == 2 and "ASCII digits 0-9" in v.err


@pytest.mark.parametrize("value", ["[10]", "10,"])
def test_a_one_element_vector_can_be_written(value):
    """DeZero's broadcasting example: x0 + x1 with x1 a one-element vector; its gradient is
    summed back to one element."""
    r = run_cli("eval", "x0 + x1", "--x0", "1,2", "--x1", value)
    assert r.code == 0 and r.out == "f\t11.0,12.0\ndf/dx0\t1.0,1.0\ndf/dx1\t2.0\n"
    scalar = run_cli("eval", "x0 + x1", "--x0", "1,2", "--x1", "10")
    assert scalar.out.endswith("df/dx1\t2.0\n")  # a scalar is a scalar


@pytest.mark.parametrize("args,hint", [
    (["x^2", "-x", "2"], "values take two dashes: --x 2"),
    (["x^2", "x=2"], "a value is given as --x 2 or --var x=2"),
])
def test_values_written_the_wrong_way_get_the_right_way(args, hint):
    r = run_cli("eval", *args)
    assert r.code == 2 and hint in r.err


def test_short_options_take_an_attached_value(tmp_path):
    program = tmp_path / "p.ad"
    program.write_text("x^2")
    r = run_cli("eval", f"-f{program}", "-vx=2")
    assert r.code == 0 and r.out == "f\t4.0\ndf/dx\t4.0\n"


def test_a_variable_named_like_an_option_is_given_with_var():
    r = run_cli("eval", "order^2", "--order", "2")
    assert r.code == 2 and "--var order=VALUE" in r.err
    ok = run_cli("eval", "order^2", "--var", "order=3")
    assert ok.out == "f\t9.0\ndf/dorder\t6.0\n"


def test_a_program_piped_without_dash_gets_the_hint():
    r = run_cli("eval", "--x", "2", input="x^2\n")
    assert r.code == 2 and "give '-' as the expression: autodiff eval - --x 3" in r.err


def test_check_with_no_variables_and_check_wrt():
    none = run_cli("check", "1+2")
    assert none.code == 0 and "nothing to check" in none.err
    one = run_cli("check", "x*y", "--x", "1", "--y", "2", "--wrt", "y")
    assert one.code == 0 and [l.split("\t")[0] for l in one.out.splitlines()] == ["quantity", "df/dy"]


def test_each_line_takes_order_as_a_single_evaluation_does():
    r = run_cli("eval", "-", "--each-line", "--x", "2", "--order", "3", input="x^3\n")
    assert r.code == 0 and r.out == "1\t8.0\t12.0\t12.0\t6.0\n"


def test_outside_its_domain_a_function_has_no_derivative():
    """log(-1) is nan; its derivative is nan too (1/x would say -1.0), and warned about."""
    r = run_cli("eval", "log(x)", "--x", "-1")
    assert r.out == "f\tnan\ndf/dx\tnan\n" and "the derivative with respect to x is not finite" in r.err
    v = run_cli("eval", "log(x)", "--x", "-1,2")
    assert v.out == "f\tnan,0.6931471805599453\ndf/dx\tnan,0.5\n"
