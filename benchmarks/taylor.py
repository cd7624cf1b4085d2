#!/usr/bin/env python3
"""Taylor mode's speed goals (issue 12), as ratios measured in one run.

    python benchmarks/taylor.py            # about half a minute
    python benchmarks/taylor.py --quick    # a smoke run

Each figure is the median of interleaved repeats (round-robin with its baseline), because these
machines are shared and noisy. The goal of issue 12: order 100 of a ~30-node program at most
20x its first-order ``evaluate``.
"""

from __future__ import annotations

import argparse
import statistics
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


if __name__ == "__main__":
    main()
