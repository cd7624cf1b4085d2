"""The Taylor rules by name, as registry entries name them (``taylor="exp"``)."""

from __future__ import annotations

from .arithmetic import add, cbrt, div, mul_, neg, sqrt, square, sub
from .functions import (abs_, acos, acosh, asin, asinh, atan, atan2, atanh, cos, cosh, exp, expm1,
                        hypot, log, log1p, log2, log10, maximum, minimum, power, relu, sigmoid, sign, sin,
                        sinh, softplus, tan, tanh)
from .reductions import dot, logsumexp, mean, norm, prod, total, vector_max, vector_min


# The rules by their names: a registry entry names its rule (taylor="exp"), so that the
# registry, imported by every run, does not import this package, which only --order needs.
BY_NAME = {rule.__name__: rule for rule in (
    add, sub, mul_, div, neg, power, square, sqrt, cbrt, exp, expm1, log, log1p, log2, log10,
    sin, cos, tan, asin, acos, atan, atan2, sinh, cosh, tanh, asinh, acosh, atanh, sigmoid,
    softplus, relu, abs_, sign, hypot, maximum, minimum, total, mean, prod, norm, logsumexp,
    vector_max, vector_min, dot)}
