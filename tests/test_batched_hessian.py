"""The Hessian over a vector's elements by one batched backward pass (core/batched.py) gives
exactly the rows of one seeded pass per row (the oracle, ``element_hessian_rows``): for every
registry entry, at kinks, for mixes of scalars and vectors, in blocks, and on random programs
(also against SymPy). A function without a batched backward is refused, never summed over
the batch by mistake."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autodiff_cli.core import elements, registry
from autodiff_cli.core.batched import BatchRefused, batched_backward
from autodiff_cli.core.elements import batched_hessian, element_hessian, element_hessian_rows
from autodiff_cli.core.engine import InternalSpec, Variable, apply
from autodiff_cli.language.parser import parse
from test_properties import N, SYMBOLS, V, expressions, run

SPOTS = np.array([0.13, 0.41, 0.67, 0.92])  # where in a sampling range the elements sit


def printed(hessian: dict) -> list[list[str]]:
    """The entries as the views print them: -0.0 and 0.0 differ, every nan is 'nan'."""
    return [[repr(float(v)) for v in row] for row in hessian["matrix"]]


def assert_same_rows(text: str, data: dict, names: list[str] | None = None) -> dict:
    program = parse(text)
    data = {k: v for k, v in data.items() if k in program.inputs}
    names = names or list(program.inputs)
    batched = batched_hessian(program, data, names)  # raises BatchRefused, no fallback
    rows = element_hessian_rows(program, data, names)
    assert batched["variables"] == rows["variables"]
    assert printed(batched) == printed(rows), text
    return batched


def call(spec, *args: str) -> str:
    if spec.symbols:
        return f"(-{args[0]})" if spec.arity == 1 else f"({args[0]} {spec.symbols[0]} {args[1]})"
    return f"{spec.name}({', '.join(args)})"


def inside(domain, spots=SPOTS):
    lo, hi = domain
    return lo + (hi - lo) * spots


def programs(spec) -> list[tuple[str, dict]]:
    """Programs whose Hessian runs ``spec``'s backward (and those of the functions its
    backward uses) on a batch: on vectors, on a scalar next to them, both ways round."""
    f = lambda *args: call(spec, *args)  # noqa: E731
    first = spec.domain[0]
    if spec.reduces and spec.arity == 1:
        data = {"x": inside(first), "s": float(inside(first, 0.3))}
        return [(f"{f('x')}^2 * s + sum(x*x) * {f('x')}", data),
                (f"{f('s')}^2 * sum(x)", data)]
    if spec.reduces:  # dot
        data = {"x": inside(first), "y": inside(spec.domain[1], SPOTS[::-1]), "s": 0.7}
        return [(f"{f('x', 'y')}^2 * s + {f('x', 'x*s')}", data)]
    if spec.arity == 1:
        data = {"x": inside(first), "s": float(inside(first, 0.3)), "t": 0.7}
        return [(f"sum({f('x')})^2", data), (f"sum({f('x')} * t) * t", data),
                (f"sum({f('x')} * {f('x')})", data), (f"sum(x * {f('s')})^2", data)]
    second = spec.domain[1]
    data = {"x": inside(first), "y": inside(second, SPOTS[::-1]),
            "s": float(inside(first, 0.3)), "t": float(inside(second, 0.6))}
    return [(f"sum({f('x', 'y')})^2", data), (f"sum({f('x', 't')})^2", data),
            (f"sum({f('s', 'y')})^2", data),
            (f"sum({f('x', 'y')} * {f('y', 'x') if first == second else f('x', 'y')})", data)]


@pytest.mark.parametrize("key", sorted(registry.FUNCTIONS), ids=lambda k: f"{k[0]}/{k[1]}")
def test_every_registry_entry_runs_batched_exactly_as_row_by_row(key):
    spec = registry.FUNCTIONS[key]
    for text, data in programs(spec):
        hessian = assert_same_rows(text, data)
        assert np.isfinite(np.array(hessian["matrix"])).all(), text  # a real test, not nan=nan


@pytest.mark.parametrize("text, data", [
    ("sum(relu(x) * x^2)", {"x": [0.0, -1.5, 2.0, 0.0]}),
    ("sum(abs(x) * x) + abs(s)^3", {"x": [0.0, -1.0, 2.0], "s": 0.0}),
    ("sum(sign(x) * x^2)", {"x": [0.0, -1.0, 2.0]}),
    ("sum(max(x, y)^2) + sum(min(x, s)^3)", {"x": [1.0, 2.0, -1.0], "y": [1.0, 0.5, -1.0],
                                             "s": 2.0}),
    ("max(x)^2 + min(x)^3 + max(x*x)", {"x": [1.0, 1.0, -2.0, -2.0]}),
    ("prod(x)^2 + prod(x)", {"x": [0.0, 2.0, -1.5]}),  # prod_except at a zero: nan both ways
    ("norm(x) + norm(x)^2", {"x": [0.0, 0.0, 0.0]}),
    ("sum(hypot(x, y))", {"x": [0.0, 1.0], "y": [0.0, 2.0]}),
    ("sum(log(x)) + sum(sqrt(x))", {"x": [0.0, 1.0, 4.0]}),
    ("logsumexp(x) + sum(x^2)/2", {"x": [1e308, -1e308, 3.0]}),
])
def test_kinks_and_singular_points_give_the_same_rows(text, data):
    assert_same_rows(text, {k: np.array(v) if isinstance(v, list) else v
                            for k, v in data.items()})


def test_scalars_next_to_vectors_in_any_order_and_a_subset_of_variables():
    data = {"x": np.array([0.3, -1.2, 2.0]), "y": np.array([1.0, 2.0, 3.0]), "s": 0.7,
            "t": -0.4}
    text = "dot(x, y)*s + s^2*norm(x) + logsumexp(x*t) + t*s + sum(y)"  # sum(y): linear
    hessian = assert_same_rows(text, data)
    assert hessian["variables"] == ["x[0]", "x[1]", "x[2]", "y[0]", "y[1]", "y[2]", "s", "t"]
    assert assert_same_rows(text, data, ["t", "x"])["variables"] == ["t", "x[0]", "x[1]", "x[2]"]
    assert_same_rows("sum(x)*s", data)  # d/dx has no dependence on x: its rows are constants


@pytest.mark.parametrize("budget", [1, 9, 20, 30])
def test_blocks_of_rows_give_the_rows_of_one_pass(monkeypatch, budget):
    data = {"x": np.linspace(-1.0, 1.5, 7), "s": 0.5}
    text = "logsumexp(x)*s + prod(x) + sum(x^3)/s"
    whole = batched_hessian(parse(text), data, ["x", "s"])
    monkeypatch.setattr(elements, "BATCH_ENTRIES", budget)  # 1 to 4 rows per pass
    assert elements._block_rows(data, ["x", "s"]) == max(1, budget // 7)
    assert printed(assert_same_rows(text, data)) == printed(whole)


def test_an_internal_function_without_a_batched_backward_is_refused_and_rows_take_over(
        monkeypatch):
    text, data = "sum(x^3) + sum(x^y)", {"x": np.array([0.5, 1.5, 2.0]), "y": 1.5}
    rows = element_hessian_rows(parse(text), data, ["x", "y"])
    monkeypatch.setattr(registry._SLOPE, "batched", None)
    with pytest.raises(BatchRefused, match="pow_slope"):
        batched_hessian(parse(text), data, ["x", "y"])
    assert printed(element_hessian(parse(text), data, ["x", "y"])) == printed(rows)


def test_a_backward_that_loses_the_batch_axis_or_cannot_broadcast_is_refused():
    x = Variable(np.array([1.0, 2.0, 3.0]), kind="input")
    seed = np.eye(3)

    def through(batched):
        spec = InternalSpec("twice", lambda d: 2 * d, lambda xs, y, g: (2 * g,), batched=batched)
        return [(apply(spec, x), seed)]

    with pytest.raises(BatchRefused, match="lost the batch axis"):
        batched_backward(through(lambda xs, y, g: (np.sum(g),)), 3, [x])
    with pytest.raises(BatchRefused, match="fails on a batch"):
        batched_backward(through(lambda xs, y, g: (np.ones(2) * g,)), 3, [x])
    found = batched_backward(through("elementwise"), 3, [x])
    assert np.array_equal(found[id(x)], 2 * np.eye(3))


def test_the_command_line_prints_what_it_printed_before(cli):
    run = cli("eval", "sum(x^2)", "--x", "1,2,3", "--order", "2")
    assert run.code == 0 and run.err == ""
    assert run.out.splitlines() == ["f\t14.0", "df/dx\t2.0,4.0,6.0"] + [
        f"d2f/dx[{i}]{'2' if i == j else f'dx[{j}]'}\t{2.0 if i == j else 0.0}"
        for i in range(3) for j in range(3)]
    check = cli("check", "logsumexp(x)*y + dot(x, x)", "--x", "1,2,3", "--y", "0.5",
                "--order", "2", "--format", "plain")
    assert check.code == 0, check.err
    assert len(check.out.splitlines()) == 1 + 4 + 16  # a header, the gradient, the Hessian


# --- random programs: the batched pass against the rows, and both against SymPy -----------


@settings(max_examples=60)
@given(expressions, st.lists(st.floats(-2.0, 2.0), min_size=N, max_size=N),
       st.floats(-2.0, 2.0), st.floats(-2.0, 2.0))
def test_random_programs_match_the_rows_and_sympy(expr, v, x, y):
    assume("v" in expr.text)
    text = f"sum({expr.text})" if expr.is_vector else expr.text
    program = parse(text)
    values = {"v": np.array(v), "x": x, "y": y}
    data = {k: values[k] for k in program.inputs}
    with np.errstate(all="ignore"):
        assume(np.isfinite(elements.build(program, data).output.data))
    hessian = assert_same_rows(text, data)  # kinks included: the rows agree everywhere
    run(text, {"v": v, "x": x, "y": y})  # SymPy only away from kinks and overflow
    ours = np.array(hessian["matrix"])
    assume(np.isfinite(ours).all() and np.abs(ours).max() < 1e6)
    symbols = {"v": V, "x": [SYMBOLS["x"]], "y": [SYMBOLS["y"]]}
    variables = [s for name in program.inputs for s in symbols[name]]
    total = sum(expr.sym) if expr.is_vector else expr.sym
    subs = {SYMBOLS["x"]: x, SYMBOLS["y"]: y, **dict(zip(V, v))}
    exact = sp.hessian(total, variables).xreplace(subs).evalf(30)
    assert np.allclose(ours, np.array(exact.tolist(), dtype=float), rtol=1e-8, atol=1e-8), text


def test_passes_in_threads_share_no_state():
    """The batch lives in the pass's arguments and locals: threads running batched passes
    at once get what each gets alone."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [(text, {"x": np.linspace(-1.0, 1.0, n), "s": 0.3 * n})
             for n in (3, 5, 8) for text in ("logsumexp(x)*s + prod(x)", "norm(x)^3 + s*max(x)")]
    alone = [printed(batched_hessian(parse(t), d, ["x", "s"])) for t, d in cases]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(5):
            together = pool.map(lambda c: printed(batched_hessian(parse(c[0]), c[1], ["x", "s"])),
                                cases)
            assert list(together) == alone
