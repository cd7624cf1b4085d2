"""A program's first-order pass compiled once into flat steps, run on chunk after chunk.

The engine builds a graph per evaluation: a Variable and a Function per node, a heap for
the backward pass, a reference count per value to drop it early (core/keep.py). For the
chunks of a vector evaluation (core/chunks.py) that work is the same for every chunk, so
it is done once here, and a chunk runs two flat lists of steps on a list of slots:

- forward: each call node's ``spec.forward`` on its arguments' slots, in node order;
- backward (``order.backward_steps``): the recorded functions the output's gradient
  reaches, in the order the engine's heap pops them: generation descending, then creation
  (node) order descending. A step whose output received no gradient is skipped, as the engine
  never pushes it. Gradients accumulate ``g = g + gx`` (out of place) in that order.

Each element goes through the same registry calls (``spec.forward``, ``spec.backward``
with ``needs`` for a selective one, ``engine._ieee_backward`` on an ArithmeticError) in
the same order as in the engine, so the results are bitwise the engine's. A value is
dropped after the last step that reads it (the backward steps read what the registry's
``reads`` declares): an argument a backward formula does not read is handed over as the
engine's lean pass hands it, a nan placeholder of its shape, so chunks stay small in the
cache and a wrong declaration would show as nan there as here. The last sum of each
gradient, and the value's step where its forward is a plain ufunc (``ufunc_of``), write
straight into the caller's result (``out=``: the same numbers, without a copy).
"""

from __future__ import annotations

import operator

import numpy as np

from . import elementary
from .engine import _ieee_backward, as_data, sum_to
from .keep import placeholder, read_by_backward
from .order import backward_steps
from .program import Program

_ndarray = np.ndarray
_float64 = np.dtype(np.float64)


_OPERATORS = {operator.add: np.add, operator.sub: np.subtract, operator.mul: np.multiply,
              operator.neg: np.negative}


def ufunc_of(forward):
    """The numpy ufunc a registry forward calls on arrays as it is, or None: the operators,
    and elementary's functions of one or two arguments (``elementary._unary``/``_binary``)."""
    if forward in _OPERATORS:
        return _OPERATORS[forward]
    name = getattr(forward, "__name__", "")
    if (getattr(elementary, name if name != "abs" else "abs_", None) is forward
            and getattr(forward, "__qualname__", "").startswith(("_unary.", "_binary."))):
        ufunc = getattr(np, name, None)
        return ufunc if isinstance(ufunc, np.ufunc) else None
    return None


def seed_of(data):
    """The engine's seed for an output: ones that hold no memory for a vector, else 1.0."""
    if getattr(data, "ndim", 0):
        return np.broadcast_to(np.float64(1.0), data.shape)
    return 1.0 if isinstance(data, float) else np.ones_like(data)


class Plan:
    """The steps of one program for one set of variables to differentiate by."""

    def __init__(self, program: Program, wrt: list[str], vectors: set[str]):
        """``vectors``: the inputs that are vectors (of one length): what a function of one of
        them makes is a vector of that length too, the rest are numbers (never dropped)."""
        wrt_order, wrt = list(wrt), set(wrt)
        count = len(program.nodes)
        self.template: list = [None] * count  # the constants; the rest is filled per chunk
        self.inputs: list[tuple[int, str]] = []
        leaves: dict[str, int] = {}  # name -> its (last) input node, as build keeps it
        requires = [False] * count
        recorded = [False] * count
        generation = [0] * count
        vector = [False] * count
        specs: dict[int, object] = {}
        args_of: dict[int, tuple[int, ...]] = {}
        forward: list[tuple[int, object, tuple[int, ...]]] = []
        for k, node in enumerate(program.nodes):  # each node read once (made on demand)
            kind = node.kind
            if kind == "const":
                self.template[k] = as_data(node.value)
            elif kind == "input":
                self.inputs.append((k, node.name))
                leaves[node.name] = k
                requires[k] = node.name in wrt
                vector[k] = node.name in vectors
            else:
                args, spec = tuple(node.args), node.spec
                specs[k], args_of[k] = spec, args
                forward.append((k, spec.forward, args))
                vector[k] = any(vector[a] for a in args)
                if any(requires[a] for a in args):
                    recorded[k] = requires[k] = True
                    generation[k] = max(generation[a] for a in args) + 1
        self.output = program.output
        # The output's step, run as its ufunc with ``out`` (the caller's result) if it is one.
        self.output_ufunc = ufunc_of(specs[self.output].forward) if self.output in specs \
            else None
        self.requires = requires
        self.leaves = [(name, leaves[name]) for name in wrt_order]
        order = backward_steps(program.nodes, recorded, generation, self.output)
        # When each value is last read: forward step t at time t, backward step s at
        # len(forward) + s. The inputs, constants and the output are never dropped.
        last = {}
        for t, (k, _, args) in enumerate(forward):
            for a in args:
                last[a] = t
        backward = []
        for s, k in enumerate(order, start=len(forward)):
            spec, args = specs[k], args_of[k]
            needs = tuple(requires[a] for a in args)
            positions, output = read_by_backward(spec, needs)
            for p in positions:
                last[args[p]] = s
            if output:
                last[k] = s
            backward.append([k, spec, args, needs if spec.selective else None, ()])
        ends: dict[int, list[int]] = {}
        for k in args_of:  # the intermediates
            if k != self.output and vector[k]:
                ends.setdefault(last.get(k, -1), []).append(k)
        self.forward = [(k, fn, args, tuple(ends.get(t, ())))
                        for t, (k, fn, args) in enumerate(forward)]
        if -1 in ends:  # read by nothing at all: dropped as soon as it is made
            by_node = {k: t for t, (k, _, _) in enumerate(forward)}
            for k in ends[-1]:
                k0, fn, args, frees = self.forward[by_node[k]]
                self.forward[by_node[k]] = (k0, fn, args, frees + (k,))
        for s, step in enumerate(backward, start=len(forward)):
            step[4] = tuple(ends.get(s, ()))
        self.backward = [tuple(step) for step in backward]
        # Each leaf's gradients, counted down as the steps pass, so that the last one can be
        # added straight into the caller's result (run's ``into``) rather than copied there.
        leaf_slots = {k for _, k in self.leaves}
        self.sends: dict[int, int] = {k: 0 for k in leaf_slots}
        self.leaf_args = []
        for _, _, args, _, _ in self.backward:
            mine = tuple(a for a in args if a in leaf_slots)
            self.leaf_args.append(mine)
            for a in mine:
                self.sends[a] += 1

    def run(self, data: dict, shared: dict, into: dict | None = None) -> tuple:
        """(value, {name: gradient}) of one chunk: ``data`` maps each input to its slice
        (or its scalar). Call it with numpy's warnings off, as the engine runs. ``shared``
        keeps, per shape, the read-only seed and placeholder the chunks can all use. A
        gradient summed from several steps is summed, the last time, into ``into[name]``
        (np.add's ``out``: the same sum) and returned as that array; the value, if its step
        is a ufunc (``ufunc_of``), is computed into ``into[""]`` the same way."""
        v = self.template.copy()
        for k, name in self.inputs:
            v[k] = data[name]
        hole = None  # the placeholder of the chunk's shape, for every value dropped
        out = self.output
        target = into.get("") if into and self.output_ufunc is not None else None
        for k, fn, args, frees in self.forward:
            if k == out and target is not None and all(
                    type(v[a]) is float or (type(v[a]) is _ndarray and v[a].dtype is _float64
                                            and v[a].shape == target.shape) for a in args) \
                    and any(type(v[a]) is _ndarray for a in args):
                r = self.output_ufunc(*[v[a] for a in args], out=target)  # what fn computes
            elif len(args) == 1:
                r = fn(v[args[0]])
            elif len(args) == 2:
                r = fn(v[args[0]], v[args[1]])
            else:
                r = fn(*[v[a] for a in args])
            # as_data, without the call where it would return the array as it is
            v[k] = r if type(r) is _ndarray and r.dtype is _float64 and r.ndim else as_data(r)
            for j in frees:  # the engine's lean pass leaves a placeholder of the same shape
                if hole is None:
                    hole = _shared(shared, "hole", v[j])
                v[j] = hole
        value = v[out]
        requires = self.requires
        g: list = [None] * len(v)
        if requires[out]:
            g[out] = _shared(shared, "seed", value) if getattr(value, "ndim", 0) else \
                seed_of(value)
        left = {k: self.sends[k] for k in self.sends} if into else {}
        targets = {k: into[name] for name, k in self.leaves} if into else {}
        for (k, spec, args, needs, frees), leaf_args in zip(self.backward, self.leaf_args):
            gy = g[k]
            if gy is None:  # no gradient reached it: the engine never pushes it
                for a in leaf_args:
                    left[a] -= 1
                continue
            g[k] = None
            xs = tuple([v[a] for a in args])
            y = v[k]
            try:
                gxs = (spec.backward(xs, y, gy, needs) if needs is not None else
                       spec.backward(xs, y, gy))
            except ArithmeticError:  # a float divided by 0: again with IEEE scalars
                gxs = _ieee_backward(spec, xs, y, gy, needs)
            for a, gx in zip(args, gxs):
                last = False
                if a in left:
                    left[a] -= 1
                    last = left[a] == 0
                if gx is None or not requires[a]:
                    continue
                x = v[a]
                shape = () if type(x) is float else x.shape
                if getattr(gx, "shape", ()) != shape:  # undo numpy broadcasting
                    gx = sum_to(gx, shape)
                before = g[a]
                if before is None:
                    g[a] = gx
                elif last and type(before) is _ndarray and type(gx) is _ndarray and \
                        before.shape == gx.shape == targets[a].shape:
                    g[a] = np.add(before, gx, out=targets[a])  # what before + gx computes
                else:
                    g[a] = before + gx
            for j in frees:
                if hole is None:
                    hole = _shared(shared, "hole", v[j])
                v[j] = hole
        gradient = {}
        for name, k in self.leaves:
            gk = g[k]
            gradient[name] = (gk if gk is not None else 0.0 if isinstance(v[k], float) else
                              np.zeros_like(v[k]))
        return value, gradient


def _shared(shared: dict, what: str, like):
    """The seed (ones) or the placeholder (nan) of ``like``'s shape: read-only arrays that
    hold no memory, made once per shape for all the chunks."""
    key = (what, like.shape)
    made = shared.get(key)
    if made is None:
        made = shared[key] = seed_of(like) if what == "seed" else placeholder(like)
    return made

