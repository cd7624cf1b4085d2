"""autodiff plot: ranges, critical points against closed forms, the braille chart (golden), the
SVG, gaps, pipe and JSON output, and the errors."""

from __future__ import annotations

import importlib.util
import json
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import ROOT
from golden_files import check

from autodiff_cli.api import parse
from autodiff_cli.cli.values import parse_range, parse_value
from autodiff_cli.core.critical import refine, sample
from autodiff_cli.errors import InvalidValueError
from autodiff_cli.views import chart, svg

S = "{http://www.w3.org/2000/svg}"

# Expressions with every extremum and inflection point in the range known in closed form: the
# benchmark's set (benchmarks/plot.py, one place), and a quintic.
_spec = importlib.util.spec_from_file_location("plot_benchmark", ROOT / "benchmarks" / "plot.py")
_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_benchmark)
CLOSED_FORMS = {
    **_benchmark.CLOSED_FORMS,
    ("x^5 - 5*x^3 + 4*x", -2.2, 2.2): {
        "min": [-math.sqrt((15 - math.sqrt(145)) / 10), math.sqrt((15 + math.sqrt(145)) / 10)],
        "max": [math.sqrt((15 - math.sqrt(145)) / 10), -math.sqrt((15 + math.sqrt(145)) / 10)],
        "inflection": [-math.sqrt(1.5), 0, math.sqrt(1.5)]},
}


def quartic(points=401, order=2):
    return sample(parse("x^4 - 2*x^2"), {}, "x", np.linspace(-2, 2, points), order)


# Ranges -------------------------------------------------------------------------------------

def test_parse_range_and_range_vectors():
    assert parse_range("x", "-2:3") == (-2.0, 3.0, None)
    assert parse_range("x", " 0 : 1 : 0.25 ") == (0.0, 1.0, 0.25)
    assert parse_value("x", "0:1:0.25").tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert parse_value("x", "0:0.3:0.1")[-1] == 0.3  # the last step lands on B, to rounding
    assert parse_value("x", "0:1:0.3").tolist() == pytest.approx([0, 0.3, 0.6, 0.9])
    for bad in ("3:1", "1:1", "0:1:0", "0:1:-1", "a:1", "0:inf", "1:2:3:4"):
        with pytest.raises(InvalidValueError):
            parse_range("x", bad)
    with pytest.raises(InvalidValueError, match="needs a step"):
        parse_value("x", "0:1")


def test_eval_evaluates_at_the_points_of_a_range(cli):
    r = cli("eval", "x^2", "--x", "0:1:0.5", "--format", "plain")
    assert (r.code, r.out) == (0, "f\t0.0,0.25,1.0\ndf/dx\t0.0,1.0,2.0\n")
    r = cli("eval", "x^2", "--x", "0:1")
    assert r.code == 2 and "needs a step" in r.err and "--x 0:1:0.1" in r.err


# Critical points ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", list(CLOSED_FORMS), ids=[c[0] for c in CLOSED_FORMS])
def test_every_extremum_and_inflection_point_to_1e_12(case):
    expression, a, b = case
    found = sample(parse(expression), {}, "x", np.linspace(a, b, 401), 1).critical
    for kind, expected in CLOSED_FORMS[case].items():
        got = sorted(p.x for p in found if p.kind == kind)
        assert len(got) == len(expected), (kind, got, expected)
        for x, want in zip(got, sorted(expected)):
            assert abs(x - want) <= 1e-12, (kind, x, want)
    assert len(found) == sum(len(v) for v in CLOSED_FORMS[case].values())


def test_critical_points_carry_f_and_the_slope():
    points = quartic().critical
    assert [p.kind for p in points] == ["min", "inflection", "max", "inflection", "min"]
    assert points[0].value == -1 and points[0].slope == 0 and points[0].order == 1
    assert points[1].value == pytest.approx(-5 / 9, abs=1e-15) and points[1].order == 2


def test_a_coarse_sampling_still_refines_to_the_float64_limit():
    found = sample(parse("sin(x)*exp(-x/3)"), {}, "x", np.linspace(-1, 10, 12), 1).critical
    assert [p.kind for p in found if p.order == 1] == ["max", "min", "max"]
    assert abs(found[1].x - math.atan(3)) <= 1e-15


def test_poles_jumps_and_flat_stretches_are_not_zeros():
    x = np.linspace(-1, 1, 30)
    assert sample(parse("1/x"), {}, "x", x, 2).critical == []  # f'' changes sign at the pole
    tan = sample(parse("tan(x)"), {}, "x", np.linspace(-3, 3, 301), 2).critical
    assert [(p.kind, p.x) for p in tan] == [("inflection", 0.0)]
    assert sample(parse("relu(x)"), {}, "x", np.linspace(-1, 1, 31), 1).critical == []
    assert [p.kind for p in sample(parse("abs(x)"), {}, "x", x, 1).critical] == ["min"]


def test_refine_is_newton_kept_in_its_bracket():
    calls = []

    def g(t):
        calls.append(t)
        return math.cos(t), -math.sin(t)

    root = refine(g, 1.0, 2.0, math.cos(1.0), math.cos(2.0))
    assert abs(root - math.pi / 2) <= 2.3e-16 and len(calls) < 10


def test_other_variables_are_fixed_and_a_reduction_is_taken_point_by_point():
    s = sample(parse("a*x^2 + x"), {"a": np.float64(2.0)}, "x", np.linspace(-1, 1, 21), 1)
    assert [(p.kind, p.x) for p in s.critical] == [("min", -0.25)]
    with pytest.raises(InvalidValueError, match="one value each"):
        sample(parse("a*x"), {"a": np.array([1.0, 2.0])}, "x", np.linspace(0, 1, 5), 1)
    s = sample(parse("sum(x)^2 - x"), {}, "x", np.linspace(-1, 1, 21), 1)
    assert s.curves[0].tolist() == pytest.approx((s.x ** 2 - s.x).tolist())


def test_gaps_where_f_is_not_finite_with_one_warning():
    s = sample(parse("log(x)"), {}, "x", np.linspace(-1, 2, 31), 2)
    assert len(s.warnings) == 1 and "11 of 31 points" in s.warnings[0]
    assert all(np.isnan(c[:10]).all() for c in s.curves[1:])  # no derivative where f is not
    chart.render(s, 60, 10, color=False)  # draws, no crash
    svg.svg(s, "log(x)")


# Views --------------------------------------------------------------------------------------

def test_golden_chart_without_colour():
    text = chart.render(quartic(), width=72, height=14, color=False).text()
    assert all(len(line) <= 72 for line in text.splitlines())
    check("plot_quartic.txt", text)


def test_colour_draws_solid_lines_and_styles_each_curve():
    drawn = chart.render(quartic(order=1), width=60, height=10, color=True)
    styles = {style for line in drawn.lines for _, style in line}
    assert {"cyan", "magenta", chart.MARK_STYLE}.issubset(styles)
    assert "▼" in drawn.text() and "▲" in drawn.text()


def test_ticks_are_round_numbers():
    assert chart.ticks(-2, 2, 4) == ([-2.0, -1.0, 0.0, 1.0, 2.0], 1.0)
    values, step = chart.ticks(0.013, 0.0871, 8)
    assert step == 0.01 and [chart.tick_text(v, step) for v in values][:2] == ["0.02", "0.03"]


def test_svg_is_well_formed_with_axes_ticks_legend_and_marked_points():
    root = ET.fromstring(svg.svg(quartic(), "x^4 - 2*x^2"))
    assert root.tag == S + "svg"
    curves = root.findall(f".//{S}path[@class='curve']")
    assert [c.get("data-curve") for c in curves] == ["d2f/dx2", "df/dx", "f"]
    assert all(c.get("d").startswith("M") for c in curves)
    kinds = [p.get("class") for p in root.find(f".//{S}g[@class='points']")]
    assert sorted(kinds) == ["inflection", "inflection", "max", "min", "min"]
    labels = [t.text for t in root.find(f".//{S}g[@class='ticks']").iter(S + "text")]
    assert {"-20", "0", "20", "-1.5", "1.5"} <= set(labels)
    legend = [t.text for t in root.find(f".//{S}g[@class='legend']").iter(S + "text")]
    assert legend == ["f", "df/dx", "d2f/dx2", "min", "max", "inflection"]
    assert root.find(f"{S}rect[@class='frame']") is not None


def test_svg_path_breaks_at_gaps():
    s = sample(parse("log(x)"), {}, "x", np.linspace(-1, 2, 31), 1)
    root = ET.fromstring(svg.svg(s, "log(x) & <more>"))
    assert "log(x) &amp; <more>" not in root.find(f"{S}title").text  # escaped, parsed back
    assert root.find(f"{S}title").text == "log(x) & <more>"


# The command line ---------------------------------------------------------------------------

def test_pipe_prints_the_sampled_columns(cli):
    r = cli("plot", "x^3", "--x", "-1:1", "--order", "2", "--points", "5")
    assert r.code == 0 and r.err == ""
    assert r.out.splitlines() == ["x\tf\tdf/dx\td2f/dx2", "-1.0\t-1.0\t3.0\t-6.0",
                                  "-0.5\t-0.125\t0.75\t-3.0", "0.0\t0.0\t0.0\t0.0",
                                  "0.5\t0.125\t0.75\t3.0", "1.0\t1.0\t3.0\t6.0"]
    assert len(cli("plot", "sin(x)", "--x", "0:3").out.splitlines()) == 402


def test_json_lists_the_samples_and_critical_points(cli):
    r = cli("plot", "a*x^2 - x", "--a", "2", "--x", "-1:1:0.5", "--format", "json")
    doc = json.loads(r.out)
    assert doc["x"] == [-1, -0.5, 0, 0.5, 1] and doc["points"] == 5 and doc["inputs"] == {"a": 2}
    assert doc["critical_points"] == [{"kind": "min", "x": 0.25, "value": -0.125, "slope": 0.0,
                                       "derivative": "df/dx", "residual": 0.0}]


def test_gaps_warn_once_and_never_crash(cli):
    r = cli("plot", "log(x)", "--x", "-2:2", "--format", "chart", "--no-color")
    assert r.code == 0
    assert r.err.count("warning") == 1 and "drawn as gaps" in r.err
    r = cli("plot", "log(x)", "--x", "-2:0")
    assert r.code == 0 and r.err.count("warning") == 1 and "nan" in r.out


def test_the_chart_fits_the_width_and_lists_the_points(cli):
    r = cli("plot", "x^4 - 2*x^2", "--x", "-2:2", "--format", "chart",
            env={"COLUMNS": "70", "LINES": "30"})
    lines = r.out.splitlines()
    assert r.code == 0 and max(len(line) for line in lines) <= 70
    assert len(lines) <= 30 - 2  # the prompt stays in sight
    assert "▼ min" in r.out and "x = -1.0" in r.out and "\x1b[" not in r.out


def test_output_writes_svg(cli, tmp_path):
    out = tmp_path / "p.svg"
    r = cli("plot", "x*exp(-x^2)", "--x", "-3:3", "--order", "2", "-o", str(out))
    assert (r.code, r.out) == (0, "")
    assert ET.parse(out).getroot().tag == S + "svg"


@pytest.mark.parametrize("args, message", [
    (["--x", "3:1"], "the range 3:1 of 'x' is empty"),
    (["--x", "2"], "plot needs the range of the variable it draws"),
    ([], "plot needs the range"),
    (["--x", "0:1", "--y", "0:1"], "ranges were given for x, y"),
    (["--x", "0:1", "--points", "1"], "--points must be at least 2"),
    (["--x", "0:1:0.5", "--points", "9"], "--points says it too"),
    (["--x", "0:1", "--order", "7"],
     "usage error: --order 7: a plot shows derivatives of order 1 to 6"),
    (["--x", "0:1", "--order", "0"], "usage error: --order 0"),
    (["--x", "0:1", "-o", "p.png"], "--output writes SVG"),
    (["--x", "0:b"], "not A:B or A:B:STEP"),
    (["--x=-1e308:1e308"], "too wide for float64"),
    (["--x", "1e-320:2e-320"], "too narrow to draw"),
])
def test_bad_plots_exit_2_with_a_clear_message(cli, args, message):
    r = cli("plot", "x*y", "--y", "1", *args) if "--y" not in args else cli("plot", "x*y", *args)
    assert r.code == 2, r.err
    assert message in r.err and "Traceback" not in r.err


def test_the_quick_plot_benchmark_runs():
    import subprocess
    import sys

    from conftest import ROOT

    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "plot.py"), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    accuracy = [line for line in proc.stdout.splitlines() if line.startswith("2 ")]
    assert len(accuracy) == 6 and all(" PASS " in line for line in accuracy)  # not timed here


def test_the_readme_plot_runs_as_shown(cli):
    from test_higher import readme_examples

    examples = readme_examples("Plots")
    assert len(examples) == 1
    for args, out, err in examples:
        run = cli(*args, env={"COLUMNS": "80", "LINES": "25"})
        assert (run.code, run.out, run.err) == (0, out, err)
    from docs_pages import section as docs_section

    assert "autodiff plot EXPR --x A:B" in docs_section("Usage").split("## ", 1)[0]
    assert "](plot.svg)" in docs_section("Plots")  # docs/plots.md shows docs/plot.svg
    assert ET.parse(ROOT / "docs" / "plot.svg").getroot().tag == S + "svg"


def test_a_constant_and_many_derivatives_draw(cli):
    r = cli("plot", "1", "--x", "0:1", "--format", "chart")
    assert r.code == 0 and "f is constant" in r.err and "no extremum" in r.out
    s = sample(parse("x^7 - x^2"), {}, "x", np.linspace(-1, 1, 101), 6)
    drawn = chart.render(s, width=60, height=12, color=False)
    assert len(drawn.text().splitlines()[0]) <= 60  # the legend wraps
    assert all(len(line) <= 60 for line in drawn.text().splitlines())


def test_a_single_gap_is_named_by_its_point_and_variable(cli):
    r = cli("plot", "1/t", "--t", "-1:1", "--format", "plain")
    assert r.code == 0 and "(t = 0)" in r.err and "from" not in r.err
    r = cli("plot", "log(u)", "--u", "-1:1", "--format", "plain")
    assert "(u from -1 to 0)" in r.err
