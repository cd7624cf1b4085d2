"""``eval - --each-line``: one program per input line, one result per line.

The grammar is built once for the process; each line is parsed and evaluated on
its own, so a bad line is reported (stderr, and an ``error`` object in JSON
Lines) and the others still run. Output is flushed whenever the input stalls.

Plain output: one row per program, tab-separated: ``f``, then ``df/dNAME`` for
each variable of that line in order of first appearance, or, with ``--wrt``,
for exactly the names given (0 for a name the line does not use).
"""

from __future__ import annotations

import json
import sys

from .errors import AutodiffError, ExitCode, InputError


def _lines(expression, file):
    """(line number, text) for each program line, streamed from stdin or a file."""
    from .commands import IOFailure
    from .streaming import blocks, open_input

    if file is None and expression not in (None, "-"):
        yield from enumerate(expression.split("\n"), start=1)
        return
    path = "-" if file is None else str(file)
    try:
        stream = open_input(path)
    except OSError as error:
        raise IOFailure(f"cannot read {path}: {error.strerror or error}") from None
    number = 0
    with stream:
        for data in blocks(stream, 1 << 16):
            for raw in data.split(b"\n")[:-1]:
                number += 1
                yield number, raw


def _text(raw) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte 0x{raw[error.start]:02x} at column "
                         f"{error.start + 1})") from None


def run_lines(expression, file, var, wrt, fmt, strict, no_color, max_size) -> int:
    from . import report
    from .api import evaluate
    from .commands import collect_values
    from .parser import parse

    if expression is None and file is None:
        from .arguments import UsageError

        raise UsageError("no programs given", hint="autodiff eval - --each-line < programs.txt")
    values, _ = collect_values(var, [])
    wanted = [w.strip() for w in wrt.split(",") if w.strip()] if wrt else None
    used: set[str] = set()
    out: list[str] = []
    code = ExitCode.OK
    for number, raw in _lines(expression, file):
        try:
            text = _text(raw).rstrip("\r")
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            program = parse(text, max_chars=max_size)
            used.update(program.inputs)
            names = program.variables if wanted is None else [w for w in wanted
                                                              if w in program.inputs]
            result = evaluate(program, values, wrt=names, strict=strict)
        except AutodiffError as error:
            _flush(out)
            _report(number, error, no_color)
            if fmt == "json":
                out.append(_error_record(number, error))
            code = max(code, error.exit_code)
            continue
        gradient = result.gradient if wanted is None else {
            w: result.gradient.get(w, 0.0) for w in wanted}
        for message in result.warnings:
            _flush(out)
            report.warning(f"line {number}: {message}", no_color)
        out.append(_render(number, result, gradient, fmt))
        if len(out) >= 256:
            _flush(out)
    _flush(out)
    for name in values:
        if name not in used:  # per line this would be noise; once, for values no line used
            report.warning(f"--{name} is not used by any line", no_color)
    return code


def _render(number: int, result, gradient: dict, fmt: str) -> str:
    from .render import jsonable, number as text

    if fmt == "plain":
        return "\t".join([text(result.value)] + [text(g) for g in gradient.values()]) + "\n"
    doc = {"line": number, "expression": result.expression, "inputs": jsonable(result.inputs),
           "value": jsonable(result.value), "gradient": jsonable(gradient),
           "warnings": list(result.warnings)}
    return json.dumps(doc, allow_nan=False, ensure_ascii=False) + "\n"


def _error_record(number: int, error: AutodiffError) -> str:
    doc = {"line": number, "error": f"{error.kind}: {error.message}"}
    if error.position is not None:
        doc["column"] = error.position.column
    if error.hint:
        doc["hint"] = error.hint
    return json.dumps(doc, ensure_ascii=False) + "\n"


def _report(number: int, error: AutodiffError, no_color: bool) -> None:
    from .report import color_wanted, format_error

    text = format_error(error).replace("autodiff: ", f"autodiff: line {number}: ", 1)
    if color_wanted(sys.stderr, no_color):
        head, _, rest = text.partition(":")
        text = f"\x1b[1;31m{head}:\x1b[0m{rest}"
    sys.stderr.write(text)
    sys.stderr.flush()


def _flush(out: list[str]) -> None:
    """Write what is pending: before anything goes to stderr, and whenever input stalls."""
    if out:
        sys.stdout.write("".join(out))
        out.clear()
    sys.stdout.flush()
