"""autodiff graph: DOT for Graphviz and a tree for the terminal (PRODUCT §7)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from golden_files import check

SEED = "a = square(x); y = square(a) + square(a)"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


def nodes(dot_text: str) -> dict[str, str]:
    """node id -> its attribute list, for the node statements of a DOT text."""
    return dict(re.findall(r"^  ([vf]\d+) \[(.*)\];$", dot_text, re.MULTILINE))


def test_seed_graph_has_five_variables_and_four_functions(cli):
    run = cli("graph", SEED, "--x", "2", "--format", "dot")
    assert run.code == 0, run.err
    found = nodes(run.out)
    assert sorted(k for k in found if k[0] == "v") == ["v0", "v1", "v2", "v3", "v4"]
    assert sorted(k for k in found if k[0] == "f") == ["f0", "f1", "f2", "f3"]
    assert 'label="x (v0)\\nvalue 2.0\\ngrad 64.0"' in found["v0"]
    assert 'label="add (f3)\\ngeneration 2"' in found["f3"]
    assert "shape=box" in found["f3"] and "shape=ellipse" in found["v0"]


def test_golden_dot(cli):
    check("seed.dot", cli("graph", SEED, "--x", "2", "--format", "dot").out)


def test_golden_text_tree(cli):
    check("seed_tree.txt", cli("graph", SEED, "--x", "2", "--format", "text").out)


def test_dot_is_identical_across_runs(cli):
    args = ("graph", "-f", str(EXAMPLES / "goldstein_price.ad"), "--x", "0", "--y", "-1",
            "--format", "dot")
    assert cli(*args).out == cli(*args).out


def test_constants_are_styled_apart_from_inputs(cli):
    found = nodes(cli("graph", "2*x + pi", "--x", "1", "--format", "dot").out)
    styles = {k: v for k, v in found.items() if k[0] == "v"}
    constants = [v for v in styles.values() if "constant" in v]
    inputs = [v for v in styles.values() if "x (v" in v]
    assert len(constants) == 2 and "dashed" in constants[0] and "grad" not in constants[0]
    assert "dashed" not in inputs[0]
    assert any("constant pi" in v for v in constants)


@needs_dot
@pytest.mark.parametrize("args", [
    ("graph", SEED, "--x", "2"),
    ("graph", "-f", str(EXAMPLES / "goldstein_price.ad"), "--x", "0", "--y", "-1"),
    ("graph", "x*y - y/x + sum(v)", "--x", "2", "--y", "3", "--v", "1,2,3"),
])
def test_dot_renders_with_graphviz(cli, args):
    run = cli(*args, "--format", "dot")
    assert run.code == 0, run.err
    svg = subprocess.run(["dot", "-Tsvg"], input=run.out.encode(), capture_output=True)
    assert svg.returncode == 0, svg.stderr.decode()
    assert b"<svg" in svg.stdout


@needs_dot
def test_output_svg_is_drawn_by_dot(cli, tmp_path):
    target = tmp_path / "seed.svg"
    run = cli("graph", SEED, "--x", "2", "--output", str(target))
    assert run.code == 0 and run.out == "", run.err
    assert "<svg" in target.read_text()


def test_output_svg_without_graphviz_says_how_to_install(cli, tmp_path):
    run = cli("graph", SEED, "--x", "2", "--output", str(tmp_path / "g.svg"),
              env={"PATH": str(tmp_path)})
    assert run.code == 1
    assert "Graphviz" in run.err and "apt-get install graphviz" in run.err
    assert "Traceback" not in run.err and not (tmp_path / "g.svg").exists()


def test_output_dot_and_txt_files(cli, tmp_path):
    assert cli("graph", SEED, "--x", "2", "-o", str(tmp_path / "g.dot")).code == 0
    assert (tmp_path / "g.dot").read_text().startswith("digraph autodiff {")
    assert cli("graph", SEED, "--x", "2", "-o", str(tmp_path / "g.txt")).code == 0
    assert (tmp_path / "g.txt").read_text().startswith("y (v4) = 32.0")


def test_shared_subgraph_is_shown_once(cli):
    out = cli("graph", SEED, "--x", "2", "--format", "text").out
    assert out.count("a (v1) = 4.0") == 1 and "a (v1): shown above" in out


def test_text_tree_of_a_10000_deep_chain(cli, tmp_path):
    program = tmp_path / "chain.ad"
    program.write_text("sin(" * 10000 + "x" + ")" * 10000)
    run = cli("graph", "-f", str(program), "--x", "1", "--format", "text")
    assert run.code == 0, run.err[-500:]
    assert "Traceback" not in run.err
    assert run.out.count("<- f") == 10000  # every function once
    assert "continued below" in run.out
    widest = max(len(line) for line in run.out.splitlines())
    assert widest < 200  # deep chains continue in new trees instead of indenting forever


def test_graph_ids_match_the_trace(cli):
    import json

    trace = json.loads(cli("eval", SEED, "--x", "2", "--trace", "--format", "json").out)["trace"]
    dot_text = cli("graph", SEED, "--x", "2", "--format", "dot").out
    for step in trace:
        assert f'label="{step["function"]} ({step["id"]})\\ngeneration {step["generation"]}"' \
            in dot_text
        for i in step["inputs"]:
            assert f"{i} -> {step['id']}" in dot_text


@pytest.mark.parametrize("args,code", [
    (("graph", "x^", "--x", "1"), 2),
    (("graph", SEED, "--x", "2", "--format", "svg"), 2),
    (("graph", SEED, "--x", "2", "--format", "text", "-o", "g.png"), 2),
    (("graph", SEED, "--x", "2", "-o", "/nonexistent/dir/g.dot"), 1),
])
def test_bad_input_is_an_error_not_a_traceback(cli, tmp_path, args, code):
    run = cli(*args, cwd=tmp_path)
    assert run.code == code, run.err
    assert "Traceback" not in run.err and run.err
