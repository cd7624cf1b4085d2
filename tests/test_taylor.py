"""Taylor mode (autodiff_cli.core.taylor) against independent oracles.

- every registry entry against the nested backward pass (higher.nested_pure_derivatives),
  orders 1-6, at points sampled in the entry's ``domain`` (away from kinks);
- entries and the issue's acceptance cases against mpmath at 50+ digits, to order 30-100, with
  the error bound checked to cover the true error;
- the generic rule against the dedicated ones; numpy arrays against the scalar pass row by row;
  the documented choices at kinks, at 0^y and at u0 = 0.
mpmath is only an oracle here: the tool never imports it.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from autodiff_cli.core import registry, taylor
from autodiff_cli.core.graph import build
from autodiff_cli.core.nested import nested_pure_derivatives
from autodiff_cli.language.parser import parse

ORDER = 6
SPECS = list(registry.FUNCTIONS.values())
ELEMENTWISE = [s for s in SPECS if not s.reduces]
REDUCTIONS = [s for s in SPECS if s.reduces]


def ders(text: str, values: dict, wrt: str = "x", order: int = ORDER, **kw):
    return taylor.derivatives(parse(text), values, wrt, order, **kw)


def nested(text: str, values: dict, wrt: str, order: int = ORDER) -> list:
    graph = build(parse(text), values)
    return [np.asarray(v, dtype=float) for v in
            nested_pure_derivatives(graph.output, graph.inputs, [wrt], order)[wrt]]


def assert_close(actual, expected, rel=1e-9):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    scale = np.maximum(np.abs(expected), 1.0)
    assert np.all(np.abs(actual - expected) <= rel * scale), (actual, expected)


# --- every registry entry against the nested backward pass -------------------------------------

def sample(spec, count=2):
    rng = np.random.default_rng([7, sum(map(ord, spec.name)), spec.arity])
    found = []
    while len(found) < count:
        point = [float(rng.uniform(lo, hi)) for lo, hi in spec.domain]
        if spec.kink is None or not spec.kink(*point):
            found.append(point)
    return found


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=[f"{s.name}/{s.arity}" for s in ELEMENTWISE])
def test_entry_agrees_with_nested_backward(spec):
    names = ["x", "y"][: spec.arity]
    text = f"{spec.name}({', '.join(names)})"
    for point in sample(spec):
        values = dict(zip(names, point))
        for wrt in names:
            got, bounds = ders(text, values, wrt)
            assert len(got) == ORDER and all(b >= 0 for b in bounds)
            assert_close(got, nested(text, values, wrt), rel=1e-8)


def _reduction_case(spec, rng):
    lo, hi = spec.domain[0]
    c = rng.uniform(lo + 0.2 * (hi - lo), hi - 0.2 * (hi - lo), 3)
    w = rng.uniform(0.1, 0.3, 3) * rng.choice([-1, 1], 3)
    values = {"x": 0.4, "w": w, "c": c}
    if spec.arity == 2:
        return f"{spec.name}(x*w + c, x*x*w - c)", values
    return f"{spec.name}(x*w + c)", values


@pytest.mark.parametrize("spec", REDUCTIONS, ids=[f"{s.name}/{s.arity}" for s in REDUCTIONS])
def test_reduction_agrees_with_nested_backward(spec):
    rng = np.random.default_rng([3, sum(map(ord, spec.name)), spec.arity])
    text, values = _reduction_case(spec, rng)
    got, _ = ders(text, values)
    assert_close(got, nested(text, values, "x"), rel=1e-8)


def test_every_entry_names_a_rule_the_package_has():
    assert all(callable(taylor.rule_of(s)) for s in SPECS)
    assert all(isinstance(s.taylor, str) for s in SPECS)  # names: no import at start-up


# --- mpmath oracles -------------------------------------------------------------------------------

def cauchy_derivatives(f, x0: float, order: int, radius: float, points: int = 256) -> list:
    """d^k f/dx^k at x0, k = 1..order, by the trapezoid rule on Cauchy's integral (a circle of
    ``radius`` inside f's disc of analyticity), at 60 digits: aliasing ~ (radius/R)^points."""
    with mp.workdps(60):
        roots = [mp.expjpi(mp.mpf(2 * j) / points) for j in range(points)]
        values = [f(mp.mpf(x0) + radius * w) for w in roots]
        out = []
        for k in range(1, order + 1):
            s = mp.fsum(v * roots[(-j * k) % points] for j, v in enumerate(values))
            out.append(mp.re(s) / points / mp.mpf(radius) ** k * mp.factorial(k))
        return out


def check_against(got, bounds, exact, rel=None):
    """Every bound covers the true error; optionally a relative accuracy too."""
    for k, (g, b, t) in enumerate(zip(got, bounds, exact), start=1):
        err = abs(mp.mpf(g) - t)
        assert b >= err, f"order {k}: bound {b} < error {float(err)}"
        if rel is not None:
            assert err <= rel * abs(t), f"order {k}: relative error {float(err / abs(t))}"


MP_CASES = [  # text, point, mpmath function, radius inside the disc of analyticity, order
    ("exp(x)", 0.3, mp.exp, 2.0, 40),
    ("log(x)", 1.3, mp.log, 0.6, 40),
    ("sin(x)", 0.7, mp.sin, 2.0, 40),
    ("cos(x)", -1.1, mp.cos, 2.0, 40),
    ("tan(x)", 0.4, mp.tan, 0.6, 40),
    ("atan(x)", 0.5, mp.atan, 0.6, 40),
    ("asin(x)", 0.3, mp.asin, 0.35, 30),
    ("acos(x)", -0.2, mp.acos, 0.4, 30),
    ("sqrt(x)", 1.7, mp.sqrt, 0.8, 40),
    ("cbrt(x)", 2.0, mp.cbrt, 1.0, 40),
    ("x^2.5", 1.2, lambda z: z ** mp.mpf(2.5), 0.6, 40),
    ("sigmoid(x)", 0.8, lambda z: 1 / (1 + mp.exp(-z)), 1.2, 40),
    ("softplus(x)", -0.4, lambda z: mp.log(1 + mp.exp(z)), 1.2, 40),
    ("asinh(x)", 0.9, mp.asinh, 0.6, 30),
    ("acosh(x)", 2.0, mp.acosh, 0.5, 30),
    ("atanh(x)", 0.2, mp.atanh, 0.4, 30),
    ("sinh(x)*cosh(x)", 0.6, lambda z: mp.sinh(z) * mp.cosh(z), 2.0, 40),
    ("log1p(x) + expm1(x)", 0.5, lambda z: mp.log(1 + z) + mp.exp(z) - 1, 0.7, 40),
    ("log2(x) - log10(x)", 1.5, lambda z: mp.log(z, 2) - mp.log(z, 10), 0.7, 40),
]


@pytest.mark.parametrize("case", MP_CASES, ids=[c[0] for c in MP_CASES])
def test_against_mpmath_to_high_order(case):
    text, x0, f, radius, order = case
    got, bounds = ders(text, {"x": x0}, order=order)
    exact = cauchy_derivatives(f, x0, order, radius)
    check_against(got, bounds, exact, rel=1e-8)


def test_bivariate_entries_against_mpmath():
    exact = cauchy_derivatives(# atan2(a, b) = atan(a/b) and hypot(z, 2) = sqrt(z^2 + 4) where b > 0 (near 0.6)
        lambda z: mp.atan(z * z / (1 - z)) + mp.sqrt(z * z + 4) * z ** z,
                               0.6, 30, 0.25)
    got, bounds = ders("atan2(x*x, 1 - x) + hypot(x, 2) * x^x", {"x": 0.6}, order=30)
    check_against(got, bounds, exact, rel=1e-8)


# --- the acceptance cases -----------------------------------------------------------

def test_sin2x_exp_bounds_cover_the_true_error_to_order_100():
    got, bounds = ders("sin(2*x)*exp(x)", {"x": 0.3}, order=100)
    with mp.workdps(50):
        x = mp.mpf(0.3)
        exact = [5 ** (mp.mpf(k) / 2) * mp.exp(x) * mp.sin(2 * x + k * mp.atan(2))
                 for k in range(1, 101)]
        check_against(got, bounds, exact)
        rel = [float(abs(mp.mpf(g) - t) / abs(t)) for g, t in zip(got, exact)]
    assert 1e-12 < rel[49] < 1e-9 and 1e-7 < rel[99] < 1e-4  # the float64 loss the issue states


def test_tanh_order_100_within_1e12_of_mpmath():
    got, bounds = ders("tanh(x)", {"x": 0.5}, order=100)
    exact = cauchy_derivatives(mp.tanh, 0.5, 100, 1.0)
    check_against(got, bounds, exact, rel=1e-12)


def test_mixed_expression_order_50_within_the_bound():
    text = "exp(sin(x))/(1+x^2) + log(x)*x^2.5"
    got, bounds = ders(text, {"x": 0.7}, order=50)
    exact = cauchy_derivatives(
        lambda z: mp.exp(mp.sin(z)) / (1 + z ** 2) + mp.log(z) * z ** mp.mpf(2.5), 0.7, 50, 0.35)
    check_against(got, bounds, exact)


def test_polynomial_is_exact_at_zero():
    got, bounds = ders("x^4 - 2*x^2", {"x": 0.0})
    assert got == [0.0, -4.0, 0.0, 24.0, 0.0, 0.0]


def test_zero_to_the_y_by_y_is_zero_at_every_order():
    got, _ = ders("0^y", {"y": 1.5}, wrt="y", order=10)
    assert got == [0.0] * 10
    got, _ = ders("x^y", {"x": 0.0, "y": 2.0}, wrt="y", order=4)
    assert got == [0.0] * 4


def test_order_100_coefficients_do_not_overflow_or_underflow():
    got, bounds = ders("exp(x)", {"x": 0.0}, order=100)
    assert np.allclose(got, 1.0, rtol=1e-13, atol=0) and max(bounds) < 1e-12


# --- the generic rule -------------------------------------------------------------------------------

GENERIC = {  # name -> (f at the point, its derivative as a rule, whether it uses the output)
    "exp": (lambda ns, x: ns.exp(x), lambda u, v: v, True),
    "tanh": (lambda ns, x: ns.tanh(x), lambda u, v: taylor.sub(
        taylor.constant(1.0, v.d), taylor.square(v)), True),
    "log": (lambda ns, x: ns.log(x), lambda u: taylor.div(taylor.constant(1.0, u.d), u), False),
    "sin": (lambda ns, x: ns.sin(x), taylor.cos, False),
    "atan": (lambda ns, x: ns.atan(x), lambda u: taylor.div(
        taylor.constant(1.0, u.d), taylor.add(taylor.constant(1.0, u.d), taylor.square(u))), False),
}


@pytest.mark.parametrize("name", GENERIC)
def test_generic_rule_matches_the_dedicated_one(name):
    f0, g, uses_output = GENERIC[name]
    rule = taylor.generic(f0, g, uses_output)
    for x0 in (0.4, 1.3):
        u = taylor.add(taylor.variable(x0, 25), taylor.square(taylor.variable(0.0, 25)))
        mine, dedicated = rule(u), taylor.rule_of(registry.lookup(name, 1))(u)
        for a, ea, b, eb in zip(mine.full(), mine.full_errors(), dedicated.full(),
                                dedicated.full_errors()):
            assert abs(a - b) <= ea + eb


# --- vectorised ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "sin(2*x)*exp(x)", "tanh(x*y) + x^2.5 / (1 + y)", "relu(x - 1) + abs(x - y) + max(x, y)",
    "atan2(x, y) + hypot(x, y) + sqrt(x) + cbrt(x - 2)", "x^y + log1p(x) * sigmoid(y)"])
def test_arrays_equal_the_scalar_pass_row_by_row(text):
    x = np.array([0.3, 1.0, 2.5, 1.7])
    y = np.array([1.7, 1.0, -0.5, 1.7])
    program = parse(text)
    vec, vec_bounds = taylor.derivatives(program, {"x": x, "y": y}, "x", 8)
    for i in range(len(x)):
        row, row_bounds = taylor.derivatives(program, {"x": x[i], "y": y[i]}, "x", 8)
        assert [float(v[i]) for v in vec] == pytest.approx(row, rel=1e-13, abs=1e-13, nan_ok=True)
        # an array exponent takes the real-power path, a scalar 1.0 not; one point bounds
        # tanh, x^2.5 and cbrt by their linear response, arrays step by step
        if "^y" not in text and not any(f in text for f in ("tanh", "^2.5", "cbrt")):
            assert [float(v[i]) for v in vec_bounds] == pytest.approx(row_bounds, rel=1e-6,
                                                                      nan_ok=True)
        for v, b, r, rb in zip(vec, vec_bounds, row, row_bounds):
            assert abs(float(v[i]) - r) <= float(b[i]) + rb


def test_array_with_a_zero_base_follows_the_scalar_choice():
    vec, _ = taylor.derivatives(parse("x^2.5"), {"x": np.array([0.0, 1.0])}, "x", 4)
    for i, x0 in enumerate((0.0, 1.0)):
        row, _ = taylor.derivatives(parse("x^2.5"), {"x": x0}, "x", 4)
        assert [float(v[i]) for v in vec] == row


# --- documented choices ---------------------------------------------------------------------

def test_kinks_follow_the_registry_subgradients_at_every_order():
    assert ders("relu(x)", {"x": 0.0})[0] == [0.0] * ORDER
    assert ders("abs(x)", {"x": 0.0})[0] == [0.0] * ORDER
    assert ders("abs(x)", {"x": -1.0})[0] == [-1.0] + [0.0] * (ORDER - 1)
    tie = ders("max(x^2, 2*x - 1)", {"x": 1.0})[0]  # 0.5*(x^2 + 2x - 1)
    assert tie == [2.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    assert tie == [float(v) for v in nested("max(x^2, 2*x - 1)", {"x": 1.0}, "x")]
    assert ders("min(x, 2 - x)", {"x": 1.0})[0] == [0.0] * ORDER


def test_real_power_at_zero_is_zero_below_its_order_and_infinite_above():
    got, _ = ders("x^2.5", {"x": 0.0}, order=4)
    assert got[:2] == [0.0, 0.0] and got[2] == math.inf and got[3] == -math.inf
    assert ders("sqrt(x)", {"x": 0.0}, order=2)[0] == [math.inf, -math.inf]
    assert all(math.isnan(v) for v in ders("hypot(x, x)", {"x": 0.0}, order=2)[0])


def test_no_rule_is_a_clear_error():
    import dataclasses

    program = parse("exp(x)")
    spec = dataclasses.replace(program.nodes[-1].spec, name="nosuch", taylor=None)
    program.nodes[-1] = dataclasses.replace(program.nodes[-1], name="nosuch", spec=spec)
    with pytest.raises(taylor.TaylorError, match="nosuch"):
        taylor.derivatives(program, {"x": 1.0}, "x", 2)


@pytest.mark.parametrize("text", ["tanh(x)", "log(1 + x^2) / sqrt(x) + x^2.5 + cbrt(x)",
                                  "atan2(x, 2) + asin(x/3) + x^x + softplus(x) + prod(x*w)"])
def test_bounds_can_be_switched_off(text):
    values = {"x": 0.5, "w": np.array([1.0, 2.0])}
    got, bounds = ders(text, values, order=10, bounds=False)
    assert bounds is None and got == ders(text, values, order=10)[0]
