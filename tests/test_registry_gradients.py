"""Every registry entry, checked automatically (a new ``define(...)`` is tested with no edit here).

- forward against the entry's sympy template, at points sampled in its ``domain``;
- the engine's first derivative against central differences (float64, relative error
  <= 1e-6), on scalars and on vectors with broadcasting;
- derivatives up to order 4, by differentiating the backward graph again
  (``create_graph=True``), against sympy.

Points near a ``kink`` are skipped: there the registry documents a subgradient instead.
sympy is only an oracle here; the tool never imports it.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
import sympy

from autodiff_cli.core import registry
from autodiff_cli.core.engine import Variable, apply

SPECS = list(registry.FUNCTIONS.values())
IDS = [f"{s.name}/{s.arity}" for s in SPECS]
ELEMENTWISE = [s for s in SPECS if not s.reduces]
ELEMENTWISE_IDS = [f"{s.name}/{s.arity}" for s in ELEMENTWISE]
ORDER = 4
SYMBOLS = sympy.symbols("x0:6", real=True)  # so that Abs differentiates to sign
T = sympy.Symbol("t", real=True)


# --- sampling --------------------------------------------------------------------------------

def _components(spec) -> int:
    """How many scalar symbols the sympy template uses: 3 per vector argument."""
    return 3 * spec.arity if spec.reduces else spec.arity


def _draw(rng, spec) -> list[float]:
    """One point in the domain, as a flat list of floats (one per sympy symbol)."""
    domains = [spec.domain[i // 3] if spec.reduces else spec.domain[i]
               for i in range(_components(spec))]
    while True:
        point = [float(rng.uniform(lo, hi)) for lo, hi in domains]
        if spec.reduces or spec.kink is None or not spec.kink(*point):
            return point


def points(spec, count: int = 3, seed: int = 0) -> list[list[float]]:
    rng = np.random.default_rng([seed, sum(map(ord, spec.name)), spec.arity])
    return [_draw(rng, spec) for _ in range(count)]


def arguments(spec, point):
    """The flat point as the arguments the entry takes (3-vectors for reductions)."""
    if spec.reduces:
        return [np.array(point[3 * i:3 * i + 3]) for i in range(spec.arity)]
    return [np.float64(p) for p in point]


# --- the sympy oracle ------------------------------------------------------------------------

@functools.cache
def template(spec) -> sympy.Expr:
    return sympy.sympify(spec.sympy, locals={str(s): s for s in SYMBOLS})


@functools.cache
def sympy_partial(spec, path: tuple[int, ...]) -> sympy.Expr:
    """The mixed partial along ``path`` (symbol indices), cached: it is symmetric."""
    expr = template(spec)
    for i in path:
        expr = sympy.diff(expr, SYMBOLS[i])
    return expr


def at(expr, point) -> float:
    # subs, not lambdify: Heaviside and DiracDelta (relu, max, ...) away from kinks evaluate.
    return float(sympy.N(expr.subs(dict(zip(SYMBOLS, point))), 30))


def close(actual, expected, rel: float, floor: float = 1e-12) -> bool:
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    scale = np.maximum(np.abs(expected), np.abs(actual))
    return bool(np.all(np.abs(actual - expected) <= rel * scale + floor))


# --- the engine side -------------------------------------------------------------------------

def inputs(args) -> list[Variable]:
    return [Variable(a, kind="input") for a in args]


def engine_gradient(spec, args) -> list:
    xs = inputs(args)
    apply(spec, *xs).backward()
    return [x.grad.data if x.grad is not None else np.zeros_like(x.data) for x in xs]


def central(spec, args) -> list:
    """d sum(f) / d(each element of each argument), by central differences."""
    def total(values):
        with np.errstate(all="ignore"):
            return float(np.sum(spec.forward(*values)))

    result = []
    for i, a in enumerate(args):
        a = np.asarray(a, dtype=np.float64)
        grad = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            h = 1e-6 * max(1.0, abs(a[index]))
            up, down = a.copy(), a.copy()
            up[index] += h
            down[index] -= h
            plus = [*args[:i], up, *args[i + 1:]]
            minus = [*args[:i], down, *args[i + 1:]]
            grad[index] = (total(plus) - total(minus)) / (2 * h)
        result.append(grad)
    return result


def mixed_partials(spec, args, order: int) -> dict[tuple[int, ...], float]:
    """Every mixed partial up to ``order`` of a scalar entry, by repeated backward passes."""
    xs = inputs(args)
    frontier = [((), apply(spec, *xs))]
    found = {}
    for _ in range(order):
        following = []
        for path, target in frontier:
            for x in xs:
                x.cleargrad()
            target.backward(create_graph=True)
            for i, x in enumerate(xs):
                found[path + (i,)] = 0.0 if x.grad is None else x.grad.data
                if x.grad is not None:
                    following.append((path + (i,), x.grad))
        frontier = following
    return found


def chain(target: Variable, x: Variable, order: int) -> list:
    """d^n target / dx^n for n = 1..order (seed ones: the sum, for vectors)."""
    result = []
    for _ in range(order):
        x.cleargrad()
        target.backward(create_graph=True)
        if x.grad is None:
            result += [np.zeros_like(x.data)] * (order - len(result))
            break
        result.append(x.grad.data)
        target = x.grad
    return result


# --- the tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_entry_has_what_the_tests_need(spec):
    assert len(spec.domain) == spec.arity
    assert all(lo < hi for lo, hi in spec.domain)
    assert template(spec).free_symbols <= set(SYMBOLS[:_components(spec)])
    assert spec.derivative and spec.summary
    assert spec.signature.count(",") == spec.arity - 1  # dot(v) once hid its second argument


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_forward_matches_sympy(spec):
    for point in points(spec):
        value = spec.forward(*arguments(spec, point))
        assert np.ndim(value) == 0
        assert close(value, at(template(spec), point), rel=1e-12), point


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_first_derivative_matches_central_differences(spec):
    for point in points(spec):
        args = arguments(spec, point)
        for analytic, numeric in zip(engine_gradient(spec, args), central(spec, args)):
            assert np.shape(analytic) == np.shape(numeric)
            assert close(analytic, numeric, rel=1e-6, floor=1e-9), (point, analytic, numeric)


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_first_derivative_with_broadcasting(spec):
    """A vector in one argument and scalars in the others, each argument in turn."""
    rows = np.array(points(spec, count=3, seed=1))  # one point per row
    for vector in range(spec.arity):
        args = [np.float64(rows[0, i]) for i in range(spec.arity)]
        args[vector] = rows[:, vector].copy()
        gradient = engine_gradient(spec, args)
        for i, (analytic, numeric) in enumerate(zip(gradient, central(spec, args))):
            assert np.shape(analytic) == np.shape(args[i])
            assert close(analytic, numeric, rel=1e-6, floor=1e-9), (args, analytic, numeric)


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.reduces],
                         ids=[i for s, i in zip(SPECS, IDS) if not s.reduces])
def test_mixed_partials_to_order_4_match_sympy(spec):
    for point in points(spec, count=2, seed=2):
        for path, value in mixed_partials(spec, arguments(spec, point), ORDER).items():
            expected = at(sympy_partial(spec, tuple(sorted(path))), point)
            assert close(value, expected, rel=1e-9, floor=1e-9), (path, point, value, expected)


@pytest.mark.parametrize("spec", [s for s in ELEMENTWISE if s.arity == 1],
                         ids=[f"{s.name}/1" for s in ELEMENTWISE if s.arity == 1])
def test_higher_orders_are_elementwise_on_vectors(spec):
    """On a vector the seed is ones, so order n is the n-th derivative of each element."""
    flat = [p[0] for p in points(spec, count=3, seed=3)]
    x = Variable(np.array(flat), kind="input")
    for n, value in enumerate(chain(apply(spec, x), x, ORDER), start=1):
        expected = [at(sympy_partial(spec, (0,) * n), [p]) for p in flat]
        assert close(value, expected, rel=1e-9, floor=1e-9), (n, value, expected)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.reduces],
                         ids=[i for s, i in zip(SPECS, IDS) if s.reduces])
def test_reductions_to_order_4_along_a_line(spec):
    """d^n/dt^n f(v + t*u) at t = 0: exercises broadcast_to and sum_to at every order."""
    rng = np.random.default_rng(4)
    for point in points(spec, count=2, seed=4):
        direction = rng.uniform(-1.0, 1.0, size=len(point))
        t = Variable(0.0, kind="input")
        args = [Variable(a) + t * Variable(u)
                for a, u in zip(arguments(spec, point), arguments(spec, list(direction)))]
        line = template(spec).subs({s: p + T * u for s, p, u in zip(SYMBOLS, point, direction)},
                                   simultaneous=True)
        for n, value in enumerate(chain(apply(spec, *args), t, ORDER), start=1):
            expected = float(sympy.N(sympy.diff(line, T, n).subs(T, 0), 30))
            assert close(value, expected, rel=1e-9, floor=1e-9), (n, point, value, expected)


def test_kink_conventions_are_the_documented_ones():
    """relu and abs give 0 at 0; max and min split a tie in halves; higher orders are 0."""
    for name in ("relu", "abs"):
        spec = registry.lookup(name, 1)
        assert float(engine_gradient(spec, [np.float64(0.0)])[0]) == 0.0
        assert "0" in spec.notes
    for name in ("max", "min"):
        spec = registry.lookup(name, 2)
        assert [float(g) for g in engine_gradient(spec, [np.float64(1.5)] * 2)] == [0.5, 0.5]
        partials = mixed_partials(spec, [np.float64(1.5)] * 2, 3)
        assert all(float(v) == 0.0 for path, v in partials.items() if len(path) > 1)
    for name in ("max", "min"):
        spec = registry.lookup(name, 1)
        gradient = engine_gradient(spec, [np.array([2.0, 2.0, -1.0 if name == "max" else 5.0])])
        assert gradient[0].tolist() == ([0.5, 0.5, 0.0])


def test_the_tests_cover_the_whole_registry():
    assert len(SPECS) == len(registry.FUNCTIONS) >= 40
    assert list(itertools.chain(ELEMENTWISE)) == [s for s in SPECS if not s.reduces]
