#!/usr/bin/env python3
"""The performance goals of issue 6, measured in one run.

    python benchmarks/run.py              # the full run (a few minutes)
    python benchmarks/run.py --quick      # a smoke run with small sizes (the test-suite's)
    python benchmarks/run.py --json out.json --goals 2,3

Every figure is a ratio against a baseline measured in the same run, interleaved with it
(round-robin) and taken as the median of several repeats, because these machines are shared
and noisy; the one absolute figure is the 10^5-deep chain, which the issue states in seconds.
The table has one line per measurement: the goal, what is measured, the figure, the target
and PASS/FAIL (or "ref" for reference figures without a target, SKIP when torch is absent).
The exit code is 0 whether or not the goals hold: a missed goal is a figure, not an error.

With --quick the sizes are small, so the figures say the script works, not that a goal holds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's code, installed or not

import numpy as np  # noqa: E402
from lark import Lark  # noqa: E402

from autodiff_cli import api  # noqa: E402
from autodiff_cli.core import chunks, engine, graph as core_graph, tape  # noqa: E402
from autodiff_cli.core.nested import derivative_graph_sizes  # noqa: E402
from autodiff_cli.language.parser import parse  # noqa: E402


# --- sizes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sizes:
    startup_runs: int  # one-shot processes per command
    repeats: int  # in-process repeats (the median is taken)
    terms: int  # the huge sum; linearity compares terms // 10 with terms
    huge_repeats: int  # repeats for the huge sum (a bare Lark parse of 10^6 terms takes minutes)
    chain_depth: int  # the deep chain, end to end
    chain_runs: int
    engine_nodes: tuple  # graph sizes for the engine against PyTorch
    points: int  # array length for the vectorised and memory goals
    tanh_orders: int


FULL = Sizes(startup_runs=15, repeats=5, terms=1_000_000, huge_repeats=3, chain_depth=100_000, chain_runs=3,
             engine_nodes=(10_000, 100_000), points=1_000_000, tanh_orders=7)
QUICK = Sizes(startup_runs=3, repeats=2, terms=2_000, huge_repeats=2, chain_depth=10_000, chain_runs=1,
              engine_nodes=(2_000,), points=100_000, tanh_orders=7)


# --- rows and the table ------------------------------------------------------------------------

@dataclass
class Row:
    goal: int
    measure: str
    figure: float | None  # None: not measured (skipped, or it failed)
    unit: str  # "x" for a ratio, "s" for seconds, "" for a count
    limit: float | None = None  # the goal holds when figure <= limit; None: for reference
    note: str = ""

    @property
    def result(self) -> str:
        if self.figure is None:
            return "SKIP"
        if self.limit is None:
            return "ref"
        return "PASS" if self.figure <= self.limit else "FAIL"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "":
        return f"{value:g}"
    return f"{value:.3g}{unit}" if value < 100 else f"{value:.0f}{unit}"


def print_table(rows: list[Row]) -> None:
    header = ("goal", "measure", "figure", "target", "result", "note")
    lines = [(str(r.goal), r.measure, _number(r.figure, r.unit),
              "" if r.limit is None else "<= " + _number(r.limit, r.unit), r.result, r.note)
             for r in rows]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header) - 1)]
    for line in [header, *lines]:
        cells = [cell.ljust(width) for cell, width in zip(line, widths)]
        print("  ".join(cells + [line[-1]]).rstrip())


# --- timing ------------------------------------------------------------------------------------

def race(contenders: dict, repeats: int) -> dict:
    """Median seconds of each callable, run round-robin so that noise hits all alike."""
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


# As a user's machine runs it: with .pyc files (some sandboxes set PYTHONDONTWRITEBYTECODE,
# which would make every process recompile the package and measure that instead).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_process(command: list[str], stdin: bytes | None = None) -> None:
    proc = subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False, env=CHILD_ENV)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... exited {proc.returncode}: "
                           f"{proc.stderr.decode(errors='replace')[-300:]}")


def autodiff_command() -> tuple[list[str], str]:
    """The console script next to this interpreter (the venv's), else ``python -m``."""
    script = Path(sys.executable).parent / "autodiff"
    if script.exists():
        return [str(script)], ""
    return [sys.executable, "-m", "autodiff_cli"], "no console script: python -m autodiff_cli"


# --- goal 1: start-up --------------------------------------------------------------------------

# The expression both autodiff and qalc read, and the point: the same one-shot derivative.
STARTUP_EXPRESSION, STARTUP_AT = "sin(x)*exp(x)", "2"


def qalc_command() -> list[str] | None:
    """qalc (Qalculate!'s command line: ``apt-get install qalc``) for the same derivative:
    diff(f, x, 1, 2) is the first derivative by x at x = 2. None when it is not installed."""
    qalc = shutil.which("qalc")
    return [qalc, "-t", f"diff({STARTUP_EXPRESSION}, x, 1, {STARTUP_AT})"] if qalc else None


def goal_startup(sizes: Sizes) -> list[Row]:
    autodiff, note = autodiff_command()
    python = sys.executable
    commands = {
        "pass": [python, "-c", "pass"],
        "numpy": [python, "-c", "import numpy"],
        "typer": [python, "-c", "import typer"],
        "eval": autodiff + ["eval", STARTUP_EXPRESSION, "--x", STARTUP_AT, "--format", "plain"],
        "version": autodiff + ["--version"],
        "help": autodiff + ["--help"],
    }
    qalc = qalc_command()
    if qalc:
        commands["qalc"] = qalc
    for command in commands.values():  # warm the disk cache and the .pyc files
        run_process(command)
    ms = race({name: (lambda c=command: run_process(c)) for name, command in commands.items()},
              sizes.startup_runs)
    ms = {name: seconds * 1000 for name, seconds in ms.items()}
    times = lambda a, b: f"{a} {ms[a]:.0f} ms vs {b} {ms[b]:.0f} ms"  # noqa: E731
    return [
        Row(1, "eval one-shot / python -c 'import numpy'", ms["eval"] / ms["numpy"], "x", 1.0,
            times("eval", "numpy") + (f"; {note}" if note else "")),
        Row(1, "eval one-shot / qalc one-shot derivative",
            ms["eval"] / ms["qalc"] if qalc else None, "x", 1.0,
            f"{STARTUP_EXPRESSION} at x = {STARTUP_AT}; " + (
                times("eval", "qalc") if qalc else "qalc not installed (apt-get install qalc)")),
        Row(1, "autodiff --version / python -c 'import typer'", ms["version"] / ms["typer"],
            "x", 1.3, times("version", "typer")),
        Row(1, "autodiff --help / python -c 'import typer'", ms["help"] / ms["typer"], "x", 1.3,
            times("help", "typer")),
        Row(1, "python -c 'import numpy' / python -c pass", ms["numpy"] / ms["pass"], "x",
            note=f"pass {ms['pass']:.0f} ms"),
    ]


# --- goal 2: huge expressions ------------------------------------------------------------------

# A plain arithmetic grammar for the baseline: the same language, no callbacks, Lark builds
# its parse tree as it does by default.
ARITHMETIC = r"""
?start: sum
?sum: product | sum "+" product -> add | sum "-" product -> sub
?product: unary | product "*" unary -> mul | product "/" unary -> div
?unary: power | "-" unary -> neg
?power: atom | atom "^" unary -> pow
?atom: NUMBER -> number
     | NAME -> name
     | NAME "(" sum ("," sum)* ")" -> call
     | "(" sum ")"
NUMBER: /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/
NAME: /[A-Za-z_][A-Za-z_0-9]*/
%ignore " "
"""


def wide_sum(terms: int, weighted: bool = True) -> str:
    """sin(0.01*x)*1 + sin(0.02*x)*2 + ... (or without the weights)."""
    return " + ".join(f"sin({i / 100}*x)" + (f"*{i}" if weighted else "")
                      for i in range(1, terms + 1))


def deep_chain(depth: int) -> str:
    return "sin(" * depth + "x" + ")" * depth


@contextlib.contextmanager
def engine_context():
    """What ``evaluate`` wraps around build and backward (the collector paused, if it does)."""
    with getattr(engine, "gc_paused", contextlib.nullcontext)():
        yield


def engine_run(program) -> None:
    with engine_context():
        graph = core_graph.build(program, {"x": 0.5})
        core_graph.gradients(graph, ["x"])


def torch_deep(torch, depth: int) -> None:
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(depth):
        y = torch.sin(y)
    y.backward()


def torch_wide(torch, terms: int) -> None:
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    total = torch.sin(0.01 * x)
    for i in range(2, terms + 1):
        total = total + torch.sin((i / 100) * x)
    total.backward()


def load_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def goal_huge(sizes: Sizes) -> list[Row]:
    """A sum of 10^6 terms: time against a bare Lark parse, growth, and memory per term."""
    text, small = wide_sum(sizes.terms), wide_sum(sizes.terms // 10)
    lark = Lark(ARITHMETIC, parser="lalr")
    lark.parse(wide_sum(100))  # the first parse builds Lark's lexer state
    t = race({"lark": lambda: lark.parse(text),
              "evaluate": lambda: api.evaluate(text, x=0.3),
              "small": lambda: api.evaluate(small, x=0.3)}, sizes.huge_repeats)
    # Where evaluate's time goes: parsing (our LALR driver and builder) against the tape
    # (core/tape.py: a scalar first-order run; the engine's objects are for --trace and more).
    program = parse(text)
    nodes = len(program.nodes)
    split = race({"parse": lambda: parse(text),
                  "tape": lambda: tape.first_order(program, {"x": 0.3}, ["x"])},
                 sizes.huge_repeats)
    del program
    # Memory: the peak of one evaluation (program, graph and backward pass), text excluded.
    peak = traced_peak(lambda: api.evaluate(text, x=0.3))
    rows = [
        Row(2, f"evaluate {sizes.terms:,}-term sum / bare Lark LALR parse", t["evaluate"] / t["lark"],
            "x", 1.3, f"evaluate {t['evaluate']:.2f} s (parse {split['parse']:.2f} s + tape "
            f"{split['tape']:.2f} s) vs Lark {t['lark']:.2f} s; {nodes:,} nodes"),
        Row(2, f"evaluate {sizes.terms:,} terms / {sizes.terms // 10:,} terms", t["evaluate"] / t["small"],
            "x", 11.0, f"{t['evaluate']:.2f} s vs {t['small']:.3f} s"),
        Row(2, f"peak bytes per term, evaluate {sizes.terms:,} terms (tracemalloc)",
            peak / sizes.terms, " B", 1024.0,
            f"peak {peak / 1e6:.0f} MB, {peak / nodes:.0f} bytes per node"),
    ]
    rows.append(deep_chain_row(sizes))
    rows += engine_rows(sizes)
    return rows


def deep_chain_row(sizes: Sizes) -> Row:
    autodiff, note = autodiff_command()
    source = deep_chain(sizes.chain_depth).encode()
    command = autodiff + ["eval", "-", "--x", "0.5", "--format", "plain"]
    seconds = race({"chain": lambda: run_process(command, stdin=source)}, sizes.chain_runs)
    return Row(2, f"autodiff eval of a {sizes.chain_depth:,}-deep sin chain (stdin), end to end",
               seconds["chain"], "s", 3.0, note or "one process, wall clock")


def engine_rows(sizes: Sizes) -> list[Row]:
    """Forward and backward on a parsed Program against PyTorch eager, float64, CPU."""
    torch = load_torch()
    rows = []
    for nodes in sizes.engine_nodes:
        for shape, text, torch_fn in (
                ("deep sin chain", deep_chain(nodes - 1), lambda n=nodes: torch_deep(torch, n - 1)),
                ("wide sum of sin(c_i*x)", wide_sum(nodes // 4, weighted=False),
                 lambda n=nodes: torch_wide(torch, n // 4))):
            program = parse(text)
            measure = f"engine / torch, {shape}, {len(program.nodes):,} nodes"
            if torch is None:
                rows.append(Row(2, measure, None, "x", 1.0, "torch not installed: skipped"))
                continue
            contenders = {"engine": lambda p=program: engine_run(p), "torch": torch_fn}
            try:
                t = race(contenders, max(1, sizes.repeats - 2))
            except (RecursionError, RuntimeError) as error:  # torch on very deep graphs
                rows.append(Row(2, measure, None, "x", 1.0,
                                f"torch failed: {type(error).__name__}: {str(error)[:80]}"))
                continue
            rows.append(Row(2, measure, t["engine"] / t["torch"], "x", 1.0,
                            f"engine {t['engine'] * 1000:.0f} ms "
                            f"({t['engine'] / len(program.nodes) * 1e6:.1f} us/node) vs torch "
                            f"{t['torch'] * 1000:.0f} ms"))
    return rows


# --- goal 3: vectorised ------------------------------------------------------------------------

FORMULA = "sin(x)*exp(-(x^2+y^2)/2) + log(1+x^2)*tanh(y)"


def points(n: int):
    rng = np.random.default_rng(6)
    return rng.uniform(-2.0, 2.0, n), rng.uniform(-2.0, 2.0, n)


def numpy_forward(x, y):
    return np.sin(x) * np.exp(-(x ** 2 + y ** 2) / 2) + np.log(1 + x ** 2) * np.tanh(y)


def numpy_derivative(x, y):
    """The value and both partial derivatives, written out by hand."""
    x2 = x * x
    q = 1 + x2
    g = np.exp(-(x2 + y * y) / 2)
    sg = np.sin(x) * g
    t = np.tanh(y)
    log_q = np.log(q)
    value = sg + log_q * t
    dx = np.cos(x) * g - x * sg + 2 * x * t / q
    dy = -y * sg + log_q * (1 - t * t)
    return value, dx, dy


def torch_formula(torch, x, y) -> None:
    tx = torch.from_numpy(x).requires_grad_()
    ty = torch.from_numpy(y).requires_grad_()
    f = torch.sin(tx) * torch.exp(-(tx ** 2 + ty ** 2) / 2) + torch.log(1 + tx ** 2) * torch.tanh(ty)
    f.sum().backward()  # seed of ones, as DeZero and `evaluate` do for a vector output


def torch_rows(sizes: Sizes, x, y, evaluate_ratio: float, threads: int) -> list[Row]:
    """PyTorch eager on 1 and 2 threads, each raced against its own numpy forward baseline
    (switching the thread count on every call would measure the switch). On a loaded 2-core
    machine the two-thread figure suffers: OpenMP waits at every operation for a thread
    that has no core (compare the load average printed in the header)."""
    torch = load_torch()
    if torch is None:
        return [Row(3, "torch eager / numpy forward", None, "x", note="torch not installed: skipped")]
    default, rows = torch.get_num_threads(), []
    for count in (1, 2):
        torch.set_num_threads(count)
        torch_formula(torch, x, y)  # warm-up: the thread pool, the kernels
        t = race({"forward": lambda: numpy_forward(x, y),
                  "torch": lambda: torch_formula(torch, x, y)}, sizes.repeats * 3)
        rows.append(Row(3, f"torch eager, {count} thread{'s' * (count > 1)} / numpy forward",
                        t["torch"] / t["forward"], "x",
                        note=f"{t['torch'] * 1000:.0f} ms vs {t['forward'] * 1000:.0f} ms"))
    torch.set_num_threads(default)
    two_threads = rows[-1].figure
    rows.append(Row(3, f"evaluate, {threads} threads / torch eager, 2 threads (ratio of ratios)",
                    evaluate_ratio / two_threads, "x", 1.0, note="below 1: ahead of PyTorch"))
    return rows


@contextlib.contextmanager
def unchunked():
    """Evaluate as one graph over all the points, as before chunks (core/chunks.py)."""
    saved = chunks.CHUNK, chunks.SMALLEST
    chunks.CHUNK = chunks.SMALLEST = 1 << 62
    try:
        yield
    finally:
        chunks.CHUNK, chunks.SMALLEST = saved


def evaluate_whole(x, y):
    with unchunked():
        api.evaluate(FORMULA, x=x, y=y)


def goal_vectorised(sizes: Sizes, threads: int = 2) -> list[Row]:
    x, y = points(sizes.points)
    result = api.evaluate(FORMULA, x=x, y=y)  # the hand-written derivative must agree
    value, dx, dy = numpy_derivative(x, y)
    assert np.allclose(result.value, value) and np.allclose(result.gradient["x"], dx)
    assert np.allclose(result.gradient["y"], dy)
    t = race({"forward": lambda: numpy_forward(x, y),
              "one thread": lambda: api.evaluate(FORMULA, x=x, y=y, threads=1),
              "threads": lambda: api.evaluate(FORMULA, x=x, y=y, threads=threads),
              "whole": lambda: evaluate_whole(x, y),
              "derivative": lambda: numpy_derivative(x, y),
              "sin cos": lambda: (np.sin(x), np.cos(x))}, sizes.repeats * 3)
    ms = lambda name: f"{t[name] * 1000:.0f} ms"  # noqa: E731
    ratio = lambda name: t[name] / t["forward"]  # noqa: E731
    rows = [
        Row(3, f"evaluate, {sizes.points:,} points, 1 thread / numpy forward", ratio("one thread"),
            "x", 2.0, f"{ms('one thread')} vs {ms('forward')}; chunks of "
                      f"{chunks.chunk_size(sizes.points, 1):,} points"),
        Row(3, f"evaluate, {sizes.points:,} points, {threads} threads / numpy forward",
            ratio("threads"), "x", 1.2,
            f"{ms('threads')} vs {ms('forward')}; {chunks.available_cores()} cores available"),
        Row(3, "evaluate as one graph (no chunks) / numpy forward", ratio("whole"), "x",
            note=f"{ms('whole')} vs {ms('forward')}: as before chunks"),
        Row(3, "hand-written numpy derivative / numpy forward", ratio("derivative"),
            "x", note=f"{ms('derivative')} vs {ms('forward')}"),
        Row(3, "numpy sin(x) and cos(x) alone / numpy forward", ratio("sin cos"), "x",
            note=f"{ms('sin cos')}: a floor, any exact value and gradient computes both"),
    ]
    return rows + torch_rows(sizes, x, y, ratio("threads"), threads)


def chunk_rows(sizes: Sizes) -> list[Row]:
    """evaluate on one thread for several chunk sizes: how CHUNK was chosen (--chunks)."""
    x, y = points(sizes.points)
    lengths = (4096, 8192, 16384, 32768, 65536, 131072, 262144)

    def with_chunk(length):
        saved = chunks.CHUNK, chunks.SMALLEST
        chunks.CHUNK = chunks.SMALLEST = length
        try:
            api.evaluate(FORMULA, x=x, y=y, threads=1)
        finally:
            chunks.CHUNK, chunks.SMALLEST = saved

    contenders = {"forward": lambda: numpy_forward(x, y)}
    contenders.update({n: (lambda n=n: with_chunk(n)) for n in lengths})
    t = race(contenders, sizes.repeats * 3)
    return [Row(3, f"chunks of {n:,} points, 1 thread / numpy forward", t[n] / t["forward"], "x",
                note=f"{t[n] * 1000:.0f} ms" + (" (CHUNK)" if n == chunks.CHUNK else ""))
            for n in lengths]


# --- goal 4: memory ----------------------------------------------------------------------------

# The arrays the backward pass of FORMULA must keep, by the backward formulas in the registry,
# each as long as the input (n float64 elements):
#   x, y                 the inputs (sin' = cos(x), x^2' = 2x, y^2' = 2y)
#   sin(x)               read by the backward of the product sin(x)*exp(...)
#   exp(-(x^2+y^2)/2)    read by that product, and by exp's own backward (exp' = exp)
#   1 + x^2              read by log's backward (log' = 1/u)
#   log(1 + x^2)         read by the product log(...)*tanh(y)
#   tanh(y)              read by that product, and by tanh's backward (1 - tanh^2)
# x^2, y^2, their sum, its negation and half, and the two products are not needed again
# (add, neg and a division by a constant need no values; pow by a constant needs its base).
# The value and the two gradients are outputs, not kept state: the 1.5x allows for them.
KEPT_ARRAYS = 7


def traced_peak(fn) -> int:
    """Peak bytes allocated while ``fn`` runs (inputs made inside it count)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def goal_memory(sizes: Sizes) -> list[Row]:
    def run_evaluate():
        x, y = points(sizes.points)
        api.evaluate(FORMULA, x=x, y=y)

    def run_whole():
        evaluate_whole(*points(sizes.points))

    def run_forward():
        numpy_forward(*points(sizes.points))

    kept = KEPT_ARRAYS * sizes.points * 8
    peak = traced_peak(run_evaluate)
    whole = traced_peak(run_whole)
    forward = traced_peak(run_forward)
    mb = lambda b: f"{b / 1e6:.0f} MB"  # noqa: E731
    return [
        Row(4, f"peak of evaluate, {sizes.points:,} points / arrays kept for backward",
            peak / kept, "x", 1.5, f"peak {mb(peak)} vs {KEPT_ARRAYS} arrays = {mb(kept)}; "
            f"in chunks, {chunks.available_cores()} threads"),
        Row(4, "peak of evaluate as one graph (no chunks) / arrays kept for backward",
            whole / kept, "x", 1.5, f"peak {mb(whole)}"),
        Row(4, "peak of the numpy forward pass / arrays kept for backward", forward / kept, "x",
            note=f"peak {mb(forward)}"),
    ]


# --- goal 5: higher orders ---------------------------------------------------------------------

DEZERO_TANH = [4, 9, 21, 51, 129, 339, 921]  # functions in DeZero's order-n graph of tanh


def goal_higher(sizes: Sizes) -> list[Row]:
    ours = derivative_graph_sizes("tanh", sizes.tanh_orders)
    ratios = [a / b for a, b in zip(ours, DEZERO_TANH)]
    rows = [Row(5, "largest tanh graph ratio, ours / DeZero, orders 1-7", max(ratios), "x", 1.0,
                f"ours {ours} vs DeZero {DEZERO_TANH}")]
    rows += [Row(5, f"tanh order {n}: functions (DeZero {theirs})", mine, "", theirs)
             for n, (mine, theirs) in enumerate(zip(ours, DEZERO_TANH), start=1)]
    return rows


# --- main --------------------------------------------------------------------------------------

GOALS = {1: goal_startup, 2: goal_huge, 3: goal_vectorised, 4: goal_memory, 5: goal_higher}


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "processor": cpu_model(),
        "cpus": os.cpu_count(),
        "load": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "versions": {name: version(name) for name in
                     ("autodiff-cli", "numpy", "lark", "typer", "rich", "torch")},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--goals", default="1,2,3,4,5", help="which goals, e.g. 2,3")
    parser.add_argument("--chunks", action="store_true",
                        help="also time the vectorised goal for several chunk sizes")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    about = machine()
    print(f"autodiff benchmarks ({'quick: small sizes, not the goals' if args.quick else 'full'})"
          f", {about['date']}, {about['platform']}, {about['processor']}, {about['cpus']} CPUs (load {about['load']}), "
          f"Python {about['python']}, "
          + ", ".join(f"{k} {v}" for k, v in about["versions"].items()), flush=True)
    rows: list[Row] = []
    for goal in sorted(int(g) for g in args.goals.split(",")):
        started = time.perf_counter()
        rows += GOALS[goal](sizes)
        if goal == 3 and args.chunks:
            rows += chunk_rows(sizes)
        print(f"goal {goal} measured in {time.perf_counter() - started:.1f} s", file=sys.stderr,
              flush=True)
    print()
    print_table(rows)
    sys.stdout.flush()
    if args.json:
        doc = {"machine": about, "quick": args.quick, "sizes": asdict(sizes),
               "rows": [{**asdict(r), "result": r.result} for r in rows]}
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
