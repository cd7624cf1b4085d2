"""The scalar path (Python floats and math, core/elementary.py) against the vector path (numpy).

A scalar evaluation computes with ``Real`` (a float with IEEE operators) and ``math``; a
vector goes through numpy's ufuncs, as every evaluation did before. Both must mean the same:
the same nan and infinities, the same warnings and exit codes, values that agree to a few
units in the last place.

Why not bitwise: libm (``math``) and numpy's own loops for exp, log, tanh, cbrt and others are
both faithfully rounded but not always to the same neighbour (numpy has SIMD kernels that
libm has not): they differ by one ulp on some inputs, up to 3 ulps for tanh and cbrt, and a
program carries that difference on. The arithmetic operators are correctly rounded, so those
are compared bitwise.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, note, strategies as st

from autodiff_cli.core import elementary as el, registry
from autodiff_cli.core.engine import as_data, gc_paused
from autodiff_cli.core.graph import build, gradients
from autodiff_cli.language.parser import parse

from conftest import run_cli

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -8.0, 1 / 3, 1e-320, -1e-320,
           1e300, -1e300, 710.0, -710.0, 1000.0, -1000.0, math.inf, -math.inf, math.nan]
ANY = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True),
                st.floats(-20, 20))


def same(a, b) -> bool:
    """Bitwise the same number, the sign of zero included; any nan equals any nan."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def ulps_apart(a, b, ulps: int) -> bool:
    """As ``same`` for nan, the infinities and zeros; within ``ulps`` for finite numbers."""
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b)) or a == 0 or b == 0:
        return same(a, b) or (a == b == 0)
    return abs(a - b) <= ulps * math.ulp(max(abs(a), abs(b)))


def numpy_result(f, *args):
    with np.errstate(all="ignore"):
        return f(*[np.float64(a) for a in args])


# --- the operators: bitwise what numpy's float64 gives -------------------------------------

OPERATORS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
             "/": lambda a, b: a / b, "**": lambda a, b: a ** b}


@pytest.mark.parametrize("symbol", list(OPERATORS))
@given(ANY, ANY)
def test_real_operators_give_what_numpy_float64_gives_bitwise(symbol, a, b):
    op = OPERATORS[symbol]
    expected = numpy_result(op, a, b)
    for left, right in ((el.Real(a), el.Real(b)), (el.Real(a), b), (a, el.Real(b))):
        got = op(left, right)
        assert type(got) is el.Real, (left, right)
        assert same(got, expected), (a, symbol, b, got, expected)


@given(ANY)
def test_real_negation_and_abs_keep_the_type_and_the_sign_rules(a):
    assert type(-el.Real(a)) is type(abs(el.Real(a))) is el.Real
    assert same(-el.Real(a), numpy_result(np.negative, a))
    assert same(abs(el.Real(a)), numpy_result(np.abs, a))


def test_the_ieee_edge_cases_of_the_brief():
    R = el.Real
    assert R(1.0) / 0 == math.inf and R(-1.0) / 0.0 == -math.inf and 1 / R(-0.0) == -math.inf
    assert math.isnan(R(0.0) / 0) and R(0.0) ** -1 == math.inf and R(-0.0) ** -1 == -math.inf
    assert math.isnan(R(-8.0) ** (1 / 3)) and R(10.0) ** 400 == math.inf
    assert R(-10.0) ** 401 == -math.inf and 2 ** R(2000.0) == math.inf
    assert math.isnan(el.log(-1.0)) and el.log(0.0) == -math.inf and el.exp(1000.0) == math.inf
    assert math.isnan(el.sqrt(-1.0)) and el.sinh(-1000.0) == -math.inf
    assert el.arctanh(1.0) == math.inf
    # reductions, masks and signs on scalars
    assert el.reduction("sum")(R(3.0)) == 3.0 and el.sign(R(-0.0)) == 0.0
    assert el.where(R(0.0) == 0, 0.0, R(5.0)) == 0.0 and type(el.where(True, 1.0, R(2.0))) is R
    assert type(el.where(True, 1.0, 2.0)) is float and type(el.divide(1.0, 0.0)) is float
    assert el.divide(1.0, -0.0) == -math.inf and math.isnan(el.divide(0.0, 0.0))


def test_a_real_with_an_array_gives_the_array():
    v = np.array([1.0, 0.0])
    with np.errstate(divide="ignore"):
        results = (el.Real(2.0) * v, v * el.Real(2.0), el.Real(1.0) / v, el.Real(2.0) ** v)
    for got in results:
        assert isinstance(got, np.ndarray) and got.shape == (2,)
    assert type(as_data(np.float64(2.0))) is float and type(as_data(np.array(2.0))) is float
    assert type(as_data(el.Real(2.0))) is el.Real  # kept: the engine's IEEE rerun needs it
    assert isinstance(as_data(np.array([2.0])), np.ndarray)


# --- the elementary functions: math on scalars, numpy's answers to a few ulps -------------

UNARY = ["sqrt", "cbrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan",
         "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
         "square", "sign"]
BINARY = ["arctan2", "hypot", "power", "divide", "logaddexp", "maximum", "minimum"]
ULPS = 4  # libm against numpy's loops: 3 at most measured (tanh, cbrt), see the docstring


@pytest.mark.parametrize("name", UNARY + ["abs_"])
@given(ANY)
def test_each_unary_function_agrees_with_numpy_on_a_scalar(name, x):
    expected = numpy_result(getattr(np, "abs" if name == "abs_" else name), x)
    for argument, kind in ((x, float), (el.Real(x), el.Real)):  # a Real stays a Real
        got = getattr(el, name)(argument)
        assert type(got) is kind
        assert ulps_apart(got, expected, ULPS), (name, x, got, expected)


@pytest.mark.parametrize("name", BINARY)
@given(ANY, ANY)
def test_each_binary_function_agrees_with_numpy_on_scalars(name, x, y):
    got = getattr(el, name)(el.Real(x), el.Real(y))
    expected = numpy_result(getattr(np, name), x, y)
    exact = name in ("maximum", "minimum", "divide")  # correctly rounded (numpy's power has
    # its own SIMD loop: 1 ulp from C's pow, which the operator ** of both paths uses)
    assert same(got, expected) if exact else ulps_apart(got, expected, ULPS), (name, x, y, got)


# --- whole programs: the scalar path against the vector path ------------------------------

FUNCTIONS = [s for s in registry.FUNCTIONS.values() if not s.reduces]


@st.composite
def programs(draw, depth=3):
    """A random expression in x and y over the registry's elementwise functions, arguments
    mapped into each function's sampling domain (as tests/test_properties.py does)."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(["x", "y", "2.5", "0.5"]))
    spec = draw(st.sampled_from(FUNCTIONS))
    args = []
    for lo, hi in spec.domain:
        arg = draw(programs(depth - 1))
        args.append(arg if (lo, hi) == (-3.0, 3.0) else f"({lo!r} + {hi - lo!r}*sigmoid({arg}))")
    if spec.symbols and spec.arity == 2:
        return f"({args[0]} {spec.symbols[0]} {args[1]})"
    if spec.symbols:
        return f"(-{args[0]})"
    return f"{spec.name}({', '.join(args)})"


def evaluate(program, values):
    with gc_paused():
        graph = build(program, values)
        grads = gradients(graph, ["x", "y"])
    return graph.output.data, grads


def agree(scalar, vector) -> bool:
    """The vector path's one element against the scalar: the same nan and infinities, and
    finite values to a relative 1e-9 (a program carries an ulp of difference on)."""
    assert type(scalar) is float and np.size(vector) == 1  # plain floats: the fast path
    a, b = float(scalar), float(np.ravel(vector)[0])
    if not (math.isfinite(a) and math.isfinite(b)):
        return same(a, b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


REDUCTIONS = sorted(spec.name for spec in registry.FUNCTIONS.values()
                    if spec.reduces and spec.arity == 1)


@given(programs(), st.sampled_from([None, *REDUCTIONS]), st.floats(-3, 3), st.floats(-3, 3))
def test_the_scalar_path_and_the_vector_path_agree_on_random_programs(text, reduce, x, y):
    text = f"{text} + 0*x + 0*y"  # both variables always in the program
    if reduce:  # a reduction of a scalar, and of a vector of one element
        text = f"{reduce}({text})"
    note(text)
    program = parse(text)
    value, grads = evaluate(program, {"x": x, "y": y})
    vector, vector_grads = evaluate(program, {"x": np.array([x]), "y": np.array([y])})
    assert agree(value, vector), (value, vector)
    for name in ("x", "y"):
        assert agree(grads[name], vector_grads[name]), (name, grads[name], vector_grads[name])


POINTS = [0.0, -0.0, 0.5, 1.0, -1.0, 2.0, -8.0, 1e300, -1e300, 1e-320, math.inf, -math.inf,
          math.nan]


def call_text(spec) -> str:
    if spec.symbols:
        return f"x {spec.symbols[0]} y" if spec.arity == 2 else f"{spec.symbols[0]}x"
    return f"{spec.name}({', '.join(['x', 'y'][:spec.arity])})"


@pytest.mark.parametrize("spec", [s for s in registry.FUNCTIONS.values() if s.arity == 1 or
                                  not s.reduces], ids=lambda s: f"{s.name}/{s.arity}")
def test_every_function_and_its_derivative_at_the_ieee_edges_as_the_vector_path(spec):
    """Division by 0 and overflow in a backward formula on floats raise in Python: the engine
    runs that step again on Reals. Every function, at zeros, infinities, nan, huge and tiny
    values, must give the vector path's (numpy's) value and derivatives."""
    program = parse(call_text(spec) + (" + 0*y" if spec.arity == 1 else ""))
    for x in POINTS:
        for y in (POINTS if spec.arity == 2 else [0.0]):
            value, grads = evaluate(program, {"x": x, "y": y})
            vector, vector_grads = evaluate(program, {"x": np.array([x]), "y": np.array([y])})
            for ours, theirs in [(value, vector)] + [(grads[n], vector_grads[n]) for n in "xy"]:
                assert type(ours) is float
                assert ulps_apart(ours, np.ravel(theirs)[0], 8), (spec.name, x, y, ours, theirs)


def test_a_backward_step_that_divides_by_zero_runs_again_with_ieee_operators(monkeypatch):
    from autodiff_cli.core import engine

    calls = []
    rerun = engine._ieee_backward
    monkeypatch.setattr(engine, "_ieee_backward", lambda *a: calls.append(a[0].name) or rerun(*a))
    value, grads = evaluate(parse("log(x) + 0*y"), {"x": 0.0, "y": 1.0})
    assert calls == ["log"] and value == -math.inf and grads["x"] == math.inf
    assert type(grads["x"]) is float
    calls.clear()
    evaluate(parse("log(x) + 0*y"), {"x": 2.0, "y": 1.0})
    assert calls == []  # the common case never pays for it


# --- the command line: every edge case as the vector path (numpy's rules) prints it --------

EDGE_CASES = [
    ("1/x", "0", "inf"), ("x/y", "0", "nan"), ("log(x)", "-1", "nan"), ("log(x)", "0", "-inf"),
    ("exp(x)", "1000", "inf"), ("x^(1/3)", "-8", "nan"), ("sqrt(x)", "-1", "nan"),
    ("sqrt(x)", "0", "0.0"), ("x^-1", "0", "inf"), ("x^-1", "-0.0", "-inf"),
    ("x^401", "-10", "-inf"), ("sinh(x)", "-1000", "-inf"), ("atanh(x)", "1", "inf"),
    ("sign(x)", "-2", "-1.0"), ("relu(x)", "-0.0", "0.0"), ("abs(x)", "0", "0.0"),
    ("sum(x) + max(x) + prod(x) + norm(x)", "2", "8.0"), ("norm(x)", "1e200", "inf"),
    ("max(x, 1)", "1", "1.0"), ("x^4", "0", "0.0"), ("x - x", "inf", "nan"),
    ("softplus(x) + sigmoid(x)", "-800", "0.0"), ("hypot(x, 0)", "0", "0.0"),
]


def normalized(err: str) -> str:
    """A one-element vector's warnings say '1 of 1 elements are not finite (first: inf)'
    where a scalar's say 'inf': otherwise they are the same words."""
    return re.sub(r"1 of 1 elements are not finite \(first: ([^)]*)\)", r"\1", err)


def unwrapped(document: str) -> dict:
    """A JSON result with each one-element list replaced by its element, warnings as above."""
    def unwrap(v):
        if isinstance(v, list):
            return unwrap(v[0]) if len(v) == 1 else [unwrap(e) for e in v]
        if isinstance(v, dict):
            return {k: unwrap(e) for k, e in v.items()}
        return normalized(v) if isinstance(v, str) else v
    return unwrap(json.loads(document))


def scalar_and_vector(expression, x, *options):
    arguments = ("--y", "0") if "y" in expression else ()
    vector_arguments = ("--y", "[0]") if "y" in expression else ()
    return (run_cli("eval", expression, "--x", x, *arguments, *options),
            run_cli("eval", expression, "--x", f"[{x}]", *vector_arguments, *options))


@pytest.mark.parametrize("expression, x, value", EDGE_CASES)
def test_each_edge_case_prints_what_the_numpy_path_prints(expression, x, value):
    scalar, vector = scalar_and_vector(expression, x)
    assert scalar.code == vector.code == 0
    assert scalar.out == vector.out
    assert normalized(scalar.err) == normalized(vector.err)
    assert scalar.out.splitlines()[0] == f"f\t{value}"
    if not math.isfinite(float(value)) and math.isfinite(float(x)):
        assert "gave a non-finite result" in scalar.err


@pytest.mark.parametrize("expression, x, value", EDGE_CASES[:8])
def test_edge_cases_fail_under_strict_and_read_the_same_in_json(expression, x, value):
    scalar, vector = scalar_and_vector(expression, x, "--strict")
    assert scalar.code == vector.code
    assert normalized(scalar.err) == normalized(vector.err)
    scalar, vector = scalar_and_vector(expression, x, "--format", "json")
    assert (scalar.code, unwrapped(scalar.out)) == (vector.code, unwrapped(vector.out))
