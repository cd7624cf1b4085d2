"""The state of ``autodiff repl``: values, the bindings' program, the last entry, and its result.

Each entry is parsed once, onto the program of the bindings entered before it (see
core/session.py); an entry with a binding (``a = square(x)``) becomes part of that program.
An entry is evaluated by the program of its output alone, at the session's values, so a
changed value re-evaluates the bindings the entry uses and nothing is parsed again.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

from ..core.evaluation import evaluate_program
from ..core.higher import check_order
from ..core.program import Program
from ..core.session import prune, reachable, statement
from ..errors import AutodiffError, InvalidValueError, NamingError, UsageError, shorten
from ..language.parser import parse
from ..views import record, terminal
from ..views.numbers import number

FORMATS = ("table", "plain", "json")


@dataclass
class Binding:
    """One binding statement of the session: its name, node, text and the entry it came from."""

    name: str
    node: int
    text: str
    entry: int


@dataclass
class Entry:
    """An entry as parsed: its text, its program (the session's nodes first) and where its
    own nodes start."""

    number: int
    text: str
    program: Program
    first_node: int


class Session:
    """What persists between entries, and how an entry is answered."""

    def __init__(self, fmt: str = "auto", order: int = 1, no_color: bool = False):
        self.no_color = no_color
        self.interactive = False  # a person at a terminal: a word of confirmation helps
        self.format = _resolve(fmt)
        self.order = check_order(order)
        self._console = None
        self.clear()

    def clear(self) -> None:
        """Forget the values, the bindings and the last entry (not the settings)."""
        self.values: dict[str, object] = {}
        self.texts: dict[str, str] = {}  # the values as given, for :vars
        self.program = Program("")  # the bindings: every entry continues this program
        self.bindings: list[Binding] = []
        self.entries: list[Entry] = []  # those with bindings
        self.last: Entry | None = None
        self.count = 0

    # --- entries --------------------------------------------------------------------------

    def enter(self, text: str) -> None:
        """Parse the entry onto the session's program, keep its bindings, show its result."""
        program = parse(text, after=self.program)
        self.count += 1
        entry = Entry(self.count, text, program, len(self.program.nodes))
        if program.assignments:  # its bindings persist: the next entry continues it
            self.program = program
            self.bindings += [Binding(name, node, statement(program, offset), entry.number)
                              for name, node, offset in program.assignments]
            self.entries.append(entry)
        self.last = entry
        missing = self.missing(prune(program))
        if missing and program.assignments:  # a definition, to be evaluated once valued
            names = ", ".join(dict.fromkeys(name for name, _, _ in program.assignments))
            self.note(f"{names} defined; {_needs(missing)}")
            return
        self.show()

    def last_program(self) -> Program:
        """The last entry's program alone; an error when there is none or a value is missing."""
        if self.last is None:
            raise UsageError("there is no entry yet", hint="enter an expression, e.g. x^2")
        program = prune(self.last.program)
        missing = self.missing(program)
        if missing:
            name = missing[0]
            position = program.nodes[program.inputs[name]].position
            raise InvalidValueError(f"the variable '{shorten(name)}' has no value",
                                    position=position, source=self._source_of(position),
                                    hint=_needs(missing))
        return program

    def last_entry_program(self) -> Program:
        return prune(self.last.program)

    def missing(self, program: Program) -> list[str]:
        return [name for name in program.inputs if name not in self.values]

    def evaluate(self, *, trace: bool = False):
        """The last entry's result at the session's values and order."""
        return evaluate_program(self.last_program(), self.values, order=self.order,
                                trace=trace)

    def show(self) -> None:
        """The last entry's value and derivatives, as the format says; warnings on stderr."""
        result = self.evaluate()
        for message in result.warnings:
            terminal.warning(message, self.no_color)
        if self.format == "table":
            if "\n" in result.expression:  # an entry of several lines: its title on one
                result.expression = " ".join(result.expression.split())
            self.console().print(record.table(result))
        elif self.format == "plain":
            terminal.write(record.plain(result))
        else:
            terminal.write(record.as_json(result))

    def uses(self, names) -> bool:
        """Whether the last entry depends on any of ``names`` (values just changed)."""
        if self.last is None:
            return False
        return bool(set(names) & set(prune(self.last.program).inputs))

    # --- values ---------------------------------------------------------------------------

    def set_value(self, name: str, value, text: str | None = None) -> None:
        """A value for ``name``; ``text`` as typed (to warn when it overflowed to inf)."""
        if name in ("pi", "e"):
            raise NamingError(f"'{name}' is a constant", hint="choose another name")
        from ..core import registry  # loaded already: the parser uses it

        if registry.arities(name):
            raise NamingError(f"'{shorten(name)}' is a function", hint="choose another name")
        if name in self.program.bindings:
            self.note(f"'{name}' is also a binding: entries use the binding")
        if text is not None and _overflowed(value) and "inf" not in text.lower():
            terminal.warning(f"{shorten(text)} is too large for float64 and becomes inf",
                             self.no_color)
        self.values[name] = value
        self.texts[name] = number(value).replace(",", ", ")

    def unset(self, name: str) -> None:
        if name not in self.values:
            from ..errors import did_you_mean

            hint = did_you_mean(name, self.values) or (
                f"the values: {', '.join(self.values)}" if self.values else "no value is set")
            raise NamingError(f"'{shorten(name)}' has no value to unset", hint=hint)
        del self.values[name]
        del self.texts[name]

    def current_bindings(self) -> list[Binding]:
        """The bindings entries can use: the latest of each name, in the order entered."""
        latest = {b.name: b for b in self.bindings}
        return [b for b in self.bindings if latest[b.name] is b]

    def binding_value(self, binding: Binding) -> str:
        """A binding's value at the session's values, or what it still needs."""
        from ..core.graph import value_only

        program = prune(self.program, binding.node)
        missing = self.missing(program)
        if missing:
            return f"(needs {', '.join(missing)})"
        try:
            return number(value_only(program, self.values)).replace(",", ", ")
        except AutodiffError as error:
            return f"({error.message})"

    # --- :save ----------------------------------------------------------------------------

    def saved_program(self) -> tuple[str, Program]:
        """The text that evaluates as the last entry: the bindings it uses, then the entry."""
        program = self.last_program()
        needed = reachable(self.last.program)
        lines = [b.text for b in self.bindings
                 if b.entry != self.last.number and b.node in needed]
        return "\n".join(lines + [self.last.text.strip()]) + "\n", program

    # --- output ---------------------------------------------------------------------------

    def console(self):
        if self._console is None:
            self._console = terminal.console(self.no_color)
        return self._console

    def note(self, text: str) -> None:
        """Something said about the session (not a result): on stderr."""
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def report(self, error: AutodiffError) -> None:
        """The error with its caret under the entry (or the binding) it points into."""
        if error.position is not None:
            error.source = self._source_of(error.position) or error.source
        terminal.error(error, self.no_color)

    def _source_of(self, position) -> str | None:
        """The text of the entry whose node has this very position (a runtime error)."""
        if self.last is None:
            return None
        nodes = self.last.program.nodes
        index = next((i for i, node in enumerate(nodes) if node.position is position), None)
        if index is None:
            return None
        owners = [e for e in self.entries + [self.last] if e.first_node <= index]
        return max(owners, key=lambda e: (e.first_node, e.number)).text if owners else None


def _needs(missing: list[str]) -> str:
    values = " ".join(f":set {name} VALUE" for name in missing[:3])
    return f"give {'it' if len(missing) == 1 else 'them'} a value: {values}"


def _resolve(fmt: str) -> str:
    """'auto' is a table for a person at a terminal, plain text for a pipe."""
    if fmt == "auto":
        return "table" if sys.stdout.isatty() else "plain"
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{shorten(fmt)}'", hint="table, plain or json")
    return fmt


def _overflowed(value) -> bool:
    """An infinite number, or a vector with one: numpy only for a vector (the prompt's start
    pays for no numpy import; a scalar value is a float)."""
    if getattr(value, "ndim", 0):
        import numpy as np

        return bool(np.isinf(value).any())
    return math.isinf(value)
