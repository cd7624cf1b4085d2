"""A small table-driven LALR(1) driver: the precomputed tables, a compiled-regex lexer, and
reductions straight into a ``ProgramBuilder``. Lark is not imported at all.

It runs the very tables Lark would (``tables.py``), reduces in the same order and builds
the same nodes, at a fraction of Lark's per-token cost. It only ever accepts or rejects:
on any text it cannot parse it raises ``Rejected`` before building anything more, and the
caller hands the text to Lark, whose errors (messages, carets, hints) are the language's.

Why a plain lexer is enough: Lark's contextual lexer tries, in each parser state, the
terminals that state accepts, in one fixed order; this lexer tries them all, in the same
order. Where the token found here is accepted by the state, Lark finds the same token
(every terminal ahead of it in the order failed here already); where it is not, the parse
stops here, and Lark decides. So whatever this driver accepts, Lark accepts alike.

Nothing recurses: the input decides only the length of two stacks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..core import registry


class Rejected(Exception):
    """This driver cannot parse the text: a syntax error, or a grammar it does not support."""


class _Unsupported(Exception):
    """The tables use a Lark feature this driver does not implement: Lark parses instead."""


# Reduction opcodes (see _Machine._rule).
_UNIT, _PICK, _CALL, _BINARY, _UNARY = range(5)


def _regexp(pattern: dict) -> str:
    """Lark's ``Pattern.to_regexp``: a string escaped, a regular expression as is, flags around."""
    value = re.escape(pattern["value"]) if pattern["__type__"] == "PatternStr" else pattern["value"]
    for flag in pattern["flags"]:
        value = f"(?{flag}:{value})"
    return value


def _max_width(pattern: dict) -> int:
    return len(pattern["value"]) if pattern["__type__"] == "PatternStr" else pattern["_width"][1]


class _Machine:
    """The tables, turned into lists and dicts of small ints for a fast loop."""

    def __init__(self, data: dict, memo: dict):
        def ref(item):
            return memo[item["@"]] if isinstance(item, dict) and set(item) == {"@"} else item

        lexer = data["parser"]["lexer_conf"]
        parser = data["parser"]["parser"]
        if lexer.get("g_regex_flags") or lexer.get("use_bytes") or data["options"].get(
                "keep_all_tokens") or data["options"].get("lexer") != "contextual":
            raise _Unsupported("lexer options")
        self.token_id = {name: i for i, name in parser["tokens"].items()}
        terminals = [ref(t) for t in lexer["terminals"]]
        if any(t["priority"] != 0 for t in terminals):
            raise _Unsupported("terminal priorities")
        # Lark retypes a string that a regexp also matches (a keyword): not done here. One
        # alternation of the regexps (fullmatch backtracks through all of them): one compile.
        regexps = re.compile("|".join(f"(?:{_regexp(t['pattern'])})" for t in terminals
                                      if t["pattern"]["__type__"] == "PatternRE") or "(?!)")
        if any(regexps.fullmatch(t["pattern"]["value"]) for t in terminals
               if t["pattern"]["__type__"] == "PatternStr"):
            raise _Unsupported("a string terminal that a regexp terminal matches")
        # Lark's BasicLexer order: the regexp alternation takes the first that matches.
        terminals.sort(key=lambda t: (-t["priority"], -_max_width(t["pattern"]),
                                      -len(t["pattern"]["value"]), t["name"]))
        self.scanner = re.compile("|".join(f"(?P<{t['name']}>{_regexp(t['pattern'])})"
                                           for t in terminals))
        ignore = set(lexer["ignore"])
        self.kinds = [-1] * (self.scanner.groups + 1)  # group number -> token id (-1: ignored)
        for name, group in self.scanner.groupindex.items():
            self.kinds[group] = -1 if name in ignore else self.token_id.get(name, -2)
        if -2 in self.kinds:
            raise _Unsupported("a terminal the parser never uses")
        self.end = self.token_id["$END"]
        self.lpar, self.rpar = self.token_id.get("LPAR"), self.token_id.get("RPAR")
        self.separator = self.token_id.get("_SEP")
        # actions[state][token id]: a shift (or goto) to state s as s, a reduction by rule r as ~r.
        count = max(parser["states"]) + 1
        self.actions: list[dict] = [{} for _ in range(count)]
        rules: dict[int, int] = {}
        self.rules: list[tuple] = []
        for state, row in parser["states"].items():
            for token, (action, target) in row.items():
                if action == 0:
                    self.actions[state][token] = target
                else:
                    key = target["@"]
                    if key not in rules:
                        rules[key] = len(self.rules)
                        self.rules.append(self._rule(ref(target)))
                    self.actions[state][token] = ~rules[key]
        self.start = parser["start_states"]["start"]
        self.end_state = parser["end_states"]["start"]

    def _rule(self, rule: dict) -> tuple:
        """(opcode, size, origin's token id, argument): how one reduction builds its value.

        Lark's tree builder, for the features this grammar uses: anonymous and '_' terminals
        are dropped, '_' rules are inlined into their parent, ``[x]`` leaves a None, a ``?rule``
        with one child left is that child, and every other rule calls its callback."""
        options = rule["options"]
        if options.get("priority") is not None or options.get("template_source"):
            raise _Unsupported("rule options")
        expansion = rule["expansion"]
        size, origin = len(expansion), self.token_id[rule["origin"]["name"]]
        name = rule["alias"] or rule["origin"]["name"]
        empty = list(options.get("empty_indices") or ())
        # Each child: 'drop', 'keep' or 'inline'; and Nones to put before it (placeholders).
        nones = ([len(ones) for ones in "".join(str(int(b)) for b in empty).split("0")]
                 if empty else [0] * (size + 1))
        plan = []
        for i, symbol in enumerate(expansion):
            terminal = symbol["__type__"] == "Terminal"
            if terminal and (symbol["filter_out"] or symbol["name"].startswith("_")):
                how = "drop"
            elif not terminal and symbol["name"].startswith("_"):
                how = "inline"
            else:
                how = "keep"
            plan.append((i, how, nones[i]))
        trailing = nones[size]
        kept = [i for i, how, _ in plan if how != "drop"]
        if rule["origin"]["name"].startswith("_"):
            return (_CALL, size, origin, (plan, trailing, list))
        if options["expand1"] and not rule["alias"] and len(kept) == 1 and not any(
                n for *_, n in plan) and not trailing and plan[kept[0]][1] == "keep":
            if size == 1:
                return (_UNIT, size, origin, None)
            return (_PICK, size, origin, kept[0] - size)
        if name in _CALLBACKS:
            return (_CALL, size, origin, (plan, trailing, _CALLBACKS[name]))
        if name in registry.operator_names():
            shape = tuple(s["__type__"] for s in expansion)
            if shape == ("NonTerminal", "Terminal", "NonTerminal") and kept == [0, 1, 2]:
                return (_BINARY, size, origin, (name, registry.lookup(name, 2)))
            if shape == ("Terminal", "NonTerminal") and kept == [0, 1]:
                return (_UNARY, size, origin, (name, registry.lookup(name, 1)))
            raise _Unsupported(f"operator rule {name} of another shape")
        raise _Unsupported(f"no callback for {name}")

    def parse(self, source: str, builder):
        """The builder's program for ``source``; ``Rejected`` where it is not the language."""
        actions, rules, kinds = self.actions, self.rules, self.kinds
        lpar, rpar, separator = self.lpar, self.rpar, self.separator
        separators, operator = builder.separators, builder.operator
        states, values = [self.start], []
        depth = pos = 0
        for match in self.scanner.finditer(source):
            if match.start() != pos:
                raise Rejected(pos)  # a character no terminal matches
            pos = match.end()
            kind = kinds[match.lastindex]
            if kind < 0:
                continue  # white space, a comment, a line continuation
            # Lark's post-lexer (lark_parser._Statements): a new line inside parentheses continues.
            if kind == lpar:
                depth += 1
            elif kind == rpar:
                if depth:
                    depth -= 1
            elif kind == separator:
                if depth and match.group() != ";":
                    continue
                separators.append(match.start())
            while True:
                action = actions[states[-1]].get(kind)
                if action is None:
                    raise Rejected(match.start())
                if action >= 0:
                    states.append(action)
                    values.append(match)
                    break
                opcode, size, origin, argument = rules[~action]
                if opcode == _UNIT:  # expr: sum, and the like: only the state moves on
                    states[-1] = actions[states[-2]][origin]
                elif opcode == _BINARY:  # the commonest reduction, inlined
                    a, token, b = values[-3:]
                    del states[-3:], values[-3:]
                    states.append(actions[states[-1]][origin])
                    values.append(operator(argument[0], [a, b], token.start(), argument[1]))
                else:
                    self._reduce(rules[~action], states, values, builder)
        if pos != len(source):
            raise Rejected(pos)
        end, end_state = self.end, self.end_state
        while True:
            action = actions[states[-1]].get(end)
            if action is None or action >= 0:
                raise Rejected(len(source))
            self._reduce(rules[~action], states, values, builder)
            if states[-1] == end_state:
                return values[-1]

    def _reduce(self, rule, states, values, builder) -> None:
        opcode, size, origin, argument = rule
        if opcode == _UNIT:  # expr: sum, and the like: the value stays, the state moves on
            states[-1] = self.actions[states[-2]][origin]
            return
        if opcode == _BINARY:
            name, spec = argument
            a, token, b = values[-3:]
            value = builder.operator(name, [a, b], token.start(), spec)
        elif opcode == _UNARY:
            name, spec = argument
            token, a = values[-2:]
            value = builder.operator(name, [a], token.start(), spec)
        elif opcode == _PICK:  # "(" expr ")"
            value = values[argument]
        else:
            plan, trailing, callback = argument
            children = []
            for i, how, nones in plan:
                if nones:
                    children += [None] * nones
                if how == "keep":
                    children.append(values[i - size])
                elif how == "inline":
                    children += values[i - size]
            if trailing:
                children += [None] * trailing
            value = callback(children) if callback is list else callback(children, builder)
        if size:
            del states[-size:]
            del values[-size:]
        states.append(self.actions[states[-1]][origin])
        values.append(value)


_CALLBACKS = {
    "start": lambda c, b: b.finish(c),
    "number": lambda c, b: b.number(c[0].group(), c[0].start()),
    "name": lambda c, b: b.name(c[0].group(), c[0].start()),
    "call": lambda c, b: b.call(c[0].group(), c[1] or [], c[0].start()),
    "arguments": lambda c, b: list(c),
    "assign": lambda c, b: b.assign(c[0].group(), c[1], c[0].start()),
    "pos": lambda c, b: c[1],
    "outputs": lambda c, b: b.outputs(list(c)),
}

@lru_cache(maxsize=None)
def machine() -> _Machine | None:
    """The driver for the shipped tables, built once; None if they are stale (made from
    another grammar) or use a feature this driver lacks: then Lark parses everything."""
    from . import tables  # lazy: a large literal, needed only when a program is parsed
    from .grammar import grammar_text

    if tables.GRAMMAR != grammar_text():
        return None
    try:
        return _Machine(tables.DATA, tables.MEMO)
    except (_Unsupported, KeyError, TypeError, re.error):
        return None
