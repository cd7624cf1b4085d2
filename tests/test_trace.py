"""eval --trace: the backward pass step by step (PRODUCT §7)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from autodiff_cli import evaluate
from autodiff_cli.views.trace import table
from golden_files import check
from terminals import on_a_terminal

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
    assert run.err.startswith("step\tgeneration\t") and "\x1b[" not in run.err


def test_golden_trace_in_a_pipe(cli):
    """Not a terminal: tab-separated lines, whatever COLUMNS says."""
    run = cli("eval", SEED, "--x", "2", "--trace", "--format", "plain", env=FIXED)
    check("seed_trace.txt", run.err)


def test_golden_trace_on_a_terminal_100_columns():
    err, out = on_a_terminal(["eval", SEED, "--x", "2", "--trace", "--format", "plain"], 100)
    assert out == "f\t32.0\ndf/dx\t64.0\n"
    check("seed_trace_table.txt", err)


def test_golden_json_trace(cli):
    run = cli("eval", SEED, "--x", "2", "--trace", "--format", "json")
    check("seed_trace.json", json.dumps(json.loads(run.out)["trace"], indent=2) + "\n")


def test_render_at_fixed_width_matches_the_cli():
    from rich.console import Console

    out = io.StringIO()
    Console(width=100, color_system=None, file=out).print(
        table(evaluate(SEED, x=2.0, trace=True).trace))
    check("seed_trace_table.txt", out.getvalue())


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


def test_the_docs_show_the_real_trace():
    """Each documented run of the seed's trace (README.md or docs/, wherever it lives) shows
    what the command prints: on an 80-column terminal, or with stderr saved to a file."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    command = f'$ autodiff eval "{SEED}" --x 2 --trace --format plain'
    args = ["eval", SEED, "--x", "2", "--trace", "--format", "plain"]
    found = 0
    for page in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]:
        for block in page.read_text(encoding="utf-8").split("```console\n")[1:]:
            block = block[:block.index("\n```")]
            if block.startswith(command + "\n"):  # on a terminal: the table
                err, out = on_a_terminal(args, 80)
                assert err + out == block.partition("\n")[2] + "\n", page
                found += 1
            elif block.startswith(command + " 2>&1 >/dev/null\n"):  # piped: tab-separated lines
                from conftest import run_cli

                run = run_cli(*args)
                assert block.partition("\n")[2] == run.err.rstrip("\n"), page
                found += 1
    assert found == 3, "the seed's trace: in the README and docs on a terminal, and piped"


def test_one_step_is_singular_and_a_repeated_input_appears_twice(cli):
    run = cli("eval", "x*x", "--x", "3", "--trace", "--format", "json")
    (step,) = json.loads(run.out)["trace"]
    assert step["inputs"] == ["v0", "v0"] and step["grads_out"] == [3.0, 3.0]
    err, _ = on_a_terminal(["eval", "x*x", "--x", "3", "--trace", "--format", "plain"], 100)
    assert ": 1 step," in err


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


# --- numbers never split; a file or a pipe gets tab-separated lines (issue 15, item 1) -------

LONG = "y = sin(x)*exp(-x/3) + log1p(x^2)"  # gradients of 17 to 20 characters


def _gradients(expr: str, x: str) -> list[float]:
    """Every gradient the trace shows (received and produced), from the JSON trace."""
    from conftest import run_cli

    steps = json.loads(run_cli("eval", expr, "--x", x, "--trace", "--format", "json").out)["trace"]
    found = []
    for s in steps:
        found += [g for g in s["grads_in"] + s["grads_out"] if g is not None]
    return found


@pytest.mark.parametrize("columns", [60, 80, 100, 160])
def test_on_a_terminal_every_number_is_whole_and_lines_fit(columns):
    import re

    err, _ = on_a_terminal(["eval", LONG, "--x", "0.7", "--trace", "--format", "plain"], columns)
    assert max(len(line) for line in err.splitlines()) <= columns
    shortened = re.search(r"numbers\s+shortened\s+to\s+(\d+)\s+significant", err)
    shown = set(re.findall(r"-?\d+\.\d+(?:e-?\d+)?|\b\d+\b", err))
    for g in _gradients(LONG, "0.7"):
        whole = repr(g) if not shortened else f"{g:.{shortened.group(1)}g}"
        assert whole in shown or repr(g) in shown, (whole, err)
    if columns >= 100:
        assert not shortened  # room for every digit
    # The header's words stay whole, at any of these widths.
    header = " ".join(line for line in err.splitlines()[:8])
    for word in ("step", "function", "computes", "received", "produced", "queue", "after"):
        assert re.search(rf"\b{word}\b", header), (word, err)


def test_a_narrow_terminal_says_the_numbers_were_shortened_and_json_has_them_all(cli):
    err, _ = on_a_terminal(["eval", LONG, "--x", "0.7", "--trace", "--format", "plain"], 60)
    flat = " ".join(err.split())
    assert "numbers shortened to" in flat and "--format json has every digit" in flat
    assert "0.17004975499104655" not in err  # 19 characters do not fit: shortened, not cut
    assert -0.17004975499104655 in _gradients(LONG, "0.7")


def test_digits_rounds_the_table_on_a_terminal():
    err, _ = on_a_terminal(["eval", LONG, "--x", "0.7", "--trace", "--format", "plain",
                            "--digits", "3"], 160)
    assert "0.17 " in err or "0.17\n" in err
    assert "0.17004975499104655" not in err and "numbers shortened" not in err


def test_stderr_to_a_file_is_tab_separated_lines(tmp_path):
    """A saved trace: a header and one line per step, every digit, for diff and grep."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    saved = tmp_path / "trace.tsv"
    with open(saved, "wb") as err:
        proc = subprocess.run([sys.executable, "-m", "autodiff_cli", "eval", LONG, "--x", "0.7",
                               "--trace", "--format", "json"], stdout=subprocess.PIPE,
                              stderr=err, env={**os.environ, "PYTHONPATH": str(ROOT),
                                               "COLUMNS": "80"})
    assert proc.returncode == 0
    steps = json.loads(proc.stdout)["trace"]
    header, *rows = saved.read_text().splitlines()
    assert header.split("\t") == ["step", "generation", "id", "function", "computes",
                                  "received", "produced", "queue"]
    assert len(rows) == len(steps)
    for row, step in zip(rows, steps):
        cells = row.split("\t")
        assert len(cells) == 8
        assert cells[:4] == [str(step["step"]), str(step["generation"]), step["id"],
                             step["function"]]
        assert float(cells[5]) == step["grads_in"][0]
        produced = [float(p.split(": ")[1]) for p in cells[6].split("; ")]
        assert produced == [g for g in step["grads_out"] if g is not None]


def test_several_results_get_a_result_column_in_a_pipe(cli):
    run = cli("eval", "f = x*y; g = sin(x); f, g", "--x", "0.7", "--y", "2", "--trace",
              "--format", "plain")
    header, *rows = run.err.splitlines()
    assert header.startswith("result\tstep\t")
    assert [r.split("\t")[0] for r in rows] == ["f", "g"]


def test_several_results_on_a_terminal_each_pass_under_its_heading():
    err, _ = on_a_terminal(["eval", "f = x*y; g = sin(x); f, g", "--x", "1", "--y", "2",
                            "--trace", "--format", "plain"], 100)
    assert "backward pass of f from f" in err and "backward pass of g from g" in err
