#!/usr/bin/env python3
"""Taylor mode's speed goals (issue 12), as ratios measured in one run.

    python benchmarks/taylor.py            # about half a minute
    python benchmarks/taylor.py --quick    # a smoke run

Each figure is the median of interleaved repeats (round-robin with its baseline), because these
machines are shared and noisy. The goals of issue 12:
- order 100 of a ~30-node program at most 20x its first-order ``evaluate`` (in process);
- one-shot ``autodiff eval "tanh(tanh(x))" --x 0.5 --order 50`` at most 1.2x the same with
  ``--order 1`` (whole processes, wall time);
- ``--points`` with 10^5 rows and ``--order 10`` at most 3x the same run with ``--order 1``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's code

import numpy as np  # noqa: E402

from autodiff_cli import api  # noqa: E402
from autodiff_cli.core import taylor  # noqa: E402
from autodiff_cli.language.parser import parse  # noqa: E402

# ~30 nodes, every one nonlinear in x: the costly case for Taylor mode (O(d^2) a node).
TRANSCENDENTAL = """
a = sin(x) * exp(-x^2)
b = tanh(a + log(1 + x^2))
c = sqrt(1 + b^2) / (1 + x^2)
a*b + c*atan(x) + sigmoid(a - b)
"""


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(fns: dict, repeats: int) -> dict:
    """Median seconds of each function, run round-robin ``repeats`` times."""
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].append(timed(fn))
    return {name: statistics.median(t) for name, t in times.items()}


def ratio_line(label: str, program, values: dict, order: int, repeats: int, goal=None,
               bounds: bool = True) -> None:
    t = interleaved({
        "first": lambda: api.evaluate(program, values),
        "taylor": lambda: taylor.derivatives(program, values, "x", order, bounds=bounds),
    }, repeats)
    ratio = t["taylor"] / t["first"]
    verdict = "" if goal is None else ("PASS" if ratio <= goal else "FAIL")
    print(f"{label:<58} {len(program.nodes):>4} nodes  order {order:>3}: "
          f"{t['taylor'] * 1e3:8.3f} ms  first order {t['first'] * 1e3:7.3f} ms  "
          f"ratio {ratio:6.1f}x {'(goal <= %gx) ' % goal if goal else ''}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, small arrays")
    args = parser.parse_args()
    repeats = 5 if args.quick else 41
    rows = 10_000 if args.quick else 100_000

    goldstein = parse((ROOT / "examples" / "goldstein_price.ad").read_text())
    ratio_line("goldstein_price.ad (a polynomial) at (0.3, -0.2)", goldstein,
               {"x": 0.3, "y": -0.2}, 100, repeats, goal=20)
    transcendental = parse(TRANSCENDENTAL)
    ratio_line("sin/exp/tanh/log/sqrt/atan/sigmoid program at 0.7", transcendental,
               {"x": 0.7}, 100, repeats, goal=20)
    ratio_line("  the same, without error bounds", transcendental, {"x": 0.7}, 100, repeats,
               bounds=False)

    tt = parse("tanh(tanh(x))")
    t = interleaved({"50": lambda: taylor.derivatives(tt, {"x": 0.5}, "x", 50),
                     "100": lambda: taylor.derivatives(tt, {"x": 0.5}, "x", 100)}, repeats)
    print(f"tanh(tanh(x)) at 0.5 in process: order 50 {t['50'] * 1e3:.3f} ms, "
          f"order 100 {t['100'] * 1e3:.3f} ms")
    ratio_line("tanh(tanh(x))", tt, {"x": 0.5}, 50, repeats)

    x = np.linspace(0.1, 2.0, rows)
    ratio_line(f"transcendental program on {rows:,} points (arrays)", transcendental,
               {"x": x}, 10, max(3, repeats // 8))
    ratio_line("  the same, without error bounds", transcendental, {"x": x}, 10,
               max(3, repeats // 8), bounds=False)
    whole_process_goals(args.quick)


def processes(label: str, commands: dict, repeats: int, goal: float, stdin: bytes | None = None):
    """Whole processes, interleaved; the ratio of the second command to the first."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(command):
        subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL, check=True, env=env)

    fns = {name: (lambda c=command: run(c)) for name, command in commands.items()}
    for fn in fns.values():
        fn()  # warm the disk cache and the .pyc files
    t = interleaved(fns, repeats)
    (base, base_t), (name, name_t) = list(t.items())
    ratio = name_t / base_t
    print(f"{label:<58} {name} {name_t * 1e3:8.1f} ms  {base} {base_t * 1e3:8.1f} ms  "
          f"ratio {ratio:5.2f}x (goal <= {goal:g}x) {'PASS' if ratio <= goal else 'FAIL'}")


def whole_process_goals(quick: bool) -> None:
    autodiff = [sys.executable, "-m", "autodiff_cli", "eval"]
    processes("one-shot tanh(tanh(x)) --x 0.5: --order 50 vs --order 1",
              {"order 1": autodiff + ["tanh(tanh(x))", "--x", "0.5", "--order", "1"],
               "order 50": autodiff + ["tanh(tanh(x))", "--x", "0.5", "--order", "50"]},
              5 if quick else 21, 1.2)
    rows = 2_000 if quick else 100_000
    data = ("x\n" + "".join(f"{0.1 + i / rows}\n" for i in range(rows))).encode()
    program = "sin(x)*exp(-x^2) + tanh(x)*log(1+x^2)"
    processes(f"--points {rows:,} rows of {program}: --order 10 vs 1",
              {"order 1": autodiff + [program, "--points", "-", "--order", "1"],
               "order 10": autodiff + [program, "--points", "-", "--order", "10"]},
              3 if quick else 7, 3.0, stdin=data)


if __name__ == "__main__":
    main()
