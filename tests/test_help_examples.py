"""Every command's --help ends with examples that run as shown, and the exit codes (issue 15,
item 20). The examples are read back out of the help text itself, then run in a shell."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from autodiff_cli.errors import ExitCode
from conftest import ROOT, run_cli

COMMANDS = ["eval", "diff", "graph", "check", "functions", "repl", "plot"]


def help_of(command: str | None) -> str:
    run = run_cli(*([command] if command else []), "--help", env={"COLUMNS": "80"})
    assert run.code == 0, run.err
    return run.out


def section(text: str, title: str) -> list[str]:
    """The lines of a help section ('Examples:'), up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    block = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        block.append(line.strip())
    return block


def examples(text: str) -> list[str]:
    """The command lines of the Examples section, without their '# what' comments."""
    return [re.split(r"\s{2,}# ", line)[0] for line in section(text, "Examples:")
            if not line.startswith("#")]


ALL = [(command, line) for command in [None, *COMMANDS] for line in examples(help_of(command))]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_ends_with_examples_and_the_exit_codes(command):
    text = help_of(command)
    assert text.rstrip().splitlines()[-1].strip().startswith(str(ExitCode.INTERRUPTED.value))
    codes = [int(line.split()[0]) for line in section(text, "Exit codes:")]
    assert codes == [code.value for code in ExitCode]
    found = examples(text)
    assert len(found) >= 2
    assert all(f"autodiff {command or ''}".rstrip() in line for line in found[:1])
    assert max(len(line) for line in text.splitlines()) <= 80


def test_eval_examples_cover_order_trace_points_and_each_line():
    found = " ".join(examples(help_of("eval")))
    for option in ("--order", "--trace", "--points", "--each-line"):
        assert option in found


def test_the_examples_of_the_main_help_name_the_main_commands():
    found = " ".join(examples(help_of(None)))
    for command in ("eval", "graph", "check", "diff"):
        assert f"autodiff {command} " in found


@pytest.mark.parametrize("command,line", ALL, ids=[f"{c}:{i}" for i, (c, _) in enumerate(ALL)])
def test_every_example_runs(command, line, tmp_path):
    """As a user would paste it into a shell: `autodiff` is this checkout's CLI."""
    if re.search(r"graph .* -o \S+\.(svg|png|pdf)", line) and shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    shell = f'autodiff() {{ "{sys.executable}" -m autodiff_cli "$@"; }}\n{line}\n'
    proc = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, timeout=120,
                          stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin",
                                                         "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, (line, proc.stderr.decode()[-600:])
    assert proc.stdout or any(tmp_path.iterdir()) or b"repl" in line.encode(), line
    assert b"Traceback" not in proc.stderr
