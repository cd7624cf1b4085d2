"""The goals of ``autodiff plot`` (issue 17), measured in one run.

1. Rendering a chart of 160 columns costs at most 0.3x the one-shot ``eval`` start-up: the
   render is timed in process (the samples taken, Rich imported: what a plot adds on top of
   a start-up), the one-shot eval as a whole process, medians of round-robin repeats.
2. Every extremum and inflection point of a set with closed forms is found, to 1e-12 in x.

    python benchmarks/plot.py [--quick]
"""

from __future__ import annotations

import io
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autodiff_cli.api import parse  # noqa: E402
from autodiff_cli.core.critical import sample  # noqa: E402
from autodiff_cli.views import chart  # noqa: E402

A3 = math.atan(3)
CLOSED_FORMS = {
    ("x^4 - 2*x^2", -2, 2): {"min": [-1, 1], "max": [0],
                             "inflection": [-1 / math.sqrt(3), 1 / math.sqrt(3)]},
    ("x^3 - 3*x", -2.5, 2.5): {"min": [1], "max": [-1], "inflection": [0]},
    ("(x - 0.3)^2*(x + 1.7)", -3, 2): {"min": [0.3], "max": [-31 / 30], "inflection": [-11 / 30]},
    ("sin(x)*exp(-x/3)", -1, 10): {"max": [A3, A3 + 2 * math.pi], "min": [A3 + math.pi],
                                   "inflection": [-math.atan(0.75) + k * math.pi
                                                  for k in range(4)]},
    ("x*exp(-x^2)", -3, 3): {"min": [-1 / math.sqrt(2)], "max": [1 / math.sqrt(2)],
                             "inflection": [-math.sqrt(1.5), 0, math.sqrt(1.5)]},
    ("(1-x)^2 + 100*(1-x^2)^2", -1.5, 1.5): {
        "min": [(-1 - math.sqrt(0.98)) / 2, 1], "max": [(-1 + math.sqrt(0.98)) / 2],
        "inflection": [-math.sqrt(398 / 1200), math.sqrt(398 / 1200)]},
}


def median_times(contenders: dict, repeats: int) -> dict:
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def autodiff() -> list[str]:
    script = Path(sys.executable).parent / "autodiff"
    return [str(script)] if script.exists() else [sys.executable, "-m", "autodiff_cli"]


def goal_render(repeats: int) -> list[tuple]:
    from rich.console import Console

    sampled = sample(parse("sin(x)*exp(-x/3)"), {}, "x", np.linspace(-1, 10, 401), 2)

    def render_ansi():
        buffer = io.StringIO()
        drawn = chart.render(sampled, width=160, height=24, color=True)
        Console(file=buffer, width=160, color_system="truecolor").print(drawn.rich())

    def render_text():
        chart.render(sampled, width=160, height=24, color=False).text()

    eval_cmd = autodiff() + ["eval", "square(square(x))+square(square(x))", "--x", "2",
                             "--format", "plain"]
    plot_cmd = autodiff() + ["plot", "sin(x)*exp(-x/3)", "--x", "-1:10", "--order", "2",
                             "--format", "chart"]

    def run(command):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, env={**env, "COLUMNS": "160", "LINES": "40"})

    rich_cmd = [sys.executable, "-c", "import rich.console, rich.text"]
    pass_cmd = [sys.executable, "-c", "pass"]
    for command in (eval_cmd, plot_cmd, rich_cmd):
        run(command)  # warm the .pyc files and the disk cache
    render_ansi()
    t = median_times({"eval": lambda: run(eval_cmd), "plot": lambda: run(plot_cmd),
                      "rich": lambda: run(rich_cmd), "pass": lambda: run(pass_cmd),
                      "ansi": render_ansi, "text": render_text,
                      "sample": lambda: sample(parse("sin(x)*exp(-x/3)"), {}, "x",
                                               np.linspace(-1, 10, 401), 2)}, repeats)
    ms = {k: v * 1000 for k, v in t.items()}
    return [
        ("1", "render 160 columns, colour (Rich) / eval one-shot", ms["ansi"] / ms["eval"],
         "<= 0.3x", f"render {ms['ansi']:.1f} ms vs eval {ms['eval']:.0f} ms"),
        ("1", "render 160 columns, plain text / eval one-shot", ms["text"] / ms["eval"], "ref",
         f"{ms['text']:.1f} ms"),
        ("1", "sample 401 points + critical points / eval one-shot", ms["sample"] / ms["eval"],
         "ref", f"{ms['sample']:.1f} ms (f, f', f'' and 7 points refined)"),
        ("1", "importing Rich, cold / eval one-shot", (ms["rich"] - ms["pass"]) / ms["eval"],
         "ref", f"{ms['rich'] - ms['pass']:.0f} ms (a chart on a terminal pays it once)"),
        ("1", "autodiff plot process / eval one-shot", ms["plot"] / ms["eval"], "ref",
         f"plot {ms['plot']:.0f} ms (sin(x)*exp(-x/3), order 2, 160 columns)"),
    ]


def goal_accuracy() -> list[tuple]:
    rows = []
    for (expression, a, b), expected in CLOSED_FORMS.items():
        found = sample(parse(expression), {}, "x", np.linspace(a, b, 401), 1).critical
        worst, missing = 0.0, 0
        for kind, xs in expected.items():
            got = sorted(p.x for p in found if p.kind == kind)
            if len(got) != len(xs):
                missing += 1
                continue
            worst = max([worst] + [abs(g - w) for g, w in zip(got, sorted(xs))])
        total = sum(len(v) for v in expected.values())
        ok = missing == 0 and len(found) == total and worst <= 1e-12
        rows.append(("2", f"{expression} on [{a}, {b}]: {total} points", worst, "<= 1e-12",
                     "all found" if ok else "MISSED or extra", ok))
    return rows


def main(argv: list[str]) -> int:
    repeats = 3 if "--quick" in argv else 15
    rows = goal_render(repeats)
    print(f"{'goal':<5} {'measure':<58} {'figure':>9}  {'target':<9} result  note")
    for goal, measure, figure, target, note in rows:
        result = "ref" if target == "ref" else ("PASS" if figure <= 0.3 else "FAIL")
        print(f"{goal:<5} {measure:<58} {figure:>8.3f}x  {target:<9} {result:<6}  {note}")
    for goal, measure, figure, target, note, ok in goal_accuracy():
        print(f"{goal:<5} {measure:<58} {figure:>9.1e}  {target:<9} "
              f"{'PASS' if ok else 'FAIL':<6}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
