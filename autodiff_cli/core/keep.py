"""What the backward pass reads, so that the forward pass can drop everything else.

Each registry entry declares ``reads``: for each of its inputs in turn, separated by
``|``, the values its backward formula reads to make that input's gradient (``x0``,
``x1``: its inputs; ``y``: its output; nothing: none, the shape at most). ``reads="x1|x0"``
is the product's: d/dx0 reads x1, d/dx1 reads x0. While a program runs forward, a value
no recorded step will read is dropped as soon as the last function that takes it has run:
its data becomes a placeholder of the same shape that holds no memory (a broadcast nan,
so a formula that read it after all would say so). The inputs, constants and the result
are never dropped; neither is anything a function without a declaration takes.
"""

from __future__ import annotations

import numpy as np

from .program import Program

_NAN = np.float64(np.nan)


def last_uses(program: Program) -> list[tuple[int, ...]]:
    """For each node, the nodes whose last use is as one of its arguments."""
    last: dict[int, int] = {}
    args = program.nodes.args  # the arguments without making a Node per node
    for k in range(len(program.nodes)):
        for j in args(k):
            last[j] = k
    ending: list[list[int]] = [[] for _ in range(len(program.nodes))]
    for j, k in last.items():
        ending[k].append(j)
    return [tuple(sorted(js)) for js in ending]


def read_by_backward(spec, needs) -> tuple[set[int], bool]:
    """(the argument positions, whether the output) ``spec``'s backward reads for the
    gradients of the inputs that ``needs`` one; everything if ``spec`` does not declare."""
    declared = getattr(spec, "reads", None)
    if declared is None:
        return set(range(len(needs))), True
    positions, output = set(), False
    for need, words in zip(needs, declared.split("|")):
        if need:
            for word in words.split():
                if word == "y":
                    output = True
                else:
                    positions.add(int(word[1:]))
    return positions, output


def placeholder(data):
    """Data of the same shape that holds no memory: nan everywhere (a poison, if read)."""
    return np.broadcast_to(_NAN, np.shape(data))


class Dropper:
    """Drops, node by node as a program runs forward, the values backward will not read."""

    def __init__(self, program: Program):
        self.program = program
        self.ending = last_uses(program)
        self.keep = [False] * len(program.nodes)
        for index in program.outputs or [program.output]:
            self.keep[index] = True
        self.dropped = 0

    def after(self, k: int, nodes: list) -> None:
        """Node ``k`` has just run: note what its backward reads, drop what is done with."""
        var = nodes[k]
        creator = var.creator
        if creator is not None:  # a recorded step: its backward runs, and reads these
            args = self.program.nodes.args(k)
            positions, output = read_by_backward(
                creator.spec, [a.requires_grad for a in creator.inputs])
            for p in positions:
                self.keep[args[p]] = True
            if output:
                self.keep[k] = True
        for j in self.ending[k]:
            done = nodes[j]
            if (not self.keep[j] and done.kind == "intermediate"
                    and isinstance(done.data, np.ndarray) and done.data.ndim):
                done.data = placeholder(done.data)
                self.dropped += 1
