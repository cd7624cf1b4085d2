"""The order in which the engine's backward pass visits functions, computed once.

The engine (core/engine.py) pops a heap keyed by (generation, creation order), latest
first; a function's generation is the largest of its inputs', a recorded function's
output is one more. A function is pushed when it receives its first gradient, from a
consumer being popped, and a consumer's generation is larger than that of every function
feeding it. So every function pushed after a pop has a smaller key than the one popped:
the keys popped only decrease, and the pop order is the set of functions that receive a
gradient, sorted by key, latest first.

``backward_steps`` sorts the functions the output depends on by that key once (a counting
sort by generation: linear in the program); the tape (core/tape.py, scalars) and the plan
of the chunks (core/plan.py, vectors) visit them in that order, skipping any that received
no gradient, so both add gradients up in the engine's order and give its results bitwise.
tests/test_tape.py and tests/test_plan.py compare the order with the heap's pops.
"""

from __future__ import annotations

from array import array

from .nodes import CALL


def backward_steps(nodes, recorded, generation, output: int) -> array:
    """The recorded calls ``output`` depends on, in the engine's order of backward steps:
    by the generation of the function (one less than its output's), then by creation
    (node index), latest first. ``nodes`` is the program's NodeTable; ``recorded[i]`` is
    true for a call whose output can carry a gradient; ``generation[i]`` is the generation
    of node i's output as the engine counts it (0 for what is not recorded)."""
    kinds, first, second = nodes.kind, nodes.first, nodes.second
    reached = bytearray(len(kinds))
    if kinds[output] == CALL and recorded[output]:
        reached[output] = 1
    found = 0
    counts = array("i", bytes(4 * (generation[output] + 1)))
    for i in range(output, -1, -1):  # arguments come before their call: one sweep down
        if reached[i]:
            found += 1
            counts[generation[i] - 1] += 1
            a = first[i]
            for j in ((a,) if second[i] < 0 else (a, second[i])) if a >= 0 else nodes.args(i):
                if kinds[j] == CALL and recorded[j]:
                    reached[j] = 1
    start, place = array("i", counts), 0  # where each generation's run begins, latest first
    for g in range(len(counts) - 1, -1, -1):
        start[g], place = place, place + counts[g]
    steps = array("i", bytes(4 * found))
    for i in range(output, -1, -1):  # within a generation, later nodes first
        if reached[i]:
            g = generation[i] - 1
            steps[start[g]] = i
            start[g] += 1
    return steps
