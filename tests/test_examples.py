"""Every file in examples/ runs, and prints what it says it prints.

Each example states how it is run (``# run: ...``) and its expected results
(``# expect: name value [tolerance]``); the results here are also checked against
values known independently of the tool (the Rosenbrock minimum, Newton's root).
"""

from __future__ import annotations

import math
import os
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, run_cli

EXAMPLES = ROOT / "examples"
RUNNABLE = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".ad", ".sh"))


def header(path: Path, key: str) -> list[str]:
    prefix = f"# {key}:"
    return [line[len(prefix):].strip() for line in path.read_text().splitlines()
            if line.startswith(prefix)]


def run_example(path: Path):
    """(code, stdout, stderr) of the example's own run line."""
    (command,) = header(path, "run")
    words = shlex.split(command)
    if words[0] == "autodiff":
        run = run_cli(*words[1:], cwd=EXAMPLES)
        return run.code, run.out, run.err
    assert words[0] == "bash", command
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUTODIFF": f"{sys.executable} -m autodiff_cli"}
    proc = subprocess.run(words, cwd=EXAMPLES, capture_output=True, text=True, env=env,
                          timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def results(stdout: str) -> dict[str, list[float]]:
    """'name<TAB>number[,number...]' lines as {name: [floats]}."""
    found = {}
    for line in stdout.splitlines():
        name, _, text = line.partition("\t")
        if text:
            found[name] = [float(v) for v in text.split(",")]
    return found


def test_every_file_is_a_runnable_example_or_the_index():
    others = {p.name for p in EXAMPLES.iterdir()} - {p.name for p in RUNNABLE}
    assert others == {"README.md"}
    assert len(RUNNABLE) >= 6
    index = (EXAMPLES / "README.md").read_text()
    for path in RUNNABLE:
        assert f"]({path.name})" in index, f"{path.name} is not in examples/README.md"


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: p.name)
def test_example_prints_what_it_says(path):
    expectations = header(path, "expect")
    assert expectations, f"{path.name} states no expected output"
    code, out, err = run_example(path)
    assert code == 0, err[-2000:]
    assert "Traceback" not in err
    got = results(out)
    for line in expectations:
        name, text, *tolerance = line.split()
        wanted = [float(v) for v in text.split(",")]
        tol = float(tolerance[0]) if tolerance else 1e-12
        assert name in got, f"{path.name}: no '{name}' line in\n{out}"
        assert got[name] == pytest.approx(wanted, rel=1e-9, abs=tol), f"{path.name}: {name}"


def test_seed_trace_pops_the_square_of_x_last():
    code, out, err = run_example(EXAMPLES / "seed.ad")
    assert code == 0
    # In a pipe the trace is tab-separated: step, generation, id, function, computes, ...
    header, *steps = [line.split("\t") for line in err.splitlines()]
    assert header[:5] == ["step", "generation", "id", "function", "computes"]
    assert [f"{row[2]} {row[3]}" for row in steps] == ["f3 add", "f2 square", "f1 square",
                                                       "f0 square"]
    assert steps[-1][4] == "a = square(x)"


def test_rosenbrock_gradient_vanishes_at_its_minimum():
    run = run_cli("eval", "--file", "rosenbrock.ad", "--x", "1", "--y", "1", "--format", "plain",
                  cwd=EXAMPLES)
    assert results(run.out) == {"f": [0.0], "df/dx": [0.0], "df/dy": [0.0]}


def test_goldstein_price_at_its_minimum_and_elsewhere():
    def gp(x, y):  # written out independently of the example file
        a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y)
        b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y)
        return a * b

    run = run_cli("eval", "--file", "goldstein_price.ad", "--x", "0.5", "--y", "0.25",
                  "--format", "plain", cwd=EXAMPLES)
    got = results(run.out)
    h = 1e-6
    assert got["f"][0] == pytest.approx(gp(0.5, 0.25), rel=1e-12)
    assert got["df/dx"][0] == pytest.approx((gp(0.5 + h, 0.25) - gp(0.5 - h, 0.25)) / (2 * h),
                                            rel=1e-6)
    assert got["df/dy"][0] == pytest.approx((gp(0.5, 0.25 + h) - gp(0.5, 0.25 - h)) / (2 * h),
                                            rel=1e-6)


def test_newton_finds_the_real_root_of_the_cubic():
    code, out, _ = run_example(EXAMPLES / "newton.sh")
    real = [r.real for r in np.roots([1, 0, -2, -5]) if abs(r.imag) < 1e-12]
    assert results(out)["root"][0] == pytest.approx(real[0], rel=1e-14)


def test_vectors_gradient_matches_the_formula():
    code, out, _ = run_example(EXAMPLES / "vectors.ad")
    v = np.array([1.0, 2.0, 3.0])
    assert results(out)["df/dv"] == pytest.approx(list(1 + 2 * v + v / math.sqrt(14)))
