"""What a registry entry is (Spec), the table of entries, and how to look one up.

The entries themselves are in ``registry``: the one place to add a function. This module
holds the machinery they are declared with, so the table of entries has room to grow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .engine import Variable, apply


@dataclass(frozen=True)
class Spec:
    name: str
    arity: int
    forward: Callable
    backward: Callable  # (inputs, output, grad_output) -> tuple of gradients, one per input
    derivative: str  # the derivative written out, for the docs
    summary: str
    domain: tuple  # one (low, high) per argument: where tests sample points
    sympy: str  # sympy template over x0, x1 (the test oracle)
    # The Taylor rule (input series -> output series): the name of one in core/taylor, or a
    # function (taylor.generic(f0, derivative) makes one for a new function).
    taylor: str | Callable | None = None
    symbols: tuple[str, ...] = ()  # the operator's spellings (x + y, x ^ y or x ** y), if any
    reduces: bool = False  # takes a vector, returns a scalar
    kink: Callable | None = None  # (*args) -> True near a non-differentiable point
    notes: str = ""
    params: tuple = ()  # the argument names the docs use, where the default would mislead
    selective: bool = False  # backward takes a 4th argument: which inputs need a gradient

    @property
    def signature(self) -> str:
        args = self.params or (("v",) if self.reduces else ("x", "y")[: self.arity])
        return f"{self.name}({', '.join(args)})"

    @property
    def operator(self) -> str:
        """How the docs write the operator: '+', 'unary -', '^ **'; '' for a function."""
        if not self.symbols:
            return ""
        return ("unary " if self.arity == 1 else "") + " ".join(self.symbols)


FUNCTIONS: dict[tuple[str, int], Spec] = {}


def define(name: str, arity: int, forward: Callable, backward: Callable, *, derivative: str,
           summary: str, domain: tuple, sympy: str, **extra) -> Spec:
    """Add a function (or an operator, with ``symbols``) to the language: the one place."""
    spec = Spec(name, arity, forward, backward, derivative, summary, domain, sympy, **extra)
    FUNCTIONS[(name, arity)] = spec
    return spec


def operator_names() -> set[str]:
    """The registry names the grammar's operator rules reduce to (add, neg, pow, ...)."""
    return {spec.name for spec in FUNCTIONS.values() if spec.symbols}


def lookup(name: str, arity: int) -> Spec | None:
    return FUNCTIONS.get((name, arity))


def arities(name: str) -> list[int]:
    return sorted(a for (n, a) in FUNCTIONS if n == name)


def names() -> list[str]:
    return sorted({n for (n, _) in FUNCTIONS})


def op(name: str, arity: int) -> Callable[..., Variable]:
    """The registry function as a callable on Variables (used in backward formulas)."""
    spec = FUNCTIONS[(name, arity)]
    return lambda *args: apply(spec, *args)
