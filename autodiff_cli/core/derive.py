"""The derivative as a formula, read from the graph that backward(create_graph=True) records.

Reverse mode with ``create_graph`` records every step of the backward pass as a function of
the program's values: that recorded graph *is* the derivative, with each shared value
computed once (Laue, "On the equivalence of automatic and symbolic differentiation",
arXiv 1904.02990). We run the engine at a structure-only point (every variable 0.5: no
value is read back, only the graph's shape), read the graph into a simplifying ``Dag``
(``core/formula.py``), and give every value used twice or more a name.

Values enter the backward formulas in one way only: masks computed from data at kinks
(relu, abs, max, min), pow's ``p != 0``, and the shape bookkeeping of reductions. Read at
one point, such a constant would be wrong everywhere else, so for those functions the
backward is replaced here (``_OVERRIDES``) by the same formula written with functions of
their arguments, which the engine records like any other:

- relu(x): ``sign(relu(x))`` (1 for x > 0, else 0; exactly the engine's mask);
- abs(x): ``sign(x)``;
- max(a, b): ``0.5 + 0.5*sign(a - b)`` for a, ``0.5 - 0.5*sign(a - b)`` for b
  (1, 1/2 at a tie, 0: the engine's shares); min(a, b) the other way round;
- pow(x, p): ``p*x^(p - 1)`` and ``x^p*log(x)``; ``p != 0`` (the engine's guard at p = 0)
  is computed when p is a constant and taken as 1 when p depends on a variable (see
  ``formula.EXACT_POWERS``): at x = p = 0 the formula reads nan where eval says 0;
- max(v), min(v), prod(v), logsumexp(v) of a scalar v: the derivative 1 (they are v).

Variables are scalars: the formula is the derivative for scalar values. Takes a parsed
``Program``; parsing is the caller's (the command line, or ``api.derivative``).
"""

from __future__ import annotations

import numpy as np

from ..errors import LimitError
from . import registry
from .engine import Function, InternalSpec, Variable, apply
from .formula import Dag, Derivative, Formula, no_shapes, reachable
from .graph import resolve_wrt
from .higher import check_order
from .program import CONSTANTS, Program, one_result

MAX_FUNCTIONS = 100_000  # functions recorded by the passes above the first (as eval --order)
MAX_ORDER = 20  # a formula of order N is read from N nested backward passes: it grows with N
POINT = 0.5  # the structure-only point: every variable's value while the graph is recorded

# --- backward formulas without data-dependent constants ------------------------------------


def _apply_sign(v):
    return apply(_SIGN, v)


def _slope_data(x, p):
    return np.where(p == 0, 0.0, p * np.power(x, p - 1.0))


def _slope_backward(xs, y, g, needs):
    x, p = xs
    nonzero = apply(_NONZERO, p)  # a constant when p is: then it is computed, not symbolic
    gx = g * nonzero * p * apply(_SLOPE, x, p - nonzero) if needs[0] else None
    gp = g * (x ** (p - 1) + apply(_SLOPE, x, p) * registry.log(x)) if needs[1] else None
    return gx, gp


_SIGN = InternalSpec("sign", np.sign, lambda xs, y, g: (None,))
_NONZERO = InternalSpec("nonzero", lambda p: np.where(p != 0, 1.0, 0.0), lambda xs, y, g: (None,))
_SLOPE = InternalSpec("pow_slope", _slope_data, _slope_backward, selective=True)
_XLOGY = InternalSpec("xlogy", lambda a, b: np.where(a == 0, 0.0, a * np.log(b)),
                      lambda xs, y, g: (g * registry.log(xs[1]), g * xs[0] / xs[1]))


def _pow_backward(xs, y, g, needs):
    x, p = xs
    gx = g * apply(_SLOPE, x, p) if needs[0] else None
    gp = g * apply(_XLOGY, y, x) if needs[1] else None
    return gx, gp


def _max_backward(xs, y, g):
    s = _apply_sign(xs[0] - xs[1])
    return g * (0.5 + 0.5 * s), g * (0.5 - 0.5 * s)


def _min_backward(xs, y, g):
    s = _apply_sign(xs[0] - xs[1])
    return g * (0.5 - 0.5 * s), g * (0.5 + 0.5 * s)


def _identity_backward(xs, y, g):
    return (g,)


_OVERRIDES = {
    ("relu", 1): (lambda xs, y, g: (g * _apply_sign(y),), False),
    ("abs", 1): (lambda xs, y, g: (g * _apply_sign(xs[0]),), False),
    ("max", 2): (_max_backward, False),
    ("min", 2): (_min_backward, False),
    ("pow", 2): (_pow_backward, True),
    # reductions of a scalar are the scalar itself: no masks, no shape operations
    ("max", 1): (_identity_backward, False),
    ("min", 1): (_identity_backward, False),
    ("prod", 1): (_identity_backward, False),
    ("logsumexp", 1): (_identity_backward, False),
}
_specs: dict = {}


def _spec(spec) -> InternalSpec:
    """The registry function with its backward replaced where it reads data (cached)."""
    key = (spec.name, spec.arity)
    found = _specs.get(key)
    if found is None:
        backward, selective = _OVERRIDES.get(key, (spec.backward, spec.selective))
        found = _specs[key] = InternalSpec(spec.name, spec.forward, backward, selective)
    return found


# --- reading the engine's graph -----------------------------------------------------------


class _Reader:
    """Runs the program on the engine and turns what backward records into DAG nodes."""

    def __init__(self, program: Program):
        self.dag = Dag()
        self.ids: dict[Variable, int] = {}  # keeps every Variable read alive: ids stay unique
        self.inputs: dict[str, Variable] = {}
        variables: list[Variable] = []
        dag = self.dag
        with np.errstate(all="ignore"):
            for index, node in enumerate(program.nodes):
                if node.kind == "const":
                    var, i = Variable(node.value), dag.const(node.value)
                elif node.kind == "input":
                    var = self.inputs[node.name] = Variable(POINT, name=node.name, kind="input")
                    i = dag.input(node.name)
                else:
                    args = [variables[a] for a in node.args]
                    var = Function(_spec(node.spec), node.position)(*args)
                    i = dag.call(node.name, tuple(self.ids[a] for a in args))
                    label = program.labels.get(index)
                    if label and dag.ops[i] not in ("const", "input") and dag.names[i] is None:
                        dag.names[i] = label
                variables.append(var)
                self.ids[var] = i
        self.output = variables[program.output]

    def gradients(self, target: Variable) -> dict[str, Variable | None]:
        """One recorded backward pass from ``target``: {name: d target/d name or None}."""
        for x in self.inputs.values():
            x.cleargrad()  # backward adds to what a leaf holds: start from nothing
        if not target.requires_grad:
            return dict.fromkeys(self.inputs)
        if target.creator is None:  # the result is a variable itself: dx/dx = 1
            one = Variable(1.0)
            self.ids[one] = self.dag.const(1.0)
            return {name: one if x is target else None for name, x in self.inputs.items()}
        # The seed is a variable, so that every step using it is recorded (1*g included):
        # no formula step is left computed once at this point, as a bare number.
        seed = Variable(1.0, kind="input")
        self.ids[seed] = self.dag.const(1.0)
        target.grad = seed
        with np.errstate(all="ignore"):
            target.backward(create_graph=True)
        target.grad = None
        grads = {name: x.grad for name, x in self.inputs.items()}
        for x in self.inputs.values():
            x.cleargrad()
        return grads

    def read(self, variables) -> tuple[list[int], int]:
        """DAG nodes for ``variables`` (None is 0), and how many new Variables were read."""
        ids, dag = self.ids, self.dag
        found: list[Variable] = []
        seen: set[int] = set()
        stack = [v for v in variables if v is not None and v not in ids]
        while stack:
            v = stack.pop()
            if id(v) in seen:
                continue
            seen.add(id(v))
            found.append(v)
            f = v.creator
            if f is not None:
                stack += [x for x in f.inputs if x not in ids and id(x) not in seen]
        found.sort(key=lambda v: v.order)  # a function's output is made after its inputs
        for v in found:
            f = v.creator
            if f is None:  # a number of a formula, or computed from constants alone
                if np.ndim(v.data) != 0:
                    no_shapes(dag)
                ids[v] = dag.const(v.data)
            else:
                ids[v] = dag.call(f.spec.name, tuple([ids[x] for x in f.inputs]))
        zero = dag.const(0.0)
        return [zero if v is None else ids[v] for v in variables], len(found)


class _Budget:
    """Functions recorded by the passes above the first, refused past MAX_FUNCTIONS."""

    def __init__(self):
        self.used = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > MAX_FUNCTIONS:
            raise LimitError(f"the derivative graph grew beyond {MAX_FUNCTIONS:,} functions",
                             hint="ask for a lower order, or fewer variables",
                             cli_hint="ask for a lower --order, or fewer variables")


def derivative(program: Program, wrt=None, order: int = 1) -> Formula:
    """The derivatives of ``program`` as a Formula.

    ``order`` 1: the gradient (one derivative per name of ``wrt``, default all variables in
    order of appearance). ``order`` 2 with several names: the Hessian's entries, row by row.
    Otherwise the ``order``-th derivative with respect to each name.
    """
    check_order(order, MAX_ORDER)
    one_result(program, "the formula of a derivative")
    names = resolve_wrt(program, wrt)  # the checks and messages of eval's --wrt
    reader = _Reader(program)
    first = reader.gradients(reader.output)
    budget = _Budget()
    wanted: list[tuple[tuple[str, ...], Variable | None]] = []
    if order == 1:
        wanted = [((name,), first[name]) for name in names]
    elif order == 2 and len(names) > 1:
        reader.read([first[name] for name in names])
        for a in names:
            row = reader.gradients(first[a]) if first[a] is not None else {}
            budget.spend(reader.read(list(row.values()))[1])
            wanted += [((a, b), row.get(b)) for b in names]
    else:
        for name in names:
            grad = first[name]
            for _ in range(order - 1):
                if grad is None:
                    break
                reader.read([grad])
                grad = reader.gradients(grad)[name]
                budget.spend(reader.read([grad])[1])
            wanted.append(((name,) * order, grad))
    nodes, _ = reader.read([v for _, v in wanted])
    derivatives = [Derivative(w, n) for (w, _), n in zip(wanted, nodes)]
    function = program.labels.get(program.output) or "f"
    formula = Formula(program.source, function, names, order, reader.dag, derivatives)
    _name_shared(formula, program)
    return formula


# --- shared values get names --------------------------------------------------------------


def _name_shared(formula: Formula, program: Program) -> None:
    """Bind each call node used twice or more, and each the program named, to a name."""
    dag = formula.dag
    roots = [d.node for d in formula.derivatives]
    nodes = reachable(dag, roots)
    uses = dict.fromkeys(nodes, 0)
    for i in nodes:
        for a in dag.args[i]:
            uses[a] += 1
    for r in roots:
        uses[r] += 1
    taken = set(program.inputs) | set(program.labels.values()) | set(CONSTANTS)
    taken |= set(registry.names())
    fresh = _fresh_names(taken)
    used_names: set[str] = set()
    for i in nodes:
        op = dag.ops[i]
        if op in ("const", "input") or _is_literal(dag, i):
            continue
        name = dag.names[i]
        if name is not None and name not in used_names:
            pass  # the program's own name
        elif uses[i] >= 2:
            name = next(fresh)
        else:
            continue
        used_names.add(name)
        formula.bound[i] = name
        formula.bindings.append((name, i))


def _is_literal(dag: Dag, i: int) -> bool:
    """1/0, -(1/0), 0/0: how inf and nan are written, never worth a name."""
    if dag.ops[i] not in ("div", "neg"):
        return False
    return all(dag.ops[a] == "const" or (dag.ops[a] == "div" and _is_literal(dag, a))
               for a in dag.args[i])


def _fresh_names(taken: set[str]):
    n = 0
    while True:
        n += 1
        name = f"t{n}"
        if name not in taken:
            yield name
