"""The computational graph for ``autodiff graph``: Graphviz DOT text, or a Rich tree.

Reads a graph numbered by ``graphids`` after a backward pass that kept the
intermediate gradients, or a structure (``core/structure.py``: no gradients, and
values only where they were given), with ``gradients=False`` and a ``caption``
that says what is drawn. Both views walk the graph with explicit stacks, so a
chain 10^4 deep is no harder than a short one.
"""

from __future__ import annotations

from collections import deque

from ..core.ids import GraphIds, role
from .trace import value

# Variables are ellipses, functions boxes (as in DeZero's get_dot_graph); the
# fill tells inputs, intermediates and constants apart, and the output is ringed.
_VARIABLE_STYLE = {
    "input": 'shape=ellipse, style=filled, fillcolor="#f8c471"',
    "intermediate": 'shape=ellipse, style=filled, fillcolor="#fdebd0"',
    "const": 'shape=ellipse, style="filled,dashed", fillcolor="#e5e7e9", fontcolor="#555555"',
}
_FUNCTION_STYLE = 'shape=box, style="rounded,filled", fillcolor="#aed6f1"'
_TREE_DEPTH = 16  # levels per tree before a deep chain continues in a tree of its own
_LABEL_ROOM = 40  # characters a tree line keeps for its label, on a narrow terminal


def _quote(text: str) -> str:
    """A DOT string: quotes and backslashes escaped; lines joined with DOT's \\n."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "\\n".join(text.splitlines()) + '"'


def _grad(var) -> str | None:
    return None if var.grad is None else value(var.grad.data)


def _name(ids: GraphIds, var) -> str:
    """'x (v0)' for a named variable, 'v2' for an unnamed one."""
    return f"{var.name} ({ids.of(var)})" if var.name else ids.of(var)


def _variable_lines(ids: GraphIds, var, gradients: bool = True) -> list[str]:
    kind = role(var)
    lines = [_name(ids, var) if kind != "const" else f"constant {_name(ids, var)}"]
    if var.data is not None:  # a structure has values only where they were given
        lines.append(f"value {value(var.data)}")
    elif kind == "input":
        lines.append("no value")
    if kind != "const" and gradients:
        grad = _grad(var)
        lines.append(f"grad {grad if grad is not None else 'none'}")
    return lines


def dot(ids: GraphIds, source: str = "", gradients: bool = True,
        caption: str | None = None) -> str:
    """Graphviz DOT: each node once, in id order, then the edges in function order.

    ``caption``, if any, is drawn under the graph (what a structure leaves out)."""
    out = ["digraph autodiff {"]
    out += [f"  // {line}" for line in source.replace("\r", "").splitlines() if line.strip()]
    if caption:  # in lines of a readable length under the picture
        import textwrap

        out.append(f"  label={_quote(chr(10).join(textwrap.wrap(caption, 72)))}; labelloc=b; "
                   "fontsize=10;")
    out += ['  graph [rankdir=TB, fontname="Helvetica"];',
            '  node [fontname="Helvetica", fontsize=11];',
            '  edge [fontname="Helvetica", fontsize=9, color="#566573"];']
    for var in ids.variables:
        extra = ", peripheries=2" if var is ids.output else ""
        lines = _variable_lines(ids, var, gradients)
        out.append(f"  {ids.of(var)} [label={_quote(chr(10).join(lines))}, "
                   f"{_VARIABLE_STYLE[role(var)]}{extra}];")
    for f in ids.functions:
        label = f"{f.spec.name} ({ids.of(f)})\ngeneration {f.generation}"
        out.append(f"  {ids.of(f)} [label={_quote(label)}, {_FUNCTION_STYLE}];")
    for f in ids.functions:
        several = len(f.inputs) > 1  # number the arguments: sub(a, b) is not sub(b, a)
        for position, x in enumerate(f.inputs, start=1):
            label = f" [label={position}]" if several else ""
            out.append(f"  {ids.of(x)} -> {ids.of(f)}{label};")
        out.append(f"  {ids.of(f)} -> {ids.of(f.output())};")
    out.append("}")
    return "\n".join(out) + "\n"


def _describe(ids: GraphIds, var, gradients: bool = True):
    from rich.text import Text

    kind = role(var)
    text = Text(_name(ids, var), style="bold" if var.name else "")
    if var.data is not None:  # a structure has values only where they were given
        text.append(f" = {value(var.data)}")
    grad = _grad(var)
    if kind != "const" and gradients:
        text.append(f"   grad {grad if grad is not None else 'none'}", style="green")
    f = var.creator
    if f is not None:
        text.append(f"   <- {ids.of(f)} {f.spec.name}, generation {f.generation}", style="cyan")
    else:
        what = "constant" if kind != "input" else "input" if var.data is not None else \
            "input, no value"
        text.append(f"   {what}", style="dim")
    return text


def trees(ids: GraphIds, depth: int = _TREE_DEPTH, gradients: bool = True) -> list:
    """Rich trees from the output down to the inputs (pre-order, explicit stack).

    A variable met again is not expanded again: a line refers to where it is
    shown. Below ``depth`` levels the subgraph continues in a tree of its own,
    so the indentation stays readable for a chain of any length.
    """
    from rich.text import Text
    from rich.tree import Tree

    shown: dict[int, str] = {}  # id(var) -> where it is expanded: 'above' or 'below'
    roots, result = deque([ids.output]), []
    while roots:
        root = roots.popleft()
        stack = [(root, None, 0)]
        while stack:
            var, parent, level = stack.pop()
            where = shown.get(id(var))
            if var.creator is not None and where is not None and parent is not None:
                parent.add(Text(f"{_name(ids, var)}: shown {where}", style="dim"))
                continue
            if var.creator is not None and level >= depth:
                parent.add(Text(f"{_name(ids, var)}: continued below", style="dim"))
                shown[id(var)] = "below"
                roots.append(var)
                continue
            described = _describe(ids, var, gradients)
            node = Tree(described) if parent is None else parent.add(described)
            if parent is None:
                result.append(node)
            shown[id(var)] = "above"
            if var.creator is not None:
                stack.extend((x, node, level + 1) for x in reversed(var.creator.inputs))
    return result


def tree_group(ids: GraphIds, width: int | None = None, gradients: bool = True,
               caption: str | None = None):
    """All the trees as one renderable, a blank line between them, after the ``caption``.

    With a ``width`` (a terminal's), the trees are cut shallow enough that the
    indentation (4 columns a level) leaves room for the labels.
    """
    from rich.console import Group
    from rich.text import Text

    depth = _TREE_DEPTH if width is None else max(4, min(_TREE_DEPTH, (width - _LABEL_ROOM) // 4))
    parts = [Text(caption, style="dim"), Text("")] if caption else []
    for index, tree in enumerate(trees(ids, depth, gradients)):
        if index:
            parts.append(Text(""))
        parts.append(tree)
    return Group(*parts)
