"""Property-based correctness: random programs over the whole registry against sympy.

Hypothesis draws well-formed programs (bindings, constants, scalars and a vector
with broadcasting, every registry function), evaluates them with autodiff at a
random point inside every function's domain, and compares the value and the
gradient with sympy (the exact oracle, evaluated at 30 digits) and with central
differences. Arguments of functions with a restricted domain are mapped into it
with ``lo + (hi - lo)*sigmoid(...)``, using the domain the registry declares.

CI runs the 'ci' profile (a fixed seed, a few hundred programs); for a long local
run: ``pytest tests/test_properties.py --hypothesis-profile=long``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pytest

sp = pytest.importorskip("sympy")
from hypothesis import assume, given, note, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autodiff_cli.core import registry  # noqa: E402
from autodiff_cli.core.graph import build, gradients  # noqa: E402
from autodiff_cli.core.engine import gc_paused  # noqa: E402
from autodiff_cli.language.parser import parse  # noqa: E402


N = 3  # the vector variable v has three elements
SYMBOLS = {"x": sp.Symbol("x", real=True), "y": sp.Symbol("y", real=True)}
V = [sp.Symbol(f"v{i}", real=True) for i in range(N)]
FULL_RANGE = (-3.0, 3.0)  # the registry's default sampling range: the function is total there


@dataclass(frozen=True)
class Expr:
    text: str
    sym: object  # a sympy expression, or a tuple of N for a vector

    @property
    def is_vector(self) -> bool:
        return isinstance(self.sym, tuple)


def elementwise(f, *args: Expr):
    """Apply f to sympy values, broadcasting a scalar against a vector."""
    if not any(a.is_vector for a in args):
        return f(*[a.sym for a in args])
    return tuple(f(*[a.sym[i] if a.is_vector else a.sym for a in args]) for i in range(N))


@lru_cache(maxsize=None)
def template(spec: registry.Spec):
    return sp.sympify(spec.sympy, locals={f"x{i}": sp.Symbol(f"x{i}", real=True)
                                          for i in range(6)})


def apply_template(spec, values):
    mapping = {sp.Symbol(f"x{i}", real=True): v for i, v in enumerate(values)}
    return template(spec).xreplace(mapping)


def into_domain(arg: Expr, domain) -> Expr:
    """Map an argument into (lo, hi) smoothly, so the function is defined there."""
    lo, hi = domain
    if (lo, hi) == FULL_RANGE:
        return arg
    text = f"({lo!r} + {hi - lo!r}*sigmoid({arg.text}))"
    return Expr(text, elementwise(lambda s: lo + (hi - lo) / (1 + sp.exp(-s)), arg))


OPERATORS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}
ELEMENTWISE = [s for s in registry.FUNCTIONS.values() if not s.reduces]
REDUCTIONS = [s for s in registry.FUNCTIONS.values() if s.reduces]


def call(spec, args: list[Expr]) -> Expr:
    args = [into_domain(a, d) for a, d in zip(args, spec.domain)]
    if spec.name in OPERATORS:
        text = f"({args[0].text} {OPERATORS[spec.name]} {args[1].text})"
    elif spec.name == "neg":
        text = f"(-{args[0].text})"
    else:
        text = f"{spec.name}({', '.join(a.text for a in args)})"
    return Expr(text, elementwise(lambda *s: apply_template(spec, s), *args))


def reduce_(spec, args: list[Expr]) -> Expr:
    vectors = [into_domain(a, spec.domain[0]) for a in args]
    text = f"{spec.name}({', '.join(a.text for a in vectors)})"
    flat = [s for a in vectors for s in a.sym]
    return Expr(text, apply_template(spec, flat))


constants = st.sampled_from([0.5, 1.5, 2.0, 3.0, 0.25, 1.0]).map(lambda c: Expr(repr(c), sp.Float(c, 30)))
leaves = st.one_of(
    st.sampled_from([Expr("x", SYMBOLS["x"]), Expr("y", SYMBOLS["y"]), Expr("v", tuple(V)),
                     Expr("pi", sp.pi)]),
    constants,
)


def extend(children):
    unary = st.tuples(st.sampled_from([s for s in ELEMENTWISE if s.arity == 1]), children).map(
        lambda t: call(t[0], [t[1]]))
    binary = st.tuples(st.sampled_from([s for s in ELEMENTWISE if s.arity == 2]), children,
                       children).map(lambda t: call(t[0], [t[1], t[2]]))
    vector_children = children.filter(lambda e: e.is_vector)
    reduction = st.tuples(st.sampled_from(REDUCTIONS), vector_children, vector_children).map(
        lambda t: reduce_(t[0], [t[1], t[2]][: t[0].arity]))
    return st.one_of(unary, binary, reduction)


expressions = st.recursive(leaves, extend, max_leaves=6)


@st.composite
def programs(draw):
    """'a = <expr>; <expr using a>' or a single expression, as (text, sympy value)."""
    first = draw(expressions)
    if draw(st.booleans()):
        return first.text, first.sym
    bound = Expr("a", first.sym)
    second = draw(st.recursive(st.one_of(leaves, st.just(bound)), extend, max_leaves=4))
    text = f"a = {first.text}\n{second.text}"
    return text, second.sym


points = st.fixed_dictionaries({
    "x": st.floats(-2.0, 2.0), "y": st.floats(-2.0, 2.0),
    "v": st.lists(st.floats(-2.0, 2.0), min_size=N, max_size=N),
})


def close(ours, exact, rel=1e-8):
    return math.isclose(ours, exact, rel_tol=rel, abs_tol=rel * 1e-2)


def numeric(sym, subs):
    return float(sp.N(sym.xreplace(subs), 30))


def run(text, point):
    program = parse(text)
    values = {"x": point["x"], "y": point["y"], "v": np.array(point["v"])}
    used = {k: v for k, v in values.items() if k in program.inputs}
    with gc_paused(), np.errstate(all="ignore"):
        graph = build(program, used)
        for node, var in zip(program.nodes, graph.nodes):
            data = np.asarray(var.data)
            assume(np.all(np.isfinite(data)) and np.all(np.abs(data) < 1e6))
            if node.spec is not None and node.spec.kink is not None:
                args = [np.asarray(graph.nodes[i].data) for i in node.args]
                assume(not np.any(node.spec.kink(*args)))
        grads = gradients(graph, list(program.inputs))
    return program, graph, grads, used


def substitutions(point):
    subs = {SYMBOLS["x"]: sp.Float(point["x"], 30), SYMBOLS["y"]: sp.Float(point["y"], 30)}
    subs.update({V[i]: sp.Float(point["v"][i], 30) for i in range(N)})
    return subs


@given(programs(), points)
def test_value_and_gradient_agree_with_sympy(program_and_sym, point):
    text, sym = program_and_sym
    note(f"program:\n{text}\npoint: {point}")
    program, graph, grads, used = run(text, point)
    subs = substitutions(point)
    value = np.atleast_1d(graph.output.data)
    exact_values = sym if isinstance(sym, tuple) else (sym,)
    if len(value) == 1 and len(exact_values) == N:  # a scalar program reads as a scalar
        value = np.repeat(value, N)
    for ours, exact in zip(value, exact_values):
        assert close(float(ours), numeric(exact, subs)), (text, point)
    total = sp.Add(*exact_values) if isinstance(sym, tuple) else sym  # seed of ones
    for name, grad in grads.items():
        wrt = [SYMBOLS[name]] if name != "v" else V
        exact = [numeric(sp.diff(total, w), subs) for w in wrt]
        assert np.all(np.isfinite(exact))
        for ours, e in zip(np.atleast_1d(grad), exact):
            assert close(float(ours), e), (text, point, name, float(ours), e)


@given(programs(), points)
def test_gradient_agrees_with_central_differences(program_and_sym, point):
    text, _ = program_and_sym
    note(f"program:\n{text}\npoint: {point}")
    program, graph, grads, used = run(text, point)
    for name in program.inputs:
        if name == "v":
            continue  # covered element-wise by the sympy property
        x0 = used[name]
        eps = 1e-6 * max(1.0, abs(x0))

        def f(x):
            with np.errstate(all="ignore"):
                return float(np.sum(build(program, {**used, name: x}).output.data))
        numeric_grad = (f(x0 + eps) - f(x0 - eps)) / (2 * eps)
        ours = float(grads[name])
        assert math.isclose(ours, numeric_grad, rel_tol=1e-4, abs_tol=1e-5), \
            (text, point, name, ours, numeric_grad)


@settings(max_examples=80)
@given(expressions.filter(lambda e: not e.is_vector), st.floats(-2.0, 2.0))
def test_second_derivative_agrees_with_sympy(expr, x):
    text = expr.text
    note(f"program: {text}\nx = {x}")
    program = parse(text)
    assume(list(program.inputs) == ["x"])
    _, graph, _, _ = run(text, {"x": x, "y": 0.0, "v": [0.0] * N})
    var = graph.inputs["x"]
    with np.errstate(all="ignore"):
        var.cleargrad()
        graph.output.backward(create_graph=True)
        first = var.grad
        var.cleargrad()
        first.backward()
    ours = float(var.grad.data) if var.grad is not None else 0.0
    exact = numeric(sp.diff(expr.sym, SYMBOLS["x"], 2), {SYMBOLS["x"]: sp.Float(x, 30)})
    assume(math.isfinite(exact))
    assert math.isclose(ours, exact, rel_tol=1e-7, abs_tol=1e-8), (text, x, ours, exact)
