"""The ``--NAME VALUE`` arguments: turning them into ``--var NAME=VALUE`` before Typer sees them.

Click cannot declare an option per variable, and with unknown options allowed
it would take the value of ``--x 2`` as the expression. So the command line is
normalised first: known options pass through, ``--x 2`` / ``--x=-3`` become
``--var x=2`` / ``--var x=-3``, and the expression is put after ``--`` so that
an expression starting with '-' (``-x^2``) is never read as an option.
"""

from __future__ import annotations

import re

from ..errors import InputError, InvalidValueError, shorten

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
_NUMBER = re.compile(r"[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)\Z", re.IGNORECASE)
_NUMBER_LIST = re.compile(r"\[?[\s\d.eE+\-,infatyINFATY]*\]?\Z")  # looks like a value


class UsageError(InputError):
    kind = "usage error"


def normalise(tokens: list[str], options: dict[str, bool]) -> list[str]:
    """Rewrite a command's arguments. ``options`` maps each known option to 'takes a value'."""
    passed: list[str] = []
    assignments: list[str] = []
    positional: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "--":
            positional += tokens[i:]
            break
        name, eq, value = token.partition("=")
        if name in options and (name.startswith("--") or name == token or eq):
            passed.append(token)
            if options[name] and not eq:
                if i >= len(tokens):
                    raise UsageError(f"the option {name} needs a value")
                passed.append(tokens[i])
                i += 1
        elif token.startswith("--") and len(token) > 2:
            variable = name[2:]
            if not IDENTIFIER.match(variable):
                raise UsageError(f"unknown option '{name}'",
                                 hint="values are given as --NAME VALUE, NAME a variable of the "
                                      "expression; see --help")
            if not eq:
                if i >= len(tokens) or _is_option(tokens[i]):
                    raise InvalidValueError(f"--{variable} needs a value", hint=f"--{variable} 2.0")
                value = tokens[i]
                i += 1
            _check_not_an_option_typo(name, value, options)
            assignments += ["--var", f"{variable}={value}"]
        else:
            positional.append(token)
    if len(positional) > 1:
        raise UsageError(f"expected one expression, got {len(positional)}: "
                         + " ".join(repr(p) for p in positional[:4]),
                         hint="quote the expression: autodiff eval \"x^2 + 1\" --x 3")
    return passed + assignments + (["--"] + positional if positional else [])


def _is_option(token: str) -> bool:
    """'--y' or '--format' (the next option), as opposed to a value such as '-3' or '-.5'."""
    return token.startswith("--") and len(token) > 2


def _check_not_an_option_typo(name: str, value: str, options: dict[str, bool]) -> None:
    """'--formt json' is a misspelt option, not a variable 'formt' with a bad value."""
    import difflib  # only when a message needs it (start-up time)

    if _NUMBER_LIST.match(value.strip()):
        return
    near = difflib.get_close_matches(name, [o for o in options if o.startswith("--")], n=1,
                                     cutoff=0.75)
    if near:
        raise UsageError(f"unknown option '{name}'", hint=f"did you mean {near[0]}?")


def parse_assignment(text: str) -> tuple[str, str]:
    """'x=2' -> ('x', '2'), for --var."""
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq or not IDENTIFIER.match(name):
        raise UsageError(f"--var expects NAME=VALUE, got {text!r}", hint="--var x=2.5")
    return name, value


def parse_value(name: str, text: str):
    """A number or a comma-separated vector, as float64."""
    import numpy as np  # not at import time: --help must not pay for numpy

    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    parts = [p.strip() for p in body.split(",")]
    if len(parts) > 1 and not all(parts):
        raise InvalidValueError(f"the vector given for '{name}' has an empty element: {text!r}",
                          hint=f"--{name} 1,2,3")
    if not all(_NUMBER.match(p) for p in parts):
        bad = next((p for p in parts if not _NUMBER.match(p)), text)
        raise InvalidValueError(f"the value of '{shorten(name)}' is not a number: {shorten(repr(bad))}",
                          hint=f"--{shorten(name)} 2.5, or a vector: --{shorten(name)} 1,2,3")
    if len(parts) == 1 and "," not in body:
        return np.float64(float(parts[0]))
    return np.array([float(p) for p in parts], dtype=np.float64)
