"""eval --trace: the backward pass step by step (PRODUCT §7)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from autodiff_cli import evaluate
from autodiff_cli.views.trace import table
from golden_files import check

SEED = "a = square(x); y = square(a) + square(a)"
FIXED = {"COLUMNS": "100"}  # and stderr is a pipe: no colour


def test_seed_trace_json_lists_add_then_three_squares(cli):
    run = cli("eval", SEED, "--x", "2", "--trace", "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    steps = doc["trace"]
    assert [s["function"] for s in steps] == ["add", "square", "square", "square"]
    generations = [s["generation"] for s in steps]
    assert generations == sorted(generations, reverse=True) == [2, 1, 1, 0]
    assert steps[-1]["inputs"] == ["v0"]  # the square of x comes last
    assert steps[-1]["grads_out"] == [64.0]
    assert [s["step"] for s in steps] == [1, 2, 3, 4]
    assert set(steps[0]) == {"step", "function", "id", "generation", "inputs", "outputs",
                             "grads_in", "grads_out", "queue"}
    assert doc["value"] == 32.0 and doc["gradient"] == {"x": 64.0}


def test_queue_is_in_pop_order_and_each_function_pops_once(cli):
    steps = json.loads(cli("eval", SEED, "--x", "2", "--trace", "--format", "json").out)["trace"]
    popped = [s["id"] for s in steps]
    assert len(set(popped)) == len(popped)
    for i, s in enumerate(steps[:-1]):
        assert s["queue"][0] == steps[i + 1]["id"]  # the head of the queue pops next
    assert steps[-1]["queue"] == []


def test_trace_is_identical_across_runs(cli):
    args = ("eval", SEED, "--x", "2", "--trace", "--format", "json")
    first, second = cli(*args, env=FIXED), cli(*args, env=FIXED)
    assert first.out == second.out and first.err == second.err


def test_plain_stdout_is_only_the_results(cli):
    run = cli("eval", SEED, "--x", "2", "--trace", "--format", "plain")
    assert run.code == 0
    assert run.out == "f\t32.0\ndf/dx\t64.0\n"
    assert "generation 2" in run.err and "\x1b[" not in run.err


def test_golden_human_trace(cli):
    run = cli("eval", SEED, "--x", "2", "--trace", "--format", "plain", env=FIXED)
    check("seed_trace.txt", run.err)


def test_golden_json_trace(cli):
    run = cli("eval", SEED, "--x", "2", "--trace", "--format", "json")
    check("seed_trace.json", json.dumps(json.loads(run.out)["trace"], indent=2) + "\n")


def test_render_at_fixed_width_matches_the_cli():
    from rich.console import Console

    out = io.StringIO()
    Console(width=100, color_system=None, file=out).print(
        table(evaluate(SEED, x=2.0, trace=True).trace))
    check("seed_trace.txt", out.getvalue())


def test_constant_inputs_get_no_gradient_and_vectors_are_summed_back():
    trace = evaluate("x*y + 2*x", x=np.array([1.0, 2.0]), y=3.0, trace=True).trace
    steps = {s.id: s for s in trace.steps}
    mul_const = next(s for s in steps.values() if trace.labels[s.inputs[0]] == "2.0")
    assert mul_const.grads_out[0] is None
    mul_xy = next(s for s in steps.values() if [trace.labels[i] for i in s.inputs] == ["x", "y"])
    assert float(mul_xy.grads_out[1]) == 3.0  # y is a scalar: the broadcast is undone


def test_json_trace_of_a_constant_expression_is_empty(cli):
    run = cli("eval", "2*pi", "--trace", "--format", "json")
    assert run.code == 0 and json.loads(run.out)["trace"] == []
    assert "no steps" in run.err


def test_deep_chain_traces_without_recursion(cli, tmp_path):
    program = tmp_path / "chain.ad"
    program.write_text("sin(" * 3000 + "x" + ")" * 3000)
    run = cli("eval", "--file", str(program), "--x", "0.5", "--trace", "--format", "json")
    assert run.code == 0, run.err[-500:]
    steps = json.loads(run.out)["trace"]
    assert len(steps) == 3000 and steps[-1]["inputs"] == ["v0"]


@pytest.mark.parametrize("bad", [["eval", "x^", "--trace"], ["eval", "x", "--trace"]])
def test_bad_input_with_trace_is_an_error_not_a_traceback(cli, bad):
    run = cli(*bad)
    assert run.code == 2 and "Traceback" not in run.err


def test_readme_shows_the_real_trace(cli):
    from docs_pages import section as docs_section

    section = docs_section("Seeing the backward pass")
    start = section.index("```console\n") + len("```console\n")
    block = section[start:section.index("\n```", start)]
    command, _, shown = block.partition("\n")
    assert command == f'$ autodiff eval "{SEED}" --x 2 --trace --format plain'
    run = cli("eval", SEED, "--x", "2", "--trace", "--format", "plain", env={"COLUMNS": "80"})
    assert run.err + run.out == shown + "\n"


def test_one_step_is_singular_and_a_repeated_input_appears_twice(cli):
    run = cli("eval", "x*x", "--x", "3", "--trace", "--format", "json")
    (step,) = json.loads(run.out)["trace"]
    assert step["inputs"] == ["v0", "v0"] and step["grads_out"] == [3.0, 3.0]
    assert ": 1 step," in run.err


def test_a_wide_trace_lists_the_head_of_the_queue_and_counts_the_rest(cli):
    """The queue after each step is cut to its first entries, so a trace of a wide graph
    stays linear in size (the full queue at every step would be quadratic)."""
    from autodiff_cli.core import engine

    terms = 200
    r = cli("eval", " + ".join(["sin(x)"] * terms), "--x", "1", "--trace", "--format", "json")
    steps = json.loads(r.out)["trace"]
    assert len(steps) == 2 * terms - 1
    widest = max(steps, key=lambda s: len(s["queue"]) + s.get("queue_more", 0))
    assert len(widest["queue"]) == engine.QUEUE_SHOWN and widest["queue_more"] > 0
    assert all("queue_more" not in s or s["queue_more"] > 0 for s in steps)
