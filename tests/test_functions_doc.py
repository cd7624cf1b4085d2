"""autodiff functions: the registry as documentation (PRODUCT §3)."""

from __future__ import annotations

import json
from pathlib import Path

FUNCTIONS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "functions.md"

# PRODUCT §3, "at least": (name, arity).
REQUIRED = [(n, 2) for n in ("add", "sub", "mul", "div", "pow", "atan2", "hypot", "min", "max",
                             "dot")] + [(n, 1) for n in (
    "neg square sqrt cbrt exp expm1 log log1p log2 log10 sin cos tan asin acos atan sinh cosh "
    "tanh asinh acosh atanh sigmoid softplus relu abs sum mean prod norm logsumexp max min"
).split()]


def test_every_function_of_the_contract_is_listed(cli):
    run = cli("functions", "--format", "json")
    assert run.code == 0
    listed = {(f["name"], f["arity"]) for f in json.loads(run.out)}
    assert sorted(set(REQUIRED) - listed) == []
    for entry in json.loads(run.out):
        assert entry["derivative"], entry["name"]


def test_the_functions_page_table_is_the_generated_markdown(cli):
    text = FUNCTIONS_PAGE.read_text(encoding="utf-8")
    start = text.index("<!-- functions:start")
    end = text.index("<!-- functions:end -->") + len("<!-- functions:end -->")
    assert text[start:end] + "\n" == cli("functions", "--format", "markdown").out


def test_table_lists_every_name(cli):
    run = cli("functions", "--format", "table", env={"COLUMNS": "200"})
    assert run.code == 0
    for name, _ in REQUIRED:
        assert f"{name}(" in run.out


def test_plain_in_a_pipe_is_one_tab_separated_line_per_function(cli):
    from autodiff_cli.core import registry

    run = cli("functions")
    lines = run.out.splitlines()
    assert lines[0].split("\t") == ["function", "arity", "summary", "derivative", "notes"]
    assert len(lines) == 1 + len(registry.FUNCTIONS)
    assert all(len(line.split("\t")) == 5 for line in lines)


def test_one_function_and_the_constants(cli):
    one = cli("functions", "sin")
    assert one.out.splitlines()[1:] == ["sin(x)\t1\tsine\tcos(x)\t"]
    both = cli("functions", "max", "--format", "json")
    assert [e["signature"] for e in json.loads(both.out)] == ["max(x, y)", "max(v)"]
    table = cli("functions", "--format", "table", env={"COLUMNS": "200"})
    assert "what it is" in table.out and "constants" in table.out and "3.141592653589793" in table.out
    unknown = cli("functions", "ln")
    assert unknown.code == 2 and "the language writes it log(...)" in unknown.err
