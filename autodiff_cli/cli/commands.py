"""What each command does, given its options object: pick the mode and the view, make the call.

Nothing here imports Typer: ``main.py`` runs ``run_eval`` directly for the common
one-shot ``autodiff eval EXPR --x 2``. The table views import Rich only when a
table is drawn (a door of the lazy-import policy, see main.py).
"""

from __future__ import annotations

import sys

from ..api import evaluate
from ..core.higher import check_order
from ..core.program import one_result, with_outputs
from ..errors import ExitCode, IOFailure, UsageError
from ..options import CheckOptions, DiffOptions, EvalOptions, FunctionsOptions, GraphOptions
from ..views import record, terminal
from .arguments import check_unused_names
from .inputs import load
from .values import collect_values


def resolve_format(fmt: str) -> str:
    """'auto' is a table for a person at a terminal, plain text for a pipe."""
    if fmt == "auto":
        return "table" if sys.stdout.isatty() else "plain"
    return fmt


def run_eval(options: EvalOptions) -> int:
    """``autodiff eval``: one evaluation, ``--points`` or ``--each-line``."""
    check_order(options.order)
    if options.wrt is not None and not options.wrt.replace(",", "").strip():
        raise UsageError("--wrt names no variable", hint="for example --wrt x,y")
    if options.points is not None or options.each_line:
        return _run_batch(options)
    program, values, warnings = load("eval", options)
    result = evaluate(program, values, wrt=options.wrt, strict=options.strict,
                      trace=options.trace, order=options.order, series=options.series,
                      outputs=_names(options.output), mode=options.mode,
                      jacobian=options.jacobian)
    result.warnings[:0] = warnings
    for message in result.warnings:
        terminal.warning(message, options.no_color)
    if options.digits is not None and not 1 <= options.digits <= 17:
        raise UsageError(f"--digits must be from 1 to 17, got {options.digits}",
                         hint="--digits 6")
    extra = _show_trace(result, options) if options.trace else None
    fmt = resolve_format(options.format)
    if fmt == "table":
        terminal.console(options.no_color).print(record.table(result, options.digits))
    elif fmt == "plain":
        terminal.write(record.plain(result))
    else:
        terminal.write(record.as_json(result, extra=extra))
    return ExitCode.OK


def _names(text: str | None) -> list[str] | None:
    """--output f,g as names; None without it."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError("--output names no result", hint="for example --output f,g")
    return names


def _show_trace(result, options: EvalOptions) -> dict:
    """The trace on stderr, and the JSON member for it: a table fitted to a terminal (each
    backward pass under a heading naming its result), tab-separated lines for a file or a
    pipe (a first column naming the result, with several)."""
    from ..views import trace as trace_view  # lazy by policy: only --trace shows it

    traces = result.traces if result.traces is not None else {None: result.trace}
    if not terminal.is_terminal(sys.stderr) and any(t.steps for t in traces.values()):
        sys.stderr.write(trace_view.lines(traces))
    else:
        console = terminal.error_console(options.no_color)
        for name, trace in traces.items():
            title = "backward pass" if name is None else f"backward pass of {name}"
            console.print(trace_view.table(trace, title=title, digits=options.digits))
    if result.traces is None:
        if result.derivatives is not None or result.hessian is not None:
            sys.stderr.write("autodiff: note: this is the first-order backward pass; higher "
                             "orders come from Taylor mode (pure derivatives) and a second "
                             "backward pass per row (the Hessian), which are not traced\n")
        return {"trace": trace_view.as_json(result.trace)}
    return {"trace": {name: trace_view.as_json(t) for name, t in result.traces.items()}}


def _run_batch(options: EvalOptions) -> int:
    """The streaming modes: checks common to both, then one call."""
    if options.trace:
        raise UsageError("--trace works on one evaluation, not with --points or --each-line",
                         hint="trace one of those points on its own")
    if options.format == "table":
        raise UsageError("--format table does not stream", hint="use --format plain or json")
    if options.points is not None and options.each_line:
        raise UsageError("give --points or --each-line, not both")
    if options.jacobian:
        raise UsageError("--jacobian works on one evaluation, not with --points or --each-line",
                         hint="each row's gradient is the Jacobian of a scalar result")
    if options.series is not None:
        raise UsageError("--series works on one evaluation, not with --points or --each-line",
                         hint="ask for the derivatives as columns instead: --order N")
    if options.each_line:
        from ..batch import each_line

        if options.expression is None and options.file is None:
            raise UsageError("no programs given",
                             hint="autodiff eval - --each-line < programs.txt")
        values, _ = collect_values(options.values, None)
        check_unused_names("eval", values)  # no line is parsed yet: a typo is a typo
        return each_line.run(options, values)
    from ..batch import points

    if options.points == "-" and (options.expression == "-" or options.file == "-"):
        raise UsageError("the program and the points cannot both come from stdin",
                         hint="give the expression as an argument or with --file PATH")
    program, values, warnings = load("eval", options)
    if options.output is not None:
        program = with_outputs(program, _names(options.output))
    for message in warnings:
        terminal.warning(message, options.no_color)
    return points.run(program, values, options)


def run_graph(options: GraphOptions) -> int:
    """``autodiff graph``: the computational graph as DOT, a text tree, or an image; without
    values for every variable, its structure (no computed values, no gradients)."""
    from ..core.ids import GraphIds
    from ..views import graph as graph_view, graphviz

    program, values, warnings = load("graph", options)
    one_result(program, "graph")
    output = options.output
    if output is not None and output != "-" and not graphviz.known_suffix(output):
        raise UsageError(f"graph does not know how to write {output}",
                         hint="an image (.svg, .png, .pdf, .jpg, ...), DOT text (.dot, .gv) "
                              "or the tree (.txt)")
    caption = None
    if all(name in values for name in program.inputs):
        from ..core.graph import build, gradients

        graph = build(program, values)
        gradients(graph, program.variables, retain_grad=True)  # every node shows its gradient
        warnings += graph.warnings
        top = graph.output
    else:
        from ..core.structure import structure

        drawn = structure(program, values)
        top, caption = drawn.output, structure_caption(drawn.given, drawn.missing)
        if output is not None or not sys.stdout.isatty():  # else the tree shows the caption
            sys.stderr.write(f"autodiff: note: {caption}\n")
        misspelt = _misspelt(values, drawn.missing)
        if misspelt:
            sys.stderr.write(f"autodiff: note: {misspelt}\n")
    for message in warnings:
        terminal.warning(message, options.no_color)
    ids = GraphIds.walk(top)
    shown = {"gradients": caption is None, "caption": caption}
    fmt = options.format
    if fmt == "auto":
        named_text = output is not None and output.lower().endswith(".txt")
        fmt = "text" if named_text or (output is None and sys.stdout.isatty()) else "dot"
    if output is not None and graphviz.image_format(output):
        if fmt == "text":
            raise UsageError(f"{output} is an image; --format text writes text",
                             hint="--output graph.txt")
        graphviz.render(graph_view.dot(ids, program.source, **shown), output)
    elif fmt == "dot":
        save_or_write(output, graph_view.dot(ids, program.source, **shown))
    elif output is None and sys.stdout.isatty():
        console = terminal.console(options.no_color)
        console.print(graph_view.tree_group(ids, console.width, **shown))
    else:
        save_or_write(output, terminal.render_text(graph_view.tree_group(ids, **shown)))
    return ExitCode.OK


def structure_caption(given: list[str], missing: list[str]) -> str:
    """What a graph drawn without every value shows, and what it leaves out."""
    if not given:
        return ("the structure only: no values were given, so no values or gradients are "
                "drawn (give every variable a value for them: " +
                " ".join(f"--{name} VALUE" for name in missing) + ")")
    return (f"the structure only: {_listed(missing)} {'has' if len(missing) == 1 else 'have'} "
            f"no value, so only the values given ({_listed(given)}) and the constants are "
            "drawn, with no computed values or gradients")


def _misspelt(values: dict, missing: list[str]) -> str:
    """'--yy was given: did you mean --y?' when a value's name is close to a missing one."""
    from ..errors import close_matches

    for given in values:
        near = close_matches(given, missing, n=1)
        if given not in missing and near:
            return f"--{given} was given: did you mean --{near[0]}?"
    return ""


def _listed(names: list[str]) -> str:
    return ", ".join(names)


def run_check(options: CheckOptions) -> int:
    """``autodiff check``: exact derivatives against central differences; exit 1 if any is off."""
    from ..core import check
    from ..views import check as check_view

    check.validate(options.eps, options.rtol, options.atol, options.order)
    program, values, warnings = load("check", options)
    if not program.inputs:
        terminal.warning("nothing to check: the expression has no variables", options.no_color)
        return ExitCode.OK
    report = check.check(program, values, eps=options.eps, rtol=options.rtol,
                         atol=options.atol, order=options.order, wrt=options.wrt)
    for message in warnings + report.warnings:
        terminal.warning(message, options.no_color)
    fmt = resolve_format(options.format)
    if fmt == "table":
        terminal.console(options.no_color).print(check_view.table(report))
    else:
        terminal.write(check_view.plain(report) if fmt == "plain" else check_view.as_json(report))
    if report.failures:
        terminal.error(check.failure(report), options.no_color)
        return ExitCode.EVALUATION_FAILED
    return ExitCode.OK


def run_functions(options: FunctionsOptions) -> int:
    """``autodiff functions [NAME]``: the registry, for people or for grep."""
    from ..views import catalogue

    fmt = resolve_format(options.format)
    if fmt == "table":
        terminal.console(options.no_color).print(catalogue.table(options.name))
    elif fmt == "markdown":
        terminal.write(catalogue.markdown())
    else:
        terminal.write({"json": catalogue.as_json, "plain": catalogue.plain}[fmt](options.name))
    return ExitCode.OK


def run_diff(options: DiffOptions) -> int:
    """``autodiff diff``: the derivative as a formula; given values, its values there too."""
    from ..core.derive import MAX_ORDER, derivative
    from ..views import formula as formula_view

    check_order(options.order, MAX_ORDER)
    if options.wrt is not None and not options.wrt.replace(",", "").strip():
        raise UsageError("--wrt names no variable", hint="for example --wrt x,y")
    program, values, warnings = load("diff", options)
    formula = derivative(program, wrt=options.wrt, order=options.order)
    point = None
    if values:  # the derivatives' values there: eval's numbers, with eval's warnings
        result = evaluate(program, values, wrt=formula.wrt, order=options.order)
        point = formula_view.at(formula, result)
        warnings += result.warnings
    else:
        warnings += program.warnings
    if not formula.wrt:
        warnings.append("the expression has no variables: its derivative is empty")
    for message in warnings:
        terminal.warning(message, options.no_color)
    fmt = options.format
    if fmt == "auto":
        fmt = "text" if sys.stdout.isatty() else "plain"
    if fmt == "text" and terminal.color_wanted(sys.stdout, options.no_color):
        terminal.console(options.no_color).print(formula_view.styled(formula, point),
                                                  soft_wrap=True)
    elif fmt == "json":
        terminal.write(record.dumps(formula_view.as_json(formula, point, warnings)))
    else:
        terminal.write({"text": formula_view.text, "plain": formula_view.plain,
                        "latex": formula_view.latex}[fmt](formula, point))
    return ExitCode.OK


def run_plot(options) -> int:
    """``autodiff plot``: f and its derivatives over a range, and its critical points."""
    from . import plot  # lazy by policy: only plot draws charts

    return plot.run(options)


def save_or_write(path: str | None, text: str) -> None:
    """Write ``text`` to the file, or to stdout without one."""
    if path is None or path == "-":
        terminal.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        raise IOFailure(f"cannot write {path}: {error.strerror or error}") from None


def run_repl(options) -> int:
    """``autodiff repl``: an interactive session (cli/repl.py), or entries from a pipe."""
    from . import repl  # lazy by policy: a one-shot eval never loads the session

    return repl.run(options)
