"""Precompute the parser's LALR tables into ``tables.py``: ``python -m autodiff_cli.language.build_tables``.

Run after changing the grammar; a test fails until the tables match a fresh build.
"""

from __future__ import annotations

import os

from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from .grammar import GRAMMAR_FILE, OPTIONS, grammar_text

TABLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tables.py")


def tables_content() -> tuple[str, dict, dict]:
    """(grammar text, data, memo): what ``tables.py`` holds, built fresh from the grammar."""
    text = grammar_text()
    data, memo = Lark(text, **OPTIONS).memo_serialize([TerminalDef, Rule])
    return text, data, memo


def canonical(data: dict, memo: dict) -> dict:
    """The tables in a form two builds of the same grammar agree on.

    Lark numbers LALR states and memo entries in the order it meets them in sets,
    which varies from one build to the next; the automaton does not. So states are
    renumbered breadth-first from the start state (tokens in name order), and the
    memo references are replaced by what they refer to."""
    def resolve(item):
        if isinstance(item, dict) and set(item) == {"@"}:
            return repr(memo[item["@"]])
        return repr(item)

    parser = data["parser"]["parser"]
    names, states = parser["tokens"], parser["states"]
    start = parser["start_states"]["start"]
    number, queue = {start: 0}, [start]
    for state in queue:
        for token in sorted(states[state], key=names.get):
            action, target = states[state][token]
            if action == 0 and target not in number:  # a shift: the next state
                number[target] = len(number)
                queue.append(target)
    table = {}
    for state, row in states.items():
        table[number.get(state, f"unreachable {state}")] = {
            names[token]: ("shift", number[target]) if action == 0 else ("reduce", resolve(target))
            for token, (action, target) in row.items()}
    options = dict(data["options"])
    return {"states": table, "end": number.get(parser["end_states"]["start"]),
            "terminals": sorted(map(resolve, data["parser"]["lexer_conf"]["terminals"])),
            "rules": sorted(map(resolve, data["rules"])), "options": repr(options)}


def tables_source() -> str:
    text, data, memo = tables_content()
    return (f'"""LALR tables of grammars/{GRAMMAR_FILE}, precomputed (generated: do not edit).\n\n'
            f'Made by ``python -m autodiff_cli.language.build_tables``; used only while the\n'
            f'grammar below matches the shipped one (see lalr.machine and lark_parser._lark)."""\n\n'
            f"GRAMMAR = {text!r}\n"
            f"DATA = {data!r}\n"
            f"MEMO = {memo!r}\n")


def main() -> None:
    with open(TABLES, "w", encoding="utf-8") as out:
        out.write(tables_source())
    print(f"wrote {TABLES}")


if __name__ == "__main__":
    main()
