"""``eval - --each-line``: one program per input line, one result per line, streamed.

The grammar is built once for the process; each line is parsed and evaluated on
its own, so a bad line is reported (stderr, and an ``error`` object in JSON Lines)
and the others still run. Results are written as soon as the input pauses, so a
slow producer sees each answer before it sends the next line.

Plain output: one row per program, tab-separated: the input's line number (so that
results join back to their lines when some lines fail or are blank), ``f``, then
``df/dNAME`` for each variable of that line in order of first appearance, or, with
``--wrt``, for exactly the names given (0 for a name the line does not use, in the
higher-order columns of ``--order`` too, so the columns are the same on every line).
"""

from __future__ import annotations

import sys

from ..api import evaluate
from ..errors import AutodiffError, ExitCode, InputError, IOFailure
from ..language.parser import parse
from ..options import EvalOptions
from ..views import record, terminal
from .streaming import blocks, open_input

FLUSH_EVERY = 256  # results gathered into one write while the input keeps coming


def _lines(expression: str | None, file: str | None):
    """Blocks of (line number, text) for the program lines, streamed from stdin or a file:
    a block ends where the input pauses, and the caller writes its results then."""
    if file is None and expression not in (None, "-"):
        yield list(enumerate(expression.split("\n"), start=1))
        return
    path = "-" if file is None else str(file)
    try:
        stream = open_input(path)
    except OSError as error:
        raise IOFailure(f"cannot read {path}: {error.strerror or error}") from None
    number = 0
    with stream:
        for data in blocks(stream, 1 << 16):
            lines = data.split(b"\n")[:-1]
            yield list(enumerate(lines, start=number + 1))
            number += len(lines)


def _text(raw, number: int) -> str:
    """A line as text; the first may start with a byte-order mark, which is skipped."""
    if isinstance(raw, str):
        return raw.lstrip("\ufeff") if number == 1 else raw
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte 0x{raw[error.start]:02x} at column "
                         f"{error.start + 1})") from None


def run(options: EvalOptions, values: dict) -> int:
    """Evaluate each line of ``options.expression`` ('-': stdin) or ``options.file``."""
    fmt = "plain" if options.format == "auto" else options.format
    wanted = [w.strip() for w in options.wrt.split(",") if w.strip()] if options.wrt else None
    used: set[str] = set()
    out: list[str] = []
    code = ExitCode.OK
    for block in _lines(options.expression, options.file):
        for number, raw in block:
            try:
                text = _text(raw, number).rstrip("\r")
                if not text.strip() or text.lstrip().startswith("#"):
                    continue
                program = parse(text, max_chars=options.max_size)
                used.update(program.inputs)
                names = program.variables if wanted is None else [
                    w for w in wanted if w in program.inputs]
                result = evaluate(program, values, wrt=names or None, strict=options.strict,
                                  order=options.order if names or wanted is None else 1)
                if wanted is not None:
                    same_columns(result, wanted, names, options.order)
            except AutodiffError as error:
                _flush(out)
                error = error.in_command_line_words()
                terminal.error(error, options.no_color, prefix=f"line {number}: ")
                if fmt == "json":
                    out.append(_error_record(number, error))
                code = max(code, error.exit_code)
                continue
            for message in result.warnings:
                _flush(out)
                terminal.warning(f"line {number}: {message}", options.no_color)
            out.append(_render(number, result, wanted or list(result.gradient), fmt))
            if len(out) >= FLUSH_EVERY:
                _flush(out)
        _flush(out)  # the input paused (or a block ended): show what is done
    for name in values:
        if name not in used:  # per line this would be noise; once, for values no line used
            terminal.warning(f"--{name} is not used by any line", options.no_color)
    return code


def same_columns(result, wanted: list[str], used: list[str], order: int) -> None:
    """Under --wrt every line has the same columns: a name the line does not use has
    derivatives 0 (in the gradient, the Hessian and the pure derivatives), so a column
    never changes meaning from one line to the next."""
    if not used:  # evaluated without --wrt: drop what was said of the line's other variables
        result.warnings = [w for w in result.warnings
                           if not w.startswith("the derivative with respect to")]
    result.gradient = {name: result.gradient.get(name, 0.0) for name in wanted}
    elements = result.hessian and "[" in "".join(result.hessian["variables"])
    if order == 1 or result.jacobian is not None or elements or used == wanted:
        return
    zero = _zero_like(result.value)
    pure = {**(result.derivatives or {})} if used else {}
    bounds = {**(result.bounds or {})} if used else {}
    if len(wanted) > 1:
        old = result.hessian or {"variables": [], "matrix": []}
        at = {(a, b): v for a, row in zip(old["variables"], old["matrix"])
              for b, v in zip(old["variables"], row)}
        at.update({(a, a): ders[1] for a, ders in pure.items()})  # one variable used
        result.hessian = {"variables": list(wanted),
                          "matrix": [[at.get((a, b), zero) for b in wanted] for a in wanted]}
    if len(wanted) == 1 or order > 2:
        result.derivatives = {name: pure.get(name, [zero] * order) for name in wanted}
        if result.bounds is not None or not used:
            result.bounds = {name: bounds.get(name, [0.0] * order) for name in wanted}
    else:
        result.derivatives = result.bounds = None


def _zero_like(value):
    shape = getattr(value, "shape", ())
    if not shape:
        return 0.0
    import numpy as np  # lazy: only a vector line needs it

    return np.zeros(shape)


def _render(number: int, result, names: list[str], fmt: str) -> str:
    if fmt == "plain":  # with --order, the higher derivatives follow, as record labels them
        return f"{number}\t" + record.plain_row(result, names)
    gradient = {name: result.gradient.get(name, 0.0) for name in names}
    result.gradient = gradient
    return record.as_json(result, before={"line": number})


def _error_record(number: int, error: AutodiffError) -> str:
    doc = {"line": number, "error": f"{error.kind}: {error.message}"}
    if error.position is not None:
        doc["column"] = error.position.column
    if error.hint:
        doc["hint"] = error.hint
    return record.dumps(doc)


def _flush(out: list[str]) -> None:
    """Write what is pending: before anything goes to stderr, and whenever input stalls."""
    if out:
        sys.stdout.write("".join(out))
        out.clear()
    sys.stdout.flush()
