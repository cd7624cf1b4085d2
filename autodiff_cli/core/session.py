"""A session's program, as ``autodiff repl`` keeps it: the part one entry needs, and its statements.

Each entry of a session is parsed once, onto the program of the bindings before it
(``parse(text, after=program)``): the result holds every node of the session so far and
the entry's own. ``prune`` cuts that down to what the entry's output depends on, so an
entry is evaluated without re-parsing the bindings and without values for the variables
of bindings it does not use. ``statement`` finds the text of a binding for ``:save``.
"""

from __future__ import annotations

from dataclasses import replace

from .program import Program


def reachable(program: Program, output: int | None = None) -> set[int]:
    """The nodes ``output`` (default: the program's results) depends on, itself included."""
    nodes = program.nodes
    starts = (program.outputs or [program.output]) if output is None else [output]
    seen = set(starts)
    stack = list(starts)
    while stack:
        for arg in nodes.args(stack.pop()):
            if arg not in seen:
                seen.add(arg)
                stack.append(arg)
    return seen


def prune(program: Program, output: int | None = None) -> Program:
    """The program of ``output`` (default: the program's output) alone, nodes renumbered.

    Inputs keep their order (of first appearance in the session); the source, the
    warnings and the labels of the kept nodes are kept."""
    keep = reachable(program, output)
    if len(keep) == len(program.nodes):
        return program
    order = sorted(keep)
    index = {old: new for new, old in enumerate(order)}
    nodes = []
    for old in order:
        node = program.nodes[old]
        nodes.append(replace(node, args=tuple(index[a] for a in node.args)) if node.args
                     else node)
    outputs = (program.outputs or [program.output]) if output is None else [output]
    return Program(source=program.source, nodes=nodes,
                   inputs={name: index[i] for name, i in program.inputs.items() if i in keep},
                   labels={index[i]: label for i, label in program.labels.items() if i in keep},
                   output=index[outputs[0]], outputs=[index[i] for i in outputs],
                   output_names=(list(program.output_names) if output is None and
                                 program.output_names else ["f"]),
                   warnings=list(program.warnings))


def statement(program: Program, offset: int) -> str:
    """The text of the top-level statement of ``program.source`` around ``offset``."""
    start, end = 0, len(program.source)
    for separator in program.separators:
        if separator < offset:
            start = separator + 1
        else:
            end = separator
            break
    return program.source[start:end].strip()
