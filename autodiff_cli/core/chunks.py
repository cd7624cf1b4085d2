"""Elementwise programs over many points, evaluated in chunks on a pool of threads.

A program without reductions, whose vectors all have one length n, computes element i
of its value and of its gradients from element i of its inputs alone. So the points can
be cut into chunks small enough to stay in the CPU's cache, each chunk evaluated forward
and backward by a plan compiled once (core/plan.py: the engine's steps, in the engine's
order, without building a graph per chunk), the chunks shared among threads (numpy
releases the GIL in its loops). Each element goes through the same numpy operations as
in one evaluation of all the points, so the result is bitwise the same (but for which
nan comes out where two nans meet, nan + nan: numpy's vector loop and its scalar tail may
keep different ones, so that depends on where an element falls in its array); only the
temporaries are a chunk long, so the memory is the inputs and the results.

A program that reduces over the points (sum, dot, norm, ...), has vectors of two lengths,
or is differentiated by a scalar (its gradient sums over the points) is evaluated whole.
"""

from __future__ import annotations

import os
import threading

import numpy as np

from .elementary import quiet
from .engine import gc_paused, no_grad, using_config
from .graph import build
from .plan import Plan
from .program import Program

# Points per chunk: 2^16 float64 are 512 KB an array, so a chunk's live values stay in the
# caches (L2 1 MB, L3 32 MB here). Measured on the benchmark's formula (benchmarks/run.py
# --chunks, 1 thread): 32K-128K are within 3% of each other; 16K and below lose to the
# plan's Python work per chunk (about 50 us, core/plan.py), 256K and more to the memory bus.
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


def chunk_size(n: int, threads: int) -> int:
    """Points per chunk: at most CHUNK, at least SMALLEST (or what each thread gets), and
    as even as that allows: as many chunks for each thread, all of one length but the last
    (a multiple of 8, so each starts on a 64-byte line), so no thread waits for the last."""
    size = min(CHUNK, max(SMALLEST, _ceil_div(n, threads)))
    if n <= size:
        return size  # one chunk: not cut
    count = _ceil_div(_ceil_div(n, size), threads) * threads  # as many for each thread
    return _ceil_div(_ceil_div(n, count), 8) * 8


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


_pools: dict = {}
_pools_lock = threading.Lock()


def pool(threads: int):
    """One pool per thread count, kept for the process (--points evaluates block after block)."""
    from concurrent.futures import ThreadPoolExecutor  # lazy: only vectors need threads

    with _pools_lock:
        if threads not in _pools:
            _pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="autodiff")
        return _pools[threads]


class Checked(dict):
    """Gradients the chunks have already made nan where the value is nan (as evaluation's
    ``_undefined_where_nan`` does), and checked for non-finite elements: ``finite`` names
    those found finite. Done chunk by chunk while each is in the cache, on the threads."""

    finite: set


def evaluate_chunked(program: Program, data: dict, names: list[str], threads: int | None,
                     chunk: int | None = None):
    """(value, gradient, warnings) computed chunk by chunk on ``threads`` threads (None: the
    cores available), or None if the program is not elementwise (evaluate it whole)."""
    threads = available_cores() if threads is None else threads
    if chunk is None:
        chunk = chunk_size(max((len(v) for v in data.values() if np.ndim(v) == 1), default=0),
                           threads)
    n = chunk_length(program, data, names, chunk)
    if not n:
        return None
    vectors = [k for k, v in data.items() if np.ndim(v)]
    plan = Plan(program, names, set(vectors))  # the graph's work, done once for all chunks
    # The results in one block: one allocation, so that its memory is reused from one
    # evaluation to the next rather than each array faulted in afresh (about 2 us a page).
    block = np.empty((1 + len(names), n))
    value = block[0]
    rows = [(name, block[1 + i]) for i, name in enumerate(names)]
    starts = iter(range(0, n, chunk))
    lock = threading.Lock()
    failed, nonfinite, unfinished = [], [], set()
    shared: dict = {}  # read-only arrays the chunks share (core/plan.py)

    def run(start: int) -> bool:
        stop = min(start + chunk, n)
        part = dict(data)
        for k in vectors:
            part[k] = data[k][start:stop]
        try:
            into = {name: row[start:stop] for name, row in rows}
            into[""] = value[start:stop]
            result, grads = plan.run(part, shared, into)
        except Exception:  # noqa: BLE001 -- the whole evaluation raises it, or not, itself
            return False
        shape = (stop - start,)
        if np.shape(result) != shape:
            return False  # a result that does not depend on the vectors: evaluate it whole
        for name, row in rows:
            g = grads[name]
            if np.shape(g) != shape:
                return False
            if g is not into[name]:  # (a gradient summed there is in place already)
                into[name][...] = g
        if result is not into[""]:  # (a ufunc's value is in place already)
            value[start:stop] = result
        if np.isfinite(block[:, start:stop]).all():  # the common case: one pass over all
            return True
        if not np.isfinite(result).all():
            nonfinite.append(start)
        bad = np.isnan(result)
        undefined = bad.any()
        for name, row in rows:
            g = row[start:stop]
            if undefined:  # the derivative of an undefined value is undefined
                g[...] = np.where(bad, np.nan, g)
            if not np.isfinite(g).all():
                unfinished.add(name)
        return True

    def work() -> None:
        """Take chunks until none is left (or one fails): a thread held up by another
        process's work takes fewer, rather than the others waiting for it."""
        with quiet(), using_config("enable_backprop", False):  # the engine's switches
            while not failed:
                with lock:
                    start = next(starts, None)
                if start is None:
                    return
                if not run(start):
                    failed.append(start)

    with gc_paused():
        helpers = [pool(threads).submit(work) for _ in range(threads - 1)]
        work()  # this thread takes its share too
        for helper in helpers:
            helper.result()
    if failed:
        return None
    warnings = list(program.warnings)
    if nonfinite:  # which functions made it so, named as one whole evaluation names them
        with no_grad():
            warnings = build(program, data, grad=False).warnings
    gradient = Checked((name, row) for name, row in rows)
    gradient.finite = set(names) - unfinished
    return value, gradient, warnings
