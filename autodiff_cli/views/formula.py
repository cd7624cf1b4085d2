"""The derivative's Formula as text: plain (programs eval reads back), text, JSON and LaTeX.

Parentheses are the fewest the language's precedence allows (``+ -`` < ``* /`` < unary
minus < ``^``, right-associative; ``-x^2`` is ``-(x^2)``), but never fewer than the tree
has: ``a + (b + c)`` keeps its parentheses, since floating-point addition does not
associate and the printed program must compute the same value. Expressions are printed
with an explicit stack, so a formula 10^5 deep prints like a shallow one.

With values (``At``: eval's result at a point), each format adds the derivatives' values
there: plain a third column, text ``= VALUE`` after each derivative and the point above,
JSON the keys ``inputs``, ``value`` and ``values``, LaTeX one ``\\left. ... \\right|_{x = 2}``
line per derivative. Rich is imported only when the coloured text is drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.formula import Formula, reachable
from ..errors import InvalidValueError
from . import record

# Precedence of what a node prints as.
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5
# Where a child stands, and which precedences may stand there without parentheses.
ANY = frozenset({SUM, PRODUCT, UNARY, POWER, ATOM})
SUM_RIGHT = frozenset({PRODUCT, POWER, ATOM})  # a - (b - c); a - (-b) is never written
PRODUCT_LEFT = frozenset({PRODUCT, UNARY, POWER, ATOM})  # -x*y is (-x)*y
PRODUCT_RIGHT = frozenset({POWER, ATOM})  # a*(b*c), a/(b*c)
NEGATED = frozenset({PRODUCT, POWER, ATOM})  # -x^2; -x*y for -(x*y): the same value
BASE = frozenset({ATOM})  # (x^2)^3, (-2)^x
EXPONENT = frozenset({UNARY, POWER, ATOM})  # x^-1, x^y^z

_SYMBOL = {"add": " + ", "sub": " - ", "mul": "*", "div": "/"}
_CONSTANT_NAMES = {math.pi: "pi", math.e: "e"}


def number(value: float) -> str:
    """The shortest text that reads back to the same float64, integers without '.0'."""
    if value in _CONSTANT_NAMES:
        return _CONSTANT_NAMES[value]
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)



def _call(head: str, args: tuple, close: str) -> list:
    """A call's pieces for a printer: its head, the arguments (any precedence) split by
    commas, and the closing bracket."""
    out: list = [head]
    for k, a in enumerate(args):
        if k:
            out.append(", ")
        out.append((a, ANY))
    out.append(close)
    return out

class Plain:
    """The tool's own language."""

    def __init__(self, formula: Formula):
        self.dag, self.bound = formula.dag, formula.bound

    def precedence(self, i: int) -> int:
        dag = self.dag
        op = dag.ops[i]
        if i in self.bound or op == "input":
            return ATOM
        if op == "const":
            return UNARY if dag.values[i] < 0 else ATOM
        return {"add": SUM, "sub": SUM, "mul": PRODUCT, "div": PRODUCT, "neg": UNARY,
                "pow": POWER}.get(op, ATOM)

    def leaf(self, i: int) -> str | None:
        """The text of a node that prints without children, else None."""
        dag = self.dag
        name = self.bound.get(i)
        if name is not None:
            return self.name(name)
        op = dag.ops[i]
        if op == "input":
            return self.name(dag.names[i])
        if op == "const":
            v = dag.values[i]
            return "-" + number(-v) if v < 0 else number(v)
        return None

    def name(self, name: str) -> str:
        return name

    def parts(self, i: int) -> list:
        """Texts and (child, allowed precedences) in order."""
        op, args = self.dag.ops[i], self.dag.args[i]
        if op in _SYMBOL:
            right = SUM_RIGHT if op in ("add", "sub") else PRODUCT_RIGHT
            left = ANY if op in ("add", "sub") else PRODUCT_LEFT
            return [(args[0], left), _SYMBOL[op], (args[1], right)]
        if op == "neg":
            return ["-", (args[0], NEGATED)]
        if op == "pow":
            return [(args[0], BASE), "^", (args[1], EXPONENT)]
        return self.call(op, args)

    def call(self, op: str, args: tuple) -> list:
        return _call(op + "(", args, ")")

    open, close = "(", ")"

    def expression(self, i: int, top: bool = True) -> str:
        """Node i written out; at the top a bound node is written out, not named."""
        out: list[str] = []
        stack: list = [(i, ANY, top)]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
                continue
            node, allowed, expand = item
            text = None if expand and node in self.bound else self.leaf(node)
            paren = not expand and self.precedence(node) not in allowed
            if text is not None:
                out.append(f"{self.open}{text}{self.close}" if paren else text)
                continue
            parts = self.parts(node)
            if paren:
                parts = [self.open, *parts, self.close]
            for part in reversed(parts):
                stack.append(part if isinstance(part, str) else (part[0], part[1], False))
        return "".join(out)


class Latex(Plain):
    """LaTeX math: \\cdot, \\frac, x^{2}, \\sin."""

    _FUNCTIONS = {"sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "log", "max", "min"}
    # How mathematics writes these (sign is sgn in print), where the name alone would not do.
    _SPELLED = {"asin": "\\arcsin", "acos": "\\arccos", "atan": "\\arctan",
                "sign": "\\operatorname{sgn}"}
    open, close = "\\left(", "\\right)"

    def precedence(self, i: int) -> int:
        if i not in self.bound and self.dag.ops[i] == "div":
            return ATOM  # a fraction needs no parentheses around it or inside it
        return super().precedence(i)

    def name(self, name: str) -> str:
        return latex_name(name)

    def leaf(self, i: int) -> str | None:
        text = super().leaf(i)
        if text is not None and self.dag.ops[i] == "const" and "e" in text[1:]:
            mantissa, _, exponent = text.partition("e")
            power = f"10^{{{int(exponent)}}}"
            return power if mantissa == "1" else f"{mantissa} \\cdot {power}"
        return text

    def parts(self, i: int) -> list:
        op, args = self.dag.ops[i], self.dag.args[i]
        if op == "mul":
            return [(args[0], PRODUCT_LEFT), " \\cdot ", (args[1], PRODUCT_RIGHT)]
        if op == "div":
            return ["\\frac{", (args[0], ANY), "}{", (args[1], ANY), "}"]
        if op == "pow":
            return [(args[0], BASE), "^{", (args[1], ANY), "}"]
        if op == "sqrt":
            return ["\\sqrt{", (args[0], ANY), "}"]
        if op == "cbrt":
            return ["\\sqrt[3]{", (args[0], ANY), "}"]
        if op == "abs":
            return ["\\left|", (args[0], ANY), "\\right|"]
        return super().parts(i)

    def call(self, op: str, args: tuple) -> list:
        head = (f"\\{op}" if op in self._FUNCTIONS else self._SPELLED.get(op)
                or f"\\operatorname{{{op}}}")
        return _call(head + "\\left(", args, "\\right)")


def latex_name(name: str) -> str:
    """x, t_{1}, \\mathit{speed}, x_{0}."""
    stem = name.rstrip("0123456789")
    digits = name[len(stem):]
    if "_" in stem.strip("_"):
        stem, _, sub = stem.partition("_")
        digits = sub + digits
    stem = stem.replace("_", "\\_")
    stem = stem if len(stem) == 1 else f"\\mathit{{{stem}}}"
    return f"{stem}_{{{digits}}}" if digits else stem



# --- the values at a point ---------------------------------------------------------------


@dataclass
class At:
    """The point and eval's numbers there: f's value and one value per derivative."""

    inputs: dict
    value: object
    values: list  # in the order of formula.derivatives


def at(formula: Formula, result) -> At:
    """The values of the formula's derivatives in eval's ``Result`` at the same point (with
    the same wrt and order): the numbers ``autodiff eval`` prints, not the formula re-run.
    Formulas are for scalar variables: vector values have no place in them."""
    if any(np.ndim(v) for v in result.inputs.values()):
        raise InvalidValueError("diff writes formulas for scalar variables; its values need "
                                "scalar values too", hint="give one point: one number each")
    values = []
    for d in formula.derivatives:
        if len(d.wrt) == 1:
            values.append(result.gradient[d.wrt[0]])
        elif formula.hessian:
            names = result.hessian["variables"]
            values.append(result.hessian["matrix"][names.index(d.wrt[0])][names.index(d.wrt[1])])
        else:
            values.append(result.derivatives[d.wrt[0]][-1])
    return At(result.inputs, result.value, values)


def _point(point: At) -> str:
    return ", ".join(f"{name} = {record.number(v)}" for name, v in point.inputs.items())


# --- the formats -------------------------------------------------------------------------


def programs(formula: Formula) -> list[str]:
    """Per derivative, a one-line program (the bindings it needs, then it) that reads back to
    its value. Each binding is printed once, however many lines repeat it."""
    printer = Plain(formula)
    statements = [(i, f"{name} = {printer.expression(i)}") for name, i in formula.bindings]
    masks = _needed_by(formula)
    out = []
    for k, d in enumerate(formula.derivatives):
        bit = 1 << k
        lines = [text for i, text in statements if masks[i] & bit]
        lines.append(printer.expression(d.node, top=False))
        out.append("; ".join(lines))
    return out


def _needed_by(formula: Formula) -> dict[int, int]:
    """node -> a bit set of the derivatives that use it (one pass, latest nodes first)."""
    dag = formula.dag
    roots = [d.node for d in formula.derivatives]
    masks = dict.fromkeys(reachable(dag, roots), 0)
    for k, r in enumerate(roots):
        masks[r] |= 1 << k
    for i in sorted(masks, reverse=True):  # ids are topological: users before what they use
        m = masks[i]
        for a in dag.args[i]:
            masks[a] |= m
    return masks


def plain(formula: Formula, point: At | None = None) -> str:
    """One line per derivative: 'df/dx<TAB>PROGRAM', PROGRAM reading back to its value; with
    a point, a third column: the derivative's value there."""
    lines = [f"{formula.label(d)}\t{program}"
             for d, program in zip(formula.derivatives, programs(formula))]
    if point is not None:
        lines = [f"{line}\t{record.number(v)}" for line, v in zip(lines, point.values)]
    return "".join(line + "\n" for line in lines)


def bindings(formula: Formula, printer: Plain | None = None) -> list[tuple[str, str]]:
    printer = printer or Plain(formula)
    return [(name, printer.expression(i)) for name, i in formula.bindings]


def derivatives(formula: Formula, printer: Plain | None = None) -> dict[str, str]:
    printer = printer or Plain(formula)
    return {formula.label(d): printer.expression(d.node, top=False) for d in formula.derivatives}


def text_lines(formula: Formula, point: At | None = None) -> list[tuple[str, str, str | None]]:
    """(name, expression, value or None): the bindings once, then each derivative."""
    printer = Plain(formula)
    lines = [(name, expr, None) for name, expr in bindings(formula, printer)]
    values = point.values if point is not None else [None] * len(formula.derivatives)
    lines += [(label, expr, None if v is None else record.number(v))
              for (label, expr), v in zip(derivatives(formula, printer).items(), values)]
    return lines


def text(formula: Formula, point: At | None = None) -> str:
    """The bindings once, then 'df/dx = ...' per derivative ('= VALUE' after it at a point,
    which the first line names: 'at x = 2.0: f = 8.0')."""
    lines = [f"at {_point(point)}: {formula.function} = {record.number(point.value)}"] \
        if point is not None else []
    lines += [f"{name} = {expr}" + (f" = {value}" if value is not None else "")
              for name, expr, value in text_lines(formula, point)]
    return "\n".join(lines) + "\n"


def styled(formula: Formula, point: At | None = None):
    """The text format as Rich Text, coloured like the rest of the tool: names as the
    table's quantities, the point dim, the values bold."""
    from rich.text import Text

    out = Text()
    if point is not None:
        out.append(f"at {_point(point)}: {formula.function} = {record.number(point.value)}\n",
                    style="dim")
    for name, expr, value in text_lines(formula, point):
        out.append(name, style="cyan")
        out.append(f" = {expr}")
        if value is not None:
            out.append(" = ")
            out.append(value, style="bold")
        out.append("\n")
    out.rstrip()
    return out


def as_json(formula: Formula, point: At | None = None, warnings=()) -> dict:
    """{'expression', 'wrt', 'order', 'bindings': [[name, expr]], 'derivatives': {label: expr}},
    and at a point 'inputs', 'value' and 'values' ({label: number}); then 'warnings'."""
    printer = Plain(formula)
    doc = {"expression": formula.expression, "wrt": list(formula.wrt), "order": formula.order,
           "bindings": [list(b) for b in bindings(formula, printer)],
           "derivatives": derivatives(formula, printer)}
    if point is not None:
        doc["inputs"] = record.jsonable(point.inputs)
        doc["value"] = record.jsonable(point.value)
        doc["values"] = {formula.label(d): record.jsonable(v)
                         for d, v in zip(formula.derivatives, point.values)}
    doc["warnings"] = list(warnings)
    return doc


def latex_label(formula: Formula, wrt: tuple[str, ...]) -> str:
    f = latex_name(formula.function)
    n = len(wrt)
    if n == 1:
        return f"\\frac{{\\partial {f}}}{{\\partial {latex_name(wrt[0])}}}"
    if len(set(wrt)) == 1 and not formula.hessian:
        return f"\\frac{{\\partial^{{{n}}} {f}}}{{\\partial {latex_name(wrt[0])}^{{{n}}}}}"
    below = " ".join(f"\\partial {latex_name(v)}" for v in wrt)
    return f"\\frac{{\\partial^{{{n}}} {f}}}{{{below}}}"


def latex(formula: Formula, point: At | None = None) -> str:
    """One LaTeX line per binding and derivative: '\\frac{\\partial f}{\\partial x} = ...';
    at a point, then one line per value: '\\left.\\frac{...}\\right|_{x = 2} = 12'."""
    printer = Latex(formula)
    lines = [f"{latex_name(name)} = {printer.expression(i)}" for name, i in formula.bindings]
    lines += [f"{latex_label(formula, d.wrt)} = {printer.expression(d.node, top=False)}"
              for d in formula.derivatives]
    if point is not None:
        where = ", ".join(f"{latex_name(name)} = {latex_number(v)}"
                          for name, v in point.inputs.items())
        lines += [f"\\left.{latex_label(formula, d.wrt)}\\right|_{{{where}}} = {latex_number(v)}"
                  for d, v in zip(formula.derivatives, point.values)]
    return "\n".join(lines) + "\n"


def latex_number(value) -> str:
    """A value as LaTeX: 12, 0.5, 1.5 \\cdot 10^{-7}, \\infty, \\mathrm{NaN}; a vector in parentheses."""
    text = record.number(value)
    if "," in text:
        return "\\left(" + ", ".join(latex_number(float(t)) for t in text.split(",")) + "\\right)"
    v = float(value)
    if math.isnan(v):
        return "\\mathrm{NaN}"
    if math.isinf(v):
        return "\\infty" if v > 0 else "-\\infty"
    text = str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa} \\cdot 10^{{{int(exponent)}}}"
    return text
