"""autodiff diff's core and views: derivatives read from the recorded backward graph, as formulas."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
import sympy

from autodiff_cli.api import evaluate
from autodiff_cli.core import derive, formula, registry
from autodiff_cli.core.formula import operations, program_operations
from autodiff_cli.errors import LimitError, NamingError, UsageError
from autodiff_cli.language.parser import parse
from autodiff_cli.views import formula as formula_print

X = sympy.Symbol("x")


def derivative(source: str, **options):
    return derive.derivative(parse(source), **options)


def text_of(source: str, **options) -> dict[str, str]:
    """{label: expression} of the derivatives, with bindings written in (for comparisons)."""
    return formula_print.derivatives(derivative(source, **options))


def programs(source: str, **options) -> dict[str, str]:
    """{label: the one-line plain program}, read from the plain format."""
    lines = formula_print.plain(derivative(source, **options)).splitlines()
    return dict(line.split("\t") for line in lines)


def by_variables(formula) -> list[tuple[tuple[str, ...], str]]:
    """[(the variables differentiated by, the one-line program)]."""
    return [(d.wrt, p) for d, p in zip(formula.derivatives, formula_print.programs(formula))]


def sympy_of(program: str):
    """A plain program as a sympy expression (bindings substituted), for textbook checks."""
    names = {"square": lambda u: u**2, "sqrt": sympy.sqrt, "log": sympy.log}
    for statement in program.split(";"):
        statement = statement.strip().replace("^", "**")
        if "=" in statement:
            name, _, expr = statement.partition("=")
            names[name.strip()] = sympy.sympify(expr, locals=names)
        else:
            return sympy.sympify(statement, locals=names)


SMELLS = ("*1 ", "+ 0", "1*", "0*", "--", "- -", "*1;")


def assert_clean(expression: str) -> None:
    padded = expression + " "
    for smell in SMELLS:
        assert smell not in padded.replace("0.5*", "half*"), (smell, expression)
    assert not padded.rstrip().endswith("*1")


# --- textbook cases ----------------------------------------------------------------------------

TEXTBOOK = [
    ("x^3", {"3*x^2"}),
    ("sin(x)*x", {"x*cos(x) + sin(x)", "sin(x) + x*cos(x)"}),
    ("exp(2*x)", {"2*exp(2*x)"}),
    ("log(x)", {"1/x"}),
    ("1/x", {"-1/x^2"}),
    ("sqrt(x)", {"0.5/sqrt(x)", "1/(2*sqrt(x))"}),
    ("cos(x)", {"-sin(x)"}),
    ("3*x^2 + 2*x + 1", {"6*x + 2", "2 + 6*x"}),
]


@pytest.mark.parametrize("source, expected", TEXTBOOK)
def test_textbook_derivatives_read_as_a_person_writes_them(source, expected):
    (got,) = text_of(source).values()
    assert got in expected
    assert_clean(got)


def test_power_by_its_exponent():
    got = text_of("x^y", wrt="y")
    assert got == {"df/dy": "x^y*log(x)"}


def test_the_seed_program_keeps_its_binding_and_equals_8ax():
    formula = derivative("a = square(x); y = square(a) + square(a)")
    assert formula_print.bindings(formula) == [("a", "square(x)")]
    (label, expr), = formula_print.derivatives(formula).items()
    assert label == "dy/dx"
    assert_clean(expr)
    a = sympy.Symbol("a")
    assert sympy.simplify(sympy.sympify(expr.replace("^", "**")) - 8 * a * X) == 0


@pytest.mark.parametrize("source", ["x^3", "sin(x)*x", "exp(2*x)", "log(x)", "1/x", "sqrt(x)",
                                    "a = square(x); y = square(a) + square(a)", "x^y"])
def test_textbook_derivatives_agree_with_sympy(source):
    f = sympy.sympify(source.split(";")[-1].split("=")[-1].replace("^", "**").replace(
        "square(a)", "x**4"))
    for label, program in programs(source).items():
        assert_clean(program)
        name = sympy.Symbol(label.split("/d")[1])
        assert sympy.simplify(sympy_of(program) - sympy.diff(f, name)) == 0


def test_a_shared_value_is_named_once_and_a_single_use_is_inline():
    formula = derivative("exp(x)*exp(x) + sin(x)")
    text = formula_print.text(formula)
    assert text.count("exp(x)") == 1, text  # computed once, named
    assert "cos(x)" in text and "= cos(x)" not in text  # used once: inline


def test_the_gradient_shares_one_set_of_bindings():
    formula = derivative("u = sin(x*y); u*u + x")
    data = formula_print.as_json(formula)
    assert data["wrt"] == ["x", "y"]
    assert set(data["derivatives"]) == {"df/dx", "df/dy"}
    names = [name for name, _ in data["bindings"]]
    assert "u" in names and len(names) == len(set(names))
    json.dumps(data)


def test_subtraction_and_constants_first():
    (got,) = text_of("x - 3*sin(x)").values()
    assert got == "1 - 3*cos(x)"
    (got,) = text_of("sin(x)*3").values()
    assert got == "3*cos(x)"


def test_latex():
    latex = formula_print.latex(derivative("x^3 + sin(x)*y + log(x)", wrt="x")).splitlines()[-1]
    assert latex.startswith("\\frac{\\partial f}{\\partial x} = ")
    assert "x^{2}" in latex and "\\cdot" in latex and "\\cos" in latex and "\\frac{" in latex[20:]
    # sign prints as mathematics writes it, sgn; inverse functions as arcsin & co
    latex = formula_print.latex(derivative("abs(x) + asin(x)", wrt="x")).splitlines()[-1]
    assert "\\operatorname{sgn}\\left(x\\right)" in latex and "sign" not in latex


def test_parentheses_are_minimal_but_keep_the_evaluation_order():
    printer_cases = {"-x^2": "-2*x", "(x + 1)^3": "3*(x + 1)^2"}
    for source, expected in printer_cases.items():
        (got,) = text_of(source).values()
        assert got == expected


# --- kinks: masks are functions of the arguments, never constants read at one point ---------


@pytest.mark.parametrize("source", ["relu(x)", "abs(x)", "max(x, y)", "min(x, y)", "max(x, 2)",
                                    "relu(x - y)*x", "abs(x)*abs(y)", "min(x, y)^2"])
def test_kinks_follow_the_engines_conventions_everywhere(source):
    lines = programs(source)
    for x in (-1.5, -0.0, 0.0, 1e-300, 2.0):
        for y in (-1.5, 0.0, 2.0, x):
            gradient = evaluate(source, x=x, y=y).gradient
            for label, program in lines.items():
                value = evaluate(program, x=x, y=y).value
                assert value == gradient[label[-1]], (source, label, program, x, y)


def test_a_variable_exponent_has_a_symbolic_slope():
    # x^y by x: y*x^(y - 1), not the slope read at y = 0.5.
    assert text_of("x^y", wrt="x") == {"df/dx": "y*x^(y - 1)"}
    assert text_of("x^0") == {"df/dx": "0"}


# --- round trip on random programs over the whole registry ------------------------------------

SPECS = sorted(registry.FUNCTIONS.values(), key=lambda s: (s.name, s.arity))
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


def random_program(rng: random.Random, size: int) -> str:
    """Statements over x, y, z: every registry function, shared values by binding."""
    pool = ["x", "y", "z", "x", "y", "2", "0.5", "pi"]
    statements = []
    for k in range(size):
        spec = rng.choice(SPECS)
        args = [rng.choice(pool[-6:]) if rng.random() < 0.7 else rng.choice(pool)
                for _ in range(spec.arity)]
        if spec.name in INFIX:
            expr = f"({args[0]} {INFIX[spec.name]} {args[1]})"
        elif spec.name == "neg":
            expr = f"(-{args[0]})"
        else:
            expr = f"{spec.name}({', '.join(args)})"
        if rng.random() < 0.4:
            name = f"v{k}"
            statements.append(f"{name} = {expr}")
            pool.append(name)
        else:
            pool.append(expr)
    statements.append(" + ".join(pool[-2:]) if rng.random() < 0.5 else pool[-1])
    return "; ".join(statements)


def close(a: float, b: float) -> bool:
    if a == b:
        return True
    scale = max(abs(a), abs(b))
    return abs(a - b) <= max(1e-13 * scale, 4 * np.spacing(scale))


def test_round_trip_the_plain_program_evaluates_to_evals_gradient():
    rng = random.Random(13)
    compared = 0
    for case in range(250):
        source = random_program(rng, rng.randint(2, 7))
        lines = by_variables(derivative(source))
        for _ in range(2):
            point = {v: rng.uniform(0.2, 1.6) for v in "xyz"}
            result = evaluate(source, point)
            if not math.isfinite(result.value):
                continue  # a mask of a nan argument: the engine's 0, sign(nan) = nan here
            for (name,), program in lines:
                want = float(result.gradient[name])
                if not math.isfinite(want):
                    continue
                got = float(evaluate(program, point).value)
                assert close(got, want), (source, name, program, point, got, want)
                compared += 1
    assert compared > 350


@pytest.mark.parametrize("order", [2, 3])
def test_higher_orders_agree_with_eval_order(order):
    rng = random.Random(order)
    compared = 0
    for case in range(40):
        source = random_program(rng, rng.randint(2, 4))
        used = [v for v in "xy" if v in parse(source).inputs]
        for wrt in ([used[0]], used) if used else ():
            if order == 3 and len(wrt) > 1:
                continue
            formula = derivative(source, wrt=wrt, order=order)
            point = {v: rng.uniform(0.2, 1.6) for v in "xyz"}
            try:
                result = evaluate(source, point, wrt=wrt, order=order)
            except LimitError:
                continue
            if result.hessian is not None:
                names = result.hessian["variables"]
                want = {(a, b): result.hessian["matrix"][i][j]
                        for i, a in enumerate(names) for j, b in enumerate(names)}
            else:
                want = {(n,) * order: d[-1] for n, d in result.derivatives.items()}
            for variables, program in by_variables(formula):
                w = float(want[variables])
                if not math.isfinite(w):
                    continue
                got = float(evaluate(program, point).value)
                assert abs(got - w) <= 1e-9 * max(1.0, abs(w)), (source, variables, program, got, w)
                compared += 1
    assert compared > 20


def test_hessian_entries_and_nth_derivatives():
    assert text_of("x^4", order=3) == {"d3f/dx3": "24*x"}
    hessian = formula_print.text(derivative("x^2*y", order=2))
    assert hessian == "t1 = 2*x\nd2f/dx2 = 2*y\nd2f/dxdy = t1\nd2f/dydx = t1\nd2f/dy2 = 0\n"
    assert text_of("sin(x)", order=4) == {"d4f/dx4": "sin(x)"}


def test_limits_and_errors(monkeypatch):
    with pytest.raises(LimitError):
        derivative("x", order=21)
    with pytest.raises(UsageError):
        derivative("x", order=0)
    with pytest.raises(NamingError):
        derivative("x^2", wrt="q")
    monkeypatch.setattr(derive, "MAX_FUNCTIONS", 3000)  # the real one takes seconds to reach
    big = "; ".join(f"v{k} = tanh(v{k - 1} * x)" if k else "v0 = tanh(x)" for k in range(60))
    with pytest.raises(LimitError, match="3,000 functions"):
        derivative(big, order=12)
    many = " + ".join(f"sin(x{k}*x{k + 1})" for k in range(200))
    derivative(many)  # the gradient has no limit
    with pytest.raises(LimitError):
        derivative(many, order=2)  # its Hessian has 201^2 entries


# --- size: the printed gradient stays within 3x the function ----------------------------------


def ratio(source: str) -> float:
    return operations(derivative(source)) / program_operations(parse(source))


SIZES = {
    "product of 160 sines": "*".join(f"sin({k}*x)" if k > 1 else "sin(x)"
                                     for k in range(1, 161)),
    "chain of 1000": "sin(" * 1000 + "x" + ")" * 1000,
    "sum of 1000 terms": " + ".join(f"{k}*sin(x{k % 10}*x)" for k in range(1, 1001)),
    "product of 1000 variables": "*".join(f"x{k}" for k in range(1000)),
}


@pytest.mark.parametrize("name", SIZES)
def test_the_printed_gradient_is_at_most_3x_the_function(name):
    assert ratio(SIZES[name]) <= 3.0


def test_operations_count_the_parsed_plain_program():
    formula = derivative("a = sin(x); a*a - 2/x + x^y - 3*y")
    program = formula_print.text(formula).replace("df/d", "g_")  # the text format, as a program
    assert operations(formula) == program_operations(parse(program)), program


def test_a_deep_program_needs_no_recursion():
    source = "; ".join(["a0 = x"] + [f"a{k} = sin(a{k - 1}) * y + a{k - 1}" for k in range(1, 3400)])
    formula = derivative(source)
    assert len(formula_print.plain(formula).splitlines()) == 2
    deep = "-(" * 5000 + "x" + ")" * 5000 + "*" + "(" * 3000 + "x + " * 3000 + "y" + ")" * 3000
    formula_print.latex(derivative(deep))


def test_exact_powers_follow_the_engine_at_a_zero_exponent(monkeypatch):
    # By default a variable exponent p is taken as nonzero: y*x^(y - 1), which reads nan at
    # x = y = 0 where eval says 0. EXACT_POWERS writes the engine's guard with sign.
    monkeypatch.setattr(formula, "EXACT_POWERS", True)
    for source in ("x^y", "x^y*x"):
        for (name,), program in by_variables(derivative(source, wrt="x")):
            for x, y in ((0.0, 0.0), (0.0, 1.0), (2.0, 0.0), (1.5, 2.5)):
                want = evaluate(source, x=x, y=y).gradient[name]
                assert evaluate(program, x=x, y=y).value == want, (program, x, y)


def test_a_result_that_is_a_variable_itself_has_the_derivative_1():
    assert text_of("x") == {"df/dx": "1"}
    assert text_of("a = sin(x); y") == {"df/dx": "0", "df/dy": "1"}
    assert text_of("x", order=2) == {"d2f/dx2": "0"}
