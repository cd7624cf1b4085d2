"""The Typer app: every command's options, help and completion.

The process starts in ``entry.py`` (which runs a plain one-shot ``eval`` without
Typer); what the commands do is in ``commands.py`` and the modules it calls.
Importing this module must stay cheap (``--help`` and ``--version`` do not import
numpy or Lark): everything heavy is imported inside the commands.
"""

from __future__ import annotations

import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .commands import (DEFAULT_MAX_SIZE, console, evaluate_command, load,
                       render_text, resolve_format, save_or_write, silence_stdout, write)
from .errors import ExitCode

VALUE_COMMANDS = ("eval", "graph", "check")  # the commands that take --NAME VALUE

app = typer.Typer(
    name="autodiff",
    help="Evaluate expressions and their exact derivatives by reverse-mode automatic "
         "differentiation.\n\nExample: autodiff eval \"square(square(x))+square(square(x))\" --x 2.0",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
)


class Format(str, Enum):
    auto = "auto"
    table = "table"
    plain = "plain"
    json = "json"


class GraphFormat(str, Enum):
    auto = "auto"
    dot = "dot"
    text = "text"


class FunctionsFormat(str, Enum):
    auto = "auto"
    table = "table"
    plain = "plain"
    markdown = "markdown"
    json = "json"


def command(name: str):
    """``app.command``, ending quietly (exit 0) when stdout's reader goes away.

    Handled here, inside the command, because click turns a BrokenPipeError that
    escapes a command into exit 1 before ``main`` could see it."""
    def register(function):
        @functools.wraps(function)
        def quiet(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except BrokenPipeError:
                silence_stdout()
                return ExitCode.OK
        return app.command(name)(quiet)
    return register


def _version(value: bool) -> None:
    if value:
        print(f"autodiff {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """autodiff: values and exact derivatives of expressions, from the command line."""


# Options shared by the commands that evaluate an expression.
ExprArg = Annotated[Optional[str], typer.Argument(
    metavar="EXPR", show_default=False,
    help="The expression or program ('-' reads it from stdin). Values: --NAME VALUE.")]
VarOpt = Annotated[Optional[list[str]], typer.Option(
    "--var", "-v", metavar="NAME=VALUE", show_default=False,
    help="A value, in any order: --var x=2 (same as --x 2). A vector: --var x=1,2,3.")]
FileOpt = Annotated[Optional[Path], typer.Option(
    "--file", "-f", metavar="PATH", show_default=False, help="Read the program from a file.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 on a non-finite result.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show Python tracebacks.")]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour, even on a terminal.")]
MaxSizeOpt = Annotated[int, typer.Option(
    "--max-size", metavar="CHARS", help="The longest program accepted, in characters.")]
OrderOpt = Annotated[int, typer.Option(
    "--order", metavar="N", help="Derivatives up to order N (several variables: "
    "--order 2 gives the Hessian).")]
# The pipeline modes (pipelines.py).
PointsOpt = Annotated[Optional[str], typer.Option(
    "--points", metavar="FILE|-", show_default=False,
    help="Evaluate at each row of FILE ('-': stdin); a header line names the columns.")]
DelimiterOpt = Annotated[Optional[str], typer.Option(
    "--delimiter", metavar="D", show_default=False,
    help="The --points column separator: ',', ';', tab or space (default: detected).")]
SkipBadRowsOpt = Annotated[bool, typer.Option(
    "--skip-bad-rows", help="With --points: warn about a malformed row and go on.")]
EachLineOpt = Annotated[bool, typer.Option(
    "--each-line", help="One program per input line, one result per line.")]


@command("eval")
def eval_command(
    expression: ExprArg = None,
    var: VarOpt = None,
    file: FileOpt = None,
    wrt: Annotated[Optional[str], typer.Option(
        "--wrt", metavar="NAMES", show_default=False,
        help="Differentiate by these variables only (comma-separated).")] = None,
    output_format: Annotated[Format, typer.Option(
        "--format", help="auto = table on a terminal, plain in a pipe.")] = Format.auto,
    strict: StrictOpt = False,
    show_trace: Annotated[bool, typer.Option(
        "--trace", help="Show the backward pass step by step (on stderr; in JSON also 'trace').")
    ] = False,
    order: OrderOpt = 1,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
    max_size: MaxSizeOpt = DEFAULT_MAX_SIZE,
    points: PointsOpt = None,
    delimiter: DelimiterOpt = None,
    skip_bad_rows: SkipBadRowsOpt = False,
    each_line: EachLineOpt = False,
) -> int:
    """Evaluate EXPR and its gradient. Example: autodiff eval "x^2 + sin(y)" --x 2 --y 0.5"""
    return evaluate_command(expression, var, file, wrt, output_format.value, strict, show_trace,
                            order, no_color, max_size, points, delimiter, skip_bad_rows,
                            each_line)


@command("graph")
def graph_command(
    expression: ExprArg = None,
    var: VarOpt = None,
    file: FileOpt = None,
    output_format: Annotated[GraphFormat, typer.Option(
        "--format", help="dot (Graphviz) or text (a tree); auto = text on a terminal, else dot, "
                         "or as --output's name says (.txt is text).")] = GraphFormat.auto,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="FILE", show_default=False,
        help="Write to FILE; FILE.svg, .png or .pdf is drawn by Graphviz's dot.")] = None,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
    max_size: MaxSizeOpt = DEFAULT_MAX_SIZE,
) -> int:
    """Show the computational graph of EXPR. Example: autodiff graph "x*y + sin(y)" --x 2 --y 1"""
    from . import graph_render, graphviz, report
    from .api import build, gradients
    from .graphids import GraphIds

    program, values, warnings = load(expression, file, var, max_size)
    graph = build(program, values)
    gradients(graph, program.variables, retain_grad=True)  # every node shows its gradient
    for message in warnings + graph.warnings:
        report.warning(message, no_color)
    ids = GraphIds.walk(graph.output)
    fmt = output_format.value
    if fmt == "auto":
        named_text = output is not None and output.suffix.lower() == ".txt"
        fmt = "text" if named_text or (output is None and sys.stdout.isatty()) else "dot"
    if output is not None and graphviz.image_format(output):
        if fmt == "text":
            from .arguments import UsageError

            raise UsageError(f"{output} is an image; --format text writes text", hint="--output graph.txt")
        graphviz.render(graph_render.dot(ids, program.source), output)
    elif fmt == "dot":
        save_or_write(output, graph_render.dot(ids, program.source))
    elif output is None and sys.stdout.isatty():
        terminal = console(no_color)
        terminal.print(graph_render.tree_group(ids, terminal.width))
    else:
        save_or_write(output, render_text(graph_render.tree_group(ids)))
    return ExitCode.OK


@command("check")
def check_command(
    expression: ExprArg = None,
    var: VarOpt = None,
    file: FileOpt = None,
    eps: Annotated[float, typer.Option(
        "--eps", help="The finite-difference step relative to the point: h = eps*max(1, |x|).")
    ] = 1e-6,
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance.")] = 1e-5,
    atol: Annotated[float, typer.Option("--atol", help="Absolute tolerance.")] = 1e-7,
    order: Annotated[int, typer.Option(
        "--order", metavar="N", help="2: check the Hessian too.")] = 1,
    output_format: Annotated[Format, typer.Option(
        "--format", help="auto = table on a terminal, plain in a pipe.")] = Format.auto,
    debug: DebugOpt = False,
    no_color: NoColorOpt = False,
    max_size: MaxSizeOpt = DEFAULT_MAX_SIZE,
) -> int:
    """Compare the exact derivatives with central differences; exit 1 if any is off.

    Example: autodiff check "sin(x)*exp(y)" --x 0.7 --y 1.3 --order 2"""
    from . import gradcheck, report

    gradcheck.validate(eps, rtol, atol, order)
    program, values, warnings = load(expression, file, var, max_size)
    result = gradcheck.check(program, values, eps=eps, rtol=rtol, atol=atol, order=order)
    for message in warnings + result.warnings:
        report.warning(message, no_color)
    fmt = resolve_format(output_format.value)
    if fmt == "table":
        console(no_color).print(gradcheck.table(result))
    else:
        write(gradcheck.plain(result) if fmt == "plain" else gradcheck.as_json(result))
    if result.failures:
        report.error(gradcheck.CheckFailed(gradcheck.summary(result)), no_color)
        return ExitCode.EVALUATION_FAILED
    return ExitCode.OK


@command("functions")
def functions_command(
    output_format: Annotated[FunctionsFormat, typer.Option(
        "--format", help="auto = table on a terminal; plain (tab-separated) in a pipe.")
    ] = FunctionsFormat.auto,
    no_color: NoColorOpt = False,
) -> int:
    """List the functions the language knows, with their derivatives."""
    from . import catalogue

    fmt = resolve_format(output_format.value)
    if fmt == "markdown":
        write(catalogue.markdown())
    elif fmt == "json":
        write(catalogue.as_json())
    elif fmt == "plain":
        write(catalogue.plain())
    else:
        console(no_color).print(catalogue.table())
    return ExitCode.OK


# --- entry point -------------------------------------------------------------------------

def _normalise(command, argv: list[str]) -> list[str]:
    """Find the subcommand and rewrite its --NAME VALUE arguments (see arguments.py)."""
    for index, token in enumerate(argv):
        if token.startswith("-"):
            continue
        sub = command.commands.get(token) if hasattr(command, "commands") else None
        if sub is None or token not in VALUE_COMMANDS:
            return argv
        from .arguments import normalise

        options = {"--help": False}
        for param in sub.params:
            if getattr(param, "param_type_name", "") == "option":
                for opt in param.opts + param.secondary_opts:
                    options[opt] = not (param.is_flag or param.count)
        return argv[:index + 1] + normalise(argv[index + 1:], options)
    return argv


def run_typer(argv: list[str]) -> int:
    """Parse with Typer (click) and run the command; errors propagate to ``entry.run``."""
    command = typer.main.get_command(app)
    return command.main(args=_normalise(command, argv), prog_name="autodiff",
                        standalone_mode=False) or 0
