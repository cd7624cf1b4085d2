"""Values from the command line: ``NAME=VALUE`` texts to float64 numbers and vectors.

A range ``A:B:STEP`` is the vector of the points A, A+STEP, ... up to B (B included when a
step lands on it, to rounding); ``A:B`` without a step is the range ``plot`` draws."""

from __future__ import annotations

import math
import re

from ..core.elementary import np  # numpy only for a vector or a range
from ..core.program import CONSTANTS
from ..errors import InvalidValueError, LimitError, UsageError, shorten
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
    """A number, a comma-separated vector or a range A:B:STEP, as float64. ``[10]`` or ``10,``
    is a vector of one element (numpy broadcasts it, as DeZero's x0 + x1 example needs)."""
    if ":" in text:
        return range_points(name, *parse_range(name, text, step_needed=True))
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
        return float(parts[0])
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
        infinite = math.isinf(value) if isinstance(value, float) else np.isinf(value).any()
        if infinite and "inf" not in texts[name].lower():
            warnings.append(f"--{shorten(name)} {shorten(texts[name])} is too large for float64 "
                            "and becomes inf")
    if used is not None:
        warnings += [f"--{shorten(name)} sets nothing: {shorten(name)} is a constant, "
                     f"{CONSTANTS[name]!r}" if name in CONSTANTS else
                     f"--{shorten(name)} is not used by the expression"
                     for name in values if name not in used]
    return values, warnings


MAX_RANGE_POINTS = 10_000_000


def parse_range(name: str, text: str, step_needed: bool = False):
    """'A:B' or 'A:B:STEP' -> (A, B, STEP or None), A < B and a positive step."""
    parts = [p.strip() for p in text.split(":")]
    shown = shorten(name)
    example = f"--{shown} 0:1:0.25" if step_needed else f"--{shown} -2:2"
    if len(parts) not in (2, 3) or not all(_NUMBER.match(p) for p in parts):
        raise InvalidValueError(f"the range given for '{shown}' is not A:B or A:B:STEP: "
                                f"{shorten(repr(text))}", hint=example)
    a, b = float(parts[0]), float(parts[1])
    step = float(parts[2]) if len(parts) == 3 else None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise InvalidValueError(f"the ends of the range of '{shown}' must be finite: {text}",
                                hint=example)
    if a >= b:
        raise InvalidValueError(
            f"the range {text.strip()} of '{shown}' is empty: it must go up, from A to B > A",
            hint=f"--{shown} " + ":".join([parts[1], parts[0]] + parts[2:]) if a > b else example)
    if not math.isfinite(b - a):
        raise InvalidValueError(f"the range {text.strip()} of '{shown}' is too wide for float64",
                                hint=example)
    if step is None and step_needed:
        raise InvalidValueError(f"the range {text.strip()} of '{shown}' needs a step here, "
                                "to say its points", hint=f"--{shown} {text.strip()}:0.1")
    if step is not None and not (math.isfinite(step) and step > 0):
        raise InvalidValueError(f"the step of the range {text.strip()} of '{shown}' must be a "
                                "positive number", hint=example)
    return a, b, step


def range_points(name: str, a: float, b: float, step: float):
    """A, A+STEP, ... <= B; B itself when the last step lands on it (to 1e-9 of a step)."""
    span = (b - a) / step
    if span + 1 > MAX_RANGE_POINTS:
        raise LimitError(f"the range of '{shorten(name)}' has {span + 1:.3g} points; at most "
                         f"{MAX_RANGE_POINTS:,}", hint="a larger step")
    count = math.floor(span + 1e-9) + 1
    points = a + step * np.arange(count, dtype=np.float64)
    if abs(points[-1] - b) <= 1e-9 * step:
        points[-1] = b
    return points
