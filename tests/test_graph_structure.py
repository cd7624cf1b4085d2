"""autodiff graph without values: the structure, in every format (issue 15, item 11)."""

from __future__ import annotations

import re
import shutil

import pytest

from terminals import on_a_terminal

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
PROGRAMS = ["x*y + sin(y)", "a = square(x); y = square(a) + square(a)",
            "b = x*y + sin(y)*(2*pi); b", "sum(x*y) + exp(2)*x", "f = x; g = x^2 + 3*log(4); g"]


def labels(dot_text: str) -> dict[str, str]:
    """node id -> its label, for the node statements of a DOT text."""
    return dict(re.findall(r'^  ([vf]\d+) \[label="([^"]*)"', dot_text, re.MULTILINE))


def edges(dot_text: str) -> list[str]:
    return [line for line in dot_text.splitlines() if "->" in line]


@pytest.mark.parametrize("program", PROGRAMS)
def test_without_values_the_dot_is_the_graph_with_values_less_its_numbers(cli, program):
    """Same nodes, ids and edges as with values; no value or gradient on what is computed."""
    bare = cli("graph", program, "--format", "dot")
    full = cli("graph", program, "--x", "1,2", "--y", "3,4", "--format", "dot")
    assert bare.code == 0 and full.code == 0, bare.err + full.err
    assert edges(bare.out) == edges(full.out)
    bare_labels, full_labels = labels(bare.out), labels(full.out)
    assert bare_labels.keys() == full_labels.keys()
    for node, label in bare_labels.items():
        if "constant" in label:  # a constant's value is in the program: drawn as with values
            assert label == full_labels[node]
        else:
            assert "value" not in label.replace("no value", "") and "grad" not in label, label
            assert label.split("\\n")[0] == full_labels[node].split("\\n")[0]
    assert "autodiff: note: the structure only: no values were given" in bare.err
    assert "--x VALUE --y VALUE" in bare.err or "--x VALUE" in bare.err


def test_inputs_without_a_value_say_so_and_the_picture_has_a_caption(cli):
    run = cli("graph", "x*y + sin(y)", "--format", "dot")
    found = labels(run.out)
    assert found["v0"] == "x (v0)\\nno value" and found["v1"] == "y (v1)\\nno value"
    assert re.search(r'^  label="the structure only: .*"; labelloc=b;', run.out, re.M)


def test_some_values_missing_draws_the_given_ones_and_names_the_missing(cli):
    run = cli("graph", "x*y + sin(y)", "--x", "2", "--format", "dot")
    assert run.code == 0, run.err
    found = labels(run.out)
    assert found["v0"] == "x (v0)\\nvalue 2.0" and found["v1"] == "y (v1)\\nno value"
    assert all("grad" not in label for label in found.values())
    note = run.err.strip()
    assert note.count("\n") == 0 and note.startswith("autodiff: note: the structure only: y has no value")
    assert "values given (x)" in note and "no computed values or gradients" in note


def test_a_misspelt_value_name_is_pointed_out(cli):
    run = cli("graph", "x + y", "--x", "1", "--yy", "2", "--format", "dot")
    assert run.code == 0 and "--yy was given: did you mean --y?" in run.err


def test_text_tree_in_a_pipe_has_the_caption_and_no_numbers_computed(cli):
    run = cli("graph", "a = square(x); y = square(a) + square(a)", "--format", "text")
    assert run.code == 0, run.err
    first, blank, *tree = run.out.splitlines()
    assert first.startswith("the structure only") and blank == ""
    assert tree[0] == "y (v4)   <- f3 add, generation 2"
    assert not any(" = " in line or "grad" in line for line in tree)
    assert any("x (v0)   input, no value" in line for line in tree)


def test_text_tree_on_a_terminal():
    import os
    import pty
    import subprocess
    import sys

    from conftest import ROOT

    # stdout on the terminal too: graph draws the tree for a person there.
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TERM": "xterm-256color"}
    proc = subprocess.Popen([sys.executable, "-m", "autodiff_cli", "graph", "x*y + sin(y)",
                             "--x", "2"], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                            env=env)
    os.close(slave)
    shown = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        shown.extend(data)
    assert proc.wait(60) == 0
    os.close(master)
    text = shown.decode().replace("\r\n", "\n")
    assert "x (v0) = 2.0   input" in text and "y (v1)   input, no value" in text
    assert not re.search(r"\bgrad\b", text)
    # The tree on the terminal starts with the caption; no note repeats it on stderr.
    assert text.startswith("the structure only: y has no value")
    assert "autodiff: note: the structure only" not in text


def test_stderr_note_on_a_terminal_stdout_dot_in_a_pipe():
    err, out = on_a_terminal(["graph", "sin(x)", "--format", "dot"], 80)
    assert out.startswith("digraph autodiff {") and "no value" in out
    assert "the structure only" in err


@needs_dot
@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"),
                                          (".pdf", b"%PDF")])
def test_images_of_the_structure(cli, tmp_path, suffix, magic):
    path = tmp_path / f"g{suffix}"
    run = cli("graph", "x*y + sin(y)", "-o", str(path))
    assert run.code == 0, run.err
    assert path.read_bytes().startswith(magic)
    if suffix == ".svg":
        svg = path.read_text()
        assert "no value" in svg and "the structure only" in svg
        assert not re.search(r"\bgrad\b", svg)


def test_dot_and_txt_files_of_the_structure(cli, tmp_path):
    for name in ("g.dot", "g.txt"):
        run = cli("graph", "x*y", "-o", str(tmp_path / name))
        assert run.code == 0, run.err
    assert (tmp_path / "g.dot").read_text().startswith("digraph autodiff {")
    assert (tmp_path / "g.txt").read_text().startswith("the structure only")


def test_a_program_without_variables_is_drawn_with_its_values(cli):
    run = cli("graph", "2*pi", "--format", "dot")
    assert run.code == 0 and "structure only" not in run.err + run.out
    assert "value 6.283185307179586" in run.out
