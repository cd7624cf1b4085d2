"""The derivative's formula as data: a hash-consed expression DAG that simplifies as it grows.

``core/derive.py`` reads the graph a recorded backward pass leaves into a ``Dag``; the
``Formula`` holds the derivatives (nodes of one DAG) and the bindings they share;
``views/formula.py`` prints it.

Simplification happens as nodes are made (``Dag.call``), bottom-up, so it never recurses:
constants folded (when the result is finite), ``u*1``, ``u/1``, ``u+0``, ``u-0``,
``-(-u)``, ``u^1``, ``u^0``, ``1^u`` removed, ``u + -v`` written ``u - v``, constants first
in products, ``c1*(c2*u)`` folded to ``(c1*c2)*u``. These keep the value bit for bit,
except the last (one rounding) and this one: ``0*u``, ``u*0`` and ``0/u`` are 0 even where
u is inf or nan, where the engine would give nan. The formula is the derivative where u
is finite; at a point where a discarded factor is inf or nan, eval may say nan where the
formula says 0.

The internal functions of backward formulas (``pow_slope``, ``xlogy``, ``nonzero``) are
written in the language as they are added (``_LOWER``); ``sign`` is the registry's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidValueError
from . import registry
from .labels import derivative_label
from .program import Program

EXACT_POWERS = False  # True: write p != 0 as abs(sign(p)) for a variable exponent p

# --- the data structure ------------------------------------------------------------------


class Dag:
    """Expression nodes, hash-consed: equal subexpressions are one node.

    Node i is ``ops[i]`` applied to ``args[i]``: 'const' (``values[i]``), 'input'
    (``names[i]``), or a function of the language ('add', 'sub', 'mul', 'div', 'neg',
    'pow', 'sin', ...). Arguments are made before the node, so ids are a topological order.
    ``names[i]`` also holds the binding name a program gave to a call node.
    """

    def __init__(self):
        self.ops: list[str] = []
        self.args: list[tuple[int, ...]] = []
        self.values: list[float | None] = []
        self.names: list[str | None] = []
        self._index: dict = {}

    def __len__(self) -> int:
        return len(self.ops)

    def _intern(self, key, op: str, args: tuple, value=None, name=None) -> int:
        found = self._index.get(key)
        if found is not None:
            return found
        self.ops.append(op)
        self.args.append(args)
        self.values.append(value)
        self.names.append(name)
        index = len(self.ops) - 1
        self._index[key] = index
        return index

    def raw(self, op: str, args: tuple) -> int:
        """A node exactly as given, no simplification."""
        return self._intern((op, args), op, args)

    def const(self, value) -> int:
        value = float(value)
        if not math.isfinite(value):
            # The language has no inf or nan literal: 1/0, -(1/0) and 0/0 read back as them.
            one, zero = self.const(1.0), self.const(0.0)
            if math.isnan(value):
                return self.raw("div", (zero, zero))
            inf = self.raw("div", (one, zero))
            return inf if value > 0 else self.raw("neg", (inf,))
        value = value + 0.0  # -0.0 becomes 0.0: they print alike
        return self._intern(("const", value), "const", (), value=value)

    def input(self, name: str) -> int:
        return self._intern(("input", name), "input", (), name=name)

    def is_const(self, i: int) -> bool:
        return self.ops[i] == "const"

    def value(self, i: int) -> float | None:
        return self.values[i] if self.ops[i] == "const" else None

    def call(self, op: str, args: tuple) -> int:
        """The node ``op(*args)``, simplified; internal ops are written in the language."""
        lower = _LOWER.get(op)
        if lower is not None:
            return lower(self, *args)
        ops = self.ops
        for a in args:  # a loop, not all(generator): this runs for every node
            if ops[a] != "const":
                break
        else:
            folded = _fold(op, [self.values[a] for a in args])
            if folded is not None:
                return self.const(folded)
        rule = _RULES.get(op)
        if rule is not None:
            return rule(self, *args)
        return self.raw(op, args)

    def negated(self, i: int) -> int | None:
        """u with -u == node i exactly, when node i starts with a minus; else None."""
        op, args = self.ops[i], self.args[i]
        if op == "const":
            return self.const(-self.values[i]) if self.values[i] < 0 else None
        if op == "neg":
            return args[0]
        if op in ("mul", "div"):
            c = self.value(args[0])
            if c is not None and c < 0:
                return self.call(op, (self.const(-c), args[1]))
        return None


def _fold(op: str, values: list[float]) -> float | None:
    spec = registry.lookup(op, len(values))
    if spec is None:
        return None
    with np.errstate(all="ignore"):
        result = float(spec.forward(*[np.float64(v) for v in values]))
    return result if math.isfinite(result) else None  # log(0) stays log(0)


# --- simplification rules (each keeps the value bit for bit unless its comment says) ---------


def _add(d: Dag, a: int, b: int) -> int:
    if d.value(a) == 0:
        return b
    if d.value(b) == 0:
        return a
    nb = d.negated(b)
    if nb is not None:
        return d.call("sub", (a, nb))
    na = d.negated(a)
    if na is not None:
        return d.call("sub", (b, na))
    if a == b:
        return d.call("mul", (d.const(2.0), a))  # u + u == 2*u exactly
    if d.is_const(a) or (not d.is_const(b) and b < a):  # constants last in sums, else by age
        a, b = b, a
    return d.raw("add", (a, b))


def _sub(d: Dag, a: int, b: int) -> int:
    if d.value(b) == 0:
        return a
    if d.value(a) == 0:
        return d.call("neg", (b,))
    nb = d.negated(b)
    if nb is not None:
        return d.call("add", (a, nb))
    return d.raw("sub", (a, b))


def _neg(d: Dag, a: int) -> int:
    inner = d.negated(a)
    if inner is not None:
        return inner
    op, args = d.ops[a], d.args[a]
    if op == "sub":
        return d.raw("sub", (args[1], args[0]))  # -(u - v) == v - u
    if op in ("mul", "div") and d.is_const(args[0]):
        return d.call(op, (d.const(-d.values[args[0]]), args[1]))  # -(c*u) == (-c)*u
    return d.raw("neg", (a,))


def _mul(d: Dag, a: int, b: int) -> int:
    ca, cb = d.value(a), d.value(b)
    if ca == 0 or cb == 0:
        return d.const(0.0)  # 0*u is 0 even for u inf or nan (see the module's docstring)
    if ca == 1:
        return b
    if cb == 1:
        return a
    if ca == -1:
        return d.call("neg", (b,))
    if cb == -1:
        return d.call("neg", (a,))
    if cb is not None:  # constants first: 3*x^2
        a, b, ca, cb = b, a, cb, ca
    if ca is None:
        na, nb = d.negated(a), d.negated(b)
        if na is not None:  # (-u)*v == -(u*v): the minus goes up, where a sum can use it
            return d.call("neg", (d.call("mul", (na, b)),))
        if nb is not None:
            return d.call("neg", (d.call("mul", (a, nb)),))
        # By age, but a product that starts with a constant first: 8*a*x, not x*(8*a)
        # (commuting is exact; moving the constant out of the inner product would not be).
        if (_leading_constant(d, b), b) < (_leading_constant(d, a), a):
            a, b = b, a
        return d.raw("mul", (a, b))
    op, args = d.ops[b], d.args[b]
    if op == "neg":
        return d.call("mul", (d.const(-ca), args[0]))
    if op == "mul" and d.is_const(args[0]):
        c = ca * d.values[args[0]]
        if math.isfinite(c) and c != 0:  # c1*(c2*u) as (c1*c2)*u: one rounding, for 6*x
            return d.call("mul", (d.const(c), args[1]))
    return d.raw("mul", (a, b))


def _leading_constant(d: Dag, i: int) -> int:
    """0 for a product c*u with a constant c (sorts first), else 1."""
    return 0 if d.ops[i] == "mul" and d.is_const(d.args[i][0]) else 1


def _div(d: Dag, a: int, b: int) -> int:
    cb = d.value(b)
    if cb == 1:
        return a
    if cb == -1:
        return d.call("neg", (a,))
    if d.value(a) == 0:
        return d.const(0.0)  # 0/u is 0, even for u = 0 (see the module's docstring)
    if not d.is_const(a):
        na = d.negated(a)
        if na is not None:
            return d.call("neg", (d.call("div", (na, b)),))
    nb = d.negated(b)
    if nb is not None:
        return d.call("neg", (d.call("div", (a, nb)),))
    return d.raw("div", (a, b))


def _pow(d: Dag, a: int, b: int) -> int:
    cb = d.value(b)
    if cb == 1:
        return a
    if cb == 0 or d.value(a) == 1:
        return d.const(1.0)  # numpy: u^0 == 1 and 1^u == 1 for every u, nan included
    return d.raw("pow", (a, b))


_RULES = {"add": _add, "sub": _sub, "neg": _neg, "mul": _mul, "div": _div, "pow": _pow}

# --- internal functions written in the language -------------------------------------------


def _sign(d: Dag, u: int) -> int:
    c = d.value(u)
    if c is not None:
        return d.const(float(np.sign(c)))
    return d.raw("sign", (u,))


def _nonzero(d: Dag, p: int) -> int:
    c = d.value(p)
    if c is not None:
        return d.const(1.0 if c != 0 else 0.0)  # a constant exponent: decided here, exactly
    if EXACT_POWERS:
        return d.call("abs", (_sign(d, p),))
    return d.const(1.0)  # a variable exponent is taken as nonzero (see core/derive.py)


def _slope(d: Dag, x: int, p: int) -> int:
    """p*x^(p-1), the engine's pow_slope (0 where p = 0)."""
    c = d.value(p)
    if c == 0:
        return d.const(0.0)
    return d.call("mul", (p, d.call("pow", (x, d.call("sub", (p, _nonzero(d, p)))))))


def _xlogy(d: Dag, a: int, b: int) -> int:
    """a*log(b), the engine's xlogy (which is 0 where a = 0, even for log(b) = -inf)."""
    return d.call("mul", (a, d.call("log", (b,))))


def no_shapes(d: Dag, *args):
    raise InvalidValueError("diff works on scalar variables: a shape operation was recorded")


_LOWER = {"sign": _sign, "nonzero": _nonzero, "pow_slope": _slope, "xlogy": _xlogy,
          "sum_to": no_shapes, "broadcast_to": no_shapes}

# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Derivative:
    wrt: tuple[str, ...]  # ('x',) for df/dx, ('x', 'x') for d2f/dx2, ('x', 'y') for d2f/dxdy
    node: int


@dataclass
class Formula:
    """Derivatives of a program as one DAG, with the bindings they share."""

    expression: str
    function: str  # 'f', or the name the program bound its result to
    wrt: list[str]
    order: int
    dag: Dag
    derivatives: list[Derivative]
    bindings: list[tuple[str, int]] = field(default_factory=list)  # (name, node), in order
    bound: dict[int, str] = field(default_factory=dict)  # node -> its binding's name

    @property
    def hessian(self) -> bool:
        return self.order == 2 and len(self.wrt) > 1

    def label(self, derivative: Derivative) -> str:
        """'df/dx', 'd2f/dx2', 'd2f/dxdy'."""
        return derivative_label(derivative.wrt, self.function)  # as eval labels them


# --- what a formula costs ------------------------------------------------------------------


def reachable(dag: Dag, roots) -> list[int]:
    """The nodes the roots use, in topological (id) order (a stack, no recursion)."""
    seen = set()
    stack = list(roots)
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        stack += dag.args[i]
    return sorted(seen)


def operations(formula: Formula) -> int:
    """Operations of the printed derivatives together (bindings once): what ``autodiff eval``
    would run, counting a negative number's minus as the parser does."""
    dag = formula.dag
    roots = [d.node for d in formula.derivatives]
    nodes = reachable(dag, roots)
    calls = [i for i in nodes if dag.ops[i] not in ("const", "input")]
    negative = [a for i in calls for a in dag.args[i]] + roots  # a constant is written per use
    return len(calls) + sum(dag.ops[a] == "const" and dag.values[a] < 0 for a in negative)


def program_operations(program: Program) -> int:
    """Operations of a parsed program (its function calls and operators)."""
    return sum(node.kind == "call" for node in program.nodes)
