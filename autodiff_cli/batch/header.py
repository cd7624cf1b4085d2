"""The ``--points`` header: the delimiter, the columns, which of them are variables.

When a variable is not among the columns, the hint says what was read, since the cause
is usually the header itself: a wrong ``--delimiter`` (the header did not split), a
first line of data instead of names, or a name in another case (``X`` for ``x``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..core.graph import resolve_wrt
from ..core.program import Program
from ..errors import InputError, InvalidValueError, UsageError, did_you_mean, shorten

DELIMITERS = {",": ",", "comma": ",", ";": ";", "tab": "\t", "\t": "\t",
              "space": None, " ": None, "whitespace": None}
# A number as the rows' variables (and eval's --x) accept it: ASCII digits, no '_'.
NUMBER = re.compile(r"[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)\Z",
                    re.IGNORECASE)


def delimiter_for(option: str | None, header: str) -> str | None:
    """',' ';' or tab; None for runs of whitespace. Detected from the header unless given."""
    if option is not None:
        if option not in DELIMITERS:
            raise UsageError(f"unknown delimiter {option!r}",
                             hint="one of ',', ';', tab, space (runs of whitespace)")
        return DELIMITERS[option]
    for candidate in (",", "\t", ";"):
        if candidate in header:
            return candidate
    return None


def delimiter_name(delimiter: str | None) -> str:
    return {None: "whitespace", "\t": "tab"}.get(delimiter, f"'{delimiter}'")


@dataclass
class Layout:
    """What the header says: the columns, which of them are variables, and the output header."""

    columns: list[str]
    delimiter: str | None
    used: dict[str, int]  # variable -> column index
    constants: dict[str, object]  # variable -> value given with --NAME
    wrt: list[str]
    rowwise: bool = False
    unused_values: list[str] = field(default_factory=list)
    order: int = 1  # --order: derivatives above the first become extra columns
    results: list[str] = field(default_factory=lambda: ["f"])  # the program's results
    mode: str = "auto"  # how the Jacobian of several results is computed
    expression: str = ""  # the program's text, as eval's JSON has it


def read_header(line: str, option: str | None, program: Program, values: dict,
                wrt, number: int = 1) -> Layout:
    """The layout of the header ``line`` (line ``number`` of the input)."""
    line = line.rstrip("\r\n")
    delimiter = delimiter_for(option, line)
    columns = [c.strip() for c in (line.split(delimiter) if delimiter else line.split())]
    if not any(columns):
        raise InputError("the first line must name the columns", hint="for example: x,y")
    seen = set()
    for name in columns:
        if name in seen:
            raise InputError(f"the column '{name}' appears twice in the header (line {number})")
        seen.add(name)
    used, constants = {}, {}
    for name in program.variables:
        if name in columns and name in values:
            raise UsageError(f"'{name}' is both a column and --{name}",
                             hint=f"drop --{name} or the column")
        if name in columns:
            used[name] = columns.index(name)
        elif name in values:
            constants[name] = values[name]
        else:
            raise InvalidValueError(
                f"the variable '{name}' is neither a column nor a value",
                hint=_missing_hint(name, line, number, columns, delimiter, option,
                                   program.variables))
    rowwise = program.has_reductions or any(np.ndim(v) > 0 for v in constants.values())
    unused = [name for name in values if name not in program.inputs]
    return Layout(columns, delimiter, used, constants, resolve_wrt(program, wrt), rowwise, unused,
                  results=list(program.output_names), expression=program.source)


def _missing_hint(name: str, line: str, number: int, columns: list[str],
                  delimiter: str | None, option: str | None, variables: list[str]) -> str:
    """Why the variable ``name`` is not a column, saying what the header was read as."""
    read_as = (f"the header (line {number}) was read with the delimiter "
               f"{delimiter_name(delimiter)} as the columns "
               + ", ".join(f"'{shorten(c)}'" for c in columns))
    if len(columns) == 1 and re.search(r"[^\w.]", columns[0]):  # 'x;y', 'x|y': not a name
        how = ("is --delimiter right? (without it the separator is detected)" if option
               else "the separator must be ',', ';', tab or whitespace")
        return (f"the header was read as one column, '{shorten(columns[0])}' (line "
                f"{number}): {how}")
    if all(NUMBER.match(c) for c in columns if c):
        return (f"the first line (line {number}), '{shorten(line.strip())}', looks like data, "
                f"not names: the first line names the columns, for example: "
                f"{(delimiter or ' ').join(variables)}")
    same = [c for c in columns if c.lower() == name.lower()]
    if same:
        return (f"{read_as}; names are case-sensitive: rename the column '{same[0]}' "
                f"to '{name}'")
    near = did_you_mean(name, columns)
    return f"{read_as}; " + (near or f"add a column '{name}' or give --{name} VALUE")
