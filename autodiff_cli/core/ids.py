"""Stable ids for the nodes of an engine graph: v0, v1, ... and f0, f1, ...

The one place that names nodes, so ``--trace`` and ``autodiff graph`` agree.
Variables and functions are numbered separately, each in creation order
(``.order``), over the graph reachable from the output. Creation order is fixed
by the program text, so the ids are the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .engine import Function, Variable


@dataclass
class GraphIds:
    """The reachable graph of one output, numbered. Look ids up with ``of``."""

    output: Variable
    variables: list[Variable] = field(default_factory=list)  # in id order
    functions: list[Function] = field(default_factory=list)  # in id order
    _ids: dict[int, str] = field(default_factory=dict)

    @classmethod
    def walk(cls, output: Variable) -> GraphIds:
        """Collect every node the output depends on (a loop with a stack, no recursion)."""
        variables: dict[int, Variable] = {}
        functions: dict[int, Function] = {}
        stack = [output]
        while stack:
            var = stack.pop()
            if id(var) in variables:
                continue
            variables[id(var)] = var
            f = var.creator
            if f is not None and id(f) not in functions:
                functions[id(f)] = f
                stack.extend(f.inputs)
        ids = cls(output, sorted(variables.values(), key=lambda v: v.order),
                  sorted(functions.values(), key=lambda f: f.order))
        ids._ids = {id(v): f"v{i}" for i, v in enumerate(ids.variables)}
        ids._ids.update({id(f): f"f{i}" for i, f in enumerate(ids.functions)})
        return ids

    def of(self, node: Variable | Function) -> str:
        """The id of a variable or function of this graph."""
        return self._ids[id(node)]

    def label(self, var: Variable) -> str:
        """What people read: the bound name (x, a), a constant's value, or else the id."""
        if var.name:
            return var.name
        if var.creator is None and var.kind != "input" and np.ndim(var.data) == 0:
            return repr(float(var.data))
        return self.of(var)


def role(var: Variable) -> str:
    """'input', 'const' (no gradient flows into it) or 'intermediate'."""
    if var.kind == "input":
        return "input"
    # An intermediate computed only from constants has no creator: the engine
    # treats it as a constant, and so do we.
    return "intermediate" if var.creator is not None else "const"
