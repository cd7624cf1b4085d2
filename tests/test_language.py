"""The expression language of PRODUCT §2."""

import math

import numpy as np
import pytest

from autodiff_cli import evaluate
from autodiff_cli.errors import InputError
from autodiff_cli.language.parser import parse


@pytest.mark.parametrize("text,value", [
    ("2", 2.0), ("2.0", 2.0), (".5", 0.5), ("1e-3", 1e-3), ("1E+3", 1000.0),
    ("pi", math.pi), ("e", math.e),
    ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9.0), ("8 / 4 / 2", 1.0), ("8 - 4 - 2", 2.0),
    ("2^3^2", 512.0), ("2**3**2", 512.0), ("2^-1", 0.5), ("-2^2", -4.0), ("(-2)^2", 4.0),
    ("- -3", 3.0), ("+3", 3.0), ("-2*3", -6.0), ("2*-3", -6.0),
    ("1; 2", 2.0), ("1\n2", 2.0), ("a = 3; b = a*a; b + 1", 10.0), ("2 # comment", 2.0),
    ("a = 1; a = a + 1; a", 2.0),
])
def test_constant_expressions(text, value):
    assert float(evaluate(text).value) == pytest.approx(value, rel=1e-15)


def test_unary_minus_binds_looser_than_power():
    r = evaluate("-x^2", x=3.0)
    assert float(r.value) == -9.0 and float(r.gradient["x"]) == -6.0


def test_power_with_both_sides_differentiable():
    r = evaluate("x^y", x=2.0, y=3.0)
    assert float(r.value) == 8.0
    assert float(r.gradient["x"]) == pytest.approx(12.0)
    assert float(r.gradient["y"]) == pytest.approx(8.0 * math.log(2.0))


def test_power_of_a_negative_base_with_a_constant_exponent_has_a_finite_gradient():
    r = evaluate("x^2", x=-3.0)
    assert float(r.gradient["x"]) == -6.0 and not r.warnings


def test_names_with_digits_and_underscores():
    r = evaluate("learning_rate * theta0", learning_rate=0.5, theta0=4.0)
    assert list(r.gradient) == ["learning_rate", "theta0"]


@pytest.mark.parametrize("text", ["2x", "x y", "sin", "sin()", "max(1,2,3)", "e = 1",
                                  "sin = 2", "a + 1; a = 2", "x = ", "((x)", "x=1=2"])
def test_rejected(text):
    with pytest.raises(InputError) as info:
        evaluate(text, x=1.0, y=1.0)
    assert info.value.message


def test_min_and_max_take_one_vector_or_two_arguments():
    assert float(evaluate("max(x, y)", x=1.0, y=2.0).value) == 2.0
    r = evaluate("max(v)", v=np.array([1.0, 5.0, 3.0]))
    assert float(r.value) == 5.0
    np.testing.assert_array_equal(r.gradient["v"], [0.0, 1.0, 0.0])


def test_ties_share_the_gradient():
    r = evaluate("max(x, y)", x=1.0, y=1.0)
    assert float(r.gradient["x"]) == float(r.gradient["y"]) == 0.5


def test_prod_gradient_is_exact_at_a_zero():
    r = evaluate("prod(v)", v=np.array([2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(r.gradient["v"], [0.0, 6.0, 0.0])


def test_input_is_data_not_code():
    with pytest.raises(InputError):
        parse("__import__('os').system('echo hacked')")


def test_program_value_is_the_last_statement_and_bindings_are_shared():
    program = parse("a = sin(x); b = a * a; b")
    assert program.labels == {1: "a", 2: "b"}
    assert [n.kind for n in program.nodes] == ["input", "call", "call"]


@pytest.mark.parametrize("text,values,wrt,expected", [
    ("x^0", {"x": 0.0}, "x", 0.0),
    ("0^x", {"x": 2.0}, "x", 0.0),
    ("x^y", {"x": 0.0, "y": 2.0}, "y", 0.0),
    ("x^y", {"x": 0.0, "y": 2.0}, "x", 0.0),
    ("x^1", {"x": 0.0}, "x", 1.0),
])
def test_power_at_a_zero_base_has_exact_gradients(text, values, wrt, expected):
    result = evaluate(text, values)
    assert float(result.gradient[wrt]) == expected and not result.warnings


@pytest.mark.parametrize("text,x,expected", [
    ("x^4 - 2*x^2", 0.0, [0.0, -4.0, 0.0, 24.0, 0.0]),
    ("x^3", 0.0, [0.0, 0.0, 6.0, 0.0]),
    ("(x - 1)^2", 1.0, [0.0, 2.0, 0.0]),
    ("x^0", 0.0, [0.0, 0.0, 0.0]),
])
def test_power_at_a_zero_base_has_exact_higher_derivatives(text, x, expected):
    result = evaluate(text, x=x, order=len(expected))
    assert result.derivatives["x"] == expected


def test_a_new_line_inside_parentheses_continues_the_expression():
    r = evaluate("f = (x^2 +\n     y^2)\ng = atan2(\n  y,\n  x\n)\nf * g", x=1.0, y=1.0)
    assert float(r.value) == pytest.approx(2 * math.pi / 4)
    with pytest.raises(InputError):
        evaluate("(x;\n)", x=1.0)  # ';' still ends a statement, and cannot inside '('
    with pytest.raises(InputError):
        evaluate("x +\ny", x=1.0, y=1.0)  # outside parentheses a new line ends the statement


def test_expected_tokens_are_exactly_what_the_parser_accepts():
    from autodiff_cli.errors import ParseError

    with pytest.raises(ParseError) as info:
        parse("x)")
    assert "')'" not in info.value.message.split("; expected")[1]
    with pytest.raises(ParseError) as info:
        parse("(x $")
    assert info.value.message.endswith("expected an operator (+ - * / ^) or ')'")


def test_logsumexp_gradient_is_exact_at_large_ties():
    r = evaluate("logsumexp(v)", v=np.array([1000.0, 1000.0]))
    assert r.gradient["v"].tolist() == [0.5, 0.5]


def test_a_comma_list_is_several_results_only_at_the_end():
    program = parse("a = x^2; a, x*y, 1")
    assert program.output_names == ["a", "f2", "f3"] and len(program.outputs) == 3
    with pytest.raises(InputError, match="only the last statement"):
        parse("1, 2; x")
    with pytest.raises(InputError, match="both named 'a'"):
        parse("a = x; a, a")
