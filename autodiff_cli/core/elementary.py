"""The elementary functions the registry's forwards are written with, chosen by the data.

A scalar is a Python float and its functions are ``math``'s; a vector is a numpy array and
goes to numpy's ufunc. So one forward serves both, and a one-shot scalar evaluation never
imports numpy (importing it costs more than the rest of the run). The results are numpy's
float64 results: where ``math`` raises, the IEEE answer is written out (log(-1) is nan, log(0)
is -inf, exp(1000) is inf), and ``divide``/``power`` give 1/0 = inf, 0**-1 = inf,
(-8)**(1/3) = nan and 10**400 = inf where Python raises or returns a complex number.

The backward formulas also run on plain data (``g / xs[0]``), where a float divided by 0
raises. The engine catches that (ArithmeticError) and runs the step again on ``Real``s:
floats whose operators are IEEE, as numpy's float64 (a Real stays a Real through these
functions). Why not Reals everywhere: their Python-level operators cost about 4x a float's
or a numpy float64's, which made a graph of scalar arithmetic 10-15% slower than with numpy
scalars; plain floats made it faster instead (an A/B run of 10^4-node graphs, same session).
"""

from __future__ import annotations

import math
import sys

_fadd, _fsub, _fmul = float.__add__, float.__sub__, float.__mul__
_fdiv, _frdiv = float.__truediv__, float.__rtruediv__
INF, NAN = math.inf, math.nan


class _LazyNumpy:
    """numpy, imported on first use (a vector, --points, a reduction, --order N)."""

    def __getattr__(self, name):
        import numpy

        value = getattr(numpy, name)
        setattr(self, name, value)  # later look-ups are plain attribute hits
        return value


np = _LazyNumpy()


class quiet:
    """numpy's floating-point warnings off (the tool reports non-finite values itself),
    without importing numpy for it: a block that loads numpy quiets its own calls."""

    __slots__ = ("state",)

    def __enter__(self):
        numpy = sys.modules.get("numpy")
        self.state = numpy.errstate(all="ignore") if numpy is not None else None
        if self.state is not None:
            self.state.__enter__()
        return self

    def __exit__(self, *exc):
        if self.state is not None:
            self.state.__exit__(*exc)


def _real(value):
    return value if value is NotImplemented else Real(value)


def _quotient(a: float, b: float) -> float:
    """a / b with b == 0, as IEEE 754 says: a signed infinity, or nan for 0/0 and nan/0."""
    if a != a or a == 0:
        return NAN
    return math.copysign(INF, a) * math.copysign(1.0, b)


def _odd_integer(p: float) -> bool:
    return math.isfinite(p) and abs(math.fmod(p, 2.0)) == 1.0


def _power(a: float, p: float) -> float:
    """a ** p as C's pow (numpy's float64 power) gives it, where Python's raises."""
    try:
        return math.pow(a, p)
    except ValueError:  # 0 to a negative power (a pole), or a negative base to a fraction
        if a == 0:
            return math.copysign(INF, a) if _odd_integer(p) else INF
        return NAN
    except OverflowError:
        return -INF if a < 0 and _odd_integer(p) else INF


class Real(float):
    """A scalar of the engine: a float with IEEE operators (see the module's docstring).

    Arithmetic with another Real, a float or an int gives a Real; with an array, numpy's
    operator runs (float's returns NotImplemented for it). ``shape``/``ndim``/``size`` are
    those of a numpy scalar, so the engine asks a scalar and an array the same questions."""

    __slots__ = ()
    shape = ()
    ndim = 0
    size = 1

    # float's operator, then the result made a Real (inline: these run once per graph node)
    def __add__(a, b):
        r = _fadd(a, b)
        return r if r is NotImplemented else Real(r)

    __radd__ = __add__

    def __sub__(a, b):
        r = _fsub(a, b)
        return r if r is NotImplemented else Real(r)

    def __rsub__(a, b):
        return _real(float.__rsub__(a, b))

    def __mul__(a, b):
        r = _fmul(a, b)
        return r if r is NotImplemented else Real(r)

    __rmul__ = __mul__

    def __truediv__(a, b):
        try:
            return _real(_fdiv(a, b))
        except ZeroDivisionError:
            return Real(_quotient(float(a), float(b)))

    def __rtruediv__(a, b):
        try:
            return _real(_frdiv(a, b))
        except ZeroDivisionError:
            return Real(_quotient(float(b), float(a)))

    def __pow__(a, b, modulo=None):
        if isinstance(b, (float, int)) and modulo is None:
            return Real(_power(a, b))
        return NotImplemented

    def __rpow__(a, b, modulo=None):
        if isinstance(b, (float, int)) and modulo is None:
            return Real(_power(b, a))
        return NotImplemented

    def __neg__(a):
        return Real(-float(a))

    def __pos__(a):
        return a

    def __abs__(a):
        return Real(math.fabs(a))


def _unary(name: str, scalar, domain_error=lambda x: NAN, overflow=lambda x: INF):
    """The function on a scalar (``math``'s ``scalar``) and on an array (numpy's ``name``).

    Where ``math`` raises, numpy's IEEE answer: ``domain_error(x)`` (nan outside the domain,
    an infinity at a pole) and ``overflow(x)`` (an infinity); tests/test_scalar_path.py
    checks both against numpy."""
    def function(x):
        if isinstance(x, (float, int)):
            try:
                y = scalar(x)
            except ValueError:
                y = domain_error(x)
            except OverflowError:
                y = overflow(x)
            return Real(y) if type(x) is Real else y  # a Real stays one (engine._ieee_backward)
        return getattr(np, name)(x)
    function.__name__ = name
    return function


def _binary(name: str, scalar):
    """As ``_unary`` for two arguments; these ``scalar`` functions never raise."""
    def function(x, y):
        if isinstance(x, (float, int)) and isinstance(y, (float, int)):
            z = scalar(x, y)
            return Real(z) if type(x) is Real or type(y) is Real else z
        return getattr(np, name)(x, y)
    function.__name__ = name
    return function


def _pole_at(at: float):
    """Domain errors of a logarithm: -inf at its pole ``at``, nan below it."""
    return lambda x: -INF if x == at else NAN


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else x


def _logaddexp(x: float, y: float) -> float:
    """log(e^x + e^y) without overflow, as numpy's npy_logaddexp computes it."""
    if x == y:
        return x + math.log(2.0)  # infinities of one sign too
    d = x - y
    if d > 0:
        return x + math.log1p(math.exp(-d))
    if d <= 0:
        return y + math.log1p(math.exp(d))
    return d  # nan


sqrt = _unary("sqrt", math.sqrt)
cbrt = _unary("cbrt", math.cbrt)
exp = _unary("exp", math.exp)
expm1 = _unary("expm1", math.expm1)
log = _unary("log", math.log, _pole_at(0.0))
log1p = _unary("log1p", math.log1p, _pole_at(-1.0))
log2 = _unary("log2", math.log2, _pole_at(0.0))
log10 = _unary("log10", math.log10, _pole_at(0.0))
sin = _unary("sin", math.sin)
cos = _unary("cos", math.cos)
tan = _unary("tan", math.tan)
arcsin = _unary("arcsin", math.asin)
arccos = _unary("arccos", math.acos)
arctan = _unary("arctan", math.atan)
sinh = _unary("sinh", math.sinh, overflow=lambda x: math.copysign(INF, x))
cosh = _unary("cosh", math.cosh)
tanh = _unary("tanh", math.tanh)
arcsinh = _unary("arcsinh", math.asinh)
arccosh = _unary("arccosh", math.acosh)
arctanh = _unary("arctanh", math.atanh,
                 lambda x: math.copysign(INF, x) if abs(x) == 1 else NAN)
square = _unary("square", lambda x: x * x)
abs_ = _unary("abs", math.fabs)
sign = _unary("sign", _sign)
arctan2 = _binary("arctan2", math.atan2)
hypot = _binary("hypot", math.hypot)
power = _binary("power", _power)
divide = _binary("divide", lambda a, b: a / b if b else _quotient(float(a), float(b)))
logaddexp = _binary("logaddexp", _logaddexp)
# numpy's rule for a nan and for signed zeros: the first argument unless the second wins.
maximum = _binary("maximum", lambda a, b: a if a > b or a != a else b)
minimum = _binary("minimum", lambda a, b: a if a < b or a != a else b)


def where(condition, a, b):
    """np.where(condition, a, b); for a Python bool, the chosen scalar (a float)."""
    if condition is True or condition is False:
        if isinstance(a, (float, int)) and isinstance(b, (float, int)):
            c = a if condition else b
            return Real(c) if type(a) is Real or type(b) is Real else float(c)
    return np.where(condition, a, b)


def with_numpy(function):
    """A function written with numpy (the reductions): quiet, whatever the data."""
    def quietly(*args):
        with np.errstate(all="ignore"):
            return function(*args)
    quietly.__name__ = getattr(function, "__name__", "function")
    return quietly


def reduction(name: str):
    """numpy's reduction ``name`` (sum, mean, ...), looked up when first used."""
    return with_numpy(lambda v: getattr(np, name)(v))
