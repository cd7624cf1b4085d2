"""Values from the command line: ``NAME=VALUE`` texts to float64 numbers and vectors."""

from __future__ import annotations

import re

import numpy as np

from ..errors import InvalidValueError, UsageError, shorten
from .arguments import IDENTIFIER

_NUMBER = re.compile(r"[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)\Z",
                     re.IGNORECASE)  # ASCII digits only, as in the language


def parse_assignment(text: str) -> tuple[str, str]:
    """'x=2' -> ('x', '2'), for --var."""
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq or not IDENTIFIER.match(name):
        raise UsageError(f"--var expects NAME=VALUE, got {text!r}", hint="--var x=2.5")
    return name, value


def parse_value(name: str, text: str):
    """A number or a comma-separated vector, as float64. ``[10]`` or ``10,`` is a vector of
    one element (numpy broadcasts it, as DeZero's x0 + x1 example needs)."""
    body = text.strip()
    vector = body.startswith("[") and body.endswith("]")
    if vector:
        body = body[1:-1]
    if body.endswith(",") and body.count(",") == 1:  # '10,': one element
        body, vector = body[:-1], True
    parts = [p.strip() for p in body.split(",")]
    if len(parts) > 1 and not all(parts):
        raise InvalidValueError(f"the vector given for '{name}' has an empty element: {text!r}",
                                hint=f"--{name} 1,2,3")
    if not all(_NUMBER.match(p) for p in parts):
        bad = next((p for p in parts if not _NUMBER.match(p)), text)
        hint = f"--{shorten(name)} 2.5, or a vector: --{shorten(name)} 1,2,3"
        if any(c.isdigit() and not c.isascii() for c in bad):  # also superscripts
            hint = "numbers are written with the ASCII digits 0-9"
        raise InvalidValueError(
            f"the value of '{shorten(name)}' is not a number: {shorten(repr(bad))}", hint=hint)
    if len(parts) == 1 and not vector:
        return np.float64(float(parts[0]))
    return np.array([float(p) for p in parts], dtype=np.float64)


def collect_values(assignments, used) -> tuple[dict, list[str]]:
    """NAME=VALUE texts to float64 values (the last given wins); warnings for values given
    twice, too large for float64, or not used by the program (``used``: its variables)."""
    texts: dict[str, str] = {}
    warnings = []
    for assignment in assignments:
        name, text = parse_assignment(assignment)
        if name in texts and texts[name] != text:
            warnings.append(f"--{shorten(name)} was given twice; using the last value, "
                            f"{shorten(text)}")
        texts[name] = text
    values = {name: parse_value(name, text) for name, text in texts.items()}
    for name, value in values.items():
        if np.isinf(value).any() and "inf" not in texts[name].lower():
            warnings.append(f"--{shorten(name)} {shorten(texts[name])} is too large for float64 "
                            "and becomes inf")
    if used is not None:
        warnings += [f"--{shorten(name)} is not used by the expression"
                     for name in values if name not in used]
    return values, warnings
