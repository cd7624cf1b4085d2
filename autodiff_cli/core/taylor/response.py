"""Error bounds of the output-dependent recurrences (exp, tan, tanh, sigmoid, sin/cos, real
powers) for one point, through the recurrence's exact linear response.

A recurrence D(v) = du·g(v) is run in plain floats, and each step's local residual is bounded
(the rounding of its convolution and of the division by k). To first order the computed v
differs from the exact one by the solution y of the linearised recurrence
D(y) = a·y + rho, a = du·g'(v), driven by the residuals rho (plus the inputs' errors, du's
bound times |g|) and started from v0's error. That solution is J·rho for the matrix J of the
recurrence's impulse responses, computed by running the linear recurrence itself (signed, so
no majorant: absolute values step by step grow like the majorant, 1e3-1e6x too loose at
order 50-100), and the bound is |J|·|rho|.
"""

from __future__ import annotations

import numpy as np

from .dots import Running, dot_at, late_rounding, matvec, vecmat_into
from .series import SLACK2, U, Series


def impulse_responses(a: np.ndarray, d: int, imaginary: bool = False):
    """J (d+1 x d+1): J[k, 0] the response of y_k to y_0 = 1, J[k, m + 1] to a unit residual
    in D(y)_m, for k·y_k = sum_{j<k} a_{k-1-j}·y_j + rho_{k-1}, a real. With ``imaginary``,
    the responses for i·a instead, as (real part, imaginary part), in real arithmetic (complex
    BLAS products go multithreaded at these sizes: see dots.ONE_THREAD).

    Row by row, each one BLAS product of a_{k-1..0} with the rows before it (up to the
    diagonal: zeros past it) written in place: the Python overhead per row is what costs at
    order 100, not the O(d^3) arithmetic."""
    a = np.asarray(a, dtype=np.float64)
    n, used = d + 1, min(len(a), d)
    reverse = np.zeros(d)  # a_{d-1}, ..., a_0
    reverse[d - used:] = a[:used][::-1]
    y = np.zeros((n, 2 * n if imaginary else n))  # imaginary: [real part | imaginary part]
    y[0, 0] = 1.0
    both = np.empty(2 * n)
    for k in range(1, d + 1):
        row = y[k]
        if imaginary:  # i·a·(re + i·im): re_k = -(a·im)/k, im_k = (a·re)/k
            vecmat_into(reverse[d - k:], y[:k], both)
            np.divide(both[n:n + k], -k, out=row[:k])
            np.divide(both[:k], k, out=row[n:n + k])
        else:
            vecmat_into(reverse[d - k:], y[:k, :k], row[:k])
            row[:k] /= k
        row[k] = 1.0 / k
    return (y[:, :n], y[:, n:]) if imaginary else y


def _abs_conv_head(a, b, d: int) -> np.ndarray:
    """sum_{i+j=k} |a_i|·b_j for k = 0..d-1 (b >= 0)."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros(d)
    out = np.convolve(np.abs(np.asarray(a, dtype=np.float64)), np.asarray(b, dtype=np.float64))
    return np.concatenate([out[:d], np.zeros(max(0, d - len(out)))])


def output_recurrence(du: Series, d: int, v0, ev0, g_local, dg, g_late=None) -> Series:
    """v with v_k = (1/k)·sum_{i+j=k-1} du_i·g_j and its bound (None if du has none), for one
    point.

    ``g_local(v, m)`` gives g_m from v_0..v_m (a Running) and a bound of the rounding in
    computing it (not of v's errors: those move through the linear response), ``g_late(v)``
    the rest of those bounds that dot_at left to after the loop (None: nothing left), ``dg(v)``
    the series of g'(v)."""
    duc = du.c[:d]  # the stored coefficients: no sums of padding zeros
    dua = np.array(duc, dtype=np.float64)
    v, g, eg, rho = Running(d, [v0]), Running(d), [], []
    for k in range(1, d + 1):
        gm, em = g_local(v, k - 1)
        g.push(gm)
        eg.append(em)
        s, rs = dot_at(duc, dua, g, k - 1, du.e is not None)
        vk = s / k
        v.push(vk)
        rho.append(rs + k * U * abs(vk))
    if du.e is None:
        return Series(v.c, None, d)
    if d == 0:
        return Series(v.c, [ev0], 0)
    due = du.e[:d]
    eg = np.array(eg) + (0.0 if g_late is None else g_late(v))
    sources = (np.array(rho) + late_rounding(dua, g.array(), d) + _abs_conv_head(g.c, due, d)
               + _abs_conv_head(duc, eg, d))
    a = np.convolve(dua, np.asarray(dg(v.c), dtype=np.float64))[:d]
    j = np.abs(impulse_responses(a, d))
    bound = (j[:, 0] * ev0 + matvec(j[:, 1:], sources)) * SLACK2
    return Series(v.c, bound.tolist(), d)


def rotation(du: Series, d: int, s0, c0, es0, ec0) -> tuple[Series, Series]:
    """sin/cos of u from s' = c·u', c' = -s·u', for one point: z = c + i·s solves
    D(z) = i·du·z, so one complex set of impulse responses bounds both."""
    duc, bounded = du.c[:d], du.e is not None
    dua = np.array(duc, dtype=np.float64)
    s, c, rs, rc = Running(d, [s0]), Running(d, [c0]), [], []
    for k in range(1, d + 1):
        x, ex = dot_at(duc, dua, c, k - 1, bounded)
        y, ey = dot_at(duc, dua, s, k - 1, bounded)
        sk, ck = x / k, -(y / k)
        s.push(sk)
        c.push(ck)
        rs.append(ex + k * U * abs(sk))
        rc.append(ey + k * U * abs(ck))
    if not bounded:
        return Series(s.c, None, d), Series(c.c, None, d)
    if d == 0:
        return Series(s.c, [es0], 0), Series(c.c, [ec0], 0)
    due = du.e[:d]
    source_s = (np.array(rs) + late_rounding(dua, c.array(), d)
                + _abs_conv_head(c.c[:d], due, d))
    source_c = (np.array(rc) + late_rounding(dua, s.array(), d)
                + _abs_conv_head(s.c[:d], due, d))
    re, im = (np.abs(part) for part in impulse_responses(dua, d, imaginary=True))
    re_c, re_s = matvec(re[:, 1:], source_c), matvec(re[:, 1:], source_s)
    im_c, im_s = matvec(im[:, 1:], source_c), matvec(im[:, 1:], source_s)
    bound_s = re[:, 0] * es0 + im[:, 0] * ec0 + im_c + re_s
    bound_c = re[:, 0] * ec0 + im[:, 0] * es0 + re_c + im_s
    return (Series(s.c, (bound_s * SLACK2).tolist(), d), Series(c.c, (bound_c * SLACK2).tolist(), d))
