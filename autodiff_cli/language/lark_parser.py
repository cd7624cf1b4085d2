"""Lark's LALR parser for the language, and its syntax errors in plain words.

The fast driver (``lalr.py``) parses every valid program without Lark; this module runs
only when it rejects a text (or its tables are stale): Lark then parses it again, with the
callbacks attached, so that a syntax error is reported as Lark finds it, with the
expected terminals, caret and hints below. Lark reduces straight into a
``ProgramBuilder``: no parse tree and no recursion, however deeply the input nests.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from ..core import registry
from ..core.program import Program, ProgramBuilder
from ..errors import ParseError, Position, shorten
from .grammar import OPTIONS, grammar_text


class _Callbacks:
    """Lark calls these as it reduces; each forwards to the current builder."""

    def __init__(self):
        self.builder: ProgramBuilder | None = None

    def start(self, children):
        return self.builder.finish(children)

    def number(self, children):
        (token,) = children
        return self.builder.number(str(token), token.start_pos)

    def name(self, children):
        (token,) = children
        return self.builder.name(str(token), token.start_pos)

    def call(self, children):
        token, args = children
        return self.builder.call(str(token), args or [], token.start_pos)

    def arguments(self, children):
        return list(children)

    def assign(self, children):
        token, node = children
        return self.builder.assign(str(token), node, token.start_pos)

    def pos(self, children):
        return children[1]

    def outputs(self, children):
        return self.builder.outputs(list(children))

    def __getattr__(self, name):
        """An operator rule (aliased to its registry name): reduce to that function."""
        if name not in registry.operator_names():
            raise AttributeError(name)

        def reduce(children):
            token = next(c for c in children if isinstance(c, Token))
            args = [c for c in children if not isinstance(c, Token)]
            return self.builder.operator(name, args, token.start_pos)
        return reduce


_callbacks = _Callbacks()


@lru_cache(maxsize=None)
def _lark() -> Lark:
    """The parser, built once per process.

    Building the LALR tables from the grammar costs about 30 ms, a fifth of a
    one-shot run, so they are precomputed into ``tables.py`` (plain Python
    literals: no pickle, no cache file; ``python -m autodiff_cli.language.build_tables``
    remakes them). They are used only when they were made from this very grammar
    text (compared whole: it is short, and hashing would cost more to import); if
    not, or if this Lark cannot load them, the grammar is analysed as usual.
    """
    text = grammar_text()
    from . import tables  # lazy: a large literal, needed only when a program is parsed

    if tables.GRAMMAR == text:
        try:
            return Lark._load_from_dict(tables.DATA, tables.MEMO, transformer=_callbacks,
                                        postlex=_Statements())
        except Exception:  # noqa: BLE001 - tables from an incompatible Lark: build them
            pass
    return Lark(text, transformer=_callbacks, postlex=_Statements(), **OPTIONS)


class _Statements:
    """Lark's post-lexer: inside parentheses a new line continues the expression, as in
    Python (a ';' still ends a statement, and is an error there):
        f = (x^2 +
             y^2)
    It also tells the builder where each top-level separator is, so that a statement
    whose value is thrown away can be quoted in a warning."""

    always_accept = ("_SEP",)  # lexed in every state, so that it reaches process()

    def process(self, stream):
        depth = 0
        separators = _callbacks.builder.separators
        for token in stream:
            if token.type == "LPAR":
                depth += 1
            elif token.type == "RPAR":
                depth = max(0, depth - 1)
            elif token.type == "_SEP":
                if depth and token.value != ";":
                    continue
                separators.append(token.start_pos)
            yield token


def parse_with_lark(source: str, builder: ProgramBuilder) -> Program:
    """The builder's program, or the ``ParseError`` Lark's parse of ``source`` ends in."""
    parser = _lark()
    _callbacks.builder = builder
    try:
        return parser.parse(source)
    except (UnexpectedCharacters, UnexpectedToken, UnexpectedEOF) as error:
        raise _syntax_error(error, source, parser) from None
    finally:
        _callbacks.builder = None


# Characters pasted from documents, and what the language writes instead.
_ASCII_FOR = {"−": "'-'", "–": "'-'", "—": "'-'", "×": "'*'", "·": "'*'", "∙": "'*'",
              "⋅": "'*'", "∗": "'*'", "÷": "'/'", "∕": "'/'", "²": "^2", "³": "^3",
              "√": "sqrt(...)", "π": "pi", "\u00a0": "a plain space", "\ufeff": "nothing (it is "
              "a byte-order mark: save the file as UTF-8 without one)"}
_OPERAND = {"NUMBER", "NAME", "LPAR", "MINUS", "PLUS"}
_OPERATOR = {"PLUS", "MINUS", "STAR", "SLASH", "POW"}


def _expected(names, parser: Lark) -> str:
    """The expected terminals in plain words, grouped the way a reader thinks of them."""
    names = set(names)
    words = []
    if names & {"NUMBER", "NAME"}:  # an operand may start here
        words += ["a number", "a name", "'('", "'-'"]
        names -= _OPERAND
    if names & {"STAR", "SLASH", "POW"}:  # an operand just ended
        words.append("an operator (+ - * / ^)")
        names -= _OPERATOR | {"LPAR"}  # '(' here would be a call: the name already says so
    for name in ("RPAR", "COMMA", "EQUAL"):
        if name in names:
            words.append(f"'{parser.get_terminal(name).pattern.value}'")
            names.discard(name)
    if names & {"_SEP", "$END"}:
        words.append("the end of the statement")
        names -= {"_SEP", "$END"}
    words += sorted(_describe(n, parser) for n in names)
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _describe(terminal: str, parser: Lark) -> str:
    try:
        pattern = parser.get_terminal(terminal).pattern
    except KeyError:
        return terminal.lower()
    return f"'{pattern.value}'" if pattern.type == "str" else terminal.lower()


def _token_words(token: Token) -> str:
    if token.type == "$END":
        return "end of input"
    if token.type == "_SEP":
        return "end of line" if token.value.strip("\r") == "\n" else "';'"
    if token.type == "NUMBER":
        return f"number {shorten(token.value)}"
    if token.type == "NAME":
        return f"name '{shorten(token.value)}'"
    return f"'{token.value}'"


def _end_position(source: str) -> Position:
    """Just after the last non-blank character: where an unfinished program stops."""
    trimmed = len(source.rstrip())
    line = source.count("\n", 0, trimmed) + 1
    column = trimmed - (source.rfind("\n", 0, trimmed) + 1) + 1
    return Position(line, column, trimmed)


def _multiplication_hint(source: str, offset: int, token_text: str) -> str | None:
    before = source[max(0, offset - 64):offset].rstrip()  # bounded: no quadratic regex work
    number = re.search(r"(?<![\w.])[\d.]+(?:[eE][+-]?\d+)?$", before)
    if number and number.group(0) == "0" and token_text[:1] in "xXbBoO" and len(token_text) > 1:
        return "numbers are decimal: hexadecimal, binary and octal literals are not part of the language"
    if number and token_text[:1] == "_":
        return f"numbers have no '_' separators: write {number.group(0)}{token_text[1:]}"
    if number and token_text in ("e", "E"):
        return (f"an exponent needs digits ({shorten(number.group(0))}e3); to multiply by the "
                f"constant e, write {shorten(number.group(0))}*e")
    if number and (token_text[:1].isalpha() or token_text[:1] in "_("):
        return f"to multiply, write {shorten(number.group(0))}*{shorten(token_text)}"
    if before[-1:] == ")" and (token_text[:1].isalpha() or token_text == "("):
        return f"to multiply, write ...)*{shorten(token_text)}"
    if re.search(r"[A-Za-z_0-9]$", before) and token_text[:1].isalpha():
        return "two values side by side: is an operator such as '*' missing?"
    return None


def _acceptable(error, fallback) -> set:
    """What the parser accepts at the error, exactly: the lexer's or the LALR table's own
    sets are wider (merged look-aheads; a new line is lexed everywhere)."""
    try:
        return set(error.interactive_parser.accepts())
    except Exception:  # noqa: BLE001 - an older Lark: fall back to its own list
        return set(fallback or [])


def _syntax_error(error, source: str, parser: Lark) -> ParseError:
    if isinstance(error, UnexpectedCharacters):
        char = source[error.pos_in_stream] if error.pos_in_stream < len(source) else ""
        shown = repr(char)[1:-1] if char.isprintable() else f"U+{ord(char):04X}" if char else ""
        position = Position(error.line, error.column, error.pos_in_stream)
        hint = None
        if char in _ASCII_FOR:
            hint = f"'{char}' is not part of the language: write {_ASCII_FOR[char]}"
        elif char.isdecimal() and not char.isascii():  # full-width and other scripts' digits
            hint = f"numbers are written with the ASCII digits 0-9: {int(char)}"
        elif char and char in "[{":
            hint = "use ( and ) to group"
        elif char == "!" or char == "&" or char == "|":
            hint = "the language has + - * / ^ and functions; see 'autodiff functions'"
        elif char == "=" :
            hint = "'=' binds a name at the start of a statement: a = x^2"
        return ParseError(f"unexpected character '{shown}'; expected "
                            f"{_expected(_acceptable(error, error.allowed), parser)}",
                            position=position, hint=hint, source=source)
    token = error.token
    expected = _expected(_acceptable(error, error.expected), parser)
    if token.type == "$END":
        position = _end_position(source)
        return ParseError(f"the input ended too soon; expected {expected}",
                            position=position, source=source,
                            hint="close every '(' with ')'" if source.count("(") > source.count(")")
                            else None)
    position = Position(token.line, token.column, token.start_pos)
    hint = _multiplication_hint(source, token.start_pos, str(token.value))
    if token.type == "RPAR" and source.count(")") > source.count("("):
        hint = "this ')' has no matching '('"
    return ParseError(f"unexpected {_token_words(token)}; expected {expected}",
                        position=position, hint=hint, source=source)
