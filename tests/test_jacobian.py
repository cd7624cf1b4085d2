"""Several results and their Jacobian: the command line, both modes, and SymPy as the oracle."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from autodiff_cli import evaluate
from test_properties import SYMBOLS, expressions, numeric, run


def test_a_listed_last_statement_gives_every_value_and_the_jacobian(cli):
    r = cli("eval", "x^2, x*y, sin(y)", "--x", "1", "--y", "2")
    assert r.code == 0 and r.err == ""
    assert r.out.splitlines() == [
        "f1\t1.0", "f2\t2.0", f"f3\t{float(np.sin(2.0))!r}",
        "df1/dx\t2.0", "df1/dy\t0.0", "df2/dx\t2.0", "df2/dy\t1.0",
        "df3/dx\t0.0", f"df3/dy\t{float(np.cos(2.0))!r}"]


def test_results_named_by_their_bindings_and_json_layout(cli):
    r = cli("eval", "f = x^2; g = x*y; f, g", "--x", "3", "--y", "2", "--format", "json")
    doc = json.loads(r.out)
    assert doc["value"] == {"f": 9.0, "g": 6.0}
    assert doc["jacobian"] == {"outputs": ["f", "g"], "variables": ["x", "y"],
                               "matrix": [[6.0, 0.0], [2.0, 3.0]]}
    assert "gradient" not in doc and doc["warnings"] == []


def test_output_option_names_bindings(cli):
    r = cli("eval", "f = x^2; g = x*y; h = f + g", "--x", "1", "--y", "2", "--output", "f,h")
    assert r.out.splitlines() == ["f\t1.0", "h\t3.0", "df/dx\t2.0", "df/dy\t0.0",
                                  "dh/dx\t4.0", "dh/dy\t1.0"]
    assert r.err == ""  # f is used after all: no 'never used' warning
    bad = cli("eval", "f = x^2; g = x*y; g", "--x", "1", "--y", "2", "--output", "f,k")
    assert bad.code == 2 and "'k' is not a binding" in bad.err and "f, g" in bad.err


def test_a_thrown_away_statement_is_still_named(cli):
    r = cli("eval", "x^2; y^2", "--x", "1", "--y", "2")
    assert r.code == 0 and "the value of 'x^2' is never used" in r.err
    assert r.out.splitlines()[0] == "f\t4.0"


def test_only_the_last_statement_may_list_results(cli):
    r = cli("eval", "x, y; x", "--x", "1", "--y", "2")
    assert r.code == 2 and "only the last statement can list several results" in r.err


def test_the_cheaper_mode_is_chosen_and_can_be_forced(cli):
    many_outputs = cli("eval", "x^2, x*y, sin(y)", "--x", "1", "--y", "2", "--format", "json")
    few_outputs = cli("eval", "x*y*z, x+y+z", "--x", "1", "--y", "2", "--z", "3",
                      "--format", "json")
    assert json.loads(many_outputs.out)["mode"] == "forward"  # 3 results > 2 variables
    assert json.loads(few_outputs.out)["mode"] == "reverse"  # 2 results <= 3 variables
    forced = [json.loads(cli("eval", "x^2, x*y, sin(y)", "--x", "1", "--y", "2", "--mode", m,
                             "--format", "json").out) for m in ("forward", "reverse")]
    assert forced[0]["mode"] == "forward" and forced[1]["mode"] == "reverse"
    assert forced[0]["jacobian"] == forced[1]["jacobian"]


def test_trace_with_several_results_traces_each_backward_pass(cli):
    r = cli("eval", "f = x*y; g = sin(x); f, g", "--x", "1", "--y", "2", "--trace",
            "--format", "json")
    header, *rows = r.err.splitlines()  # in a pipe: tab-separated, a column names the result
    assert header.startswith("result\t") and {row.split("\t")[0] for row in rows} == {"f", "g"}
    assert set(json.loads(r.out)["trace"]) == {"f", "g"}
    forward = cli("eval", "x, y, x*y", "--x", "1", "--y", "2", "--trace", "--mode", "forward")
    assert forward.code == 2 and "forward mode has none" in forward.err


def test_the_table_shows_the_jacobian_as_a_matrix(cli):
    r = cli("eval", "f = x^2; g = x*y; f, g", "--x", "3", "--y", "2", "--format", "table")
    assert "Jacobian (reverse mode)" in r.out and "d/dx" in r.out and "d/dy" in r.out
    row_g = next(line for line in r.out.splitlines() if line.lstrip("│ ").startswith("g ")
                 and "2.0" in line and "3.0" in line)
    assert row_g


def test_points_with_several_results_have_a_column_per_entry(cli):
    r = cli("eval", "f = x^2; g = x*y; f, g", "--points", "-", input="x,y\n1,2\n3,4\n")
    assert r.out.splitlines() == ["x\ty\tf\tg\tdf/dx\tdf/dy\tdg/dx\tdg/dy",
                                  "1\t2\t1.0\t2.0\t2.0\t0.0\t2.0\t1.0",
                                  "3\t4\t9.0\t12.0\t6.0\t0.0\t4.0\t3.0"]
    js = cli("eval", "f = x^2; g = x*y; f, g", "--points", "-", "--format", "json",
             input="x,y\n3,4\n")
    single = evaluate("f = x^2; g = x*y; f, g", x=3.0, y=4.0)
    row = json.loads(js.out)
    assert row["value"] == {k: float(v) for k, v in single.value.items()}
    assert row["jacobian"]["matrix"] == [[float(g) for g in r] for r in single.jacobian["matrix"]]


def test_higher_orders_are_for_one_result(cli):
    r = cli("eval", "x^2, x^3", "--x", "1", "--order", "2")
    assert r.code == 2 and "one result" in r.err


# --- both modes against each other and against SymPy -----------------------------------------

scalar_expressions = expressions.filter(lambda e: not e.is_vector and "v" not in e.text)


@settings(max_examples=60)
@given(st.lists(scalar_expressions, min_size=2, max_size=4),
       st.floats(-2.0, 2.0), st.floats(-2.0, 2.0))
def test_forward_and_reverse_agree_and_match_sympys_jacobian(parts, x, y):
    text = ", ".join(p.text for p in parts)
    note(text)
    used = {name: value for name, value in (("x", x), ("y", y))
            if re.search(rf"\b{name}\b", text)}
    assume(used)
    for part in parts:  # away from kinks, where SymPy has no derivative
        run(part.text, {"x": x, "y": y, "v": [0.0, 0.0, 0.0]})
    with np.errstate(all="ignore"):
        results = [evaluate(text, used, mode=m) for m in ("forward", "reverse")]
    forward, reverse = (np.array(r.jacobian["matrix"], dtype=float) for r in results)
    assume(np.all(np.isfinite(reverse)) and np.all(np.abs(reverse) < 1e8))
    assume(all(np.isfinite(float(v)) for v in results[1].value.values()))
    assert np.allclose(forward, reverse, rtol=1e-14, atol=1e-14 * max(1.0, np.abs(reverse).max()))
    variables = results[1].jacobian["variables"]
    matrix = sp.Matrix([p.sym for p in parts]).jacobian([SYMBOLS[v] for v in variables])
    subs = {SYMBOLS[k]: sp.Float(v, 30) for k, v in used.items()}
    for i in range(len(parts)):
        for j in range(len(variables)):
            exact = numeric(matrix[i, j], subs)
            assert np.isclose(reverse[i, j], exact, rtol=1e-12, atol=1e-12), (text, i, j)


def test_the_python_api_takes_outputs_and_mode():
    r = evaluate("f = x^2; g = x*y; h = g - f", x=2.0, y=1.0, outputs=["g", "h"], mode="forward")
    assert r.mode == "forward" and list(r.value) == ["g", "h"]
    assert r.jacobian["matrix"] == [[1.0, 2.0], [-3.0, 2.0]]
    with pytest.raises(Exception, match="not a binding"):
        evaluate("f = x^2; f", x=1.0, outputs=["k"])


# --- vectors: the Jacobian element by element, the Hessian over elements ---------------------

def test_jacobian_flag_gives_the_element_by_element_jacobian(cli):
    r = cli("eval", "x * sum(x)", "--x", "1,2", "--jacobian", "--format", "json")
    doc = json.loads(r.out)
    assert doc["value"] == {"f": [3.0, 6.0]}
    assert doc["jacobian"] == {"outputs": ["f[0]", "f[1]"], "variables": ["x[0]", "x[1]"],
                               "matrix": [[4.0, 1.0], [2.0, 5.0]]}
    default = json.loads(cli("eval", "x * sum(x)", "--x", "1,2", "--format", "json").out)
    assert default["gradient"] == {"x": [6.0, 6.0]}  # the seed of ones stays the default


def test_a_scalar_next_to_a_vector_in_the_jacobian(cli):
    r = cli("eval", "x^2 * y", "--x", "1,2", "--y", "3", "--jacobian")
    assert r.out.splitlines() == ["f\t3.0,12.0", "df[0]/dx[0]\t6.0", "df[0]/dx[1]\t0.0",
                                  "df[0]/dy\t1.0", "df[1]/dx[0]\t0.0", "df[1]/dx[1]\t12.0",
                                  "df[1]/dy\t4.0"]


def test_order_2_of_a_reduction_is_the_hessian_over_the_elements(cli):
    x = np.array([1.0, 2.0, 3.0])
    r = cli("eval", "logsumexp(x) + sum(x^2)/2", "--x", "1,2,3", "--order", "2",
            "--format", "json")
    doc = json.loads(r.out)
    assert doc["hessian"]["variables"] == ["x[0]", "x[1]", "x[2]"]
    p = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    exact = np.diag(p) - np.outer(p, p) + np.eye(3)  # softmax's Jacobian, plus the identity
    assert np.allclose(doc["hessian"]["matrix"], exact, rtol=1e-14, atol=1e-15)


def test_a_scalar_next_to_vectors_is_allowed_at_order_2(cli):
    reduction = json.loads(cli("eval", "sum(x^2)*y", "--x", "1,2", "--y", "3", "--order", "2",
                               "--format", "json").out)
    assert reduction["hessian"] == {"variables": ["x[0]", "x[1]", "y"],
                                    "matrix": [[6.0, 0.0, 2.0], [0.0, 6.0, 4.0],
                                               [2.0, 4.0, 0.0]]}
    elementwise = cli("eval", "x*y^2", "--x", "1,2", "--y", "3", "--order", "2")
    assert elementwise.code == 0 and "d2f/dy2\t2.0,4.0" in elementwise.out


def test_check_compares_a_jacobian_and_a_vector_hessian_entry_by_entry(cli):
    jac = cli("check", "f = x^2*y; g = sin(x*y); f, g", "--x", "0.7", "--y", "1.3",
              "--format", "json")
    rows = json.loads(jac.out)["checks"]
    assert jac.code == 0 and [r["quantity"] for r in rows] == ["df/dx", "df/dy", "dg/dx", "dg/dy"]
    hess = cli("check", "logsumexp(x) + sum(x^2)/2", "--x", "1,2,3", "--order", "2",
               "--format", "json")
    quantities = [r["quantity"] for r in json.loads(hess.out)["checks"]]
    assert hess.code == 0 and "d2f/dx[0]dx[2]" in quantities and len(quantities) == 3 + 9


def test_the_readme_examples_run_as_shown(cli):
    from test_higher import readme_examples

    examples = readme_examples("Several results and Jacobians")
    assert len(examples) == 4
    for args, out, err in examples:
        r = cli(*args)
        assert (r.out, r.err) == (out, err), args
