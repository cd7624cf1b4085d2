"""Derivatives over the elements of vectors: the Jacobian of a vector result, and the Hessian
of a scalar function of vectors (a reduction: sum, dot, norm, logsumexp, ...).

Each row is a backward pass seeded with a one-hot vector instead of the seed of ones
(which gives the gradient of the sum, DeZero's convention and the default). The Hessian's
rows run together: one pass over the gradient's graph carries a batch of them, the rows of
the identity (core/batched.py), in blocks that keep each array under BATCH_ENTRIES numbers.
Rows and columns are named by element: x[0], x[1], ...; a scalar keeps its name.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidValueError, LimitError
from .batched import BatchRefused, batched_backward
from .engine import Variable, gc_paused
from .graph import build, gradients
from .nested import backward_pass, clear_gradients


MAX_ENTRIES = 10_000_000  # a Jacobian or Hessian larger than this is refused
# Numbers in each array of a batched pass (1 MB), which sets its rows: memory stays bounded
# whatever the size of the Hessian, and arrays that fit in cache run fastest (128 to 256 rows
# of 1000 elements measured about 2.5x faster than all 1000 at once).
BATCH_ENTRIES = 1 << 17


def _check_size(rows: int, columns: int, what: str) -> None:
    if rows * columns > MAX_ENTRIES:
        raise LimitError(f"the {what} would have {rows:,} x {columns:,} entries; the limit is "
                         f"{MAX_ENTRIES:,}", hint="use fewer elements, or the gradient of the "
                         "sum (the default)")


def element_names(data: dict, names: list[str]) -> list[str]:
    """x for a scalar, x[0], x[1], ... for a vector, in the order of ``names``."""
    out = []
    for name in names:
        size = np.size(data[name])
        out += [name] if np.ndim(data[name]) == 0 else [f"{name}[{i}]" for i in range(size)]
    return out


def _flat(values, data: dict, names: list[str]) -> np.ndarray:
    """One row: each variable's derivative, broadcast to its shape and flattened."""
    parts = [np.zeros(np.size(data[name])) if value is None
             else np.ravel(np.broadcast_to(value, np.shape(data[name])))
             for name, value in zip(names, values)]
    return np.concatenate(parts) if parts else np.zeros(0)


def _one_hot(like, i: int):
    seed = np.zeros(np.shape(like))
    seed.flat[i] = 1.0
    return seed[()] if seed.ndim == 0 else seed


def element_jacobian(program, data: dict, names: list[str]) -> tuple[object, dict]:
    """(the result, {"outputs": f[0], f[1], ..., "variables": x[0], ..., "matrix": rows})."""
    with gc_paused():
        graph = build(program, data)
        out = graph.output
        _check_size(np.size(out.data), len(element_names(data, names)), "Jacobian")
        rows = []
        for i in range(np.size(out.data)):
            out.grad = Variable(_one_hot(out.data, i))
            gradient = gradients(graph, names)
            rows.append(_flat([gradient[n] for n in names], data, names))
        out.grad = None
    outputs = ["f"] if np.ndim(out.data) == 0 else [f"f[{i}]" for i in range(np.size(out.data))]
    return out.data, {"outputs": outputs, "variables": element_names(data, names),
                      "matrix": np.array(rows, dtype=np.float64).tolist()}


def _gradient_graph(program, data: dict, names: list[str]):
    """(graph, its inputs, {id(input): its gradient, recorded as a graph}): double backprop's
    first pass, for a scalar result whose Hessian is not too large."""
    graph = build(program, data)
    if np.ndim(graph.output.data):
        raise InvalidValueError(
            "the Hessian over a vector's elements needs a scalar result (a reduction such "
            "as sum, dot, norm or logsumexp)", hint="reduce the result, or ask for order 1",
            cli_hint="reduce the result, or use --order 1 (with --jacobian for its "
                     "elements)")
    size = len(element_names(data, names))
    _check_size(size, size, "Hessian")
    every = list(graph.inputs.values())
    first = backward_pass(graph.output, every)
    clear_gradients(every)
    return graph, every, first


def element_hessian(program, data: dict, names: list[str]) -> dict:
    """{"variables": x[0], x[1], ..., "matrix": rows}: the Hessian of a scalar result over
    every element of its variables (double backprop). The second pass is batched; should a
    function in the graph have no batched backward, one pass per row gives the same rows."""
    try:
        return batched_hessian(program, data, names)
    except BatchRefused:
        return element_hessian_rows(program, data, names)


def _block_rows(data: dict, names: list[str]) -> int:
    """Rows per batched pass: each of its arrays holds at most BATCH_ENTRIES numbers."""
    widest = max([np.size(data[name]) for name in names] + [1])
    return max(1, BATCH_ENTRIES // widest)


def batched_hessian(program, data: dict, names: list[str]) -> dict:
    """The Hessian with its second pass batched: one pass per variable (and per block of
    rows, for a large vector), seeded with rows of the identity (core/batched.py). Raises
    BatchRefused if a function in the gradient's graph has no batched backward."""
    with gc_paused():
        graph, every, first = _gradient_graph(program, data, names)
        size, block, rows = len(element_names(data, names)), _block_rows(data, names), []
        for name in names:
            gradient, count = first[id(graph.inputs[name])], np.size(data[name])
            for start in range(0, count, block):
                stop = min(count, start + block)
                if gradient is None:  # no dependence: rows of zeros
                    rows.append(np.zeros((stop - start, size)))
                    continue
                # Rows start..stop-1 of the identity, each shaped like the variable.
                seed = np.zeros((stop - start, count))
                seed[np.arange(stop - start), np.arange(start, stop)] = 1.0
                seed = seed.reshape((stop - start,) + np.shape(gradient.data))
                found = batched_backward([(gradient, seed)], stop - start, every)
                rows.append(_flat_block([found[id(graph.inputs[b])] for b in names],
                                        stop - start, data, names))
    return {"variables": element_names(data, names),
            "matrix": np.concatenate(rows).tolist() if rows else []}


def _flat_block(values, count: int, data: dict, names: list[str]) -> np.ndarray:
    """Rows of a batched pass: each variable's (count, *shape) gradient, flattened."""
    return np.concatenate([np.zeros((count, np.size(data[name]))) if value is None
                           else np.reshape(value, (count, -1))
                           for name, value in zip(names, values)], axis=1)


def element_hessian_rows(program, data: dict, names: list[str]) -> dict:
    """The same Hessian by one seeded backward pass per row: the oracle of the batched
    pass in the tests, and its fallback."""
    with gc_paused():
        graph, every, first = _gradient_graph(program, data, names)
        rows = []
        for name in names:
            gradient = first[id(graph.inputs[name])]
            for i in range(np.size(data[name])):
                if gradient is None:  # no dependence: a row of zeros
                    rows.append(_flat([None] * len(names), data, names))
                    continue
                # The row's pass is not differentiated again: plain numpy, no graph recorded.
                gradient.grad = Variable(_one_hot(gradient.data, i))
                clear_gradients(every)
                with np.errstate(all="ignore"):
                    gradient.backward()
                gradient.grad = None
                rows.append(_flat([None if graph.inputs[b].grad is None
                                   else graph.inputs[b].grad.data for b in names], data, names))
        clear_gradients(every)
    return {"variables": element_names(data, names),
            "matrix": np.array(rows, dtype=np.float64).tolist()}
