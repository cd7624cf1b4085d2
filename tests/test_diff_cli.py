"""`autodiff diff` through real processes: formats, values at a point, round trips, errors."""

from __future__ import annotations

import json
import os
import random
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from test_formula import random_program


def plain_lines(out: str) -> dict[str, list[str]]:
    """{label: [program, value?]} of the plain format."""
    return {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}


def eval_plain(*args: str) -> dict[str, str]:
    run = run_cli("eval", *args, "--format", "plain")
    assert run.code == 0, run.err
    return dict(line.split("\t") for line in run.out.splitlines())


PROGRAMS = [
    ("x^3", {"x": "2"}),
    ("x*y + sin(y)", {"x": "2", "y": "0.5"}),
    ("a = square(x); y = square(a) + square(a)", {"x": "2"}),
    ("u = sin(x*y); u*u + exp(x)/y - relu(x - y)", {"x": "0.7", "y": "1.3"}),
    ("hypot(x, y)^1.5 + abs(x)*log(y)", {"x": "-0.4", "y": "2.5"}),
]


@pytest.mark.parametrize("source,point", PROGRAMS)
def test_each_plain_line_is_a_program_whose_eval_is_evals_gradient(source, point):
    diff = run_cli("diff", source)
    assert diff.code == 0 and diff.err == "", diff.err
    values = [arg for name, v in point.items() for arg in (f"--{name}", v)]
    gradient = eval_plain(source, *values)
    lines = plain_lines(diff.out)
    assert len(lines) == len(point)
    for label, (program,) in lines.items():
        name = label.split("/d")[1]
        got = float(eval_plain(program, *values)["f"])
        want = float(gradient[f"df/d{name}"])
        assert got == pytest.approx(want, rel=1e-13, abs=1e-300), (label, program)


def test_random_programs_round_trip_through_the_shell():
    """`autodiff eval "$(autodiff diff ... | cut -f2)"` in bash, as a user would write it."""
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    autodiff = f"{sys.executable} -m autodiff_cli"
    for _ in range(4):
        source = random_program(rng, 4)
        script = (f"f={shlex.quote(source)}\n"
                  f'{autodiff} diff "$f" | cut -f2 | while IFS= read -r p; do\n'
                  f'  {autodiff} eval "$p" --x 0.6 --y 1.1 --z 0.9 --format plain | head -1\n'
                  "done\n")
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        got = [float(line.split("\t")[1]) for line in out.stdout.splitlines()]
        want = eval_plain(source, "--x", "0.6", "--y", "1.1", "--z", "0.9")
        expected = [float(v) for k, v in want.items() if k.startswith("df/d")]
        assert got == pytest.approx(expected, rel=1e-12, nan_ok=True), source


def test_values_add_a_third_column_with_evals_numbers():
    run = run_cli("diff", "x*y + sin(y)", "--x", "2", "--y", "0.5")
    assert run.code == 0
    gradient = eval_plain("x*y + sin(y)", "--x", "2", "--y", "0.5")
    for label, (program, value) in plain_lines(run.out).items():
        assert value == gradient[label]
    assert plain_lines(run.out)["df/dx"][0] == "y"


def test_json_shape_without_and_with_a_point():
    doc = json.loads(run_cli("diff", "u = sin(x*y); u*u + x", "--format", "json").out)
    assert list(doc) == ["expression", "wrt", "order", "bindings", "derivatives", "warnings"]
    assert doc["wrt"] == ["x", "y"] and set(doc["derivatives"]) == {"df/dx", "df/dy"}
    assert all(len(pair) == 2 for pair in doc["bindings"]) and ["u", "sin(t1)"] in doc["bindings"]
    at = json.loads(run_cli("diff", "x^3", "--x", "2", "--format", "json").out)
    assert at == {"expression": "x^3", "wrt": ["x"], "order": 1, "bindings": [],
                  "derivatives": {"df/dx": "3*x^2"}, "inputs": {"x": 2.0}, "value": 8.0,
                  "values": {"df/dx": 12.0}, "warnings": []}


def test_text_and_latex_shapes():
    text = run_cli("diff", "a = square(x); y = square(a) + square(a)", "--format", "text")
    assert text.out == "a = square(x)\ndy/dx = 8*a*x\n"
    at = run_cli("diff", "x^3", "--x", "2", "--format", "text")
    assert at.out == "at x = 2.0: f = 8.0\ndf/dx = 3*x^2 = 12.0\n"
    latex = run_cli("diff", "x^3 + sin(x)/y", "--wrt", "x", "--format", "latex", "--x", "1",
                    "--y", "2")
    first, point = latex.out.splitlines()
    assert first == ("\\frac{\\partial f}{\\partial x} = \\frac{1}{y} \\cdot "
                     "\\cos\\left(x\\right) + 3 \\cdot x^{2}")
    assert point.startswith("\\left.\\frac{\\partial f}{\\partial x}\\right|_{x = 1, y = 2} = ")


def test_a_terminal_gets_coloured_text():
    code = ("import sys, io\nsys.stdout.isatty = lambda: True\n"
            "from autodiff_cli.cli.main import run\n"
            "sys.exit(run(['diff', 'sin(x)*x', '--x', '1']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "TERM": "xterm"})
    assert out.returncode == 0, out.stderr
    assert "df/dx" in out.stdout and "= " in out.stdout  # text, not the plain tab format
    assert "\t" not in out.stdout


def test_order_and_hessian_labels_match_eval():
    run = run_cli("diff", "x^2*y", "--order", "2", "--x", "1", "--y", "3")
    hessian = eval_plain("x^2*y", "--order", "2", "--x", "1", "--y", "3")
    for label, (program, value) in plain_lines(run.out).items():
        assert hessian[label] == value
    assert plain_lines(run_cli("diff", "x^4", "--order", "3").out) == {"d3f/dx3": ["24*x"]}


@pytest.mark.parametrize("args,kind,caret", [
    (["x^2 +* y"], "syntax error", True),
    (["foo(x)"], "name error", True),
    (["x^2", "--wrt", "y"], "name error", False),
    (["x^2", "--order", "0"], "usage error", False),
    (["x^2", "--order", "21"], "limit exceeded", False),
    (["x*y", "--x", "1"], "value error", True),
    (["x^2", "--format", "table"], "", False),
])
def test_errors_exit_2_as_eval_does(args, kind, caret):
    run = run_cli("diff", *args)
    assert run.code == 2 and run.out == "" and "Traceback" not in run.err
    assert kind in run.err
    assert ("^" in run.err.split(":", 2)[-1].replace("x^2", "")) == caret, run.err


def test_diff_is_listed_by_help_and_completion():
    assert "diff" in run_cli("--help").out
    help_ = run_cli("diff", "--help").out
    assert "--wrt" in help_ and "--order" in help_ and "latex" in help_
    complete = run_cli(env={"_AUTODIFF_COMPLETE": "complete_bash", "COMP_WORDS": "autodiff di",
                            "COMP_CWORD": "1"})
    assert "diff" in complete.out.split()


def readme_examples() -> list[tuple[list[str], str]]:
    """(argv, output) of every `$ autodiff diff ...` in the docs' page on diff."""
    from docs_pages import section as docs_section

    section = docs_section("The derivative as a formula")
    examples = []
    for block in section.split("```console\n")[1:]:
        block = block.split("```", 1)[0]
        for chunk in block.split("$ ")[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((shlex.split(command), output))
    return examples


def test_the_readme_section_has_examples():
    assert len(readme_examples()) >= 6


@pytest.mark.parametrize("argv,output", readme_examples(), ids=lambda a: str(a)[:40])
def test_the_readme_examples_are_what_diff_prints(argv, output):
    assert argv[0] == "autodiff"
    run = run_cli(*argv[1:])
    assert run.code == 0, run.err
    assert run.out == output


def test_the_quick_diff_benchmark_runs_and_reports_each_goal():
    """Only that it works: the figures come from a full run (no timing asserted here)."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "diff.py"), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count("size: ") == 6 and "speed: diff of a" in proc.stdout
