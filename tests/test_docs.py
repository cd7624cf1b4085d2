"""The README and docs/ show what the program does, and every link in them leads somewhere.

Every `$ ...` line of a ```console block, on any page, is run as a user would type it (in bash,
pipes included, from the repository's root, 80 columns) and its output must be exactly the
lines shown under it: stdout and stderr, in either order. A block after the line
`<!-- stderr on a terminal of N columns -->` is run with stderr on a terminal that wide. An example that stops matching the
program fails here, on whichever page it is.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docs_pages import (DOCS, README, ROOT, console_blocks, console_examples, fenced_blocks,
                        pages, read, section)
from terminals import stderr_on_a_terminal

EXAMPLES = [example for path in pages() for example in console_examples(path)]

# The reference the README used to hold: each topic is a page (or a section of one).
TOPICS = ["Usage", "The language", "Functions", "Output", "Pipelines", "Seeing the backward pass",
          "Higher derivatives and the gradient check", "Several results and Jacobians",
          "The derivative as a formula", "Plots", "Interactive session", "Errors and exit codes",
          "Performance", "Limits, robustness and safety", "The engine",
          "How the code is laid out"]


def run_shell(command: str, terminal_columns: int | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``command`` in bash, `autodiff` being this checkout's
    ``python -m autodiff_cli``: in pipes at 80 columns, or with stderr on a terminal of
    ``terminal_columns`` (no colour: what the page can show)."""
    script = f'autodiff() {{ "{sys.executable}" -m autodiff_cli "$@"; }}\nset -o pipefail\n{command}\n'
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(ROOT)
    if terminal_columns is None:
        env.update({"COLUMNS": "80", "LINES": "25"})
        proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr
    env["NO_COLOR"] = "1"
    code, shown, out = stderr_on_a_terminal(["bash", "-c", script], terminal_columns, env)
    return code, out, shown


def shows_an_error(shown: str) -> bool:
    return any(line.startswith("autodiff: ") and not line.startswith("autodiff: warning")
               for line in shown.splitlines())


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.page}: {e.command[:50]}")
def test_the_example_prints_what_the_page_shows(example):
    assert "autodiff " in example.command, example.command
    code, out, err = run_shell(example.command, example.terminal_columns)
    assert "Traceback" not in err, err[-2000:]
    assert example.shown in (out + err, err + out), (
        f"{example.page}: `$ {example.command}` now prints\n{out}{err}")
    # An error line shown means a failing exit code; none shown, success.
    assert (code != 0) == shows_an_error(example.shown), code


def test_a_block_marked_for_a_terminal_runs_with_stderr_on_one_of_that_width():
    marked = [e for e in EXAMPLES if e.terminal_columns]
    assert {(e.page, e.terminal_columns) for e in marked} == {("README.md", 80),
                                                                ("docs/trace-and-graph.md", 80)}
    assert all("--trace" in e.command for e in marked)
    probe = f'"{sys.executable}" -c "import os; print(os.isatty(2), os.get_terminal_size(2).columns' \
            ', file=__import__(\'sys\').stderr)"'
    assert run_shell(probe, 57) == (0, "", "True 57\n")
    assert run_shell(probe.replace(", os.get_terminal_size(2).columns", ""))[1:] == ("", "False\n")


SESSIONS = [(path, block) for path in pages() for block in fenced_blocks(read(path), "python")
            if block.startswith(">>> ")]


@pytest.mark.parametrize("path,block", SESSIONS, ids=lambda p: getattr(p, "name", ""))
def test_the_python_sessions_print_what_the_page_shows(path, block):
    test = doctest.DocTestParser().get_doctest(block, {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=lambda text: pytest.fail(text))
    assert result.attempted >= 1 and result.failed == 0


def test_every_command_line_of_a_console_block_is_an_example():
    for path in pages():
        blocks = console_blocks(read(path))
        assert all(block.startswith("$ ") for block in blocks), f"{path}: output without a command"
        commands = sum(line.startswith("$ ") for b in blocks for line in b.splitlines())
        assert commands == len(console_examples(path)), path
    assert {path.name for path, _ in SESSIONS} == {"engine.md"}  # the API's examples are found
    by_page = {e.page for e in EXAMPLES}
    assert len(EXAMPLES) >= 28 and {"README.md", "docs/diff.md", "docs/pipelines.md"} <= by_page


@pytest.mark.parametrize("title", TOPICS)
def test_each_topic_of_the_reference_is_a_page(title):
    assert section(title).strip()
    assert not read(README).count(f"\n## {title}\n"), "the reference lives in docs/, not the README"


def test_the_index_and_the_readme_link_every_page():
    index = read(DOCS / "README.md")
    readme = read(README)
    assert "](docs/README.md)" in readme
    for path in pages()[2:]:
        assert f"]({path.name})" in index, f"{path.name} is not in docs/README.md"
        assert f"](docs/{path.name})" in readme, f"the README does not link docs/{path.name}"
        assert read(path).startswith("# "), f"{path.name} has no title"


def links(text: str) -> list[str]:
    """The targets of the Markdown links and images outside code (blocks and `spans`)."""
    prose = re.sub(r"^ *```.*?^ *```", "", text, flags=re.M | re.S)
    prose = re.sub(r"`[^`\n]*`", "code", prose)
    return re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", prose)


def anchors(text: str) -> set[str]:
    """GitHub's anchors for a page's headings."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"^ *```.*?^ *```", "", text, flags=re.M | re.S),
                          flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def broken_links(path: Path) -> list[str]:
    """The relative links of a page whose file (or heading, after `#`) does not exist."""
    broken = []
    for target in links(read(path)):
        if re.match(r"[a-z]+:", target):  # https:, mailto:: not checked offline
            continue
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        if not resolved.exists() or not resolved.is_relative_to(ROOT):
            broken.append(target)
        elif anchor and anchor not in anchors(read(resolved)):
            broken.append(target)
    return broken


@pytest.mark.parametrize("path", [*pages(), ROOT / "examples" / "README.md"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_points_to_a_file_that_exists(path):
    assert broken_links(path) == []


def test_the_link_check_catches_a_missing_file_or_heading(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "here.md").write_text("# A title\n")
    page = tmp_path / "page.md"
    page.write_text("[ok](here.md) ![ok](here.md#a-title) [no](gone.md) `[code](gone.md)`\n"
                    "[no](here.md#b) [no](../outside.md) [web](https://example.org)\n"
                    "```\n[block](gone.md)\n```\n")
    assert broken_links(page) == ["gone.md", "here.md#b", "../outside.md"]
    assert len(links(read(README))) >= 20
