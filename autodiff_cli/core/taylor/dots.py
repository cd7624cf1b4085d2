"""Sums of products for one point at high degree: numpy where Python loops cost, with bounds that
cover the order numpy sums in.

At order 100 a rule's time goes to Python-level sums of products, one per coefficient, and to
their running-error bounds. Two ways out, both giving the same kind of bound as the Python path:
- a product of two known series (``product``) has every term at once: the terms of all its
  coefficients form a Toeplitz block, summed left to right by one cumulative sum (the exact
  order and values of the Python loop), and the running-error bound of every partial sum comes
  from the same block;
- a recurrence (each coefficient from the ones before) still goes one step at a time, but a long
  step is one BLAS dot product (``Running``, ``dot_at``). BLAS sums in its own order, so that
  step's rounding is bounded by gamma_n·sum |a_i||b_i| (true for any order of summation, with or
  without FMA), and since that needs no partial sum it is left to after the loop
  (``late_rounding``): one convolution of absolute values for every step. Short steps (fewer
  than ``NUMPY_FROM`` terms) stay Python sums with their running-error bound, which is faster
  there and tighter.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate
from operator import mul

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .series import SLACK, U

NUMPY_FROM = 16  # terms in a sum from which one BLAS call beats a Python loop (measured)
# OpenBLAS spreads a matrix-vector product of more than 2304·4 entries over its threads; between
# two such products in a Taylor pass they fall asleep, and waking them on a busy machine costs
# milliseconds, far more than the product. Products are split to stay on the calling thread.
ONE_THREAD = 8192


def floats(*lists) -> bool:
    """All coefficients plain numbers (one point), none an array."""
    return not any(isinstance(x, np.ndarray) for c in lists for x in c)


def dot_rounding(a: list, b_reversed: list):
    """sum a_i·b_i in the order given, and the bound of its rounding (running error)."""
    terms = list(map(mul, a, b_reversed))
    if not terms:
        return 0.0, 0.0
    partials = list(accumulate(terms))
    rounding = sum(map(abs, terms)) + sum(map(abs, partials)) - abs(terms[0])
    return partials[-1], U * rounding * SLACK


# --- a product of two series at once -------------------------------------------------------

@lru_cache(maxsize=64)
def _partial_mask(rows: int, la: int, lb: int) -> np.ndarray:
    """Where row n's partial sums past its first term are: lo_n < i <= hi_n."""
    n = np.arange(rows)[:, None]
    i = np.arange(la)[None, :]
    return (i > np.maximum(0, n - lb + 1)) & (i <= np.minimum(n, la - 1))


def product(ac: list, ae: list | None, bc: list, be: list | None, d: int):
    """The coefficients 0..min(la + lb - 2, d) of a·b (stored coefficients of one point), summed
    left to right as the Python loop does, and (with ae, be) their running-error bounds: the
    rounding U·(sum |t| + sum |partials|) and the operands' errors sum |a|·eb + ea·(|b| + eb).
    None where a coefficient is not finite (0·inf in the padding): the caller loops instead."""
    a, b = np.array(ac, dtype=np.float64), np.array(bc, dtype=np.float64)
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None
    la, rows = len(a), min(len(a) + len(b) - 2, d) + 1
    # row n of the block is a_i·b_{n-i}, i = 0..la-1, b zero outside 0..lb-1: a sliding window
    # over b reversed and padded
    padded = np.zeros(rows + la - 1)
    padded[la - 1:la - 1 + min(len(b), rows)] = b[:rows]
    terms = a * sliding_window_view(padded[::-1], la)[::-1]
    partials = np.cumsum(terms, axis=1)
    values = partials[np.arange(rows), np.minimum(np.arange(rows), la - 1)]
    if ae is None:
        return values.tolist(), None
    np.abs(terms, out=terms)
    np.abs(partials, out=partials)
    rounding = terms.sum(axis=1) + np.where(_partial_mask(rows, la, len(b)), partials, 0.0).sum(1)
    ea, eb = np.array(ae, dtype=np.float64), np.array(be, dtype=np.float64)
    moved = np.convolve(np.abs(a), eb)[:rows] + np.convolve(ea, np.abs(b) + eb)[:rows]
    return values.tolist(), ((moved + U * rounding) * SLACK).tolist()


# --- recurrences: one step at a time --------------------------------------------------------

class Running:
    """A series produced one coefficient at a time: a list for Python sums, and the same values
    reversed in a numpy buffer, so that the reversed slice a step dots with is contiguous."""

    __slots__ = ("c", "rev", "top")

    def __init__(self, d: int, first=()):
        self.c, self.rev, self.top = [], np.zeros(d + 1), d
        for x in first:
            self.push(x)

    def push(self, x) -> None:
        self.rev[self.top - len(self.c)] = x
        self.c.append(x)

    def array(self) -> np.ndarray:
        return self.rev[self.top - len(self.c) + 1:][::-1]


def dot_at(a: list, a_arr: np.ndarray, s: Running, n: int, bounded: bool = True):
    """sum_{i+j=n} a_i·s_j (s holds s_0..s_n at least) and the bound of its rounding: the running
    error for a short sum; 0.0 for a long one, whose bound ``late_rounding`` gives."""
    hi = min(n, len(a) - 1)
    if hi < 0:
        return 0.0, 0.0
    if hi + 1 < NUMPY_FROM:
        b = s.c[n - hi:n + 1]
        b.reverse()
        return dot_rounding(a[:hi + 1], b) if bounded else (sum(map(mul, a[:hi + 1], b)), 0.0)
    start = s.top - n
    return float(np.dot(a_arr[:hi + 1], s.rev[start:start + hi + 1])), 0.0


def late_rounding(a: np.ndarray, b: np.ndarray, rows: int) -> np.ndarray:
    """For n < rows, the rounding bound of each long sum dot_at left out: gamma_m·sum |a_i||b_j|
    over i + j = n (m terms), and 0 where the sum was short (bounded in the loop)."""
    n = np.arange(rows)
    terms = np.minimum(n, len(a) - 1) + 1
    out = np.zeros(rows)
    if len(a) == 0 or len(b) == 0:
        return out
    sums = np.convolve(np.abs(a), np.abs(b))[:rows]
    long = terms[:len(sums)] >= NUMPY_FROM
    gamma = terms * U / (1 - terms * U)
    out[:len(sums)] = np.where(long, gamma[:len(sums)] * sums, 0.0) * SLACK
    return out


# --- matrix products kept on one BLAS thread --------------------------------------------------

def matvec(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """m @ v, in blocks of rows small enough for one BLAS thread (see ONE_THREAD)."""
    step = max(1, ONE_THREAD // max(1, m.shape[1]))
    if m.shape[0] <= step:
        return m @ v
    return np.concatenate([m[r:r + step] @ v for r in range(0, m.shape[0], step)])


def vecmat_into(v: np.ndarray, m: np.ndarray, out: np.ndarray) -> None:
    """out = v @ m, written in place, in blocks of columns small enough for one BLAS thread."""
    step = max(1, ONE_THREAD // max(1, m.shape[0]))
    for c in range(0, m.shape[1], step):
        np.dot(v, m[:, c:c + step], out=out[c:c + step])
