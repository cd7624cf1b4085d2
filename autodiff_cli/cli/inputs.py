"""Reading what a command works on: the program (argument, stdin or file) and its values."""

from __future__ import annotations

import sys

from ..errors import InputError, IOFailure, UsageError
from ..language.parser import parse
from ..options import ProgramOptions
from .arguments import check_unused_names
from .values import collect_values


def load(command: str, options: ProgramOptions):
    """The program, its values, and warnings about values it does not use.

    A value for a name the program does not use, spelt like an option (``--ordr 2``),
    is taken for the misspelt option it is: an error, not a warning."""
    if options.max_size < 1:
        raise UsageError(f"--max-size must be at least 1, got {options.max_size}")
    program = parse(read_program(options.expression, options.file), max_chars=options.max_size)
    values, warnings = collect_values(options.values, program.variables)
    check_unused_names(command, [name for name in values if name not in program.inputs])
    return program, values, warnings


def read_program(expression: str | None, file: str | None) -> str:
    if expression is not None and file is not None:
        raise UsageError("give the expression or --file, not both")
    if file is None and expression is None:
        raise UsageError("no expression given", hint='autodiff eval "x^2" --x 3, or --file PATH')
    if file is not None and str(file) != "-":
        try:
            with open(file, "rb") as source:
                data = source.read()
        except OSError as error:
            raise IOFailure(f"cannot read {file}: {error.strerror or error}") from None
        return decode(data, str(file))
    if expression == "-" or file is not None:  # '-' or --file -
        return decode(read_stdin(), "standard input")
    return expression


def read_stdin() -> bytes:
    try:
        return sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError) as error:  # closed: None, or a closed file
        raise IOFailure(f"cannot read standard input: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    if isinstance(error, AttributeError):
        return "it is closed"
    return str(getattr(error, "strerror", None) or error)


def decode(data: bytes, origin: str) -> str:
    """UTF-8 text; a leading byte-order mark (some editors write one) is skipped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{origin} is not UTF-8 text (byte 0x{data[error.start]:02x} at "
                         f"offset {error.start})", hint="the program must be text") from None
