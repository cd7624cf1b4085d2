#!/usr/bin/env python3
"""The goals of `autodiff diff` (issue 13), measured in one run: sizes and speed, as ratios.

    python benchmarks/diff.py            # the full run (about a minute, most of it SymPy)
    python benchmarks/diff.py --quick    # small sizes, no SymPy: says the script works
    python benchmarks/diff.py --no-sympy

Size: operations of the printed gradient (all variables together, bindings once) over the
operations of f, on products, chains and sums of a thousand terms; beside it, as a
comparison, SymPy's derivative after ``cse`` (if SymPy is installed), counted with
``count_ops`` over the replacements and the reduced expressions.
Speed: ``diff`` of a 10,000-node program (parse, derivative, plain text) over ``evaluate``
of the same program (parse, value, gradient), interleaved, the median of several repeats.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's code, installed or not

from autodiff_cli.api import derivative, evaluate  # noqa: E402
from autodiff_cli.core.formula import operations, program_operations  # noqa: E402
from autodiff_cli.language.parser import parse  # noqa: E402
from autodiff_cli.views import formula as formula_print  # noqa: E402


def families(n: int) -> dict[str, str]:
    """Products, chains and sums of n terms (the product: the issue's 160 sines)."""
    sines = min(n, 160)
    return {
        f"product of {sines} sines": "*".join(f"sin({k}*x)" if k > 1 else "sin(x)"
                                              for k in range(1, sines + 1)),
        f"product of {n} variables": "*".join(f"x{k}" for k in range(n)),
        f"chain of {n}": "sin(" * n + "x" + ")" * n,
        f"chain of {n}, two functions": "x" if n == 0 else
        "; ".join(["a0 = x"] + [f"a{k} = {'tanh' if k % 2 else 'sin'}(a{k - 1})*x"
                                for k in range(1, n)]),
        f"sum of {n} terms": " + ".join(f"{k % 7 + 1}*sin(x{k % 10}*x)" for k in range(n)),
        f"sum of {n} squares": " + ".join(f"square(x{k} - x{k + 1})" for k in range(n)),
    }


def sympy_cse_operations(source: str):
    """SymPy's gradient of a one-expression program, after cse, in count_ops operations."""
    import sympy

    program = parse(source)
    symbols = {name: sympy.Symbol(name) for name in program.inputs}
    locals_ = dict(symbols, square=lambda u: u**2)
    text = source.replace("^", "**")
    if ";" in text:  # bindings: substitute them in order
        *statements, last = [s.strip() for s in text.split(";")]
        for statement in statements:
            name, _, expr = statement.partition("=")
            locals_[name.strip()] = sympy.sympify(expr, locals=locals_)
        text = last.partition("=")[2] if "=" in last else last
    f = sympy.sympify(text, locals=locals_)
    gradient = [sympy.diff(f, symbols[name]) for name in program.inputs]
    replacements, reduced = sympy.cse(gradient)
    return sum(sympy.count_ops(e) for _, e in replacements) + sum(
        sympy.count_ops(e) for e in reduced)


def sizes(n: int, with_sympy: bool) -> list[tuple]:
    rows = []
    for name, source in families(n).items():
        f_ops = program_operations(parse(source))
        d_ops = operations(derivative(source))
        goal = "two functions" not in name  # a harder case than the issue's, for reference
        rows.append((f"size: {name}", f"{d_ops / f_ops:.2f}x f ({d_ops:,} / {f_ops:,} ops)",
                     "<= 3x" if goal else "ref", d_ops <= 3 * f_ops if goal else None))
    if with_sympy:
        rows += sympy_sizes(SYMPY_TERMS)
    return rows


SYMPY_TERMS = 160  # SymPy's cse is superlinear: 1000 terms take many minutes


def sympy_sizes(n: int) -> list[tuple]:
    """Ours against SymPy's diff + cse, at n terms (the product of n variables is left out:
    its gradient, n products of n - 1 factors, takes SymPy's cse minutes at n = 160)."""
    rows = []
    for name, source in families(n).items():
        if "variables" in name:
            continue
        f_ops = program_operations(parse(source))
        d_ops = operations(derivative(source))
        start = time.perf_counter()
        try:
            s_ops = sympy_cse_operations(source)
        except RecursionError:  # SymPy recurses on nested expressions (the chains)
            rows.append((f"vs sympy: {name}", f"ours {d_ops / f_ops:.2f}x f, sympy: RecursionError",
                         "ref", None))
            continue
        seconds = time.perf_counter() - start
        rows.append((f"vs sympy: {name}",
                     f"ours {d_ops / f_ops:.2f}x f, sympy+cse {s_ops / f_ops:.2f}x f "
                     f"({s_ops:,} ops, {seconds:.1f} s)", "ref", None))
    return rows


def big_program(nodes: int, seed: int = 13) -> str:
    """A random program of about ``nodes`` nodes over 20 variables, with shared bindings."""
    rng = random.Random(seed)
    unary = ["sin", "cos", "tanh", "sigmoid", "softplus", "atan", "square", "exp", "log1p"]
    pool = [f"x{k}" for k in range(20)]
    statements = []
    count = 0
    k = 0
    while count < nodes - 39:  # the variables and the final sum's 19 additions
        a, b = rng.choice(pool[-30:]), rng.choice(pool)
        r = rng.random()
        if r < 0.35:
            expr, cost = f"{rng.choice(unary)}({a})", 1
        elif r < 0.7:
            expr, cost = f"{a} {rng.choice('+-*')} {b}", 1
        else:
            expr, cost = f"0.5*{rng.choice(unary)}({a}*{b})", 4
        if rng.random() < 0.3:
            expr = f"tanh({expr})"
            cost += 1
        name = f"v{k}"
        k += 1
        statements.append(f"{name} = {expr}")
        pool.append(name)
        count += cost
    statements.append(" + ".join(pool[-20:]))
    return "\n".join(statements)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def speed(nodes: int, repeats: int) -> list[tuple]:
    source = big_program(nodes)
    program = parse(source)
    values = {name: 0.3 for name in program.inputs}

    def run_diff():
        formula_print.plain(derivative(source))

    def run_eval():
        evaluate(source, values)

    run_diff(), run_eval()  # warm up: the grammar, the registry
    diff_times, eval_times = [], []
    for _ in range(repeats):  # interleaved: a noisy machine slows both alike
        diff_times.append(timed(run_diff))
        eval_times.append(timed(run_eval))
    d, e = statistics.median(diff_times), statistics.median(eval_times)
    # Parsing is most of both: the same work after parsing, for when the parser gets faster.
    dp = statistics.median(timed(lambda: formula_print.plain(derivative(program)))
                           for _ in range(repeats))
    ep = statistics.median(timed(lambda: evaluate(program, values)) for _ in range(repeats))
    stages = stage_times(source)
    return [(f"speed: diff of a {len(program.nodes):,}-node program vs evaluate",
             f"{d / e:.2f}x ({d * 1e3:.0f} ms vs {e * 1e3:.0f} ms)", "<= 3x", d <= 3 * e),
            ("  the same, parsed once beforehand",
             f"{dp / ep:.2f}x ({dp * 1e3:.0f} ms vs {ep * 1e3:.0f} ms)", "ref", None),
            ("  diff's stages", stages, "ref", None)]


def stage_times(source: str) -> str:
    start = time.perf_counter()
    program = parse(source)
    parsed = time.perf_counter()
    formula = derivative(program)
    derived = time.perf_counter()
    formula_print.plain(formula)
    printed = time.perf_counter()
    return (f"parse {1e3 * (parsed - start):.0f} ms, derivative {1e3 * (derived - parsed):.0f} ms,"
            f" print {1e3 * (printed - derived):.0f} ms")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, no SymPy")
    parser.add_argument("--no-sympy", action="store_true", help="skip the SymPy comparison")
    args = parser.parse_args(argv)
    try:
        import sympy  # noqa: F401

        with_sympy = not (args.quick or args.no_sympy)
    except ImportError:
        with_sympy = False
    n, nodes, repeats = (50, 1000, 3) if args.quick else (1000, 10_000, 7)
    rows = sizes(n, with_sympy) + speed(nodes, repeats)
    width = max(len(r[0]) for r in rows)
    for what, figure, target, ok in rows:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        print(f"{what:<{width}}  {figure:<48} {target:>6}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
