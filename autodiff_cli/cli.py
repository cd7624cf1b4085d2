"""The command line: wires arguments to the API and the API's results to the renderers.

Importing this module must stay cheap (``--help`` and ``--version`` do not import
numpy or Lark): everything heavy is imported inside the commands.
"""

from __future__ import annotations

import functools
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import AutodiffError, EvaluationError, ExitCode, InputError, LimitError, shorten

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


def _silence_stdout() -> None:
    """The reader went away (autodiff ... | head -1): send what is left to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


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
                _silence_stdout()
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
    max_size: MaxSizeOpt = 64 * 1024 * 1024,
    points: PointsOpt = None,
    delimiter: DelimiterOpt = None,
    skip_bad_rows: SkipBadRowsOpt = False,
    each_line: EachLineOpt = False,
) -> int:
    """Evaluate EXPR and its gradient. Example: autodiff eval "x^2 + sin(y)" --x 2 --y 0.5"""
    from .higher import check_order

    check_order(order)
    if points is not None or each_line:
        from .arguments import UsageError
        from .pipelines import run as run_pipeline

        if show_trace:
            raise UsageError("--trace works on one evaluation, not with --points or "
                             "--each-line", hint="trace one of those points on its own")
        return run_pipeline(expression=expression, file=file, points=points, each_line=each_line,
                            var=var or [], wrt=wrt, fmt=output_format.value, strict=strict,
                            no_color=no_color, delimiter=delimiter, skip_bad_rows=skip_bad_rows,
                            max_size=max_size, order=order)
    from .api import evaluate
    from . import render, report

    program, values, warnings = load(expression, file, var, max_size)
    result = evaluate(program, values, wrt=wrt, strict=strict, trace=show_trace,
                      order=order)
    result.warnings[:0] = warnings
    for message in result.warnings:
        report.warning(message, no_color)
    if show_trace:
        from . import trace_render

        error_console(no_color).print(trace_render.table(result.trace))
    fmt = resolve_format(output_format.value)
    if fmt == "table":
        console(no_color).print(render.table(result))
    else:
        extra = {"trace": result.trace.as_json()} if show_trace else None
        write(render.plain(result) if fmt == "plain" else render.as_json(result, extra))
    return ExitCode.OK


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
    max_size: MaxSizeOpt = 64 * 1024 * 1024,
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
    max_size: MaxSizeOpt = 64 * 1024 * 1024,
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


# --- helpers shared by the commands ----------------------------------------------------

def console(no_color: bool):
    from rich.console import Console

    from .report import color_wanted

    # color_system=None, not just no_color: NO_COLOR and --no-color mean no bold or dim either.
    styled = color_wanted(sys.stdout, no_color)
    return Console(no_color=no_color or None, color_system="auto" if styled else None,
                   highlight=False, soft_wrap=not sys.stdout.isatty())


def error_console(no_color: bool):
    """A Rich console on stderr (the trace): colour only where report.py would use it."""
    from rich.console import Console

    from .report import color_wanted

    return Console(stderr=True, highlight=False,
                   color_system="auto" if color_wanted(sys.stderr, no_color) else None)


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def render_text(renderable) -> str:
    """A Rich renderable as plain text (no colour, no wrapping), for a file."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    # Wide enough that nothing is cut: a pipe has no width to respect.
    Console(file=buffer, color_system=None, soft_wrap=True, width=400).print(renderable)
    return buffer.getvalue()


def save_or_write(path: Path | None, text: str) -> None:
    """Write ``text`` to the file, or to stdout without one."""
    if path is None or str(path) == "-":
        write(text)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise IOFailure(f"cannot write {path}: {error.strerror or error}") from None


def load(expression: str | None, file: Path | None, var: list[str] | None, max_size: int):
    """The program (from EXPR, '-' or --file), its values, and warnings about unused ones."""
    from .arguments import UsageError
    from .parser import parse

    if max_size < 1:
        raise UsageError(f"--max-size must be at least 1, got {max_size}")
    program = parse(read_program(expression, file), max_chars=max_size)
    values, warnings = collect_values(var or [], program.variables)
    return program, values, warnings


def resolve_format(fmt: str) -> str:
    """'auto' is a table for a person at a terminal, plain text for a pipe."""
    if fmt == "auto":
        return "table" if sys.stdout.isatty() else "plain"
    return fmt


def read_program(expression: str | None, file: Path | None) -> str:
    from .arguments import UsageError

    if expression is not None and file is not None:
        raise UsageError("give the expression or --file, not both")
    if file is None and expression is None:
        raise UsageError("no expression given", hint='autodiff eval "x^2" --x 3, or --file PATH')
    if file is not None and str(file) != "-":
        try:
            data = file.read_bytes()
        except OSError as error:
            raise IOFailure(f"cannot read {file}: {error.strerror or error}") from None
        return decode(data, str(file))
    if expression == "-" or file is not None:
        try:
            data = sys.stdin.buffer.read()
        except (OSError, AttributeError) as error:
            raise IOFailure(f"cannot read standard input: {error}") from None
        return decode(data, "standard input")
    return expression


def decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{origin} is not UTF-8 text (byte 0x{data[error.start]:02x} at "
                         f"offset {error.start})", hint="the program must be text") from None


def collect_values(assignments: list[str], used: list[str]) -> tuple[dict, list[str]]:
    """--var NAME=VALUE strings to float64 values; warnings for values the program ignores."""
    from .arguments import parse_assignment, parse_value

    import numpy as np

    texts: dict[str, str] = {}
    warnings = []
    for assignment in assignments:
        name, text = parse_assignment(assignment)
        if name in texts and texts[name] != text:
            warnings.append(f"--{shorten(name)} was given twice; using the last value, "
                            f"{shorten(text)}")
        texts[name] = text
    values = {name: parse_value(name, text) for name, text in texts.items()}
    for name, value in values.items():
        if np.isinf(value).any() and "inf" not in texts[name].lower():
            warnings.append(f"--{shorten(name)} {shorten(texts[name])} is too large for float64 "
                            "and becomes inf")
    warnings += [f"--{shorten(name)} is not used by the expression"
                 for name in values if name not in used]
    return values, warnings


class IOFailure(EvaluationError):
    kind = "I/O error"


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


def run(argv: list[str]) -> int:
    """Run the command line; return the exit code. Reports errors, never raises."""
    from . import report

    debug = "--debug" in argv
    no_color = "--no-color" in argv
    try:
        command = typer.main.get_command(app)
        return command.main(args=_normalise(command, argv), prog_name="autodiff",
                            standalone_mode=False) or 0
    except AutodiffError as error:
        report.error(error, no_color)
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        raise
    except MemoryError:
        report.error(LimitError("out of memory", hint="try a smaller input"), no_color)
        return ExitCode.BAD_INPUT
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        name = type(error).__name__
        if name == "Abort":
            sys.stderr.write("\n")
            return ExitCode.INTERRUPTED
        if hasattr(error, "show") and hasattr(error, "exit_code"):  # click's usage errors
            error.show()
            return error.exit_code
        if debug:
            raise
        report.error(AutodiffError(f"internal error ({name}: {error})",
                                   hint="run again with --debug for the traceback, "
                                        "and please report it"), no_color)
        return ExitCode.EVALUATION_FAILED


def main(argv: list[str] | None = None) -> None:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = run(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away after the command returned
        _silence_stdout()
        code = ExitCode.OK
    sys.exit(int(code))
