"""The compiled plan of a chunked evaluation (core/plan.py): its backward order is the engine's
heap order, and random elementwise programs over every registry entry give bitwise what one
whole evaluation gives (values, gradients, warnings), non-finite and out-of-domain points too."""

import numpy as np
import pytest
from test_chunks import small_chunks, whole  # noqa: F401 (a fixture, and one graph)

from autodiff_cli import evaluate
from autodiff_cli.api import parse
from autodiff_cli.core import chunks, registry
from autodiff_cli.core.graph import build, gradients
from autodiff_cli.core.plan import Plan, ufunc_of

ELEMENTWISE = sorted((s for s in registry.FUNCTIONS.values() if not s.reduces),
                     key=lambda s: (s.name, s.arity))
LEAVES = ["x", "y", "z", "x", "y", "x", "y", "z", "2", "0.5", "0", "pi", "-1"]
EDGES = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 1e300, -1e300, 5e-324, 1e-310, 710.0]
N = 61  # with chunks of 8: seven whole chunks and a short one


def expression(rng, depth: int) -> str:
    """A random program: every elementwise registry entry, operators as written."""
    if depth == 0 or rng.random() < 0.2:
        return LEAVES[rng.integers(len(LEAVES))]
    spec = ELEMENTWISE[rng.integers(len(ELEMENTWISE))]
    args = [expression(rng, depth - 1) for _ in range(spec.arity)]
    if spec.symbols:
        return f"(-{args[0]})" if spec.arity == 1 else f"({args[0]} {spec.symbols[0]} {args[1]})"
    return f"{spec.name}({', '.join(args)})"


def points(rng, n=N, edges=True):
    """Values over several ranges, with infinities, nans, zeros of both signs, subnormals."""
    v = rng.uniform(-3.0, 3.0, n) * 10.0 ** rng.integers(-2, 3, n)
    if edges:
        at = rng.choice(n, len(EDGES), replace=False)
        v[at] = EDGES
    return v




def same_bits(a, b) -> bool:
    """Bit for bit, except which nan: where two nans meet (nan + nan), x86 keeps one of them,
    and numpy's vector loop and its scalar tail may keep different ones, so the sign of such
    a nan depends on where an element falls in its array (one whole array or a chunk)."""
    a = np.atleast_1d(np.asarray(a, dtype=np.float64))
    b = np.atleast_1d(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape:
        return False
    nans = np.isnan(a) & np.isnan(b)
    return a[~nans].tobytes() == b[~nans].tobytes() and np.array_equal(np.isnan(a), np.isnan(b))


def assert_bitwise(a, b):
    assert same_bits(a.value, b.value)
    assert a.gradient.keys() == b.gradient.keys()
    for name in a.gradient:
        assert same_bits(a.gradient[name], b.gradient[name]), name
    assert a.warnings == b.warnings


def test_every_elementwise_entry_is_drawn():
    rng = np.random.default_rng(0)
    text = " ".join(expression(rng, 4) for _ in range(200))
    for spec in ELEMENTWISE:
        assert (spec.symbols[0] if spec.symbols else f"{spec.name}(") in text, spec.name


def count_chunks(monkeypatch) -> list:
    calls = []
    real = chunks.Plan.run

    def counting(plan, part, shared, into=None):
        calls.append(plan)
        return real(plan, part, shared, into)

    monkeypatch.setattr(chunks.Plan, "run", counting)
    return calls


@pytest.mark.parametrize("seed", range(60))
def test_random_programs_in_chunks_are_bitwise_the_whole_evaluation(small_chunks, monkeypatch,
                                                                    seed):
    rng = np.random.default_rng(seed)
    text = (f"a = {expression(rng, 4)}; b = {expression(rng, 3)}; unused = {expression(rng, 2)}; "
            f"a*b + {expression(rng, 3)} - x")
    values = {"x": points(rng), "y": points(rng, edges=seed % 2 == 0),
              "z": points(rng) if seed % 3 else 1.5}  # a scalar z: a constant to the chunks
    program = parse(text)
    values = {k: v for k, v in values.items() if k in program.inputs}
    vectors = [k for k in program.inputs if np.ndim(values[k])]
    subsets = [[k] for k in vectors] + [vectors] + ([None] if vectors == list(values) else [])
    wrt = subsets[rng.integers(len(subsets))]
    threads = 1 + seed % 2
    try:
        reference = whole(text, values=values, wrt=wrt)
    except Exception as error:  # noqa: BLE001 -- then the chunks must raise the same
        with pytest.raises(type(error)):
            evaluate(text, values=values, wrt=wrt, threads=threads)
        return
    calls = count_chunks(monkeypatch)
    assert_bitwise(evaluate(text, values=values, wrt=wrt, threads=threads), reference)
    assert len(calls) == -(-N // 8)  # it was cut (x is a vector: so is the result)


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: f"{s.name}/{s.arity}")
def test_each_entry_at_its_domain_edges_is_bitwise_in_chunks(small_chunks, spec):
    """Each entry on its own and composed, every argument a vector, at nan/inf/0/-0 and
    at and beyond the edges of its domain (log(0), acosh(1), atanh(1), sqrt(-1) ...)."""
    rng = np.random.default_rng(7)
    names = ["x", "y"][: spec.arity]
    values = {}
    for name, (low, high) in zip(names, spec.domain):
        v = rng.uniform(low, high, N)
        v[: len(EDGES)] = EDGES
        v[len(EDGES): len(EDGES) + 6] = [low, high, -1.0, 1.0, 2 * low - high, 2 * high - low]
        values[name] = rng.permutation(v)
    if spec.symbols:
        call = "(-x)" if spec.arity == 1 else f"(x {spec.symbols[0]} y)"
    else:
        call = f"{spec.name}({', '.join(names)})"
    for text in (call, f"{call} * sin(x) + x*{call}", f"exp({call}) / (1 + {call}^2)"):
        for wrt in [None] + [[n] for n in names]:
            assert_bitwise(evaluate(text, values=values, wrt=wrt, threads=2),
                           whole(text, values=values, wrt=wrt))


def engine_order(program, values, names) -> list[int]:
    """The call nodes in the order the engine's heap pops them (observed with on_step)."""
    graph = build(program, values, wrt=names)
    node_of = {id(var): k for k, var in enumerate(graph.nodes)}
    popped = []
    gradients(graph, names, on_step=lambda f, *rest: popped.append(node_of[id(f.output())]))
    return popped


@pytest.mark.parametrize("seed", range(30))
def test_backward_steps_are_the_order_the_engine_pops(seed):
    rng = np.random.default_rng(100 + seed)
    text = "; ".join(f"v{i} = {expression(rng, 3)}" for i in range(3)) + \
        f"; v0 * v1 + {expression(rng, 3)} - v2*v0"
    program = parse(text)
    values = {k: rng.uniform(0.5, 1.5, 5) for k in program.inputs}
    names = list(program.inputs)[: 1 + seed % 2] if program.inputs else []
    with np.errstate(all="ignore"):
        expected = engine_order(program, values, names)
    steps = [step[0] for step in Plan(program, names, set(values)).backward]
    assert steps == expected


def test_a_chunk_that_fails_falls_back_to_the_whole_evaluation(small_chunks, monkeypatch):
    rng = np.random.default_rng(1)
    x, y = points(rng), points(rng)
    text = "sin(x)*exp(-(x^2+y^2)/2) + log(1+x^2)*tanh(y)"
    reference = whole(text, x=x, y=y)

    def failing(plan, part, shared, into=None):
        raise FloatingPointError("a chunk that cannot be run")

    monkeypatch.setattr(chunks.Plan, "run", failing)
    assert_bitwise(evaluate(text, x=x, y=y, threads=2), reference)


def test_the_results_are_one_block_of_arrays_the_caller_may_write(small_chunks):
    rng = np.random.default_rng(2)
    x, y = points(rng, edges=False), points(rng, edges=False)
    result = evaluate("x*y + sin(x)", x=x, y=y, threads=2)
    assert result.value.flags.writeable and result.gradient["x"].flags.writeable
    result.gradient["x"][:] = 0.0  # the rows do not overlap
    assert np.array_equal(result.gradient["y"], x)
    assert np.array_equal(result.value, x * y + np.sin(x))


def test_a_summed_gradient_is_summed_into_the_callers_array_with_the_same_bits():
    rng = np.random.default_rng(3)
    x, y = points(rng, n=64), points(rng, n=64)
    program = parse("sin(x)*exp(-(x^2+y^2)/2) + log(1+x^2)*tanh(y) + x*x*y")
    plan = Plan(program, ["x", "y"], {"x", "y"})
    with np.errstate(all="ignore"):
        value, alone = plan.run({"x": x, "y": y}, {})
        into = {"x": np.empty(64), "y": np.empty(64)}
        value2, summed = plan.run({"x": x, "y": y}, {}, into)
    for name in ("x", "y"):
        assert summed[name] is into[name]  # x and y each get several gradients
        assert same_bits(summed[name], alone[name])
    assert same_bits(value, value2)


@pytest.mark.parametrize("spec", [s for s in ELEMENTWISE if ufunc_of(s.forward) is not None],
                         ids=lambda s: f"{s.name}/{s.arity}")
def test_a_forward_run_as_its_ufunc_into_the_result_gives_its_bits(spec):
    """The output's step writes into the caller's result through the ufunc the forward
    calls on arrays: the same numbers, float or array arguments alike."""
    rng = np.random.default_rng(4)
    arrays = [points(rng, n=40) for _ in range(spec.arity)]
    for args in (arrays, [2.5, *arrays[1:]], [*arrays[:-1], -0.5]):
        if not any(isinstance(a, np.ndarray) for a in args):
            continue
        with np.errstate(all="ignore"):
            expected = spec.forward(*args)
            out = np.empty(40)
            assert ufunc_of(spec.forward)(*args, out=out) is out
        assert out.tobytes() == np.asarray(expected).tobytes()
