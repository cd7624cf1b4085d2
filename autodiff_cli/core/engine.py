"""The reverse-mode engine: Variable, Function and the generation-ordered backward pass.

The vocabulary is DeZero's (Deep Learning from Scratch 3), with its three lessons:

1. A variable used twice accumulates its gradient (``g = g + gx``, out of place).
2. Every evaluation builds a fresh graph, so no gradient survives from a previous one.
3. The backward pass visits functions in order of *generation*, latest first, so a
   function runs only after every function that feeds it a gradient has run.

DeZero re-sorts a list on every insert; we pop a heap keyed by (generation,
creation order), which is O(log n) per step and deterministic. Nothing here
recurses: graphs 10^5 deep are walked with loops.

The engine knows nothing of parsing or rendering, and nothing of the individual
functions: a Function is given a *spec* (see ``registry``) with ``forward`` and
``backward``. Arithmetic operators on Variable are installed by the registry.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import itertools
import threading
import weakref

from .elementary import Real, np  # numpy imported when used: scalars are Python floats

_creation = itertools.count()


class _Config(threading.local):
    """DeZero's switches, but one set per thread: evaluations running on a thread pool
    (chunks of a vector, rows of --points) never see each other's ``no_grad``."""

    enable_backprop = True


Config = _Config()  # each thread reads and sets its own attributes, starting from the defaults


@contextlib.contextmanager
def using_config(name: str, value):
    old = getattr(Config, name)
    setattr(Config, name, value)
    try:
        yield
    finally:
        setattr(Config, name, old)


_gc_lock = threading.Lock()
_gc_pauses = 0  # evaluations (in any thread) inside gc_paused now
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building or walking a large graph.

    Graphs have no reference cycles (outputs are held weakly), so reference
    counting frees them; the collector would only re-scan millions of live nodes.
    The pause is counted, so that threads evaluating at once leave the collector as
    they found it only when the last of them is done.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def no_grad():
    """Evaluate without recording a graph (no backward pass possible afterwards)."""
    return using_config("enable_backprop", False)


def as_data(value):
    """float64 data: a Python float for a scalar (a Real stays one), an array for a vector."""
    if type(value) is float or type(value) is Real:
        return value
    if isinstance(value, (float, int)):  # numpy's float64 too
        return float(value)
    if isinstance(value, np.ndarray):
        if value.dtype != np.float64:
            value = value.astype(np.float64)
        return float(value[()]) if value.ndim == 0 else value
    value = np.asarray(value, dtype=np.float64)  # numpy's other scalars (bool_, int64), lists
    return float(value[()]) if value.ndim == 0 else value


class Variable:
    """A value in the graph. ``kind`` is 'input', 'const' or 'intermediate'."""

    __slots__ = ("data", "name", "grad", "creator", "generation", "order", "kind",
                 "requires_grad", "uses", "__weakref__")
    __array_priority__ = 200  # so that ndarray * Variable calls Variable.__rmul__

    def __init__(self, data, name: str | None = None, kind: str = "const"):
        self.data = as_data(data)
        self.name = name
        self.grad: Variable | None = None
        self.creator: Function | None = None
        self.generation = 0
        self.order = next(_creation)
        self.kind = kind
        self.requires_grad = kind == "input"
        self.uses = 0  # recorded functions that take it: the backward pass counts them down

    @property
    def shape(self):
        return () if type(self.data) is float else self.data.shape

    @property
    def ndim(self):
        return 0 if type(self.data) is float else self.data.ndim

    @property
    def size(self):
        return 1 if type(self.data) is float else self.data.size

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        label = f" {self.name}" if self.name else ""
        return f"Variable({self.data!r}{label})"

    def set_creator(self, func: Function) -> None:
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self) -> None:
        self.grad = None

    def backward(self, retain_grad: bool = False, create_graph: bool = False, on_step=None,
                 free_graph: bool = False):
        """Propagate gradients from this variable to every input it depends on.

        The seed gradient is ``self.grad`` if set, else ones (for a vector output:
        the gradient of the sum). Gradients are accumulated in a table local to this
        pass, so nothing left over from an earlier pass leaks in; the inputs (leaves)
        receive theirs at the end, added to any they already hold, as in DeZero.

        ``create_graph`` records the backward computation itself as a graph of
        Variables, so the gradients can be differentiated again (higher orders).
        Without it the same formulas run on plain data (floats, arrays), which is several
        times faster: registry functions applied to plain data just compute.
        ``on_step(function, grad_in, grads_out, queue, waiting)`` observes each step
        with plain data (for --trace): the first QUEUE_SHOWN functions of the queue,
        in the order they will be popped, and how many are waiting in all. ``free_graph`` lets each function drop its inputs
        once it has run, so intermediate values are freed as the pass goes (the
        graph cannot be walked again afterwards).
        """
        graph = create_graph
        if self.grad is not None:
            seed = self.grad if graph else self.grad.data
        elif graph or on_step is not None or not getattr(self.data, "ndim", 0):
            seed = 1.0 if isinstance(self.data, float) else np.ones_like(self.data)
            seed = Variable(seed) if graph else seed
        else:  # a vector: ones that hold no memory (copied if one reaches an input as is)
            seed = np.broadcast_to(np.float64(1.0), self.data.shape)
        # Gradients received so far, local to this pass: for an intermediate, keyed by the
        # function that made it (which also keeps it alive until that function has run);
        # for an input (a leaf), by the variable.
        pending: dict[Function, list] = {}
        leaves: dict[int, list] = {}
        heap: list = []

        def receive(x: Variable, gx) -> None:
            creator = x.creator
            table, key = (pending, creator) if creator is not None else (leaves, id(x))
            entry = table.get(key)
            if entry is not None:
                entry[1] = entry[1] + gx  # out of place: never += on a shared array
            else:
                table[key] = [x, gx]
                if creator is not None:
                    # heapq is a min-heap: negate so the latest generation pops first,
                    # and among equals the function created last.
                    heapq.heappush(heap, (-creator.generation, -creator.order, creator))

        vector = getattr(self.data, "ndim", 0) > 0  # (numpy is loaded then)
        if self.requires_grad:
            receive(self, seed)
        with using_config("enable_backprop", graph):
            while heap:
                f = heapq.heappop(heap)[2]
                y, gy = pending.pop(f)
                if retain_grad:
                    y.grad = gy if graph else Variable(gy)
                xs = f.inputs if graph else tuple([x.data for x in f.inputs])
                yd = y if graph else y.data
                needs = tuple([x.requires_grad for x in f.inputs]) if f.spec.selective else None
                try:
                    gxs = (f.spec.backward(xs, yd, gy, needs) if needs is not None else
                           f.spec.backward(xs, yd, gy))
                except ArithmeticError:  # a float divided by 0 or overflowing: again, with IEEE
                    if graph:  # operators (Variables compute with the registry's forwards)
                        raise
                    gxs = _ieee_backward(f.spec, xs, yd, gy, needs)
                for x, gx in zip(f.inputs, gxs):
                    if gx is None or not x.requires_grad:
                        continue
                    if getattr(gx, "shape", ()) != x.shape:  # undo numpy broadcasting
                        gx = sum_to(gx, x.shape)
                    receive(x, gx)
                if on_step is not None:
                    on_step(f, raw(gy), [None if g is None else raw(g) for g in gxs],
                            _head(heap, QUEUE_SHOWN), len(heap))
                if free_graph:
                    if vector:
                        _release(f, self)
                    else:  # scalars: nothing worth freeing early, and a graph step is 3 us
                        del f.inputs
            for x, g in leaves.values():
                if vector and not graph and getattr(g, "ndim", 0) and not g.flags.writeable:
                    g = g.copy()  # the seed's broadcast ones, or a view of them
                g = g if graph else Variable(g)
                x.grad = g if x.grad is None else x.grad + g


def _release(f: Function, output: Variable) -> None:
    """``f`` has run its backward step: drop its inputs, and the data of those that only
    wait for their own creator's step, if that step does not read its output (by the
    registry's ``reads``): a value no step will read again is freed now, not when its
    creator's turn comes. An input that another recorded function still takes is kept:
    each Variable counts the functions that take it (``uses``), and each step that has
    run counts down, so a function that never runs (off the output's path) keeps it."""
    inputs = f.inputs
    del f.inputs
    for x in inputs:
        x.uses -= 1
        creator = x.creator
        if (creator is not None and x is not output and x.uses == 0
                and getattr(x.data, "ndim", 0)):
            reads = getattr(creator.spec, "reads", None)
            if reads is not None and "y" not in reads:
                x.data = np.broadcast_to(np.float64(np.nan), x.data.shape)


def _ieee_backward(spec, xs: tuple, y, gy, needs) -> tuple:
    """A backward step on plain data again, its floats made Reals, whose operators give IEEE
    results (1/0 is inf) where a float's raise; the gradients come back as floats. Only the
    rare step that divides by 0 or overflows pays for it (Reals are 4x slower than floats)."""
    def real(v):
        return Real(v) if type(v) is float else v
    xs, y, gy = tuple([real(x) for x in xs]), real(y), real(gy)
    gxs = spec.backward(xs, y, gy, needs) if needs is not None else spec.backward(xs, y, gy)
    return tuple([float(g) if type(g) is Real else g for g in gxs])


QUEUE_SHOWN = 10  # functions of the queue an observer sees per step (a wide graph has thousands)


def _head(heap: list, k: int) -> list:
    """The first k functions the heap will pop, in that order, in O(k log k): walk the heap
    from its root, always taking the smallest entry seen (a full sort per step would make
    tracing a wide graph quadratic)."""
    found: list = []
    frontier = [(heap[0], 0)] if heap else []
    while frontier and len(found) < k:
        entry, i = heapq.heappop(frontier)
        found.append(entry[2])
        for child in (2 * i + 1, 2 * i + 2):
            if child < len(heap):
                heapq.heappush(frontier, (heap[child], child))
    return found


class Function:
    """One application of a registry function to input Variables.

    Holds its inputs strongly and its output weakly (as DeZero does), so a graph
    is freed by reference counting without waiting for the cycle collector.
    """

    __slots__ = ("spec", "inputs", "output", "generation", "order", "position", "__weakref__")

    def __init__(self, spec, position=None):
        self.spec = spec
        self.position = position
        self.generation = 0
        self.order = next(_creation)

    def __call__(self, *inputs: Variable) -> Variable:
        # Plain loops, not generators: this runs once per node of every graph.
        y = Variable(self.spec.forward(*[x.data for x in inputs]), kind="intermediate")
        if Config.enable_backprop:
            for x in inputs:
                if x.requires_grad:  # record the step only if a gradient can flow through it
                    self.generation = max([v.generation for v in inputs])
                    self.inputs = inputs
                    for v in inputs:
                        v.uses += 1
                    self.output = weakref.ref(y)
                    y.set_creator(self)
                    y.requires_grad = True
                    break
        return y

    def __repr__(self):
        return f"Function({self.spec.name}, generation={self.generation})"


def as_variable(value) -> Variable:
    return value if isinstance(value, Variable) else Variable(value)


def raw(value):
    """The numpy data of a Variable, or the value itself if it is plain data."""
    return value.data if isinstance(value, Variable) else value


def apply(spec, *args, position=None):
    """Apply ``spec``: to Variables, recording a Function (numbers become constants);
    to plain data only, just compute (the fast first-order backward pass)."""
    for a in args:
        if isinstance(a, Variable):
            return Function(spec, position)(*[as_variable(a) for a in args])
    return as_data(spec.forward(*args))


# --- shape operations, needed by the engine itself to undo broadcasting -----------

class InternalSpec:
    """A spec for functions used inside backward formulas and the engine (broadcasting,
    safe products), not part of the user's language."""

    def __init__(self, name, forward, backward, selective=False, batched=None):
        self.name, self.forward, self.backward = name, forward, backward
        self.selective = selective  # as in registry.Spec
        # How core/batched.py runs the backward on a batch of seeds: "elementwise" (as
        # written), a formula of its own (xs, y, gy) -> gxs, or None (refused).
        self.batched = batched


def _sum_to_data(x, shape):
    """Sum ``x`` down to ``shape``: the reverse of numpy broadcasting."""
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1)
    y = x.sum(axis=axes, keepdims=True)
    return y.reshape(shape) if lead else y


def sum_to(x: Variable, shape) -> Variable:
    spec = InternalSpec("sum_to", lambda d: _sum_to_data(np.asarray(d), shape),
                    lambda xs, y, gy: (broadcast_to(gy, np.shape(xs[0])),),
                    batched=lambda xs, y, gy: (
                        np.broadcast_to(gy, gy.shape[:1] + np.shape(xs[0])),))
    return apply(spec, x)


def broadcast_to(x: Variable, shape) -> Variable:
    if np.shape(x) == shape:
        return x
    spec = InternalSpec("broadcast_to", lambda d: np.broadcast_to(d, shape).copy(),
                    lambda xs, y, gy: (sum_to(gy, np.shape(xs[0])),),
                    batched=lambda xs, y, gy: (gy,))  # the batched pass sums it to x's shape
    return apply(spec, x)
