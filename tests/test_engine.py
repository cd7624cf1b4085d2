"""The engine's three lessons from the seed document, and its rules (PRODUCT §9)."""

import numpy as np
import pytest

from autodiff_cli import evaluate
from autodiff_cli.core import registry
from autodiff_cli.core.engine import Function, Variable, no_grad


def var(value, name="x"):
    return Variable(value, name=name, kind="input")


# --- problem 1: a variable used twice accumulates its gradient ---------------------

def test_variable_used_twice_accumulates():
    assert float(evaluate("x+x", x=3.0).gradient["x"]) == 2.0


def test_variable_used_three_times_accumulates():
    assert float(evaluate("(x+x)+x", x=3.0).gradient["x"]) == 3.0


def test_accumulation_is_out_of_place():
    x = var(np.array([1.0, 2.0]))
    y = x + x
    y.backward()
    first = x.grad
    saved = first.data.copy()
    x.cleargrad()
    (x * x).backward()
    np.testing.assert_array_equal(first.data, saved)  # the earlier gradient was not mutated


# --- problem 2: a new evaluation does not see old gradients ------------------------

def test_evaluating_twice_gives_the_same_gradient():
    once = evaluate("x*x + x", x=2.0).gradient["x"]
    twice = evaluate("x*x + x", x=2.0).gradient["x"]
    assert float(once) == float(twice) == 5.0


def test_the_seed_documents_two_evaluations():
    # x + x gives 2, then (x + x) + x gives 3: not 5, as it would with stale gradients.
    assert float(evaluate("x + x", x=3.0).gradient["x"]) == 2.0
    assert float(evaluate("(x + x) + x", x=3.0).gradient["x"]) == 3.0


def test_cleargrad_resets_a_reused_input_variable():
    x = var(3.0)
    (x + x).backward()
    assert float(x.grad.data) == 2.0
    x.cleargrad()
    ((x + x) + x).backward()
    assert float(x.grad.data) == 3.0


# --- problem 3: a complex graph needs generation order -----------------------------

def test_the_seed_graph_gives_64():
    result = evaluate("a = square(x); y = square(a) + square(a)", x=2.0)
    assert float(result.value) == 32.0
    assert float(result.gradient["x"]) == 64.0


def test_the_unordered_algorithm_would_give_96():
    """Replays DeZero's pre-generation loop (a plain stack) on our graph: it visits
    square(x) before both of a's gradients have arrived, and gets 96."""
    x = var(2.0)
    a = registry.square(x)
    y = registry.square(a) + registry.square(a)
    grads = {id(y): Variable(1.0)}
    funcs = [y.creator]
    while funcs:
        f = funcs.pop()
        gxs = f.spec.backward(f.inputs, f.output(), grads[id(f.output())])
        for inp, gx in zip(f.inputs, gxs):
            grads[id(inp)] = grads[id(inp)] + gx if id(inp) in grads else gx
            if inp.creator is not None:
                funcs.append(inp.creator)
    assert float(grads[id(x)].data) == 96.0
    y.backward()
    assert float(x.grad.data) == 64.0


def test_backward_pops_latest_generation_first():
    x = var(2.0)
    a = registry.square(x)
    y = registry.square(a) + registry.square(a)
    popped = []
    y.backward(on_step=lambda f, gy, gxs, queue, waiting: popped.append((f.spec.name, f.generation)))
    assert [name for name, _ in popped] == ["add", "square", "square", "square"]
    generations = [g for _, g in popped]
    assert generations == sorted(generations, reverse=True)


def test_binding_is_one_node():
    from autodiff_cli.language.parser import parse

    program = parse("a = square(x); y = square(a) + square(a)")
    calls = [n.name for n in program.nodes if n.kind == "call"]
    assert calls == ["square", "square", "square", "add"]


# --- deep and wide graphs: no recursion --------------------------------------------

def test_20000_deep_sin_chain_without_raising_the_recursion_limit():
    depth = 20_000
    text = "sin(" * depth + "x" + ")" * depth
    result = evaluate(text, x=0.5)
    expected_value, expected_grad = 0.5, 1.0
    for _ in range(depth):
        expected_grad *= np.cos(expected_value)
        expected_value = np.sin(expected_value)
    assert float(result.value) == pytest.approx(expected_value, rel=1e-12)
    assert float(result.gradient["x"]) == pytest.approx(expected_grad, rel=1e-9)


def test_20000_term_sum():
    terms = 20_000
    text = " + ".join(f"sin({k}*x)" for k in range(1, terms + 1))
    result = evaluate(text, x=0.001)
    k = np.arange(1, terms + 1)
    assert float(result.value) == pytest.approx(np.sin(k * 0.001).sum(), rel=1e-9)
    assert float(result.gradient["x"]) == pytest.approx((k * np.cos(k * 0.001)).sum(), rel=1e-9)


def test_100000_deep_chain_in_the_engine():
    x = var(0.1)
    y = x
    for _ in range(100_000):
        y = registry.sin(y)
    y.backward()
    assert np.isfinite(float(x.grad.data))
    del y  # freeing a deep graph must not overflow the C stack either


# --- the other engine rules ---------------------------------------------------------

def test_inputs_the_output_does_not_reach_get_zero_not_none():
    from autodiff_cli.core.graph import build, gradients
    from autodiff_cli.language.parser import parse

    graph = build(parse("a = y*2; x^2"), {"x": 3.0, "y": 1.0})
    grads = gradients(graph, ["x", "y"])
    assert float(grads["x"]) == 6.0 and float(grads["y"]) == 0.0


def test_no_grad_records_no_graph():
    x = var(2.0)
    with no_grad():
        y = registry.square(x)
    assert y.creator is None and not y.requires_grad


def test_generation_is_max_input_generation_plus_one():
    x = var(1.0)
    a = registry.sin(x)
    b = registry.square(a)
    c = a + b
    assert (x.generation, a.generation, b.generation, c.generation) == (0, 1, 2, 3)
    assert c.creator.generation == 2


def test_broadcasting_is_undone_in_backward():
    result = evaluate("x*y", x=np.array([1.0, 2.0, 3.0]), y=2.0)
    np.testing.assert_array_equal(result.gradient["x"], [2.0, 2.0, 2.0])
    assert float(result.gradient["y"]) == 6.0
    assert np.shape(result.gradient["y"]) == ()


def test_vector_output_seed_is_ones():
    result = evaluate("x^2", x=np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(result.gradient["x"], [2.0, 4.0, 6.0])


def test_float64_throughout():
    result = evaluate("x/3", x=1.0)
    assert np.asarray(result.value).dtype == np.float64
    assert float(result.value) == 1.0 / 3.0


def test_create_graph_gives_second_derivative():
    x = var(1.5)
    y = registry.sin(x) * x
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    expected = 2 * np.cos(1.5) - 1.5 * np.sin(1.5)
    assert float(x.grad.data) == pytest.approx(expected, rel=1e-12)


def test_function_holds_output_weakly():
    x = var(1.0)
    y = registry.sin(x)
    f = y.creator
    assert isinstance(f, Function) and f.output() is y
    del y
    assert f.output() is None
