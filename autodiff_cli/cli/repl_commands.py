"""The ``:commands`` of ``autodiff repl``: values, settings, the other views of the last entry.

Each command is a function of the session and the rest of the line, declared once in
``COMMANDS`` with its usage and one line of help (``:help`` and completion read them).
The views are imported when a command shows them, as the commands of the command line do.
"""

from __future__ import annotations

import re
import sys
from typing import Callable, NamedTuple

from ..core.evaluation import evaluate_program
from ..core.higher import MAX_ORDER
from ..errors import AutodiffError, IOFailure, UsageError, close_matches, shorten
from ..views import record, terminal
from ..views.numbers import number
from .arguments import IDENTIFIER
from .repl_session import FORMATS, Session
from .values import parse_value

QUIT = "quit"  # what a command returns to end the session


class Command(NamedTuple):
    run: Callable[[Session, str], object]
    usage: str
    help: str


def run(session: Session, line: str):
    """Run one ``:command`` line; returns QUIT to end the session."""
    word, _, arg = line.strip()[1:].partition(" ")
    name = ALIASES.get(word, word)
    command = COMMANDS.get(name)
    if command is None:
        near = close_matches(word, list(COMMANDS) + list(ALIASES), n=1)
        hint = f"did you mean :{ALIASES.get(near[0], near[0])}?" if near else \
            ":help lists the commands"
        raise UsageError(f"unknown command ':{shorten(word)}'", hint=hint)
    return command.run(session, arg.strip())


# --- values ------------------------------------------------------------------------------------

_NEXT_ASSIGNMENT = re.compile(r",\s*(?=[A-Za-z_][A-Za-z_0-9]*\s*=)")


def assignments(arg: str) -> list[tuple[str, str]]:
    """':set x 2', ':set x=2, y=1,2,3' -> [(name, value text), ...]."""
    if "=" in arg:
        pairs = [part.partition("=") for part in _NEXT_ASSIGNMENT.split(arg)]
        found = [(name.strip(), value.strip()) for name, eq, value in pairs if eq]
        if len(found) != len(pairs):
            found = []
    else:
        name, _, value = arg.partition(" ")
        found = [(name.strip(), value.strip())] if value.strip() else []
    if not found or any(not value for _, value in found):
        raise UsageError(":set takes a name and a value",
                         hint=":set x 2, or several: :set x=2, y=1,2,3 (a vector)")
    for name, _ in found:
        if not IDENTIFIER.match(name):
            raise UsageError(f"'{shorten(name)}' is not a name",
                             hint="a letter or _, then letters, digits or _")
    return found


def set_values(session: Session, arg: str):
    values = []
    for name, text in assignments(arg):
        try:
            values.append((name, text, parse_value(name, text)))
        except AutodiffError as error:
            error.hint = f":set {name} 2.5, or a vector: :set {name} 1,2,3"
            raise
    for name, text, value in values:
        session.set_value(name, value, text)
    names = [name for name, _, _ in values]
    if session.uses(names) and not session.missing(session.last_entry_program()):
        session.show()  # the last entry and its bindings, at the new values
    elif session.interactive:
        session.note(", ".join(f"{name} = {session.texts[name]}" for name in names))


def unset(session: Session, arg: str):
    names = [n for n in re.split(r"[\s,]+", arg) if n]
    if not names:
        raise UsageError(":unset takes the names of values", hint=":unset x y")
    for name in names:
        session.unset(name)


def show_vars(session: Session, arg: str):
    lines = [f"{name} = {text}" for name, text in session.texts.items()]
    lines += [f"{b.text}    # {session.binding_value(b)}" for b in session.current_bindings()]
    terminal.write("\n".join(lines) + "\n" if lines else "")
    if not lines:
        session.note("no values and no bindings yet: :set x 2, a = square(x)")


def clear(session: Session, arg: str):
    session.clear()
    session.note("cleared: no values, no bindings")


# --- settings ----------------------------------------------------------------------------------

def set_order(session: Session, arg: str):
    try:
        order = int(arg)
    except ValueError:
        raise UsageError(f":order takes a whole number, got '{shorten(arg)}'",
                         hint=f":order 2 (at most {MAX_ORDER})") from None
    if not 1 <= order <= MAX_ORDER:
        raise UsageError(f":order must be between 1 and {MAX_ORDER}, got {order}",
                         hint=":order 2 for second derivatives (or the Hessian)")
    session.order = order
    if session.last is not None and not session.missing(session.last_entry_program()):
        session.show()


def set_format(session: Session, arg: str):
    if not arg:
        session.note(f"format {session.format}")
        return
    if arg not in FORMATS:
        near = close_matches(arg, FORMATS, n=1)
        raise UsageError(f"unknown format '{shorten(arg)}'",
                         hint=f"did you mean {near[0]}?" if near else "table, plain or json")
    session.format = arg


# --- the other views of the last entry ---------------------------------------------------------

def show_trace(session: Session, arg: str):
    from ..views import trace as trace_view

    result = session.evaluate(trace=True)
    if session.format == "json":
        from ..views.record import dumps

        terminal.write(dumps(trace_view.as_json(result.trace)))
    elif session.format == "plain":  # as eval writes a trace off a terminal: every digit
        terminal.write(trace_view.lines({"f": result.trace}))
    else:
        _render(session, trace_view.table(result.trace))


def show_graph(session: Session, arg: str):
    from ..core.graph import build, gradients
    from ..core.ids import GraphIds
    from ..views import graph as graph_view

    if arg not in ("", "text", "dot"):
        raise UsageError(f":graph shows 'text' (a tree) or 'dot', not '{shorten(arg)}'",
                         hint=":graph, or :graph dot")
    program = session.last_program()
    graph = build(program, session.values)
    gradients(graph, program.variables, retain_grad=True)  # every node shows its gradient
    ids = GraphIds.walk(graph.output)
    if arg == "dot":
        terminal.write(graph_view.dot(ids, program.source))
    elif session.format == "table":
        session.console().print(graph_view.tree_group(ids, session.console().width))
    else:
        terminal.write(terminal.render_text(graph_view.tree_group(ids)))


def show_check(session: Session, arg: str):
    from ..core import check
    from ..views import check as check_view

    program = session.last_program()
    report = check.check(program, session.values, order=2 if session.order >= 2 else 1)
    for message in report.warnings:
        terminal.warning(message, session.no_color)
    if session.format == "table":
        session.console().print(check_view.table(report))
    else:
        terminal.write(check_view.plain(report) if session.format == "plain"
                       else check_view.as_json(report))
    if report.failures:
        session.report(check.failure(report))


def show_diff(session: Session, arg: str):
    """The derivative of the last entry as a formula (``autodiff diff``), at the session's
    order (up to diff's own cap) and, where the values are all set, their values there."""
    from ..core.derive import MAX_ORDER as DIFF_MAX_ORDER, derivative
    from ..views import formula as formula_view  # lazy: only :diff needs them

    program = session.last_program()
    order = min(session.order, DIFF_MAX_ORDER)
    formula = derivative(program, order=order)
    point = None
    if all(name in session.values for name in program.inputs):
        point = formula_view.at(formula, evaluate_program(program, session.values, order=order))
    if session.format == "json":
        print(record.dumps(formula_view.as_json(formula, point)), end="")
    elif session.format == "table" and sys.stdout.isatty():
        session.console().print(formula_view.styled(formula, point), soft_wrap=True)
    else:
        print(formula_view.text(formula, point), end="")


def show_functions(session: Session, arg: str):
    from ..views import catalogue

    if session.format == "table":
        session.console().print(catalogue.table())
    else:
        terminal.write(catalogue.plain() if session.format == "plain" else catalogue.as_json())


def show_help(session: Session, arg: str):
    width = max(len(f":{name} {c.usage}") for name, c in COMMANDS.items())
    lines = [HELP_HEAD] + [f"  {f':{name} {c.usage}'.ljust(width)}  {c.help}"
                           for name, c in COMMANDS.items()]
    terminal.write("\n".join(lines) + "\n")


def save(session: Session, arg: str):
    import shlex

    from ..language.parser import parse

    path = arg.strip().strip("'\"")
    if not path:
        raise UsageError(":save takes a file name", hint=":save session.ad")
    text, program = session.saved_program()
    command = ["autodiff", "eval", "--file", path]
    for name in program.inputs:
        command += ["--var", f"{name}={number(session.values[name])}"]
    if parse(text).variables != program.variables:  # the order of the gradient, as shown
        command += ["--wrt", ",".join(program.variables)]
    if session.order != 1:
        command += ["--order", str(session.order)]
    header = (f"# {shlex.join(command)}\n"
              "# (saved by autodiff repl: that command gives the session's last result)\n")
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(header + text)
    except OSError as error:
        raise IOFailure(f"cannot write {path}: {error.strerror or error}") from None
    session.note(f"saved {path}; to reproduce: {shlex.join(command)}")


def quit_session(session: Session, arg: str):
    return QUIT


def _render(session: Session, renderable) -> None:
    if session.format == "table":
        session.console().print(renderable)
    else:
        terminal.write(terminal.render_text(renderable))


HELP_HEAD = """\
Enter an expression (x^2 + sin(y)) or bindings (a = square(x); b = a + 1), one per line; a
line continues while a '(' is open. Bindings persist and are re-evaluated at the values.
Tab completes; Ctrl-C cancels the entry; Ctrl-D or :quit ends the session.
Commands (the views work on the last entry):"""

COMMANDS = {
    "set": Command(set_values, "NAME VALUE | NAME=VALUE, ...", "give values (a vector: 1,2,3)"),
    "unset": Command(unset, "NAME ...", "forget values"),
    "vars": Command(show_vars, "", "the values and the bindings"),
    "clear": Command(clear, "", "forget the values, the bindings and the last entry"),
    "trace": Command(show_trace, "", "the backward pass, step by step"),
    "graph": Command(show_graph, "[text|dot]", "the computational graph"),
    "diff": Command(show_diff, "", "the derivative of the last entry as a formula"),
    "order": Command(set_order, "N", "derivatives up to order N (2: the Hessian)"),
    "check": Command(show_check, "", "the derivatives against central differences"),
    "format": Command(set_format, "table|plain|json", "how results are shown"),
    "functions": Command(show_functions, "", "the functions and their derivatives"),
    "save": Command(save, "FILE", "write the last entry to FILE for autodiff eval --file"),
    "help": Command(show_help, "", "this list"),
    "quit": Command(quit_session, "", "end the session (or Ctrl-D)"),
}
ALIASES = {"q": "quit", "exit": "quit", "h": "help", "?": "help", "let": "set", "del": "unset"}
