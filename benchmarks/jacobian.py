#!/usr/bin/env python3
"""Several results and Jacobians (issue 14): the goals as ratios measured in one run.

    python benchmarks/jacobian.py          # about half a minute
    python benchmarks/jacobian.py --quick  # a smoke run

- a 3-result, 3-variable Jacobian, one-shot, at most 1.2x the wall time of one eval of the
  same program with one result (whole processes, interleaved, medians);
- the Hessian of logsumexp(x) + sum(x^2)/2 over a 100-element x at most 20x its gradient
  (in process); 10 and 1000 elements for reference (a Hessian has n^2 entries, the gradient
  n), and the batched second pass against one pass per row;
- forward and reverse mode on the same Jacobian (in process), for reference.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's code
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

from autodiff_cli import api  # noqa: E402
from autodiff_cli.core.elements import batched_hessian, element_hessian_rows  # noqa: E402
from autodiff_cli.language.parser import parse  # noqa: E402
from taylor import interleaved, processes  # noqa: E402  (benchmarks/taylor.py)

BODY = "a = x*y*z; b = sin(x) + y^2; c = exp(z)/(1 + x^2)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats")
    quick = parser.parse_args().quick
    autodiff = [sys.executable, "-m", "autodiff_cli", "eval"]
    values = ["--x", "0.3", "--y", "1.2", "--z", "-0.7"]
    processes("3x3 Jacobian one-shot vs one result",
              {"one result": autodiff + [f"{BODY}; a + b + c", *values],
               "Jacobian": autodiff + [f"{BODY}; a, b, c", *values]}, 5 if quick else 31, 1.2)

    program = parse("logsumexp(x) + sum(x^2)/2")
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared: ratios drift with load)")
    for n in (10, 100, 1000):
        x = np.linspace(-1.0, 1.0, n)
        t = interleaved({"gradient": lambda: api.evaluate(program, x=x),
                         "hessian": lambda: api.evaluate(program, x=x, order=2)},
                        (3 if quick else 11) if n <= 100 else (1 if quick else 5))
        ratio = t["hessian"] / t["gradient"]
        goal = f"(goal <= 20x) {'PASS' if ratio <= 20 else 'FAIL'}" if n == 100 else "(reference)"
        print(f"{f'Hessian over {n} elements vs the gradient (in process)':<58} hessian "
              f"{t['hessian'] * 1e3:8.1f} ms  gradient {t['gradient'] * 1e3:8.3f} ms  ratio "
              f"{ratio:6.1f}x {goal}")
    # The batched second pass against the one it replaced, one seeded pass per row.
    data = {"x": np.linspace(-1.0, 1.0, 100)}
    t = interleaved({"batched": lambda: batched_hessian(program, data, ["x"]),
                     "rows": lambda: element_hessian_rows(program, data, ["x"])},
                    3 if quick else 11)
    print(f"{'Hessian over 100 elements, batched pass vs a pass per row':<58} batched "
          f"{t['batched'] * 1e3:8.2f} ms  per row  {t['rows'] * 1e3:8.2f} ms  speed-up "
          f"{t['rows'] / t['batched']:5.1f}x")

    several = parse(f"{BODY}; a, b, c")
    point = {"x": 0.3, "y": 1.2, "z": -0.7}
    t = interleaved({"reverse": lambda: api.evaluate(several, point, mode="reverse"),
                     "forward": lambda: api.evaluate(several, point, mode="forward")},
                    5 if quick else 41)
    print(f"{'3x3 Jacobian in process, forward vs reverse mode':<58} forward "
          f"{t['forward'] * 1e3:8.3f} ms  reverse {t['reverse'] * 1e3:8.3f} ms")


if __name__ == "__main__":
    main()
