"""The shape of a program's graph without evaluating it (``autodiff graph`` without values).

Builds the same nodes the engine would (core/graph.py's ``build``), numbered the same
way by ``ids.GraphIds``, but computes nothing that depends on a variable: the inputs
carry the values given (None for the others), the functions carry no values and no
gradients. A call that depends on no variable is a constant for the engine (no
gradient flows through it), so it is one here too, with its value, as ``graph``
draws it with values.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .program import Program


class Drawn:
    """A variable of the structure: what ``GraphIds`` and the graph views read."""

    __slots__ = ("name", "kind", "creator", "data", "grad", "generation", "order")

    def __init__(self, data, name: str | None, kind: str, order: int):
        self.data, self.name, self.kind, self.order = data, name, kind, order
        self.creator: Step | None = None
        self.grad = None
        self.generation = 0


class Step:
    """A function of the structure: its registry entry, inputs and output."""

    __slots__ = ("spec", "inputs", "generation", "order", "_output")

    def __init__(self, spec, inputs: list[Drawn], order: int):
        self.spec, self.inputs, self.order = spec, inputs, order
        self.generation = max(x.generation for x in inputs)
        self._output: Drawn | None = None

    def output(self) -> Drawn:
        return self._output


@dataclass
class Structure:
    """The structure's output node, and which variables had values and which did not."""

    output: Drawn
    given: list[str]
    missing: list[str]


def structure(program: Program, values: dict) -> Structure:
    """The graph of ``program`` with only the values in ``values`` (any of its inputs)."""
    order = itertools.count()
    nodes: list[Drawn] = []
    depends: list[bool] = []  # whether the node depends on a variable
    for node in program.nodes:
        if node.kind == "const":
            var, varying = Drawn(node.value, node.name or None, "const", next(order)), False
        elif node.kind == "input":
            data = values.get(node.name)
            if data is not None:
                data = np.asarray(data, dtype=np.float64)
                data = float(data) if data.ndim == 0 else data
            var, varying = Drawn(data, node.name, "input", next(order)), True
        else:
            args = [nodes[i] for i in node.args]
            varying = any(depends[i] for i in node.args)
            if varying:
                step = Step(node.spec, args, next(order))
                var = Drawn(None, None, "intermediate", next(order))
                var.creator, var.generation, step._output = step, step.generation + 1, var
            else:
                var = Drawn(_constant(node.spec, args), None, "const", next(order))
        nodes.append(var)
        depends.append(varying)
    for index, label in program.labels.items():
        nodes[index].name = label
    given = [name for name in program.inputs if name in values]
    missing = [name for name in program.inputs if name not in values]
    return Structure(nodes[program.output], given, missing)


def _constant(spec, args: list[Drawn]):
    """The value of a call on constants (as the engine computes it), or None if it fails."""
    if any(a.data is None for a in args):
        return None
    try:
        with np.errstate(all="ignore"):
            return spec.forward(*[a.data for a in args])
    except (ValueError, TypeError, ArithmeticError):
        return None
