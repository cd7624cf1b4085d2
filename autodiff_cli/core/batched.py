"""One backward pass carrying a batch of seeds: many rows of a Hessian (or Jacobian) at once.

Row i of a Hessian is the backward pass over the gradient's graph seeded with the one-hot
vector e_i. Seeding with the identity (or a block of its rows) instead, every gradient in
the pass gains a leading batch axis: ``gy`` has shape (B, *y.shape) while the values the
formulas read (inputs, output, masks) keep theirs. Row b of the result is exactly what the
pass seeded with row b alone computes, with the same floating-point operations.

How each function's backward runs on a batch:

- an element-wise function (every registry entry that does not reduce): its formula as
  written; numpy broadcasts the data against (B, ...) from the right;
- a reduction (a vector in, a scalar out): ``gy`` (B,) is reshaped to (B, 1) so that it
  broadcasts along the vector's axis; the formulas spread ``g`` to the broadcast shape of
  ``g`` and the vector (``registry._spread``), so (B, 1) becomes (B, n);
- an internal function (``engine.InternalSpec``) runs only if it declares ``batched``:
  ``"elementwise"`` (its formula as written) or a formula of its own for the batch
  (sum_to, broadcast_to, prod_except); any other is refused (``BatchRefused``);
- undoing broadcasting keeps the batch axis: (B, n) sums to (B,) for a scalar input.

A formula whose result lost the batch axis, or that numpy cannot broadcast, is refused
too, never summed over the batch by mistake. The batch is explicit (this function, its
seeds) and the pass keeps its state in locals: nothing global, so threads may run passes.
"""

from __future__ import annotations

import heapq

import numpy as np

from .engine import InternalSpec, Variable


class BatchRefused(Exception):
    """A function in the graph has no batched backward: use one pass per row instead."""


def sum_to_batched(gx, shape: tuple):
    """Sum (B, *s) down to (B, *shape), the reverse of numpy broadcasting behind a batch
    axis that is kept (``engine.sum_to`` would sum the batch away for a scalar)."""
    gx = np.asarray(gx)
    if gx.shape[1:] == shape:
        return gx
    lead = gx.ndim - 1 - len(shape)
    axes = tuple(range(1, 1 + lead)) + tuple(
        1 + lead + i for i, n in enumerate(shape) if n == 1 and gx.shape[1 + lead + i] != 1)
    return gx.sum(axis=axes).reshape(gx.shape[:1] + shape)


def _formula(spec):
    """The backward formula that runs on a batch, or BatchRefused."""
    if isinstance(spec, InternalSpec):
        rule = getattr(spec, "batched", None)
        if rule == "elementwise":
            return spec.backward
        if callable(rule):
            return rule
        raise BatchRefused(f"the internal function {spec.name!r} declares no batched "
                           "backward (engine.InternalSpec's batched=...)")
    return spec.backward  # a registry function: element-wise, or a reduction (see above)


def _lift(gy, y_ndim: int, x_ndim: int):
    """(B, *y.shape) -> (B, 1, ..., *y.shape) so that it broadcasts against inputs of
    ``x_ndim`` axes from the right (a reduction's scalar result against its vector)."""
    if x_ndim <= y_ndim:
        return gy
    return gy.reshape(gy.shape[:1] + (1,) * (x_ndim - y_ndim) + gy.shape[1:])


def batched_backward(roots: list[tuple[Variable, np.ndarray]], batch: int,
                     leaves: list[Variable]) -> dict[int, np.ndarray | None]:
    """One backward pass from ``roots``, each (variable, seed of shape (batch, *its
    shape)); {id(leaf): its gradient, (batch, *leaf.shape), or None}. Plain numpy: the
    pass is not recorded as a graph (nothing differentiates it again)."""
    pending: dict = {}
    received: dict[int, list] = {}
    heap: list = []

    def receive(x: Variable, gx) -> None:
        creator = x.creator
        table, key = (pending, creator) if creator is not None else (received, id(x))
        entry = table.get(key)
        if entry is not None:
            entry[1] = entry[1] + gx  # out of place, as in the engine
        else:
            table[key] = [x, gx]
            if creator is not None:  # latest generation first, as engine.backward
                heapq.heappush(heap, (-creator.generation, -creator.order, creator))

    for root, seed in roots:
        if np.shape(seed) != (batch,) + np.shape(root.data):
            raise ValueError(f"a seed of shape {np.shape(seed)} for a batch of {batch} and a "
                             f"value of shape {np.shape(root.data)}")
        if root.requires_grad:
            receive(root, seed)
    with np.errstate(all="ignore"):
        while heap:
            f = heapq.heappop(heap)[2]
            y, gy = pending.pop(f)
            xs = tuple([x.data for x in f.inputs])
            formula = _formula(f.spec)
            gy = _lift(gy, np.ndim(y.data), max([np.ndim(d) for d in xs]))
            try:
                if f.spec.selective:
                    gxs = formula(xs, y.data, gy, tuple([x.requires_grad for x in f.inputs]))
                else:
                    gxs = formula(xs, y.data, gy)
            except ValueError as e:  # numpy could not broadcast: not written for a batch
                raise BatchRefused(f"{f.spec.name!r}'s backward fails on a batch: {e}") from e
            for x, gx in zip(f.inputs, gxs):
                if gx is None or not x.requires_grad:
                    continue
                if np.ndim(gx) != np.ndim(gy) or np.shape(gx)[0] != batch:
                    raise BatchRefused(f"{f.spec.name!r}'s backward gave shape {np.shape(gx)} "
                                       f"for a batch of {batch} (it lost the batch axis)")
                receive(x, sum_to_batched(gx, np.shape(x.data)))
    return {id(x): received[id(x)][1] if id(x) in received else None for x in leaves}
