"""Each registry entry's ``reads`` declaration against its backward formula, and the lean
forward pass that drops what no backward step reads (core/keep.py)."""

import itertools

import numpy as np
import pytest

from autodiff_cli import evaluate
from autodiff_cli.api import parse
from autodiff_cli.core import chunks, registry
from autodiff_cli.core.graph import build, gradients
from autodiff_cli.core.keep import placeholder, read_by_backward

SPECS = sorted(registry.FUNCTIONS.values(), key=lambda s: (s.name, s.arity))


def sample(spec, rng):
    """Inputs inside the entry's domain: vectors of 6 (a reduction's second vector too)."""
    return tuple(rng.uniform(low, high, 6) for low, high in spec.domain)


def run_backward(spec, xs, y, g, needs):
    if spec.selective:
        return spec.backward(xs, y, g, needs)
    return spec.backward(xs, y, g)


def test_every_entry_declares_what_its_backward_reads():
    undeclared = [f"{s.name}/{s.arity}" for s in SPECS if s.reads is None]
    assert undeclared == []
    for spec in SPECS:
        parts = spec.reads.split("|")
        assert len(parts) == spec.arity, spec.name
        for word in " ".join(parts).split():
            assert word == "y" or word in {f"x{i}" for i in range(spec.arity)}, spec.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.name}/{s.arity}")
def test_the_backward_reads_nothing_it_does_not_declare(spec):
    """Replace each value the declaration says is not read by a nan placeholder (what the
    lean forward pass leaves): every gradient asked for must come out bitwise the same."""
    rng = np.random.default_rng(11)
    with np.errstate(all="ignore"):
        for trial in range(3):
            xs = sample(spec, rng)
            y = spec.forward(*xs)
            g = rng.uniform(0.5, 1.5, np.shape(y))
            patterns = [p for p in itertools.product((True, False), repeat=spec.arity) if any(p)]
            for needs in patterns:
                expected = run_backward(spec, xs, y, g, needs)
                positions, output = read_by_backward(spec, needs)
                poisoned_xs = tuple(x if i in positions else placeholder(x)
                                    for i, x in enumerate(xs))
                poisoned_y = y if output else placeholder(y)
                got = run_backward(spec, poisoned_xs, poisoned_y, g, needs)
                for i, need in enumerate(needs):
                    if not need:
                        continue
                    want = np.asarray(expected[i])
                    assert np.all(np.isfinite(want)), (spec.name, i)  # a nan would show
                    assert np.asarray(got[i]).tobytes() == want.tobytes(), (spec.name, needs, i)


def test_an_undeclared_entry_keeps_everything():
    class Bare:
        reads = None
    assert read_by_backward(Bare, (True, False)) == ({0, 1}, True)


FORMULA = "sin(x)*exp(-(x^2+y^2)/2) + log(1+x^2)*tanh(y)"


def test_the_lean_forward_keeps_what_the_benchmark_counts():
    # benchmarks/run.py KEPT_ARRAYS: x, y and five intermediates (sin(x), exp(...), 1+x^2,
    # log(1+x^2), tanh(y)), besides the result itself.
    rng = np.random.default_rng(2)
    x, y = rng.uniform(-2, 2, 50), rng.uniform(-2, 2, 50)
    graph = build(parse(FORMULA), {"x": x, "y": y}, lean=True)
    kept = [v for v in graph.nodes if v.kind == "intermediate" and v is not graph.output
            and v.data.strides != (0,)]
    assert len(kept) == 5
    assert {v.creator.spec.name for v in kept} == {"sin", "exp", "add", "log", "tanh"}


PROGRAMS = [FORMULA, "x^3 - 2*x*y + y^2/x", "a = sin(x); b = a*y; b + a*a - sqrt(x)",
            "hypot(x, y) * atan2(y, x) + max(x, y) - abs(y)", "sum(x*y) + norm(x) * dot(x, y)",
            "logsumexp(x) - prod(x) + tanh(x)*cosh(y)", "sigmoid(x) * softplus(y) + cbrt(x)"]


@pytest.mark.parametrize("expression", PROGRAMS)
def test_lean_evaluation_is_bitwise_the_full_graphs(expression, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 1 << 62)  # the whole graph, no chunks
    monkeypatch.setattr(chunks, "SMALLEST", 1 << 62)
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0.2, 2, 40), rng.uniform(0.2, 2, 40)
    program = parse(expression)
    values = {k: v for k, v in {"x": x, "y": y}.items() if k in program.inputs}
    result = evaluate(program, values)
    full = build(program, values)
    expected = gradients(full, program.variables)
    assert np.asarray(result.value).tobytes() == np.asarray(full.output.data).tobytes()
    for name in program.variables:
        assert np.asarray(result.gradient[name]).tobytes() == expected[name].tobytes()


def test_non_finite_warnings_are_found_after_values_were_dropped(monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 1 << 62)
    monkeypatch.setattr(chunks, "SMALLEST", 1 << 62)
    x = np.array([1.0, -1.0, 2.0, 0.0])
    program = parse("exp(sin(x)) * log(x) + 1/x")
    result = evaluate(program, x=x)
    expected = build(program, {"x": x}).warnings  # the full graph, nothing dropped
    assert result.warnings[:len(expected)] == expected
    assert any(w.startswith("log at column") for w in expected)
