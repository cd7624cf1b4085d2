"""The tape (core/tape.py) against the engine (core/graph.py's build + gradients): bitwise.

A scalar first-order evaluation runs on the tape; --trace, higher orders and vectors run on
the engine. Both must give the same floats to the last bit, the same gradients (added up in
the same order) and the same warnings, and the tape must visit the backward steps in the
order the engine's heap pops them.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, note, settings, strategies as st

from autodiff_cli import api
from autodiff_cli.core import elementary as el, registry
from autodiff_cli.core.engine import gc_paused
from autodiff_cli.core.graph import build, check_values, gradients
from autodiff_cli.core.order import backward_steps
from autodiff_cli.core.tape import NotOnTape, first_order
from autodiff_cli.language.parser import parse

from test_scalar_path import POINTS, call_text, programs, same


def engine(program, values, names):
    """What evaluation._first_order computed before the tape, for scalars."""
    data = check_values(program, values)
    with gc_paused():
        graph = build(program, data, wrt=names, lean=True)
        graph.nodes = []
        grads = gradients(graph, names, free_graph=True)
    return graph.output.data, grads, graph.warnings


def tape(program, values, names):
    return first_order(program, check_values(program, values), names)


def assert_same(program, values, names):
    from autodiff_cli.core.evaluation import _first_order

    theirs = engine(program, values, names)
    try:
        ours = tape(program, values, names)
    except NotOnTape:  # only a reduction's backward gives an array for a scalar (sum_to's job)
        assert any(spec.reduces for spec in program.nodes.used_specs()), program.source
        ours = _first_order(program, values, names, None)[1:]  # the engine, called for it
    assert type(ours[0]) is float and same(ours[0], theirs[0]), (ours[0], theirs[0])
    assert list(ours[1]) == list(theirs[1])
    for name in names:
        assert type(ours[1][name]) is float
        assert same(ours[1][name], theirs[1][name]), (name, ours[1][name], theirs[1][name])
    assert ours[2] == theirs[2]


@pytest.mark.parametrize("spec", [s for s in registry.FUNCTIONS.values() if s.arity == 1 or
                                  not s.reduces], ids=lambda s: f"{s.name}/{s.arity}")
def test_every_function_on_the_tape_is_the_engine_bitwise_at_the_edges(spec):
    program = parse(call_text(spec) + (" + 0*y" if spec.arity == 1 else ""))
    for x in POINTS:
        for y in (POINTS if spec.arity == 2 else [0.0, 2.0]):
            assert_same(program, {"x": x, "y": y}, ["x", "y"])
            assert_same(program, {"x": x, "y": y}, ["y"])  # x a constant to the backward pass


@settings(max_examples=150, deadline=None)
@given(programs(), programs(), st.floats(-3, 3), st.floats(-3, 3),
       st.sampled_from([["x", "y"], ["x"], ["y"], ["y", "x"]]))
def test_random_programs_with_shared_values_on_the_tape_are_the_engine_bitwise(a, b, x, y, names):
    # Bindings read several times: gradients meet and are added up, in the heap's order.
    text = f"u = {a}; v = {b}; w = u*v + v; w*u - sin(v) + w + 0*x + 0*y"
    note(text)
    assert_same(parse(text), {"x": x, "y": y}, names)


def test_a_wide_sum_adds_its_gradient_up_in_the_engines_order():
    """Floating-point addition is not associative: 2,000 terms of different sizes would give
    another last bit if the tape added the gradients in another order."""
    rng = random.Random(11)
    terms = [f"{rng.uniform(-1e3, 1e3)!r}*sin({rng.uniform(0.1, 9)!r}*x*y)" for _ in range(2000)]
    program = parse(" + ".join(terms) + " - x*x*y")
    assert_same(program, {"x": 0.7, "y": -1.3}, ["x", "y"])


def test_deep_programs_run_without_recursion():
    program = parse("sin(" * 20000 + "x" + ")" * 20000 + " + x")
    assert_same(program, {"x": 0.5}, ["x"])


def popped_by_the_engine(program, values, names) -> list[int]:
    """The node of each function the engine's heap pops, in order."""
    data = check_values(program, values)
    graph = build(program, data, wrt=names)
    index = {id(var.creator): i for i, var in enumerate(graph.nodes) if var.creator is not None}
    popped = []
    gradients(graph, names, on_step=lambda f, *rest: popped.append(index[id(f)]))
    return popped


@settings(max_examples=100, deadline=None)
@given(programs(), programs(), st.sampled_from([["x", "y"], ["x"], ["y"]]))
def test_the_tape_visits_the_steps_in_the_order_the_engines_heap_pops_them(a, b, names):
    from array import array

    from autodiff_cli.core.tape import _forward

    text = f"u = {a}; v = {b}; (u + v)*v - u/(2 + v*v) + 0*x + 0*y"
    note(text)
    program = parse(text)
    count = len(program.nodes)
    values, recorded = array("d", bytes(8 * count)), bytearray(count)
    generation = array("i", bytes(4 * count))
    with el.quiet():
        _forward(program, {"x": 0.3, "y": -0.4}, set(names), values, recorded, generation)
    steps = list(backward_steps(program.nodes, recorded, generation, program.output))
    assert steps == popped_by_the_engine(program, {"x": 0.3, "y": -0.4}, names)


def test_constant_and_input_outputs_and_unused_variables():
    assert_same(parse("2 + 3*sin(1) + 0*x"), {"x": 1.0}, ["x"])
    assert_same(parse("x"), {"x": 1.5}, ["x"])
    assert_same(parse("x + 0*y"), {"x": 1.5, "y": 2.0}, ["y"])
    assert tape(parse("sin(2) + x"), {"x": 1.0}, ["x"])[1] == {"x": 1.0}


def test_nonfinite_results_are_named_as_the_engine_names_them():
    for text, values in [("log(x) + 1/x", {"x": 0.0}), ("x*y + sin(x)/y", {"x": 2.0, "y": 0.0}),
                         ("a = exp(x)\nb = a*a\nb - b", {"x": 800.0})]:
        program = parse(text)
        assert_same(program, values, list(program.inputs))
        assert tape(program, values, list(program.inputs))[2]  # warnings there are


def test_a_value_that_is_not_a_float_goes_to_the_engine():
    program = parse("x*x + 1/x")
    with pytest.raises(NotOnTape):
        first_order(program, {"x": el.Real(0.0)}, ["x"])
    result = api.evaluate(program, x=el.Real(0.0))  # the engine evaluates it, with IEEE Reals
    assert math.isnan(result.value) or math.isinf(result.value)
    assert same(result.value, engine(program, {"x": el.Real(0.0)}, ["x"])[0])


def test_evaluate_uses_the_tape_for_scalars(monkeypatch):
    from autodiff_cli.core import evaluation

    calls = []
    real = evaluation.first_order
    monkeypatch.setattr(evaluation, "first_order", lambda *a: calls.append(1) or real(*a))
    result = api.evaluate("square(square(x))+square(square(x))", x=2.0)
    assert calls == [1] and (result.value, result.gradient) == (32.0, {"x": 64.0})


def test_the_node_table_reads_back_what_it_was_given():
    """Every field survives the columns: arguments of any count, names, specs and sources by
    identity (a session adds a source per entry: more than 65,536 must fit)."""
    from autodiff_cli.core.nodes import CALL, CONST, INPUT, Node, NodeTable

    table, sources = NodeTable(), [object() for _ in range(70_000)]
    spec = registry.lookup("max", 2)  # three arguments: the table does not check arity
    assert spec is not None
    for i, source in enumerate(sources):
        table.add(CONST, i, "", i / 7, lines=source)
    x = table.add(INPUT, 5, "x", lines=sources[-1])
    call = table.add(CALL, 9, "max", 0.0, [0, x, 69_999], spec, sources[3])
    assert table[call] == Node("call", 9, "max", 0.0, (0, x, 69_999), spec)
    assert table[call].lines is sources[3] and table[69_999].lines is sources[69_999]
    assert table[x].name == "x" and table[12].value == 12 / 7 and table[-1] == table[call]
    copy = table.copy()
    copy[call] = Node("call", 9, "sin", 0.0, (x,), registry.lookup("sin", 1), sources[0])
    assert table[call].args == (0, x, 69_999) and copy[call].args == (x,)
    assert copy.args(call) == (x,) and NodeTable(list(table)) == table
