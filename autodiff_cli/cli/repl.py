"""``autodiff repl``: an interactive session with exact derivatives, or the same entries from a pipe.

At a terminal: a prompt, line editing and history (cli/repl_editing.py), one entry per
prompt (continued while a '(' is open, as files are read), Ctrl-C cancels the entry and
Ctrl-D or ``:quit`` ends with exit 0. With stdin not a terminal the entries are read from
it and answered without a prompt (a script); the exit code is then that of the worst error.

Start-up (the lazy-import policy of cli/main.py): before the first prompt this loads the
modules a one-shot eval loads, and readline; Typer never, Rich with the first table,
the views of ``:trace``, ``:graph``, ``:check`` ... when they are asked for.
"""

from __future__ import annotations

import re
import sys

from ..errors import AutodiffError, ExitCode
from ..options import ReplOptions
from ..views import terminal
from . import repl_commands
from .arguments import split
from .repl_editing import Editing, load
from .repl_session import FORMATS, Session
from .values import collect_values

PROMPT = "autodiff> "
MORE = "      ... "
BANNER = "autodiff repl: values and exact derivatives. :help lists the commands, Ctrl-D ends."


def read_options(tokens: list[str]) -> ReplOptions | None:
    """``repl``'s options read without Typer, or None for Typer to handle (help, a mistake)."""
    args = split("repl", tokens)
    if args.positional:
        return None
    by_flag = {flag: o for o in ReplOptions.declared.values() for flag in o.flags}
    kwargs: dict = {"values": tuple(args.values)}
    for flag, text in args.options:
        declared = by_flag.get(flag)
        if declared is None or (declared.type is bool) != (text is None):
            return None
        if declared.choices and text not in declared.choices:
            return None
        kwargs[declared.name] = True if declared.type is bool else text
    return ReplOptions(**kwargs)


def run(options: ReplOptions) -> int:
    """The session, until Ctrl-D, ``:quit`` or the end of the input."""
    session = Session(options.format, no_color=options.no_color)
    values, warnings = collect_values(options.values, None)
    for message in warnings:
        terminal.warning(message, options.no_color)
    for name, value in values.items():
        session.set_value(name, value)
    session.interactive = interactive = _tty(sys.stdin)
    editing = None
    if interactive and _tty(sys.stdout) and (readline := load()) is not None:
        editing = Editing(readline, lambda before, word: candidates(session, before, word))
        editing.start()
        read = input
    elif interactive:
        read = _prompt_on_stderr
    else:
        read = _line
    if interactive:
        session.note(BANNER)
    try:
        return _loop(session, read, interactive, options.debug)
    finally:
        problem = editing.stop() if editing is not None else None
        if problem:
            terminal.warning(problem, options.no_color)


def _loop(session: Session, read, interactive: bool, debug: bool) -> int:
    worst = ExitCode.OK  # the exit code of a script; a person's session ends with 0
    while True:
        try:
            text = read_entry(read, interactive)
        except KeyboardInterrupt:
            if not interactive:
                raise
            sys.stderr.write("\n")  # the entry is dropped; a new prompt
            continue
        except EOFError:
            if interactive:
                sys.stdout.write("\n")
                return ExitCode.OK
            return worst
        if text is None:
            continue
        try:
            if text.startswith(":"):
                if repl_commands.run(session, text) == repl_commands.QUIT:
                    return ExitCode.OK if interactive else worst
            else:
                session.enter(text)
        except AutodiffError as error:
            session.report(error)
            worst = max(worst, error.exit_code)
        except KeyboardInterrupt:
            if not interactive:
                raise
            session.note("interrupted")
        except (RecursionError, MemoryError, ArithmeticError, ValueError, TypeError,
                LookupError, AttributeError) as error:
            if debug:
                raise
            session.report(AutodiffError(
                f"internal error ({type(error).__name__}: {error})",
                hint="run again with --debug for the traceback, and please report it"))
            worst = max(worst, ExitCode.EVALUATION_FAILED)


def read_entry(read, interactive: bool) -> str | None:
    """One entry: a ``:command`` line, or a program continued while a '(' is open (or a line
    ends with '\\'). None for a blank or comment line."""
    line = read(PROMPT)
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    if line.lstrip().startswith(":"):
        return line.strip()
    lines = [line]
    while unfinished("\n".join(lines)):
        try:
            lines.append(read(MORE))
        except EOFError:
            if interactive:
                raise
            break  # the parser says what is missing
    return "\n".join(lines)


def unfinished(text: str) -> bool:
    code = re.sub(r"#[^\n]*", "", text)
    return code.count("(") > code.count(")") or code.rstrip().endswith("\\")


def candidates(session: Session, before: str, word: str) -> list[str]:
    """What ``word`` may complete to, given the text before it on the line."""
    head = before.strip()
    if not head and word.startswith(":"):
        return [f":{name}" for name in repl_commands.COMMANDS if f":{name}".startswith(word)]
    names = list(session.values)
    if session.last is not None:
        names += list(session.last.program.inputs)
    if head.startswith(":"):
        command = head[1:].split()[0] if head[1:].split() else ""
        offered = {"format": FORMATS, "graph": ("text", "dot"), "set": names,
                   "unset": list(session.values)}.get(command, ())
        return sorted({o for o in offered if o.startswith(word)})
    from ..core import registry  # loaded already: the parser uses it

    operators = registry.operator_names()
    words = [f"{n}(" for n in registry.names() if n not in operators]
    words += [b.name for b in session.bindings] + names + ["pi", "e"]
    return sorted({w for w in words if w.startswith(word)})


def _tty(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _prompt_on_stderr(prompt: str) -> str:
    """A terminal without line editing, or with stdout redirected: the prompt on stderr."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return _line(prompt)


def _line(prompt: str) -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n").rstrip("\r")

