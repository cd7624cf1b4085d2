"""The backward pass, step by step (``eval --trace``): data only, no rendering.

The engine calls ``Recorder`` after each step of ``Variable.backward`` with the
function it popped, the gradient that function received, the gradients it
produced and the queue still waiting. We keep plain values and ids (see
``ids``), so the trace can be printed, written as JSON or pinned in a
golden file without holding on to the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import _sum_to_data
from .ids import GraphIds


@dataclass
class Step:
    """One popped function. ``grads_out`` has one entry per input; None where no
    gradient flows (a constant input)."""

    step: int
    function: str  # the registry name
    id: str
    generation: int
    inputs: list[str]
    outputs: list[str]
    grads_in: list
    grads_out: list
    queue: list[str]  # the functions still waiting, in the order they will be popped
    queue_more: int = 0  # how many more are waiting than the queue lists (wide graphs)


@dataclass
class Trace:
    """The steps, and for people the names of the variables (id -> label)."""

    steps: list[Step]
    labels: dict[str, str]


class Recorder:
    """The ``on_step`` observer of ``Variable.backward``.

    The graph is numbered at the first step: the first function popped is the
    output's creator, and the output is reachable from it.
    """

    def __init__(self):
        self.ids: GraphIds | None = None
        self.steps: list[Step] = []

    def __call__(self, function, grad_in, grads_out, queue, waiting) -> None:
        if self.ids is None:
            self.ids = GraphIds.walk(function.output())
        of = self.ids.of
        self.steps.append(Step(
            step=len(self.steps) + 1,
            function=function.spec.name,
            id=of(function),
            generation=function.generation,
            inputs=[of(x) for x in function.inputs],
            outputs=[of(function.output())],
            grads_in=[grad_in],
            grads_out=[_received(x, gx) for x, gx in zip(function.inputs, grads_out)],
            queue=[of(f) for f in queue],
            queue_more=waiting - len(queue),
        ))

    def trace(self) -> Trace:
        labels = {}
        if self.ids is not None:
            labels = {self.ids.of(v): self.ids.label(v) for v in self.ids.variables}
        return Trace(self.steps, labels)


def _received(x, gx):
    """The gradient the input gets from this step, as the engine accumulates it."""
    if gx is None or not x.requires_grad:
        return None
    data = gx
    if np.shape(data) != np.shape(x.data):  # the engine undoes broadcasting the same way
        data = _sum_to_data(np.asarray(data), np.shape(x.data))
    return data
