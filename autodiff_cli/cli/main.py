"""The process entry point: ``autodiff`` and ``python -m autodiff_cli``.

Errors are reported here, once, for every command: one paragraph on stderr and the
documented exit code, never a traceback (except with --debug).

The common one-shot ``autodiff eval EXPR --x 2 ...`` skips Typer entirely (its
import and command set-up cost about 25 ms, a fifth of such a run): its few
options are read here with the same normaliser Typer's path uses. Anything else,
or anything unusual (--help, a malformed option), goes to Typer (``cli.py``);
a test checks that the table below matches the Typer command's options.
"""

from __future__ import annotations

import os
import sys

from .errors import AutodiffError, ExitCode, LimitError

# The options of `eval`: the parameter each sets, and whether it takes a value.
EVAL_OPTIONS = {
    "--var": ("var", True), "-v": ("var", True), "--file": ("file", True), "-f": ("file", True),
    "--wrt": ("wrt", True), "--format": ("output_format", True), "--order": ("order", True),
    "--max-size": ("max_size", True), "--points": ("points", True),
    "--delimiter": ("delimiter", True), "--strict": ("strict", False),
    "--trace": ("show_trace", False), "--debug": ("debug", False),
    "--no-color": ("no_color", False), "--skip-bad-rows": ("skip_bad_rows", False),
    "--each-line": ("each_line", False),
}
_FORMATS = ("auto", "table", "plain", "json")
_CONVERT = {"order": int, "max_size": int}  # --file stays a str: open() takes either


def fast_eval_arguments(argv: list[str]) -> dict | None:
    """The keyword arguments of ``commands.evaluate_command``, or None to let Typer parse."""
    if not argv or argv[0] != "eval" or "--help" in argv or "_AUTODIFF_COMPLETE" in os.environ:
        return None
    from .arguments import normalise

    tokens = normalise(argv[1:], {opt: takes for opt, (_, takes) in EVAL_OPTIONS.items()})
    kwargs: dict = {"var": []}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "--":
            kwargs["expression"] = tokens[i + 1] if i + 1 < len(tokens) else None
            break
        name, eq, value = token.partition("=")
        if name not in EVAL_OPTIONS:
            return None
        key, takes_value = EVAL_OPTIONS[name]
        if not takes_value:
            if eq:
                return None
            kwargs[key] = True
            i += 1
            continue
        if not eq:
            value = tokens[i + 1]  # normalise made sure it is there
            i += 1
        i += 1
        if key == "var":
            kwargs["var"].append(value)
        elif key == "output_format" and value not in _FORMATS:
            return None
        else:
            try:
                kwargs[key] = _CONVERT.get(key, str)(value)
            except ValueError:
                return None  # Typer says what is wrong with it
    return kwargs


def dispatch(argv: list[str]) -> int:
    kwargs = fast_eval_arguments(argv)
    if kwargs is None:
        from .cli import run_typer

        return run_typer(argv)
    from .commands import evaluate_command

    return evaluate_command(**kwargs)


def run(argv: list[str]) -> int:
    """Run the command line; return the exit code. Reports errors, never raises."""
    from . import report

    debug = "--debug" in argv
    no_color = "--no-color" in argv
    try:
        return dispatch(argv) or 0
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
    except BrokenPipeError:  # the reader went away (autodiff ... | head -1): end quietly
        from .commands import silence_stdout

        silence_stdout()
        code = ExitCode.OK
    sys.exit(int(code))
