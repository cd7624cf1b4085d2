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

from itertools import accumulate
from operator import mul

import numpy as np

from .series import SLACK, SLACK2, U, Series


def impulse_responses(a: np.ndarray, d: int) -> np.ndarray:
    """J (d+1 x d+1): J[k, 0] the response of y_k to y_0 = 1, J[k, m + 1] to a unit residual
    in D(y)_m, for k·y_k = sum_{j<k} a_{k-1-j}·y_j + rho_{k-1} (a real or complex)."""
    a = np.concatenate([np.asarray(a), np.zeros(max(0, d - len(a)), dtype=np.asarray(a).dtype)])
    y = np.zeros((d + 1, d + 1), dtype=a.dtype)
    y[0, 0] = 1.0
    for k in range(1, d + 1):
        y[k, :k] = (a[k - 1::-1] @ y[:k, :k]) / k
        y[k, k] = 1.0 / k
    return y


def dot_rounding(a: list, b_reversed: list):
    """sum a_i·b_i in the order given, and the bound of its rounding (running error)."""
    terms = list(map(mul, a, b_reversed))
    if not terms:
        return 0.0, 0.0
    partials = list(accumulate(terms))
    rounding = sum(map(abs, terms)) + sum(map(abs, partials)) - abs(terms[0])
    return partials[-1], U * rounding * SLACK


def _abs_conv_head(a, b, d: int) -> np.ndarray:
    """sum_{i+j=k} |a_i|·b_j for k = 0..d-1 (b >= 0)."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros(d)
    out = np.convolve(np.abs(np.asarray(a, dtype=np.float64)), np.asarray(b, dtype=np.float64))
    return np.concatenate([out[:d], np.zeros(max(0, d - len(out)))])


def output_recurrence(du: Series, d: int, v0, ev0, g_local, dg) -> Series:
    """v with v_k = (1/k)·sum_{i+j=k-1} du_i·g_j and its bound, for one point.

    ``g_local(v, m)`` gives g_m from v_0..v_m and a bound of the rounding in computing it (not
    of v's errors: those move through the linear response); ``dg(v)`` the series of g'(v)."""
    duc, due = du.c[:d], du.e[:d]  # the stored coefficients: no sums of padding zeros
    v, g, eg, rho = [v0], [], [], []
    for k in range(1, d + 1):
        gm, em = g_local(v, k - 1)
        g.append(gm)
        eg.append(em)
        s, rs = dot_rounding(duc[:k], g[:-len(duc) - 1 if len(duc) < k else None:-1])
        vk = s / k
        v.append(vk)
        rho.append(rs + k * U * abs(vk))
    if d == 0:
        return Series(v, [ev0], 0)
    sources = np.array(rho) + _abs_conv_head(g, due, d) + _abs_conv_head(duc, eg, d)
    a = np.convolve(np.asarray(duc, dtype=np.float64), np.asarray(dg(v), dtype=np.float64))[:d]
    j = np.abs(impulse_responses(a, d))
    bound = (j[:, 0] * ev0 + j[:, 1:] @ sources) * SLACK2
    return Series(v, bound.tolist(), d)


def rotation(du: Series, d: int, s0, c0, es0, ec0) -> tuple[Series, Series]:
    """sin/cos of u from s' = c·u', c' = -s·u', for one point: z = c + i·s solves
    D(z) = i·du·z, so one complex set of impulse responses bounds both."""
    duc, due = du.c[:d], du.e[:d]
    s, c, rs, rc = [s0], [c0], [], []
    for k in range(1, d + 1):
        stop = -len(duc) - 1 if len(duc) < k else None
        x, ex = dot_rounding(duc[:k], c[:stop:-1])
        y, ey = dot_rounding(duc[:k], s[:stop:-1])
        sk, ck = x / k, -(y / k)
        s.append(sk)
        c.append(ck)
        rs.append(ex + k * U * abs(sk))
        rc.append(ey + k * U * abs(ck))
    if d == 0:
        return Series(s, [es0], 0), Series(c, [ec0], 0)
    source_s = np.array(rs) + _abs_conv_head(c[:d], due, d)
    source_c = np.array(rc) + _abs_conv_head(s[:d], due, d)
    j = impulse_responses(1j * np.asarray(duc, dtype=np.float64), d)
    re, im = np.abs(j.real), np.abs(j.imag)
    bound_s = re[:, 0] * es0 + im[:, 0] * ec0 + im[:, 1:] @ source_c + re[:, 1:] @ source_s
    bound_c = re[:, 0] * ec0 + im[:, 0] * es0 + re[:, 1:] @ source_c + im[:, 1:] @ source_s
    return (Series(s, (bound_s * SLACK2).tolist(), d), Series(c, (bound_c * SLACK2).tolist(), d))
