"""The end of each command's --help: a few examples that run as shown, and the exit codes.

Each example is one shell line (a pipe where the command reads stdin) and exits 0;
tests/test_help_examples.py reads them back out of every --help and runs them. Kept
free of numpy, Lark and Rich: --help must stay fast.
"""

from __future__ import annotations

from ..errors import ExitCode

EXAMPLES = {
    "eval": [
        ('autodiff eval "x^2 + sin(y)" --x 2 --y 0.5', "the value and the gradient"),
        ('autodiff eval "x^3*y" --x 2 --y 1 --order 2', "and the Hessian"),
        ('autodiff eval "a = square(x); y = square(a) + square(a)" --x 2 --trace',
         "the backward pass, step by step"),
        ('autodiff eval "norm(x)" --x 3,4 --format json', "a vector argument, as JSON"),
        ("printf 'x,y\\n1,2\\n3,4\\n' | autodiff eval \"x*y\" --points -",
         "one result a row"),
        ("printf 'x^2\\nsin(x)\\n' | autodiff eval - --each-line --x 1",
         "one program a line"),
    ],
    "graph": [
        ('autodiff graph "x*y + sin(y)" --x 2 --y 1', "values and gradients"),
        ('autodiff graph "x*y + sin(y)"', "the structure only"),
        ('autodiff graph "x*y + sin(y)" --x 2 --y 1 --format dot', "Graphviz DOT"),
        ('autodiff graph "x*y + sin(y)" --x 2 --y 1 -o graph.svg', "drawn by Graphviz"),
    ],
    "check": [
        ('autodiff check "sin(x)*exp(y)" --x 0.7 --y 1.3', "the gradient"),
        ('autodiff check "sin(x)*exp(y)" --x 0.7 --y 1.3 --order 2', "and the Hessian"),
        ('autodiff check "x^3" --x 1,2,3 --format json', "at three points"),
    ],
    "diff": [
        ('autodiff diff "x^3 + sin(x)*y" --wrt x', "the formula"),
        ('autodiff diff "x^3 + sin(x)*y" --x 2 --y 1', "and its values"),
        ('autodiff diff "x^3" --order 2 --format latex', "LaTeX"),
    ],
    "functions": [
        ("autodiff functions", "every function"),
        ("autodiff functions sin", "one function"),
        ("autodiff functions --format json", "for programs"),
    ],
    "repl": [
        ("autodiff repl --x 2", "a session, x = 2"),
        ("printf 'x^2\\n:set x 3\\n:trace\\n' | autodiff repl --x 2", "entries from a pipe"),
    ],
    "plot": [
        ('autodiff plot "x^4 - 2*x^2" --x -2:2 --order 2', "f, f' and f''"),
        ('autodiff plot "sin(x)" --x 0:6.3 --format plain', "the samples"),
        ('autodiff plot "sin(x)" --x 0:6.3 -o plot.svg', "an SVG file"),
    ],
}
EXAMPLES["autodiff"] = [EXAMPLES["eval"][0], EXAMPLES["eval"][2], EXAMPLES["graph"][1],
                        EXAMPLES["check"][0], EXAMPLES["diff"][0],
                        ("autodiff eval --help", "a command's options and examples"),
                        ("autodiff --show-completion zsh", "completion (bash, zsh, fish)")]

# What exit 1 means differs by command; 0, 2 and 130 mean the same everywhere.
_FAILED = {
    "eval": "a non-finite result under --strict, or an I/O failure",
    "check": "a derivative outside the tolerance, or an I/O failure",
    "graph": "Graphviz failed, or an I/O failure",
    "autodiff": "check: a derivative off; --strict: a non-finite result; an I/O failure",
}


def exit_codes(command: str) -> str:
    """One line per exit code, from errors.ExitCode."""
    failed = _FAILED.get(command, "an I/O failure")
    meanings = {ExitCode.OK: "success", ExitCode.EVALUATION_FAILED: failed,
                ExitCode.BAD_INPUT: "the input is wrong (usage, syntax, names, values, limits)",
                ExitCode.INTERRUPTED: "interrupted (Ctrl-C)"}
    return "\n".join(f"  {code.value:<4} {meanings[code]}" for code in ExitCode)


def epilog(command: str) -> str:
    """Examples and exit codes, as click prints them unwrapped (a \\b paragraph)."""
    width = max(len(line) for line, _ in EXAMPLES[command])
    # Each comment after its example, aligned; above it, when a line would pass 78 columns.
    beside = width + max(len(what) for _, what in EXAMPLES[command]) <= 68
    examples = [f"  {line.ljust(width)}  # {what}" if beside else f"  # {what}\n  {line}"
                for line, what in EXAMPLES[command]]
    return ("\b\nExamples:\n" + "\n".join(examples) + "\n\n\b\nExit codes:\n" +
            exit_codes(command))
