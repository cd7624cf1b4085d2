"""Taylor mode as a user meets it: `eval --order N` and `--series N`, checked against mpmath
at 50 digits, with error bounds that must cover the true error."""

import json

import mpmath
import pytest

from autodiff_cli import evaluate

mpmath.mp.dps = 50


def run_json(cli, *args):
    r = cli("eval", *args, "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out), r.err


def mp_derivatives(f, x0: str, order: int) -> list:
    """d^k f/dx^k at x0 for k = 1..order, by mpmath's Taylor expansion at 50 digits."""
    coefficients = mpmath.taylor(f, mpmath.mpf(x0), order)
    return [coefficients[k] * mpmath.factorial(k) for k in range(1, order + 1)]


def test_tanh_to_order_100_within_1e_12_and_covered_by_its_bounds(cli):
    doc, _ = run_json(cli, "tanh(x)", "--x", "0.5", "--order", "100")
    ders, bounds = doc["derivatives"]["x"], doc["derivative_bounds"]["x"]
    assert len(ders) == len(bounds) == 100
    exact = mp_derivatives(mpmath.tanh, "0.5", 100)
    for k, (d, b, e) in enumerate(zip(ders, bounds, exact), start=1):
        error = abs(mpmath.mpf(d) - e)
        assert error <= abs(e) * 1e-12 or error <= 1e-300, k
        assert error <= b, (k, float(error), b)


def test_a_mixed_expression_at_order_50_agrees_with_mpmath_to_its_bound(cli):
    doc, _ = run_json(cli, "exp(sin(x))/(1+x^2) + log(x)*x^2.5", "--x", "0.7", "--order", "50")
    f = lambda x: mpmath.exp(mpmath.sin(x)) / (1 + x**2) + mpmath.log(x) * x**mpmath.mpf(2.5)
    exact = mp_derivatives(f, "0.7", 50)
    for k, (d, b, e) in enumerate(zip(doc["derivatives"]["x"], doc["derivative_bounds"]["x"],
                                      exact), start=1):
        assert abs(mpmath.mpf(d) - e) <= b, k


def test_every_bound_covers_the_true_error_and_the_warning_starts_where_it_should(cli):
    """sin(2x)·e^x at 0.3: its k-th derivative is 5^(k/2)·e^x·sin(2x + k·atan 2)."""
    doc, err = run_json(cli, "sin(2*x)*exp(x)", "--x", "0.3", "--order", "100")
    x = mpmath.mpf("0.3")
    first_suspect = None
    for k, (d, b) in enumerate(zip(doc["derivatives"]["x"], doc["derivative_bounds"]["x"]),
                               start=1):
        exact = mpmath.power(5, mpmath.mpf(k) / 2) * mpmath.e**x * mpmath.sin(2*x + k*mpmath.atan(2))
        assert abs(mpmath.mpf(d) - exact) <= b, k
        if first_suspect is None and b / abs(d) > 1e-8:
            first_suspect = k
    assert first_suspect is not None
    assert f"the first d{first_suspect}f/dx{first_suspect}, may have lost digits" in err
    # and no warning while every bound is small
    _, quiet = run_json(cli, "sin(2*x)*exp(x)", "--x", "0.3", "--order", str(first_suspect - 1))
    assert "lost digits" not in quiet


def test_polynomials_stay_exact_at_zero(cli):
    doc, _ = run_json(cli, "x^4 - 2*x^2", "--x", "0", "--order", "6")
    assert doc["derivatives"]["x"] == [0.0, -4.0, 0.0, 24.0, 0.0, 0.0]


def test_zero_to_the_y_is_zero_at_every_order_in_y(cli):
    doc, _ = run_json(cli, "0^y", "--y", "1.5", "--order", "6")
    assert doc["derivatives"]["y"] == [0.0] * 6


def test_taylor_mode_agrees_with_double_backprop_on_the_examples():
    """The two methods are independent; they must agree wherever both run."""
    from autodiff_cli.core.graph import build
    from autodiff_cli.core.nested import nested_pure_derivatives
    from autodiff_cli.language.parser import parse

    for text, point in [("sin(x)*exp(-x^2/2) + log(1+x^2)*tanh(x)", 0.4),
                        ("a = sqrt(x); a^3 / (1 + a)", 1.7), ("x^2.5 * atan(x)", 0.9)]:
        program = parse(text)
        graph = build(program, {"x": point})
        nested = nested_pure_derivatives(graph.output, graph.inputs, ["x"], 5)["x"]
        taylor = evaluate(program, x=point, order=5).derivatives["x"]
        for n, t in zip(nested, taylor):
            assert abs(float(n) - float(t)) <= 1e-9 * max(1.0, abs(float(n))), text


def test_order_200_is_the_cap_and_past_it_a_clear_limit_error(cli):
    doc, _ = run_json(cli, "tanh(tanh(x))", "--x", "0.5", "--order", "200")
    assert len(doc["derivatives"]["x"]) == 200
    r = cli("eval", "x", "--x", "1", "--order", "201")
    assert r.code == 2 and "--order 201 is above the largest supported order, 200" in r.err


def test_the_series_reads_back_as_a_program_with_the_same_values(cli):
    doc, _ = run_json(cli, "log(x)*exp(x)", "--x", "1.2", "--series", "12")
    series = doc["series"]
    assert series["variable"] == "x" and series["at"] == 1.2
    assert len(series["coefficients"]) == len(series["bounds"]) == 13
    text = series["expression"]
    assert "(x - 1.2)" in text
    for x in (1.2, 1.25, 1.1):
        near = evaluate(text, x=x).value
        assert abs(near - evaluate("log(x)*exp(x)", x=x).value) < 1e-9
    plain = cli("eval", "log(x)*exp(x)", "--x", "1.2", "--series", "12")
    assert plain.out.splitlines()[-1] == f"series\t{text}"


@pytest.mark.parametrize("args,message", [
    (["x*y", "--x", "1", "--y", "2", "--series", "3"], "--series needs one variable"),
    (["x", "--x", "1,2", "--series", "3"], "a Taylor series needs scalar values"),
    (["x", "--points", "-", "--series", "3"], "--series works on one evaluation"),
])
def test_series_misuse_is_an_input_error(cli, args, message):
    r = cli("eval", *args, input="x\n1\n")
    assert r.code == 2 and message in r.err


def test_points_with_order_10_run_taylor_mode_on_whole_columns(cli):
    rows = [0.1 * i for i in range(1, 30)]
    r = cli("eval", "tanh(x)*exp(x)", "--points", "-", "--order", "10",
            input="x\n" + "".join(f"{x}\n" for x in rows))
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].split("\t")[-1] == "d10f/dx10"
    for line, x in zip(lines[1:], rows):
        single = evaluate("tanh(x)*exp(x)", x=x, order=10).derivatives["x"]
        assert [float(v) for v in line.split("\t")[3:]] == pytest.approx(
            [float(v) for v in single[1:]], rel=1e-12)
