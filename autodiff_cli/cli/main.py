"""The process entry point, ``autodiff`` and ``python -m autodiff_cli``: the error boundary.

Errors are reported here, once, for every command: one paragraph on stderr and the
documented exit code, never a traceback (except with --debug). A reader that goes
away (``| head -1``) ends the run quietly; a closed or full stdout is an I/O error.

The lazy-import policy, in one place (a test pins what a one-shot eval imports):
- A plain one-shot ``autodiff eval EXPR --x 2`` skips Typer and click (their import
  and set-up cost about 25 ms of a 100 ms run): ``fast_eval`` reads its options from
  the same declarations Typer's commands are made from (``options.py``).
- ``--help``, ``--version`` and completion import neither numpy nor Lark: the
  commands import what they compute with only when they run.
- Rich is imported where a table, a tree or a progress bar is drawn; ``json`` where
  a JSON document is written; ``difflib`` where a did-you-mean is written; the
  precomputed parser tables when a program is parsed. Everything else imports at
  the top of its module.
"""

from __future__ import annotations

import os
import sys

from ..errors import AutodiffError, ExitCode, IOFailure, LimitError, UsageError, close_matches
from ..options import COMMANDS, EvalOptions
from ..views import terminal
from .arguments import HELP, split
from .streams import check_stdout, flush_stdout, silence_stdout

# What people type when they mean another command.
_OTHER_WORDS = {"grad": "eval", "gradient": "eval", "evaluate": "eval", "derive": "eval",
                "derivative": "diff", "differentiate": "diff",
                "calc": "eval", "verify": "check", "list": "functions",
                "help": "--help"}


def fast_eval(tokens: list[str]) -> EvalOptions | None:
    """``eval``'s options read without Typer, or None for Typer to handle (help, a bad value)."""
    args = split("eval", tokens)
    by_flag = {flag: o for o in EvalOptions.declared.values() for flag in o.flags}
    kwargs: dict = {"values": tuple(args.values)}
    for flag, text in args.options:
        declared = by_flag.get(flag)
        if declared is None:  # -h, --help
            return None
        if declared.type is bool:
            if text is not None:
                return None  # --strict=yes: Typer says what is wrong with it
            kwargs[declared.name] = True
            continue
        if declared.choices and text not in declared.choices:
            return None
        try:
            kwargs[declared.name] = int(text) if declared.base is int else text
        except ValueError:
            return None
    if args.positional:
        kwargs["expression"] = args.positional[0]
    return EvalOptions(**kwargs)


def dispatch(argv: list[str]) -> int:
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        raise _unknown_command(argv)
    if argv[:1] == ["eval"] and not set(argv) & set(HELP) \
            and "_AUTODIFF_COMPLETE" not in os.environ:
        options = fast_eval(argv[1:])
        if options is not None:
            from .commands import run_eval

            return run_eval(options)
    # `autodiff repl`, or `autodiff` alone at a terminal: a session, without Typer.
    at_terminal = all(getattr(s, "isatty", lambda: False)() for s in (sys.stdin, sys.stdout))
    if (argv[:1] == ["repl"] and not set(argv) & set(HELP) or not argv and at_terminal) \
            and "_AUTODIFF_COMPLETE" not in os.environ:
        from . import repl  # lazy by policy: only a session loads it

        options = repl.read_options(argv[1:])
        if options is not None:
            return repl.run(options)
    from .app import run_typer

    return run_typer(argv)


def _unknown_command(argv: list[str]) -> UsageError:
    import shlex  # lazy by policy: only this message needs it

    word = argv[0]
    if word in _OTHER_WORDS:
        meant = _OTHER_WORDS[word]
        return UsageError(f"autodiff has no command '{word}'",
                          hint=f"the command is {meant}: autodiff {shlex.join([meant] + argv[1:])}"
                          if meant != "--help" else "autodiff --help")
    near = close_matches(word, COMMANDS, n=1)
    if near:
        return UsageError(f"autodiff has no command '{word}'",
                          hint=f"did you mean autodiff {shlex.join([near[0]] + argv[1:])}?")
    # Most likely an expression with the command word forgotten.
    return UsageError(f"'{word}' is not a command",
                      hint=f"to evaluate it: autodiff {shlex.join(['eval'] + argv)}; the "
                           f"commands are {', '.join(COMMANDS)}")


def _color_choice(argv: list[str]) -> str:
    """--color MODE or --color=MODE, read before anything is printed (errors included)."""
    for i, token in enumerate(argv):
        if token == "--color" and i + 1 < len(argv):
            return argv[i + 1]
        if token.startswith("--color="):
            return token.partition("=")[2]
    return "auto"


def run(argv: list[str]) -> int:
    """Run the command line; return the exit code. Reports errors, never raises."""
    debug = "--debug" in argv
    no_color = "--no-color" in argv
    terminal.choose_color(_color_choice(argv))
    try:
        check_stdout()
        code = dispatch(argv) or 0
        flush_stdout()
        return code
    except AutodiffError as error:
        _report(error, no_color)
        return error.exit_code
    except KeyboardInterrupt:
        _quietly(sys.stderr.write, "\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        raise
    except MemoryError:
        _report(LimitError("out of memory", hint="try a smaller input"), no_color)
        return ExitCode.BAD_INPUT
    except OSError as error:  # writing stdout failed (a full disk, a closed descriptor)
        silence_stdout()
        _report(_io_failure(error), no_color)
        return ExitCode.EVALUATION_FAILED
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        name = type(error).__name__
        if name == "Abort":
            _quietly(sys.stderr.write, "\n")
            return ExitCode.INTERRUPTED
        if name == "NoArgsIsHelpError":  # `autodiff` alone, not on a terminal: the help
            _quietly(error.show)
            return error.exit_code
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            # click's usage errors (a bad choice, a missing value), in the tool's own words
            _report(_click_error(error), no_color)
            return error.exit_code
        if debug:
            raise
        _report(AutodiffError(f"internal error ({name}: {error})",
                              hint="run again with --debug for the traceback, "
                                   "and please report it"), no_color)
        return ExitCode.EVALUATION_FAILED


def _click_error(error) -> UsageError:
    """A click usage error as one paragraph like the tool's others, with where to look."""
    message = error.format_message().rstrip(".")
    message = message[:1].lower() + message[1:]
    context = getattr(error, "ctx", None)
    command = getattr(context, "command_path", None) or "autodiff"
    return UsageError(message, hint=f"see {command} --help")


def _io_failure(error: OSError) -> AutodiffError:
    return IOFailure(f"cannot write standard output: {error.strerror or error}")


def _report(error: AutodiffError, no_color: bool) -> None:
    """The error on stderr, in command-line words; if even that fails, the code stands."""
    _quietly(terminal.error, error.in_command_line_words(), no_color)


def _quietly(write, *args) -> None:
    try:
        write(*args)
    except (OSError, ValueError, AttributeError):  # stderr closed too: the exit code says it
        pass


def main(argv: list[str] | None = None) -> None:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = run(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # the reader went away (autodiff ... | head -1): end quietly
        silence_stdout()
        code = ExitCode.OK
    sys.exit(int(code))
