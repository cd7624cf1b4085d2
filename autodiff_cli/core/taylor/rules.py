"""The Taylor rules by registry name and arity (what rule_for falls back to)."""

from __future__ import annotations

from .arithmetic import add, cbrt, div, mul_, neg, sqrt, square, sub
from .functions import (abs_, acos, acosh, asin, asinh, atan, atan2, atanh, cos, cosh, exp, expm1,
                        hypot, log, log1p, log2, log10, maximum, minimum, power, relu, sigmoid, sin,
                        sinh, softplus, tan, tanh)
from .reductions import dot, logsumexp, mean, norm, prod, total, vector_max, vector_min


# The rules, by registry name and arity: a registry entry references one as taylor=...
RULES = {
    ("add", 2): add, ("sub", 2): sub, ("mul", 2): mul_, ("div", 2): div, ("neg", 1): neg,
    ("pow", 2): power, ("square", 1): square, ("sqrt", 1): sqrt, ("cbrt", 1): cbrt,
    ("exp", 1): exp, ("expm1", 1): expm1, ("log", 1): log, ("log1p", 1): log1p,
    ("log2", 1): log2, ("log10", 1): log10,
    ("sin", 1): sin, ("cos", 1): cos, ("tan", 1): tan, ("asin", 1): asin, ("acos", 1): acos,
    ("atan", 1): atan, ("atan2", 2): atan2,
    ("sinh", 1): sinh, ("cosh", 1): cosh, ("tanh", 1): tanh, ("asinh", 1): asinh,
    ("acosh", 1): acosh, ("atanh", 1): atanh,
    ("sigmoid", 1): sigmoid, ("softplus", 1): softplus,
    ("relu", 1): relu, ("abs", 1): abs_, ("hypot", 2): hypot,
    ("max", 2): maximum, ("min", 2): minimum,
    ("sum", 1): total, ("mean", 1): mean, ("prod", 1): prod, ("norm", 1): norm,
    ("logsumexp", 1): logsumexp, ("max", 1): vector_max, ("min", 1): vector_min, ("dot", 2): dot,
}
