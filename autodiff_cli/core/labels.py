"""How a derivative is named, in every mode and view: df/dx, d2f/dx2 (in a Hessian too), d2f/dxdy."""

from __future__ import annotations


def derivative_label(wrt, function: str = "f") -> str:
    """df/dx for (x,); d2f/dx2 for (x, x), wherever it appears; d2f/dxdy for (x, y);
    d3f/dx3 for (x, x, x)."""
    wrt = tuple(wrt)
    n = len(wrt)
    if n == 1:
        return f"d{function}/d{wrt[0]}"
    if len(set(wrt)) == 1:
        return f"d{n}{function}/d{wrt[0]}{n}"
    return f"d{n}{function}/" + "".join(f"d{v}" for v in wrt)
