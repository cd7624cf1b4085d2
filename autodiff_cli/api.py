"""The Python API: evaluate an expression and differentiate it.

    >>> from autodiff_cli import evaluate
    >>> r = evaluate("x^2", x=3.0)
    >>> float(r.value), float(r.gradient["x"])
    (9.0, 6.0)

Errors are the classes of ``autodiff_cli.errors`` (all subclasses of ``AutodiffError``);
their messages speak of variables and values.
"""

from __future__ import annotations

from .core.evaluation import Result, evaluate_program
from .core.program import Program, with_outputs
from .language.parser import parse

__all__ = ["evaluate", "derivative", "parse", "Program", "Result"]


def evaluate(expression: str | Program, values: dict | None = None, *, wrt=None,
             strict: bool = False, trace: bool = False, order: int = 1, bounds: bool = True,
             series: int | None = None, outputs: list[str] | None = None, mode: str = "auto",
             jacobian: bool = False, threads: int | None = None, **named_values) -> Result:
    """Evaluate ``expression`` (text or a parsed Program) and its gradient.

    Values may be given as a dict, as keyword arguments, or both; floats or numpy
    arrays (arrays evaluate element-wise, vectorised). ``wrt`` picks the variables
    to differentiate by (default: all, in order of first appearance). ``strict``
    raises ``EvaluationError`` on a non-finite result instead of warning. ``trace``
    records the backward pass step by step in ``Result.trace``. ``order`` > 1 adds
    ``derivatives`` (one variable, or the pure derivatives of each, by Taylor mode) with
    ``bounds`` on their rounding errors (``bounds=False`` skips them, about 3x faster), or
    ``hessian`` (several variables, order 2). ``series=N`` adds the Taylor polynomial of
    degree N in the one variable (``Result.series``).

    A program whose last statement lists several results (``f, g``), or ``outputs``
    naming its bindings, gives ``value`` as {result: value} and ``jacobian``
    ({"outputs", "variables", "matrix"}), by reverse mode (a backward pass per result) or
    forward mode (a degree-1 Taylor pass per variable), whichever needs fewer passes;
    ``mode="forward"`` or ``"reverse"`` forces one. ``jacobian=True`` on a vector result
    gives its Jacobian element by element (rows f[0], f[1], ...) instead of the gradient of
    its sum.

    Vectors of one length through a program without reductions are evaluated in chunks
    on ``threads`` threads (default: the cores available to the process); the result is
    bitwise the same as one evaluation of all the points.
    """
    program = expression if isinstance(expression, Program) else parse(expression)
    if outputs:
        program = with_outputs(program, list(outputs))
    return evaluate_program(program, {**(values or {}), **named_values}, wrt=wrt,
                            strict=strict, trace=trace, order=order, bounds=bounds,
                            series=series, mode=mode, jacobian=jacobian,
                            threads=threads)


def derivative(expression: str | Program, wrt=None, order: int = 1):
    """The derivatives of ``expression`` as a ``Formula`` (``autodiff diff``); print it with
    ``autodiff_cli.views.formula`` (``plain``, ``text``, ``as_json``, ``latex``)."""
    from .core.derive import derivative as derive  # lazy: an evaluation does not need it

    program = expression if isinstance(expression, Program) else parse(expression)
    return derive(program, wrt=wrt, order=order)
