"""A program's nodes, stored column by column.

A node is a constant, an input or a call. One Python object per node, with its tuple of
arguments and its boxed offset and value, cost about 1.2 KB per term of a huge program
(issue 11: at most 1 KB per term in all). Here a node is a row across flat arrays, about
37 bytes: its kind, offset, value, up to two arguments, and indices into short lists of
the names, specs and sources it uses.

``table[i]`` makes a ``Node`` when one is asked for (to read a node's fields or its
position for a message); the loops over every node of a run (core/graph.py's ``build``,
core/tape.py) read the columns themselves and make no Node at all.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

KINDS = ("const", "input", "call")
CONST, INPUT, CALL = 0, 1, 2
_CODES = {kind: code for code, kind in enumerate(KINDS)}
_NONE, _MORE = -1, -2  # in ``first``/``second``: no argument; more than two (see ``more``)


@dataclass(frozen=True, slots=True)
class Node:
    kind: str  # 'const', 'input' or 'call'
    offset: int  # where the node's text starts in its source (see ``position``)
    name: str = ""  # the input's name, or the function's registry name
    value: float = 0.0  # for constants
    args: tuple[int, ...] = ()  # node indices, for calls
    spec: object = None  # the registry's Spec, for calls
    lines: object = field(default=None, compare=False, repr=False)  # program.SourceLines

    @property
    def position(self):
        return self.lines.position(self.offset)


class NodeTable:
    """The nodes of one program, in creation order (a node's arguments come before it)."""

    __slots__ = ("kind", "offset", "value", "first", "second", "more", "name", "spec",
                 "lines", "names", "specs", "sources", "_name_at", "_spec_at", "_source_at")

    def __init__(self, nodes=()):
        self.kind = bytearray()  # CONST, INPUT or CALL
        self.offset = array("q")
        self.value = array("d")
        self.first = array("i")  # the first argument, or _NONE, or _MORE
        self.second = array("i")  # the second argument, or _NONE
        self.more: dict[int, tuple[int, ...]] = {}  # node -> its arguments, when over two
        self.name = array("i")  # index into ``names``
        self.spec = array("I")  # index into ``specs`` (0: none)
        self.lines = array("I")  # index into ``sources`` (0: none; a session has one per entry)
        self.names: list[str] = [""]
        self.specs: list = [None]
        self.sources: list = [None]
        # The indices of the names, specs and sources seen (specs and sources by identity).
        self._name_at: dict[str, int] = {"": 0}
        self._spec_at: dict[int, int] = {}
        self._source_at: dict[int, int] = {}
        for node in nodes:
            self.append(node)

    # --- adding ------------------------------------------------------------------------

    def add(self, kind: int, offset: int, name: str = "", value: float = 0.0, args=(),
            spec=None, lines=None) -> int:
        """Append a node given by its fields (``kind`` is CONST, INPUT or CALL); its index."""
        index = len(self.kind)
        self.kind.append(kind)
        self.offset.append(offset)
        self.value.append(value)
        count = len(args)
        if count > 2:
            self.first.append(_MORE)
            self.second.append(_NONE)
            self.more[index] = tuple(args)
        else:
            self.first.append(args[0] if count else _NONE)
            self.second.append(args[1] if count == 2 else _NONE)
        self.name.append(self._intern(name))
        self.spec.append(self._index_of(spec, self.specs, self._spec_at))
        self.lines.append(self._index_of(lines, self.sources, self._source_at))
        return index

    def append(self, node: Node) -> int:
        return self.add(_CODES[node.kind], node.offset, node.name, node.value, node.args,
                        node.spec, node.lines)

    def _intern(self, name: str) -> int:
        index = self._name_at.get(name)
        if index is None:
            index = self._name_at[name] = len(self.names)
            self.names.append(name)
        return index

    @staticmethod
    def _index_of(thing, things: list, at: dict) -> int:
        if thing is None:
            return 0
        index = at.get(id(thing))
        if index is None:  # ``things`` keeps it alive, so its id is not reused
            index = at[id(thing)] = len(things)
            things.append(thing)
        return index

    def copy(self) -> NodeTable:
        table = NodeTable()
        for slot in ("kind", "offset", "value", "first", "second", "name", "spec", "lines"):
            setattr(table, slot, getattr(self, slot)[:])
        table.more = dict(self.more)
        table.names, table.specs, table.sources = list(self.names), list(self.specs), \
            list(self.sources)
        table._name_at, table._spec_at, table._source_at = dict(self._name_at), \
            dict(self._spec_at), dict(self._source_at)
        return table

    # --- reading -----------------------------------------------------------------------

    def args(self, index: int) -> tuple[int, ...]:
        a = self.first[index]
        if a < 0:
            return () if a == _NONE else self.more[index]
        b = self.second[index]
        return (a,) if b == _NONE else (a, b)

    def spec_of(self, index: int):
        return self.specs[self.spec[index]]

    def kind_of(self, index: int) -> str:
        return KINDS[self.kind[index]]

    def __len__(self) -> int:
        return len(self.kind)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("node index out of range")
        return Node(KINDS[self.kind[index]], self.offset[index], self.names[self.name[index]],
                    self.value[index], self.args(index), self.specs[self.spec[index]],
                    self.sources[self.lines[index]])

    def __setitem__(self, index: int, node: Node) -> None:
        """Replace a node (its arguments must still come before it)."""
        if index < 0:
            index += len(self)
        self.kind[index] = _CODES[node.kind]
        self.offset[index] = node.offset
        self.value[index] = node.value
        self.more.pop(index, None)
        if len(node.args) > 2:
            self.first[index], self.second[index] = _MORE, _NONE
            self.more[index] = tuple(node.args)
        else:
            self.first[index] = node.args[0] if node.args else _NONE
            self.second[index] = node.args[1] if len(node.args) == 2 else _NONE
        self.name[index] = self._intern(node.name)
        self.spec[index] = self._index_of(node.spec, self.specs, self._spec_at)
        self.lines[index] = self._index_of(node.lines, self.sources, self._source_at)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def used_specs(self) -> list:
        """The specs of the calls, each once."""
        return [self.specs[k] for k in sorted(set(self.spec)) if k]

    def __eq__(self, other) -> bool:
        if isinstance(other, (NodeTable, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"NodeTable({len(self)} nodes)"
