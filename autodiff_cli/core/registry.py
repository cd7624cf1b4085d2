"""The one registry of differentiable functions.

Each entry declares, in one place: the name and arity the parser accepts, the
numpy forward, the backward written with the engine's own functions (so every
backward is itself differentiable), the Taylor rule that pushes truncated series
through it (higher orders; ``taylor.generic`` makes one from a derivative), a
sampling domain for the gradient-check tests, the derivative as text for the docs,
and a sympy template that the tests use as an oracle (the tool never imports sympy).

``autodiff functions``, the table in docs/functions.md and the test-suite all read this table.
To add a function, add one ``define(...)`` call below.
"""

from __future__ import annotations

import math
import operator
from . import elementary as el, engine
from .elementary import np  # imported when first used: a scalar evaluation does not
from .engine import Variable, apply, as_data, broadcast_to, raw
from .spec import FUNCTIONS, Spec, arities, define, lookup, names, op, operator_names  # noqa: F401


def const(data):
    """A constant (no gradient flows through it): masks at kinks, for instance.

    Plain data (a Real for a number or a bool, no numpy): times a Variable, a constant node."""
    return as_data(data if isinstance(data, (float, int)) else np.asarray(data, dtype=np.float64))


R = (-3.0, 3.0)  # the default sampling range
POS = (0.2, 4.0)
UNIT = (-0.9, 0.9)

# --- arithmetic -----------------------------------------------------------------
# The operators, not np.add & co: on floats they are the interpreter's own arithmetic (tens of
# ns, np.multiply takes a microsecond); on arrays they are the same ufunc. Operands are
# Python floats or arrays (as_data): + - * never raise on floats; / and ^ are elementary's.
define("add", 2, operator.add, lambda xs, y, g: (g, g), taylor="add", symbols=("+",),
       derivative="d/dx = 1, d/dy = 1", summary="x + y", domain=(R, R), sympy="x0 + x1")
define("sub", 2, operator.sub, lambda xs, y, g: (g, -g), taylor="sub", symbols=("-",),
       derivative="d/dx = 1, d/dy = -1", summary="x - y", domain=(R, R), sympy="x0 - x1")


# mul, div and pow skip the gradient of a constant side (2*x, x/2, x^2): on arrays, each
# skipped term is a pass over the data and an allocation saved.
def _mul_backward(xs, y, g, needs):
    return (g * xs[1] if needs[0] else None, g * xs[0] if needs[1] else None)


def _div_backward(xs, y, g, needs):
    return (g / xs[1] if needs[0] else None, -g * xs[0] / xs[1] ** 2 if needs[1] else None)


define("mul", 2, operator.mul, _mul_backward, taylor="mul_", symbols=("*",), selective=True,
       derivative="d/dx = y, d/dy = x", summary="x * y", domain=(R, R), sympy="x0 * x1")
define("div", 2, el.divide, _div_backward, taylor="div", symbols=("/",),
       selective=True, derivative="d/dx = 1/y, d/dy = -x/y^2", summary="x / y", domain=(R, POS),
       sympy="x0 / x1")
define("neg", 1, operator.neg, lambda xs, y, g: (-g,), taylor="neg", symbols=("-",),
       derivative="-1", summary="-x", domain=(R,), sympy="-x0")


def _slope(x, p):
    """p*x^(p-1), the derivative of x^p, taken as 0 where p = 0 (not 0*inf at x = 0)."""
    return el.where(p == 0, 0.0, p * el.power(x, p - 1.0))


def _slope_backward(xs, y, g, needs):
    x, p = xs
    # d/dx p*x^(p-1) = p * slope(x, p-1), and 0 where p = 0. There the exponent is moved
    # to 0 (slope(x, 0) = 0) rather than masking slope(x, -1) = inf with a product, which
    # would be 0*inf: so x^4 has its derivatives of every order at 0, not nan.
    nonzero = const(raw(p) != 0)
    gx = g * nonzero * p * apply(_SLOPE, x, p - nonzero) if needs[0] else None
    gp = g * (x ** (p - 1) + apply(_SLOPE, x, p) * log(x)) if needs[1] else None
    return gx, gp


def _xlogy(a, b):
    """a*log(b), taken as 0 where a = 0 (the derivative of 0^y by y is 0, not 0*-inf)."""
    return el.where(a == 0, 0.0, a * el.log(b))


_SLOPE = engine.InternalSpec("pow_slope", _slope, _slope_backward, selective=True)
_XLOGY = engine.InternalSpec("xlogy", _xlogy, lambda xs, y, g: (g * log(xs[1]), g * xs[0] / xs[1]))
_SLOPE.batched = _XLOGY.batched = "elementwise"  # core/batched.py runs their formulas as written


def _pow_backward(xs, y, g, needs):
    x, p = xs
    gx = g * apply(_SLOPE, x, p) if needs[0] else None
    # log(x) is nan for x < 0: only ask for it when the exponent is differentiated.
    gp = g * apply(_XLOGY, y, x) if needs[1] else None
    return gx, gp


define("pow", 2, el.power, _pow_backward, taylor="power", symbols=("^", "**"),
       derivative="d/dx = y*x^(y-1), d/dy = x^y*log(x)", summary="x ^ y (also x ** y)",
       domain=(POS, R), sympy="x0 ** x1", selective=True)
define("square", 1, el.square, lambda xs, y, g: (g * 2 * xs[0],), taylor="square",
       derivative="2*x", summary="x^2", domain=(R,), sympy="x0**2")
define("sqrt", 1, el.sqrt, lambda xs, y, g: (g / (2 * y),), taylor="sqrt",
       derivative="1/(2*sqrt(x))", summary="square root", domain=(POS,), sympy="sqrt(x0)")
define("cbrt", 1, el.cbrt, lambda xs, y, g: (g / (3 * square(y)),), taylor="cbrt",
       derivative="1/(3*cbrt(x)^2)", summary="cube root (real, also for x < 0)", domain=(POS,),
       sympy="x0**(S(1)/3)")

# --- exponentials and logarithms ------------------------------------------------
define("exp", 1, el.exp, lambda xs, y, g: (g * y,), taylor="exp", derivative="exp(x)",
       summary="e^x", domain=(R,), sympy="exp(x0)")
define("expm1", 1, el.expm1, lambda xs, y, g: (g * (y + 1),), taylor="expm1",
       derivative="exp(x)", summary="e^x - 1, accurate near 0", domain=(R,), sympy="exp(x0) - 1")
define("log", 1, el.log, lambda xs, y, g: (g / xs[0],), taylor="log", derivative="1/x",
       summary="natural logarithm", domain=(POS,), sympy="log(x0)")
define("log1p", 1, el.log1p, lambda xs, y, g: (g / (xs[0] + 1),), taylor="log1p",
       derivative="1/(1+x)", summary="log(1 + x), accurate near 0", domain=((-0.8, 3.0),),
       sympy="log(1 + x0)")
define("log2", 1, el.log2, lambda xs, y, g: (g / (xs[0] * math.log(2)),), taylor="log2",
       derivative="1/(x*log(2))", summary="base-2 logarithm", domain=(POS,), sympy="log(x0, 2)")
define("log10", 1, el.log10, lambda xs, y, g: (g / (xs[0] * math.log(10)),), taylor="log10",
       derivative="1/(x*log(10))", summary="base-10 logarithm", domain=(POS,), sympy="log(x0, 10)")

# --- trigonometric --------------------------------------------------------------
define("sin", 1, el.sin, lambda xs, y, g: (g * cos(xs[0]),), taylor="sin",
       derivative="cos(x)", summary="sine", domain=(R,), sympy="sin(x0)")
define("cos", 1, el.cos, lambda xs, y, g: (-g * sin(xs[0]),), taylor="cos",
       derivative="-sin(x)", summary="cosine", domain=(R,), sympy="cos(x0)")
define("tan", 1, el.tan, lambda xs, y, g: (g * (1 + square(y)),), taylor="tan",
       derivative="1 + tan(x)^2", summary="tangent", domain=((-1.2, 1.2),), sympy="tan(x0)")
define("asin", 1, el.arcsin, lambda xs, y, g: (g / sqrt(1 - square(xs[0])),), taylor="asin",
       derivative="1/sqrt(1-x^2)", summary="inverse sine", domain=(UNIT,), sympy="asin(x0)")
define("acos", 1, el.arccos, lambda xs, y, g: (-g / sqrt(1 - square(xs[0])),), taylor="acos",
       derivative="-1/sqrt(1-x^2)", summary="inverse cosine", domain=(UNIT,), sympy="acos(x0)")
define("atan", 1, el.arctan, lambda xs, y, g: (g / (1 + square(xs[0])),), taylor="atan",
       derivative="1/(1+x^2)", summary="inverse tangent", domain=(R,), sympy="atan(x0)")


def _atan2_backward(xs, y, g):
    a, b = xs  # atan2(a, b) is the angle of the point (b, a)
    r2 = square(a) + square(b)
    return g * b / r2, -g * a / r2


define("atan2", 2, el.arctan2, _atan2_backward, taylor="atan2",
       derivative="d/dy = x/(x^2+y^2), d/dx = -y/(x^2+y^2)",
       summary="angle of the point (x, y), as atan2(y, x)", domain=(R, POS), sympy="atan2(x0, x1)",
       params=("y", "x"))

# --- hyperbolic -----------------------------------------------------------------
define("sinh", 1, el.sinh, lambda xs, y, g: (g * cosh(xs[0]),), taylor="sinh",
       derivative="cosh(x)", summary="hyperbolic sine", domain=(R,), sympy="sinh(x0)")
define("cosh", 1, el.cosh, lambda xs, y, g: (g * sinh(xs[0]),), taylor="cosh",
       derivative="sinh(x)", summary="hyperbolic cosine", domain=(R,), sympy="cosh(x0)")
define("tanh", 1, el.tanh, lambda xs, y, g: (g * (1 - square(y)),), taylor="tanh",
       derivative="1 - tanh(x)^2", summary="hyperbolic tangent", domain=(R,), sympy="tanh(x0)")
define("asinh", 1, el.arcsinh, lambda xs, y, g: (g / sqrt(square(xs[0]) + 1),),
       taylor="asinh", derivative="1/sqrt(x^2+1)", summary="inverse hyperbolic sine",
       domain=(R,), sympy="asinh(x0)")
define("acosh", 1, el.arccosh, lambda xs, y, g: (g / sqrt(square(xs[0]) - 1),),
       taylor="acosh", derivative="1/sqrt(x^2-1)", summary="inverse hyperbolic cosine",
       domain=((1.2, 4.0),), sympy="acosh(x0)")
define("atanh", 1, el.arctanh, lambda xs, y, g: (g / (1 - square(xs[0])),), taylor="atanh",
       derivative="1/(1-x^2)", summary="inverse hyperbolic tangent", domain=(UNIT,),
       sympy="atanh(x0)")

# --- neural-network staples -----------------------------------------------------


def _sigmoid(x):
    return 0.5 * (el.tanh(0.5 * x) + 1.0)  # no overflow for large |x|


def _softplus(x):
    return el.logaddexp(0.0, x)  # log(1 + e^x) without overflow


define("sigmoid", 1, _sigmoid, lambda xs, y, g: (g * y * (1 - y),), taylor="sigmoid",
       derivative="sigmoid(x)*(1-sigmoid(x))", summary="1/(1+e^-x)", domain=(R,),
       sympy="1/(1 + exp(-x0))")
define("softplus", 1, _softplus, lambda xs, y, g: (g * sigmoid(xs[0]),), taylor="softplus",
       derivative="sigmoid(x)", summary="log(1 + e^x)", domain=(R,), sympy="log(1 + exp(x0))")

_near_zero = lambda x: abs(x) < 0.05  # noqa: E731
define("relu", 1, lambda x: el.maximum(x, 0.0), lambda xs, y, g: (g * const(raw(xs[0]) > 0),),
       taylor="relu", derivative="1 if x > 0 else 0", summary="max(x, 0)", domain=(R,),
       sympy="Max(x0, 0)", kink=_near_zero, notes="at the kink x = 0 the derivative is taken as 0")
define("abs", 1, el.abs_, lambda xs, y, g: (g * const(el.sign(raw(xs[0]))),), taylor="abs_",
       derivative="sign(x)", summary="absolute value", domain=(R,), sympy="Abs(x0)",
       kink=_near_zero, notes="at the kink x = 0 the derivative is taken as 0")
define("sign", 1, el.sign, lambda xs, y, g: (g * const(0.0),), taylor="sign", derivative="0",
       summary="the sign of x: -1, 0 or 1", domain=(R,), sympy="sign(x0)", kink=_near_zero,
       notes="a step: its derivative is 0, at the jump x = 0 too (diff writes abs' and "
             "relu's derivatives with it)")


def _hypot_backward(xs, y, g):
    return g * xs[0] / y, g * xs[1] / y


define("hypot", 2, el.hypot, _hypot_backward, taylor="hypot",
       derivative="d/dx = x/hypot(x,y), d/dy = y/hypot(x,y)",
       summary="sqrt(x^2 + y^2) without overflow", domain=(R, R), sympy="sqrt(x0**2 + x1**2)",
       kink=lambda x, y: abs(x) + abs(y) < 0.1,
       notes="at the origin the derivative is undefined (nan)")


def _pick(a, b):
    """Gradient shares for max(a, b): 1 to the larger, 1/2 each at a tie."""
    return el.where(a > b, 1.0, el.where(a == b, 0.5, 0.0))


def _max_backward(xs, y, g):
    return (g * const(_pick(raw(xs[0]), raw(xs[1]))), g * const(_pick(raw(xs[1]), raw(xs[0]))))


def _min_backward(xs, y, g):
    return (g * const(_pick(raw(xs[1]), raw(xs[0]))), g * const(_pick(raw(xs[0]), raw(xs[1]))))


define("max", 2, el.maximum, _max_backward, taylor="maximum",
       derivative="1 for the larger argument, 0 for the other", summary="the larger of x and y",
       domain=(R, R), sympy="Max(x0, x1)", kink=lambda x, y: abs(x - y) < 0.05,
       notes="at a tie each argument gets half the gradient")
define("min", 2, el.minimum, _min_backward, taylor="minimum",
       derivative="1 for the smaller argument, 0 for the other", summary="the smaller of x and y",
       domain=(R, R), sympy="Min(x0, x1)", kink=lambda x, y: abs(x - y) < 0.05,
       notes="at a tie each argument gets half the gradient")

# --- reductions over a vector ---------------------------------------------------


def _spread(g, x):
    """The gradient of a reduction, spread over the vector's shape (behind a batch axis too)."""
    return broadcast_to(g, np.broadcast_shapes(np.shape(raw(g)), np.shape(raw(x))))


def _prod_except(x):
    """prod of all elements but the i-th, for each i, without dividing (exact at zeros)."""
    x = np.atleast_1d(x)
    left = np.concatenate(([1.0], np.cumprod(x[:-1])))
    right = np.concatenate((np.cumprod(x[::-1][:-1])[::-1], [1.0]))
    return left * right


def _prod_except_backward(xs, y, g):
    # d(prod_except_i)/dx_j = prod_except_i / x_j for j != i; written with the
    # engine's functions so that orders above 2 work away from zeros.
    x = xs[0]
    gy = g * y
    return ((sum_(gy) - gy) / x,)


_PROD_EXCEPT = engine.InternalSpec("prod_except", _prod_except, _prod_except_backward)
# The same on a batch of seeds (core/batched.py): each row sums along its own vector.
_PROD_EXCEPT.batched = lambda xs, y, g: ((np.sum(g * y, -1, keepdims=True) - g * y) / xs[0],)


def _extreme_backward(xs, y, g):
    """Gradient of max(v)/min(v): shared equally among the elements equal to the result."""
    hits = np.asarray(raw(xs[0]) == raw(y), dtype=np.float64)  # a scalar's is a Python bool
    return (_spread(g, xs[0]) * const(hits / hits.sum()),)


define("sum", 1, el.reduction("sum"), lambda xs, y, g: (_spread(g, xs[0]),), taylor="total",
       derivative="1 for each element", summary="sum of a vector's elements",
       domain=((-3.0, 3.0),), sympy="x0 + x1 + x2", reduces=True)
define("mean", 1, el.reduction("mean"),
       lambda xs, y, g: (_spread(g, xs[0]) / np.size(raw(xs[0])),),
       taylor="mean", derivative="1/n for each element",
       summary="mean of a vector's elements", domain=((-3.0, 3.0),), sympy="(x0 + x1 + x2)/3",
       reduces=True)
define("prod", 1, el.reduction("prod"),
       lambda xs, y, g: (_spread(g, xs[0]) * apply(_PROD_EXCEPT, xs[0]),),
       taylor="prod", derivative="the product of the other elements",
       summary="product of a vector's elements", domain=((0.5, 2.0),), sympy="x0 * x1 * x2",
       reduces=True)
define("norm", 1, el.with_numpy(lambda v: np.sqrt(np.sum(np.square(v)))),
       lambda xs, y, g: (_spread(g, xs[0]) * xs[0] / y,), taylor="norm",
       derivative="v_i / norm(v)", summary="Euclidean length of a vector", domain=((0.2, 3.0),),
       sympy="sqrt(x0**2 + x1**2 + x2**2)", reduces=True,
       notes="at the zero vector the derivative is undefined (nan)")


def _logsumexp(v):
    m = np.max(v)
    if not np.isfinite(m):
        return np.log(np.sum(np.exp(v)))
    return m + np.log(np.sum(np.exp(v - m)))


def _softmax(v):
    """exp(v - max) / sum: exact at ties (exp(v - logsumexp) rounds: 0.5000000000000275)."""
    m = np.max(raw(v)) if np.size(raw(v)) else 0.0
    e = exp(v - (m if np.isfinite(m) else 0.0))
    return e / sum_(e)


define("logsumexp", 1, el.with_numpy(_logsumexp),
       lambda xs, y, g: (_spread(g, xs[0]) * _softmax(xs[0]),),
       taylor="logsumexp", derivative="softmax(v)_i",
       summary="log(sum(exp(v))) without overflow", domain=((-3.0, 3.0),),
       sympy="log(exp(x0) + exp(x1) + exp(x2))", reduces=True)
def _near_tie(v):
    """True when the two largest (or two smallest) elements nearly tie: a kink."""
    ordered = np.sort(np.atleast_1d(v))
    return ordered.size > 1 and min(ordered[-1] - ordered[-2], ordered[1] - ordered[0]) < 0.05


define("max", 1, el.reduction("max"), _extreme_backward, taylor="vector_max",
       derivative="1 at the largest element (shared at ties)",
       summary="largest element of a vector", domain=((-3.0, 3.0),), sympy="Max(x0, x1, x2)",
       reduces=True, kink=_near_tie,
       notes="at a tie the gradient is shared equally among the largest elements")
define("min", 1, el.reduction("min"), _extreme_backward, taylor="vector_min",
       derivative="1 at the smallest element (shared at ties)",
       summary="smallest element of a vector", domain=((-3.0, 3.0),), sympy="Min(x0, x1, x2)",
       reduces=True, kink=_near_tie,
       notes="at a tie the gradient is shared equally among the smallest elements")


def _dot(a, b):
    return np.sum(np.multiply(a, b))


define("dot", 2, el.with_numpy(_dot),
       lambda xs, y, g: (_spread(g, xs[0]) * xs[1], _spread(g, xs[1]) * xs[0]),
       taylor="dot", derivative="d/da = b, d/db = a", summary="dot product of two vectors",
       domain=((-3.0, 3.0), (-3.0, 3.0)), sympy="x0*x3 + x1*x4 + x2*x5", reduces=True,
       params=("a", "b"))

# The registry's functions as callables on Variables, for the formulas above.
add, sub, mul, div = op("add", 2), op("sub", 2), op("mul", 2), op("div", 2)
neg, pow_, square, sqrt = op("neg", 1), op("pow", 2), op("square", 1), op("sqrt", 1)
exp, log, sin, cos = op("exp", 1), op("log", 1), op("sin", 1), op("cos", 1)
sinh, cosh, sigmoid, sum_ = op("sinh", 1), op("cosh", 1), op("sigmoid", 1), op("sum", 1)


def _install_operators() -> None:
    """Give Variable the arithmetic operators, each a registry function."""
    def swap(f):
        return lambda a, b: f(b, a)

    Variable.__add__ = Variable.__radd__ = add
    Variable.__sub__, Variable.__rsub__ = sub, swap(sub)
    Variable.__mul__ = Variable.__rmul__ = mul
    Variable.__truediv__, Variable.__rtruediv__ = div, swap(div)
    Variable.__pow__, Variable.__rpow__ = pow_, swap(pow_)
    Variable.__neg__ = neg
    Variable.__pos__ = lambda a: a


_install_operators()
