"""Vectors evaluated in chunks on a thread pool (core/chunks.py): bitwise the result of one
whole evaluation, only for elementwise programs; and the engine's state is per thread."""

import threading

import numpy as np
import pytest

from autodiff_cli import evaluate
from autodiff_cli.api import parse
from autodiff_cli.core import chunks, engine, graph as core_graph
from autodiff_cli.errors import UsageError

FORMULA = "sin(x)*exp(-(x^2+y^2)/2) + log(1+x^2)*tanh(y)"
N = 103  # with chunks of 8: twelve whole chunks and a short one


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 8)


def points(n=N, seed=3):
    rng = np.random.default_rng(seed)
    return rng.uniform(-2.0, 2.0, n), rng.uniform(-2.0, 2.0, n)


def whole(expression, **kwargs):
    """The evaluation as it is without chunks: one graph over all the points."""
    saved = chunks.CHUNK, chunks.SMALLEST
    chunks.CHUNK = chunks.SMALLEST = 10 ** 9
    try:
        return evaluate(expression, **kwargs)
    finally:
        chunks.CHUNK, chunks.SMALLEST = saved


def count_builds(monkeypatch) -> list:
    """The chunks evaluated: one call of the compiled plan (core/plan.py) each."""
    calls = []
    real = chunks.Plan.run

    def counting(plan, part, shared, into=None):
        calls.append(len(next(v for v in part.values() if np.ndim(v))))
        return real(plan, part, shared, into)

    monkeypatch.setattr(chunks.Plan, "run", counting)
    return calls


def assert_bitwise(a, b):
    assert np.asarray(a.value).tobytes() == np.asarray(b.value).tobytes()
    assert a.gradient.keys() == b.gradient.keys()
    for name in a.gradient:
        assert np.asarray(a.gradient[name]).tobytes() == np.asarray(b.gradient[name]).tobytes()
    assert a.warnings == b.warnings


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_chunks_give_bitwise_the_whole_evaluation(small_chunks, monkeypatch, threads):
    x, y = points()
    reference = whole(FORMULA, x=x, y=y)
    calls = count_builds(monkeypatch)
    result = evaluate(FORMULA, x=x, y=y, threads=threads)
    assert len(calls) == 13  # it was cut: ceil(103 / 8) chunks
    assert_bitwise(result, reference)


ELEMENTWISE = [
    "x^3 - 2*x*y + y^2/x", "sqrt(abs(x)) + cbrt(y) - hypot(x, y)", "atan2(y, x) * sigmoid(x)",
    "max(x, y) - min(x, 2*y) + relu(x) * softplus(y)", "x^y + expm1(y) * log1p(x^2)",
    "sinh(x) / cosh(y) + asinh(x) * atan(y) - tan(x/4)", "a = x*y; b = a + x; a*b - sign(y)",
]


@pytest.mark.parametrize("expression", ELEMENTWISE)
def test_every_kind_of_function_in_chunks_is_bitwise(small_chunks, expression):
    x, y = points(seed=5)
    x = np.abs(x) + 0.1
    assert_bitwise(evaluate(expression, x=x, y=y, threads=2), whole(expression, x=x, y=y))


def test_a_scalar_that_is_not_differentiated_is_shared_by_the_chunks(small_chunks, monkeypatch):
    x, _ = points()
    calls = count_builds(monkeypatch)
    result = evaluate("a*sin(x)", x=x, a=1.5, wrt="x")
    assert len(calls) == 13
    assert_bitwise(result, whole("a*sin(x)", x=x, a=1.5, wrt="x"))


@pytest.mark.parametrize("expression, values", [
    ("sum(sin(x)) * y", {}),  # a reduction over the points
    ("dot(x, y) + x", {}),
    ("norm(x) + mean(y) + logsumexp(x) + max(y) + prod(x/2)", {}),
    ("a*sin(x)", {"a": 1.5}),  # d/da sums over the points
    ("x + z", {"z": np.arange(7.0)}),  # vectors of two lengths: an error, as without chunks
])
def test_programs_that_are_not_elementwise_are_evaluated_whole(small_chunks, monkeypatch,
                                                               expression, values):
    x, y = points()
    values = {"x": x, "y": y, **values}
    values = {k: v for k, v in values.items() if k in expression}
    calls = count_builds(monkeypatch)
    try:
        result = evaluate(expression, values)
    except Exception as error:  # the same error as one whole evaluation gives
        with pytest.raises(type(error), match="cannot combine"):
            whole(expression, values=values)
        assert calls == []
        return
    assert calls == []  # never cut: built once, whole, by core/evaluation.py
    assert_bitwise(result, whole(expression, values=values))


def test_a_result_that_does_not_depend_on_the_vectors_is_evaluated_whole(small_chunks):
    x, _ = points()
    result = evaluate("b = sin(x); 2*a", x=x, a=3.0, wrt="a")
    assert float(result.value) == 6.0 and float(result.gradient["a"]) == 2.0


def test_non_finite_warnings_name_the_same_first_bad_element(small_chunks):
    x, y = points()
    x[50], x[90], y[7] = -1.0, 0.0, np.inf  # bad elements in later chunks
    expression = "log(x) + sqrt(x) * y + 1/x"
    result = evaluate(expression, x=x, y=y, threads=2)
    reference = whole(expression, x=x, y=y)
    assert_bitwise(result, reference)
    assert any("first:" in w for w in result.warnings)


def test_trace_order_2_and_jacobian_are_unchanged_by_chunks(small_chunks):
    x, y = points(n=20)
    for options in ({"trace": True}, {"order": 2}, {"jacobian": True}):
        result = evaluate("x*sin(y) + x^2", x=x, y=y, **options)
        reference = whole("x*sin(y) + x^2", x=x, y=y, **options)
        assert np.array_equal(result.value["f"] if options.get("jacobian") else result.value,
                              reference.value["f"] if options.get("jacobian") else reference.value)
        if options.get("trace"):
            assert len(result.trace.steps) == len(reference.trace.steps) > 0
        if options.get("order"):
            assert result.hessian is not None
            for a, b in zip(result.hessian["matrix"], reference.hessian["matrix"]):
                for u, v in zip(a, b):
                    assert np.array_equal(u, v)
        if options.get("jacobian"):
            assert np.array_equal(np.asarray(result.jacobian["matrix"], dtype=object).tolist(),
                                  np.asarray(reference.jacobian["matrix"], dtype=object).tolist())


def test_order_2_first_derivatives_come_from_the_chunks_bitwise(small_chunks):
    x, y = points()
    result = evaluate(FORMULA, x=x, y=y, order=2, threads=2)
    assert_bitwise(result, whole(FORMULA, x=x, y=y, order=2))


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_threads_must_be_a_whole_number_from_one(bad):
    with pytest.raises(UsageError, match="whole number from 1 up"):
        evaluate("x^2", x=2.0, threads=bad)


def test_the_default_is_the_cores_available():
    assert chunks.available_cores() >= 1


# --- the engine's configuration is per thread ---------------------------------------


def test_no_grad_in_one_thread_does_not_switch_off_another_threads_gradients():
    # Today's interference: Config was one class attribute, so a no_grad() in one thread made
    # the graphs built meanwhile in another thread record nothing (a zero gradient).
    inside, done = threading.Event(), threading.Event()

    def value_only_in_a_long_no_grad():
        with engine.no_grad():
            inside.set()
            done.wait(10)

    other = threading.Thread(target=value_only_in_a_long_no_grad)
    other.start()
    try:
        assert inside.wait(10)
        assert engine.Config.enable_backprop  # this thread's switch, untouched
        assert float(evaluate("x^2", x=3.0).gradient["x"]) == 6.0
    finally:
        done.set()
        other.join()


def test_two_evaluations_at_once_agree_with_each_alone():
    x, y = points(n=20_000)
    expected = {"f": whole(FORMULA, x=x, y=y), "g": whole("x*y", x=x, y=y)}
    got, errors = {}, []

    def run(name, expression):
        try:
            for _ in range(5):
                got[name] = evaluate(expression, x=x, y=y, threads=2)
                # a value-only evaluation (no_grad inside) interleaved with the other thread's
                core_graph.value_only(parse(expression), {"x": x[:3], "y": y[:3]})
        except Exception as error:  # noqa: BLE001 -- reported below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=("f", FORMULA)),
               threading.Thread(target=run, args=("g", "x*y"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for name in expected:
        assert_bitwise(got[name], expected[name])


# --- the command line ---------------------------------------------------------------


@pytest.mark.parametrize("bad, message", [
    ("0", "--threads must be a whole number from 1 up, got 0"),
    ("two", "invalid value for '--threads': 'two' is not a valid int"),
])
def test_threads_option_rejects_zero_and_words(cli, bad, message):
    run = cli("eval", "x^2", "--x", "1,2,3", "--threads", bad)
    assert run.code == 2 and run.out == ""
    assert message in run.err and "Traceback" not in run.err


def test_threads_option_gives_the_same_numbers(cli):
    runs = [cli("eval", "sin(x)*y", "--x", "1,2,3", "--y", "4,5,6", "--threads", n,
                "--format", "plain") for n in ("1", "2")]
    assert runs[0].code == runs[1].code == 0 and runs[0].out == runs[1].out != ""


def test_a_vector_shorter_than_a_chunk_is_shared_among_the_threads(monkeypatch):
    # a --points block (about 40,000 rows) is shorter than CHUNK: each thread still gets work
    x, y = points(n=3 * chunks.SMALLEST)
    calls = count_builds(monkeypatch)
    result = evaluate(FORMULA, x=x, y=y, threads=3)
    assert len(calls) == 3
    assert_bitwise(result, whole(FORMULA, x=x, y=y))


def test_points_rows_on_threads_give_the_same_output(cli, tmp_path):
    x, y = points(n=2 * chunks.SMALLEST + 5)  # a block long enough to be cut
    path = tmp_path / "points.csv"
    np.savetxt(path, np.c_[x, y], delimiter=",", header="x,y", comments="", fmt="%.17g")
    runs = [cli("eval", FORMULA, "--points", str(path), "--threads", n) for n in ("1", "2")]
    assert runs[0].code == runs[1].code == 0
    assert runs[0].out == runs[1].out and runs[0].out.count("\n") == len(x) + 1


def test_points_refuse_zero_threads_before_reading_a_row(cli, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x\n1\n2\n")
    run = cli("eval", "x^2", "--points", str(path), "--threads", "0")
    assert run.code == 2 and run.out == "" and "--threads must be" in run.err


@pytest.mark.parametrize("n", [chunks.SMALLEST + 1, 40_000, 10 ** 6, 10 ** 6 + 7, 3 * chunks.CHUNK])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_chunks_are_even_and_each_thread_gets_as_many(n, threads):
    chunk = chunks.chunk_size(n, threads)
    count = -(-n // chunk)
    if count == 1:  # one thread, and no more than a chunk's points: not cut
        assert threads == 1 and n <= chunks.CHUNK
        return
    assert chunk % 8 == 0 and chunk <= max(chunks.CHUNK, 8)  # starts on 64-byte lines
    assert count % threads == 0 or count < threads  # no thread waits for a last odd chunk
    assert n - (count - 1) * chunk > 0  # every chunk has points; the last is the shortest


def test_a_vector_no_longer_than_a_chunk_is_not_cut():
    assert chunks.chunk_size(chunks.SMALLEST, 2) >= chunks.SMALLEST
    assert chunks.chunk_size(100, 2) >= 100
