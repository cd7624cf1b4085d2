"""Elementwise programs over many points, evaluated in chunks on a pool of threads.

A program without reductions, whose vectors all have one length n, computes element i
of its value and of its gradients from element i of its inputs alone. So the points can
be cut into chunks small enough to stay in the CPU's cache, each chunk evaluated forward
and backward as a program of its own, the chunks shared among threads (numpy releases
the GIL in its loops). Each element goes through the same numpy operations as in one
evaluation of all the points, so the result is bitwise the same; only the temporaries
are a chunk long, so the memory is the inputs and the results.

A program that reduces over the points (sum, dot, norm, ...), has vectors of two lengths,
or is differentiated by a scalar (its gradient sums over the points) is evaluated whole.
"""

from __future__ import annotations

import os
import threading

import numpy as np

from .engine import gc_paused, no_grad
from .graph import build, finite, gradients
from .program import Program

# Points per chunk: 2^16 float64 are 512 KB an array, so a chunk's live values stay in
# the caches. Measured on the benchmark's formula (benchmarks/run.py --chunks): 4K-8K lose
# to the engine's per-chunk Python work (about 0.15 ms), 256K and more to the memory bus.
CHUNK = 65536
SMALLEST = 8192  # a shorter vector is shared among fewer threads (a --points block: 40K rows)


def available_cores() -> int:
    """The cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunk_length(program: Program, data: dict, names: list[str], chunk: int = CHUNK) -> int:
    """n if the program can be evaluated in chunks of its n points, else 0."""
    if len(program.outputs) > 1 or program.has_reductions:
        return 0
    n = 0
    for name, d in data.items():
        if np.ndim(d) == 0:
            if name in names:  # a scalar's gradient is a sum over the points
                return 0
        elif np.ndim(d) != 1 or (n and len(d) != n):
            return 0
        else:
            n = len(d)
    return n if n > chunk else 0  # one chunk: nothing to cut


_pools: dict = {}
_pools_lock = threading.Lock()


def pool(threads: int):
    """One pool per thread count, kept for the process (--points evaluates block after block)."""
    from concurrent.futures import ThreadPoolExecutor  # lazy: only vectors need threads

    with _pools_lock:
        if threads not in _pools:
            _pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="autodiff")
        return _pools[threads]


def evaluate_chunked(program: Program, data: dict, names: list[str], threads: int | None,
                     chunk: int | None = None):
    """(value, gradient, warnings) computed chunk by chunk on ``threads`` threads (None: the
    cores available), or None if the program is not elementwise (evaluate it whole)."""
    threads = available_cores() if threads is None else threads
    if chunk is None:  # every thread gets work, down to chunks worth their overhead
        n = max((len(v) for v in data.values() if np.ndim(v) == 1), default=0)
        chunk = min(CHUNK, max(SMALLEST, -(-n // threads)))
    n = chunk_length(program, data, names, chunk)
    if not n:
        return None
    value = np.empty(n)
    gradient = {name: np.empty(n) for name in names}

    def run(start: int) -> bool:
        stop = min(start + chunk, n)
        part = {k: (v[start:stop] if np.ndim(v) else v) for k, v in data.items()}
        graph = build(program, part, wrt=names, origins=False, lean=True)
        graph.nodes = []  # keep only what backward needs, and let it free values as it goes
        grads = gradients(graph, names, free_graph=True)
        if np.shape(graph.output.data) != (stop - start,) or any(
                np.shape(g) != (stop - start,) for g in grads.values()):
            return False  # a result that does not depend on the vectors: evaluate it whole
        value[start:stop] = graph.output.data
        for name, g in grads.items():
            gradient[name][start:stop] = g
        return True

    with gc_paused():
        if threads == 1:
            done = [run(start) for start in range(0, n, chunk)]
        else:
            done = list(pool(threads).map(run, range(0, n, chunk)))
    if not all(done):
        return None
    warnings = list(program.warnings)
    if not finite(value):  # which functions made it so, named as one whole evaluation names them
        with no_grad():
            warnings = build(program, data, grad=False).warnings
    return value, gradient, warnings
