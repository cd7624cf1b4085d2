"""Univariate Taylor propagation: truncated series through a program, with a rounding-error bound.

A series of a node is f(x0 + t) = sum_k c_k t^k truncated at degree d, held in a ``Series``:
``c`` the coefficients (Python floats for one point, numpy float64 arrays for many), ``e`` an
upper bound on the absolute rounding error of each coefficient (or None: bounds switched off)
and ``d`` the degree. ``c`` may be shorter than d + 1: the missing coefficients are exact zeros,
so polynomials stay exact and cheap (x^4 at 0 is exactly [0, 0, 0, 0, 1]).

Each rule is written once, against ``elementary(u0)``: ``math`` for floats, numpy for arrays.
Rules follow Griewank & Walther, *Evaluating Derivatives* (2nd ed.), chapter 13, in the
v' = g(u)·u' form: with D the derivative of a series and I its integral,
v = I(D(u)·g) + f(u0). Where g depends on v itself (exp, tan, tanh, sigmoid, sin/cos), the
coefficients are produced in order, each from the ones before.

The error bound is a running error analysis (after Christianson 1992): every sum of products
carries sum |a||b| (rounding: gamma_n times it) and sum (|a|+ea)(|b|+eb) - sum |a||b| (the
inputs' errors, propagated exactly to first order). Values at the point come from the math
library (taken as within 4 ulp). Division (and log, atan, asin, ... built on it) bounds its
recurrence by its local residuals through the signed series of 1/w instead: absolute values
step by step follow the recurrence's majorant and can overstate by 1e12 at order 50. The
recurrences of exp/tan/tanh/sigmoid/sin/cos/real powers do the same for one point with their
own linear response (``response``: each step's local residual through the signed impulse
responses of the linearised recurrence); for arrays, and for sinh/cosh, they still carry
absolute values step by step, loose (1e3-1e5x) at high orders where terms cancel.
The bound covers rounding in this pass, relative to the
program with its float64 constants and point; it is first order in the unit roundoff and
ignores underflow to subnormals.

Choices where the function is not analytic (documented, and followed at every order):
- x^p with a real, non-integer p at x0 = 0: c_k = 0 for k < p; for k > p the k-th derivative
  is falling(p, k)·u1^k·0^(p-k), the derivative of (u1·t)^p at 0 (±inf; nan if u1 = 0), as
  the nested backward pass gives it. sqrt and cbrt at 0 follow the same rule (inf slopes).
- a variable exponent: u^w = exp(w·log u); the constant base 0 gives 0 at every order
  when w0 > 0 (0^y by y); a base <= 0 otherwise gives nan past the value.
- kinks follow the registry's subgradients, decided at x0 and held as constants for every
  order: relu'(0) = 0, abs'(0) = sign(0) = 0, max/min at a tie give each side half, so the
  series is 0.5·(u + w) past the value (the value itself is max(u0, w0)).
- reductions reduce every element of a coefficient, as the registry's forward does: sum,
  mean, dot, prod, norm, logsumexp and max/min of a vector are supported (max/min share the
  series among the tied elements, as their backward shares the gradient).

The modules, each importing only those before it: ``series`` (Series, the elementary
functions at the point, the bound arithmetic, convolutions, recurrences), ``dots`` (one
point's long sums of products in numpy: a product as one Toeplitz block, a recurrence's long
steps as BLAS dots bounded by gamma_n after the loop), ``response`` (one point's values and
bounds of the output-dependent recurrences), ``arithmetic`` (+ - * /, constant
powers, sqrt, cbrt), ``functions`` (exp, logs, u^w, trigonometric,
hyperbolic and inverse functions, sigmoid, softplus, atan2, hypot, kinks), ``reductions``,
``from_derivative`` (``generic``), ``rules`` (``BY_NAME``: the rules as registry entries name them) and ``propagation`` (a program in one
pass). Every public name is re-exported here: a registry entry references ``taylor.exp``.
"""

from .arithmetic import (add, cbrt, constant_power, div, mul_, neg, scale, sqrt, square, sub)
from .from_derivative import generic
from .functions import (abs_, acos, acosh, asin, asinh, atan, atan2, atanh, cos, cosh, exp, expm1,
                        hypot, log, log1p, log2, log10, maximum, minimum, power, relu, sigmoid, sin,
                        sincos, sinh, sinhcosh, softplus, tan, tanh)
from .propagation import derivatives, propagate, rule_for, rule_of, taylor_coefficients
from .reductions import dot, logsumexp, mean, norm, prod, total, vector_max, vector_min
from .rules import BY_NAME
from .series import (GAMMA, LIB, MATH, NUMPY, SLACK, SLACK2, U, Series, TaylorError, constant,
                     derivative, elementary, integral, truncate, variable)

__all__ = [
    "BY_NAME", "rule_of", "Series", "TaylorError", "constant", "variable", "elementary", "generic",
    "propagate", "rule_for", "taylor_coefficients", "derivatives",
    "derivative", "integral", "truncate", "MATH", "NUMPY", "U", "GAMMA", "LIB", "SLACK", "SLACK2",
    "add", "sub", "neg", "scale", "mul_", "square", "div", "power", "constant_power", "sqrt",
    "cbrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "sincos", "tan",
    "sinh", "cosh", "sinhcosh", "tanh", "asin", "acos", "atan", "atan2", "asinh", "acosh",
    "atanh", "sigmoid", "softplus", "hypot", "relu", "abs_", "maximum", "minimum",
    "total", "mean", "dot", "norm", "prod", "logsumexp", "vector_max", "vector_min",
]
