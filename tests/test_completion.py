"""Shell completion: --show-completion SHELL prints that shell's script, --install-completion
SHELL installs it for that shell, and the scripts' call-backs complete (issue 15, item 21)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from test_layout import loaded_by


def in_home(home, *args, env=None):
    """autodiff ARGS with HOME (and the shells' config) in a scratch directory."""
    return run_cli(*args, env={"HOME": str(home), "ZDOTDIR": str(home),
                               "XDG_CONFIG_HOME": str(home / ".config"), **(env or {})})


@pytest.mark.parametrize("shell,marks", [
    ("zsh", ["#compdef autodiff", "_autodiff_completion()",
             "compdef _autodiff_completion autodiff", "_AUTODIFF_COMPLETE=complete_zsh"]),
    ("bash", ["_autodiff_completion()", "complete -o default -F _autodiff_completion autodiff",
              "_AUTODIFF_COMPLETE=complete_bash"]),
    ("fish", ["complete --command autodiff", "_AUTODIFF_COMPLETE=complete_fish"]),
])
def test_show_completion_prints_the_named_shells_script_and_touches_nothing(tmp_path, shell,
                                                                            marks):
    for args in (["--show-completion", shell], [f"--show-completion={shell}"]):
        run = in_home(tmp_path, *args)
        assert run.code == 0, run.err
        for mark in marks:
            assert mark in run.out, (mark, run.out)
        assert run.err == ""
    assert list(tmp_path.iterdir()) == []  # no file of the user's written or made


def test_show_completion_names_the_shell_asked_for_not_the_one_it_runs_in(tmp_path):
    """From bash (this test's parent may be any shell), zsh still gets the zsh script."""
    run = subprocess.run(["bash", "-c", f'"{sys.executable}" -m autodiff_cli '
                                        "--show-completion zsh"],
                         capture_output=True, text=True, env={**os.environ,
                                                              "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0 and run.stdout.startswith("#compdef autodiff")
    assert "complete -o default" not in run.stdout


def test_an_unknown_shell_is_a_usage_error(tmp_path):
    run = in_home(tmp_path, "--show-completion", "tcsh")
    assert run.code == 2 and "no completion for the shell 'tcsh'" in run.err
    assert "zsh" in run.err and "Traceback" not in run.err


def test_install_completion_zsh_writes_the_zsh_files_in_home(tmp_path):
    run = in_home(tmp_path, "--install-completion", "zsh")
    assert run.code == 0, run.err
    assert "zsh completion installed in" in run.out
    zshrc = (tmp_path / ".zshrc").read_text()
    assert "compinit" in zshrc
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "autodiff" in p.name]
    assert written and "compdef _autodiff_completion autodiff" in written[0].read_text()
    assert not (tmp_path / ".bashrc").exists()


@pytest.mark.parametrize("env,expected", [
    ({"_AUTODIFF_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "autodiff gr"}, "graph"),
    ({"_AUTODIFF_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "autodiff eval --tr"},
     "--trace"),
    ({"_AUTODIFF_COMPLETE": "complete_bash", "COMP_WORDS": "autodiff ev", "COMP_CWORD": "1"},
     "eval"),
    ({"_AUTODIFF_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": "autodiff graph --format ",
      "_TYPER_COMPLETE_FISH_ACTION": "get-args"}, "dot"),
])
def test_the_scripts_call_back_and_complete(tmp_path, env, expected):
    run = in_home(tmp_path, env=env)
    assert run.code == 0, run.err
    assert expected in run.out


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_loads_the_script():
    """zsh parses the script and defines the completion function."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = subprocess.run([sys.executable, "-m", "autodiff_cli", "--show-completion", "zsh"],
                            capture_output=True, text=True, env=env).stdout
    check = script.replace("compdef _autodiff_completion autodiff", "") + \
        "\nwhence -w _autodiff_completion\n"
    run = subprocess.run(["zsh", "-f", "-c", check], capture_output=True, text=True)
    assert run.returncode == 0 and "_autodiff_completion: function" in run.stdout, run.stderr


def test_completion_imports_neither_numpy_nor_lark():
    for argv in (["--show-completion", "zsh"], ["--show-completion", "bash"]):
        assert {"numpy", "lark"} & loaded_by(argv) == set(), argv
