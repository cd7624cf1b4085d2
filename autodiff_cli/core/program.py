"""A parsed program: a flat list of nodes in creation order.

The parser emits nodes here as it reduces (no syntax tree, no recursion); running
the program walks the list once and builds the engine's graph. Parsing once and
running many times is what makes ``--points`` and ``--each-line`` cheap.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from . import registry
from .nodes import CALL, CONST, INPUT, NodeTable
from ..errors import NamingError, Position, did_you_mean, shorten

CONSTANTS = {"pi": math.pi, "e": math.e}
# Names other tools and textbooks use for functions the language has under another name.
ALIASES = {"ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arsinh": "asinh",
           "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "sgn": "sign",
           "sqr": "square", "exp2": "pow(2, x)", "fabs": "abs", "logistic": "sigmoid",
           "lse": "logsumexp", "average": "mean", "maximum": "max", "minimum": "min"}


class SourceLines:
    """Where the lines of one source start, to turn an offset into a Position when one is
    asked for (an error, a warning). Nodes keep only their offset: a Position per node
    cost a third of a huge program's memory and time to parse. Each position is made once
    per source, so a node's position is always the same object."""

    __slots__ = ("newlines", "made")

    def __init__(self, source: str):
        self.newlines = [m.start() for m in re.finditer("\n", source)]
        self.made: dict[int, Position] = {}

    def position(self, offset: int) -> Position:
        position = self.made.get(offset)
        if position is None:  # 1-based line and column, as Lark counts them
            line = bisect_left(self.newlines, offset)
            column = offset - (self.newlines[line - 1] if line else -1)
            position = self.made[offset] = Position(line + 1, column, offset)
        return position


@dataclass
class Program:
    source: str
    nodes: NodeTable = field(default_factory=NodeTable)  # a list of Nodes is turned into one
    inputs: dict[str, int] = field(default_factory=dict)  # name -> node, in order of appearance
    labels: dict[int, str] = field(default_factory=dict)  # node -> the name it was bound to
    output: int = -1  # the result (the first of several)
    outputs: list[int] = field(default_factory=list)  # every result, in order
    output_names: list[str] = field(default_factory=list)  # f, or f1, f2 / binding names
    warnings: list[str] = field(default_factory=list)
    bindings: dict[str, int] = field(default_factory=dict)  # name -> node, the latest binding
    # For a session (cli/repl.py), whose next entry continues this program:
    assignments: list[tuple[str, int, int]] = field(default_factory=list)  # (name, node, offset)
    separators: list[int] = field(default_factory=list)  # offsets of the top-level separators

    def __post_init__(self):
        if not isinstance(self.nodes, NodeTable):
            self.nodes = NodeTable(self.nodes)

    @property
    def variables(self) -> list[str]:
        return list(self.inputs)

    @property
    def has_reductions(self) -> bool:
        return any(spec.reduces for spec in self.nodes.used_specs())


class ProgramBuilder:
    """Receives the parser's reductions and appends nodes; checks names as it goes."""

    def __init__(self, source: str, after: Program | None = None):
        self.program = Program(source)
        self.lines = SourceLines(source)
        self.session = after is not None
        if after is not None:  # a session's entry: it continues that program, nodes and names
            self.program.nodes = after.nodes.copy()
            self.program.inputs = dict(after.inputs)
            self.program.labels = dict(after.labels)
            self.program.bindings = dict(after.bindings)
        self.bindings = self.program.bindings
        self.reads: dict[str, int] = {}  # binding -> how many times it was read (so far)
        self.assigned: list[tuple[str, int]] = []  # (name, reads before its assignment)
        self.separators = self.program.separators  # offsets of the top-level ';' and new lines

    # The parsers hand over offsets into the source; a Position is made only for a message.

    def number(self, text: str, offset: int) -> int:
        value = float(text)
        if math.isinf(value):
            self.program.warnings.append(f"the number {shorten(text)} at "
                                         f"{self.lines.position(offset)} is too large for "
                                         "float64 and becomes inf")
        return self.program.nodes.add(CONST, offset, value=value, lines=self.lines)

    def name(self, name: str, offset: int) -> int:
        if name in self.bindings:
            self.reads[name] = self.reads.get(name, 0) + 1
            return self.bindings[name]
        if name in self.program.inputs:  # checked below when it was first read
            return self.program.inputs[name]
        if name in CONSTANTS:
            return self.program.nodes.add(CONST, offset, name, CONSTANTS[name], lines=self.lines)
        if registry.arities(name):
            raise NamingError(f"'{shorten(name)}' is a function, not a value",
                              position=self.lines.position(offset),
                              hint=f"call it: {shorten(name)}(...)")
        self.program.inputs[name] = self.program.nodes.add(INPUT, offset, name, lines=self.lines)
        return self.program.inputs[name]

    def call(self, name: str, args: list[int], offset: int) -> int:
        spec = registry.lookup(name, len(args))
        if spec is None:
            self._unknown_call(name, len(args), self.lines.position(offset))
        return self.program.nodes.add(CALL, offset, name, 0.0, args, spec, self.lines)

    def _unknown_call(self, name: str, count: int, position: Position):
        allowed = registry.arities(name)
        if allowed:
            wanted = " or ".join(str(a) for a in allowed)
            plural = "s" if allowed[-1] != 1 else ""
            raise NamingError(
                f"{shorten(name)}() takes {wanted} argument{plural}, but {count} {'was' if count == 1 else 'were'} given",
                position=position, hint=f"see 'autodiff functions' for {shorten(name)}")
        if name in CONSTANTS or name in self.bindings or name in self.program.inputs:
            raise NamingError(f"'{shorten(name)}' is a value, not a function", position=position,
                             hint=f"for a product write {shorten(name)}*(...)")
        hint = did_you_mean(name, registry.names())
        if name in ALIASES:
            hint = f"the language writes it {ALIASES[name].split('(')[0]}(...)" if "(" not in \
                ALIASES[name] else f"write it as {ALIASES[name]}"
        raise NamingError(f"unknown function '{shorten(name)}'", position=position,
                         hint=hint or "'autodiff functions' lists the functions")

    def operator(self, name: str, args: list[int], offset: int, spec=None) -> int:
        return self.program.nodes.add(CALL, offset, name, 0.0, args,
                                      spec or registry.lookup(name, len(args)), self.lines)

    def assign(self, name: str, node: int, offset: int) -> int:
        position = self.lines.position(offset)
        if name in CONSTANTS:
            raise NamingError(f"cannot assign to '{shorten(name)}': it is a constant", position=position,
                             hint="choose another name")
        if registry.arities(name):
            raise NamingError(f"cannot assign to '{shorten(name)}': it is a function", position=position,
                             hint="choose another name")
        if name in self.program.inputs and name not in self.bindings:
            raise NamingError(f"'{shorten(name)}' is assigned after it was used as an input",
                             position=position, hint="assign it before its first use")
        self.bindings[name] = node
        self.assigned.append((name, self.reads.get(name, 0)))
        self.program.assignments.append((name, node, offset))
        if self.program.nodes.kind[node] == CALL:
            self.program.labels.setdefault(node, name)
        return node

    def outputs(self, nodes: list[int]) -> _Outputs:
        """The last statement lists several results: ``f, g`` or ``x^2, x*y``."""
        return _Outputs(nodes)

    def finish(self, statements: list) -> Program:
        for statement in statements[:-1]:
            if isinstance(statement, _Outputs):
                raise NamingError("only the last statement can list several results",
                                  hint="end the program with them: f = ...; g = ...; f, g",
                                  source=self.program.source)
        last = statements[-1]
        self.set_outputs(last.nodes if isinstance(last, _Outputs) else [last])
        # A session keeps its bindings for the entries to come: none is unused yet.
        reads = {name: float("inf") for name, _ in self.assigned} if self.session else self.reads
        self.program.warnings += unused_statements(self.program.source, self.separators,
                                                   self.assigned, reads)
        return self.program

    def set_outputs(self, outputs: list[int]) -> None:
        """The results and their names: a binding's name, else f (one) or f1, f2, ..."""
        program = self.program
        program.outputs, program.output = list(outputs), outputs[0]
        bound = {node: name for name, node in self.bindings.items()}
        if len(outputs) == 1:
            program.output_names = ["f"]
            return
        names = [bound.get(node) or f"f{i}" for i, node in enumerate(outputs, start=1)]
        twice = next((n for n in names if names.count(n) > 1), None)
        if twice is not None:
            raise NamingError(f"two results are both named '{shorten(twice)}'",
                              hint="list each result once, or bind them to other names",
                              source=program.source)
        program.output_names = names


class _Outputs:
    """What the parser hands the builder for ``f, g``: the nodes of the listed results."""

    def __init__(self, nodes: list[int]):
        self.nodes = nodes


_OPERATOR_START = tuple("+-*/^")


def unused_statements(source: str, separators: list[int], assigned, reads) -> list[str]:
    """A warning for each statement whose value nothing uses: only the last statement is the
    result, so `x^2; y^2` throws x^2 away, and so does a line break before `+ 1`."""
    bounds = [-1] + separators + [len(source)]
    texts, starts = [], []
    for a, b in zip(bounds, bounds[1:]):
        text = re.sub(r"#[^\n]*", "", source[a + 1:b])
        if text.strip():
            texts.append(text.strip())
            starts.append(a + 1 + len(text) - len(text.lstrip()))
    total_reads = dict(reads)
    assignments = iter(assigned)
    warnings = []
    for i, text in enumerate(texts[:-1]):
        match = _ASSIGNMENT.match(text)
        if match:
            name, before = next(assignments, (match.group(1), 0))
            if total_reads.get(name, 0) > before:
                continue  # read by a later statement
            what = f"'{shorten(name)}' is assigned but never used"
        else:
            what = f"the value of '{shorten(text)}' is never used"
        line = source.count("\n", 0, starts[i]) + 1
        message = f"{what} (line {line}): only the last statement is the result"
        if not match and not texts[i + 1].startswith(_OPERATOR_START):
            listed = shorten(f"{text}, {texts[-1]}", 60)
            message += f"; to get several results, list them last: {listed}"
        following = texts[i + 1]
        if following.startswith(_OPERATOR_START):
            message += (f"; the next statement starts with '{following[0]}': to continue an "
                        "expression on the next line, put it in parentheses")
        warnings.append(message)
    return warnings


_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)\s*=")


def one_result(program: Program, what: str) -> None:
    """Refuse a program of several results where ``what`` works on one (diff, graph, plot)."""
    if len(program.outputs) > 1:
        raise NamingError(f"{what} works on one result; the program lists "
                          f"{len(program.outputs)}: {', '.join(program.output_names)}",
                          hint="end the program with one of them (eval gives the values and "
                               "the Jacobian of several)", source=program.source)


def with_outputs(program: Program, names: list[str]) -> Program:
    """The program with its results chosen by name among its bindings (``--output f,g``)."""
    missing = [n for n in names if n not in program.bindings]
    if missing:
        raise NamingError(f"'{shorten(missing[0])}' is not a binding of the program",
                          hint=did_you_mean(missing[0], program.bindings) or (
                              f"the bindings are: {', '.join(program.bindings)}"
                              if program.bindings else "bind results first: f = x^2; g = x*y"))
    outputs = [program.bindings[n] for n in names]
    warnings = [w for w in program.warnings  # a chosen result is used after all
                if not any(w.startswith(f"'{shorten(n)}' is assigned but never used") for n in names)]
    chosen = Program(program.source, program.nodes, program.inputs, program.labels,
                     warnings=warnings, bindings=program.bindings)
    chosen.outputs, chosen.output = outputs, outputs[0]
    chosen.output_names = list(names) if len(names) > 1 else ["f"]
    return chosen
