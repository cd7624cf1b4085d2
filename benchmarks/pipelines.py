"""Throughput of the pipeline modes, printed as ratios.

(a) ``eval EXPR --points FILE`` on 10^6 rows against a hand-written numpy script
    that does the same reading, computing (value and gradient written out by
    hand) and writing (the same columns, the same exact numbers).
(b) ``eval - --each-line`` on a few hundred derivative lines against qalc
    (``qalc -t -f -`` with ``diff(expr, x, 1, point)`` lines); skipped if qalc is absent.

Both are timed as whole processes (start-up included), as a shell script would run them.
Targets (issue 5): --points within 1.5x the numpy script; --each-line >= 20x qalc's rate.

    python benchmarks/pipelines.py [--rows 1000000] [--lines 300]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EXPR = "x*y + sin(x)*exp(y)"

NUMPY_SCRIPT = r'''
import sys
import numpy as np

rows = open(sys.argv[1]).read().split("\n")
header, rows = rows[0], [r for r in rows[1:] if r]
table = np.loadtxt(rows, delimiter=",", dtype=np.float64, ndmin=2)
x, y = table[:, 0], table[:, 1]
f = x * y + np.sin(x) * np.exp(y)
dfdx = y + np.cos(x) * np.exp(y)
dfdy = x + np.sin(x) * np.exp(y)
out = [header.replace(",", "\t") + "\tf\tdf/dx\tdf/dy"]
columns = [list(map(repr, c.tolist())) for c in (f, dfdx, dfdy)]
out += map("\t".join, zip((r.replace(",", "\t") for r in rows), *columns))
sys.stdout.write("\n".join(out) + "\n")
'''


def timed(command: list[str], stdin=None) -> float:
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(command, stdin=stdin, stdout=sink, stderr=sink, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def best(runs: int, command: list[str], stdin_path: str | None = None) -> float:
    times = []
    for _ in range(runs):
        if stdin_path:
            with open(stdin_path, "rb") as stream:
                times.append(timed(command, stream))
        else:
            times.append(timed(command))
    return min(times)


def points(rows: int, work: Path) -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0.1, 3, rows), rng.uniform(-2, 2, rows)
    data = work / "points.csv"
    with open(data, "w") as out:
        out.write("x,y\n")
        out.writelines(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist()))
    script = work / "by_hand.py"
    script.write_text(NUMPY_SCRIPT)
    ours = best(3, [sys.executable, "-m", "autodiff_cli", "eval", EXPR, "--points", str(data)])
    theirs = best(3, [sys.executable, str(script), str(data)])
    print(f"--points, {rows:,} rows of {EXPR!r}:")
    print(f"  autodiff     {ours:7.2f} s  {rows / ours:12,.0f} rows/s")
    print(f"  numpy script {theirs:7.2f} s  {rows / theirs:12,.0f} rows/s")
    print(f"  ratio {ours / theirs:.2f}x the numpy script's time (target: at most 1.5x)")


def each_line(lines: int, work: Path) -> None:
    qalc = shutil.which("qalc")
    if qalc is None:
        print("--each-line: skipped, qalc is not installed (apt-get install qalc)")
        return
    point = 0.7
    shapes = ["sin(x)*x^{k}", "exp(x/{k})*cos(x)", "log(x+{k})*x^2", "atan(x*{k})+sqrt(x+{k})",
              "tanh(x)^{k} + x/{k}"]
    exprs = [shapes[i % len(shapes)].format(k=i + 1) for i in range(lines)]  # all distinct
    ours_in, qalc_in, empty = work / "lines.txt", work / "qalc.txt", work / "empty.txt"
    ours_in.write_text("".join(e + "\n" for e in exprs))
    qalc_in.write_text("".join(f"diff({e}, x, 1, {point})\n" for e in exprs))
    empty.write_text("")
    ours_cmd = [sys.executable, "-m", "autodiff_cli", "eval", "-", "--each-line", "--x", str(point)]
    ours, ours_start = best(3, ours_cmd, str(ours_in)), best(3, ours_cmd, str(empty))
    theirs = best(1, [qalc, "-t", "-f", str(qalc_in)])
    theirs_start = best(3, [qalc, "-t", "-f", str(empty)])
    print(f"--each-line, {lines} distinct derivative lines:")
    print(f"  autodiff {ours:7.2f} s  {lines / ours:10,.0f} lines/s"
          f"  ({lines / max(ours - ours_start, 1e-9):,.0f} lines/s after a {ours_start:.2f} s start)")
    print(f"  qalc     {theirs:7.2f} s  {lines / theirs:10,.0f} lines/s"
          f"  ({lines / max(theirs - theirs_start, 1e-9):,.0f} lines/s after a "
          f"{theirs_start:.2f} s start)")
    print(f"  ratio {theirs / ours:.1f}x qalc's rate, whole process; "
          f"{(theirs - theirs_start) / (ours - ours_start):.1f}x after start-up "
          "(target: at least 20x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        points(args.rows, Path(tmp))
        each_line(args.lines, Path(tmp))


if __name__ == "__main__":
    main()
