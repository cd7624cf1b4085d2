"""eval EXPR --points FILE|-: one result per input row, streamed (PRODUCT.md section 6)."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from autodiff_cli.api import evaluate
from autodiff_cli.language.parser import parse
from conftest import ROOT

EXPR = "x*y + sin(x)*exp(y)"


def child(*args, **kwargs) -> subprocess.Popen:
    """``autodiff ARGS`` as a child process with pipes, for the streaming tests."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-m", "autodiff_cli", *args], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def rows_csv(n: int, start: int = 0) -> bytes:
    i = np.arange(start, start + n)
    x, y = 0.5 + (i % 1000) / 250.0, -1.5 + (i % 777) / 259.0
    return "".join(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist())).encode()


def test_plain_has_a_header_then_the_inputs_f_and_the_gradient(cli):
    r = cli("eval", "x*y", "--points", "-", input="x,y\n2,3\n0.1,0.2\n")
    assert r.code == 0, r.err
    assert r.out == ("x\ty\tf\tdf/dx\tdf/dy\n"
                     "2\t3\t6.0\t3.0\t2.0\n"
                     "0.1\t0.2\t0.020000000000000004\t0.2\t0.1\n")
    assert r.err == ""


def test_columns_the_expression_does_not_use_pass_through_untouched(cli):
    r = cli("eval", "2*x", "--points", "-", input="id,x,note\n007,1.5,a b\n8,2,-\n")
    assert r.out.splitlines() == ["id\tx\tnote\tf\tdf/dx", "007\t1.5\ta b\t3.0\t2.0",
                                  "8\t2\t-\t4.0\t2.0"]


def test_json_lines_one_object_per_row(cli):
    r = cli("eval", "log(x)", "--points", "-", "--format", "json",
            input="x,tag\n1,a\n0,b\n")
    docs = [json.loads(line) for line in r.out.splitlines()]
    at_zero = json.loads(cli("eval", "log(x)", "--x", "0", "--format", "json").out)["warnings"]
    assert at_zero  # eval warns at 0, and so does the row
    assert docs == [
        {"line": 2, "expression": "log(x)", "inputs": {"x": 1.0, "tag": "a"}, "value": 0.0,
         "gradient": {"x": 1.0}, "warnings": []},
        {"line": 3, "expression": "log(x)", "inputs": {"x": 0.0, "tag": "b"}, "value": "-inf",
         "gradient": {"x": "inf"}, "warnings": at_zero},
    ]
    assert "warning" in r.err


@pytest.mark.parametrize("text, options", [
    ("x y\n 2   3\n4\t5 \n", []),  # runs of spaces and tabs
    ("x\ty\n2\t3\n4\t5\n", []),
    ("x;y\n2;3\n4;5\n", []),
    ("x;y\n2;3\n4;5\n", ["--delimiter", ";"]),
    ("x y\n2 3\n4 5\n", ["--delimiter", "space"]),
])
def test_the_delimiter_is_detected_or_given(cli, text, options):
    r = cli("eval", "x*y", "--points", "-", *options, input=text)
    assert r.code == 0, r.err
    assert r.out.splitlines()[1:] == ["2\t3\t6.0\t3.0\t2.0", "4\t5\t20.0\t5.0\t4.0"]


def test_points_from_a_file_with_blank_lines_and_comments(cli, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("# measured\nx\n1\n\n# more\n2\r\n")
    r = cli("eval", "x^2", "--points", str(path))
    assert r.out.splitlines() == ["x\tf\tdf/dx", "1\t1.0\t2.0", "2\t4.0\t4.0"]


def test_values_given_as_options_are_constants_for_every_row(cli):
    r = cli("eval", "a*x", "--points", "-", "--a", "10", input="x\n1\n2\n")
    assert r.out.splitlines() == ["x\tf\tdf/da\tdf/dx", "1\t10.0\t1.0\t10.0",
                                  "2\t20.0\t2.0\t10.0"]


def test_a_name_both_column_and_option_is_an_error(cli):
    r = cli("eval", "x", "--points", "-", "--x", "1", input="x\n1\n")
    assert r.code == 2 and "both a column and --x" in r.err


def test_a_missing_variable_is_named(cli):
    r = cli("eval", "x*yy", "--points", "-", input="x,y\n1,2\n")
    assert r.code == 2
    assert "'yy'" in r.err and "did you mean 'y'?" in r.err
    assert "Traceback" not in r.err


def test_a_malformed_row_is_reported_with_its_line_number(cli):
    r = cli("eval", "x+y", "--points", "-", input="x,y\n1,2\n3,oops\n5,6\n")
    assert r.code == 2
    assert "line 3" in r.err and "'oops'" in r.err and "--skip-bad-rows" in r.err
    assert r.out.splitlines() == ["x\ty\tf\tdf/dx\tdf/dy", "1\t2\t3.0\t1.0\t1.0"]


def test_skip_bad_rows_warns_and_continues(cli):
    r = cli("eval", "x+y", "--points", "-", "--skip-bad-rows",
            input="x,y\n1,2\n3\n4,oops\n5,6\n")
    assert r.code == 0
    assert "line 3" in r.err and "line 4" in r.err
    assert r.out.splitlines()[1:] == ["1\t2\t3.0\t1.0\t1.0", "5\t6\t11.0\t1.0\t1.0"]


def test_no_header_is_an_error(cli):
    r = cli("eval", "x", "--points", "-", input="")
    assert r.code == 2 and "header" in r.err


def test_reductions_are_evaluated_row_by_row(cli):
    r = cli("eval", "sum(v*x)", "--points", "-", "--v", "1,2,3", input="x\n1\n2\n")
    assert r.out.splitlines() == ["x\tf\tdf/dv\tdf/dx", "1\t6.0\t1.0,1.0,1.0\t6.0",
                                  "2\t12.0\t2.0,2.0,2.0\t6.0"]


def test_table_format_does_not_stream(cli):
    r = cli("eval", "x", "--points", "-", "--format", "table", input="x\n1\n")
    assert r.code == 2 and "--format plain or json" in r.err


def test_100000_rows_give_100001_lines_equal_to_each_point_alone(cli):
    n = 100_000
    r = cli("eval", EXPR, "--points", "-", input=b"x,y\n" + rows_csv(n))
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) == n + 1
    program = parse(EXPR)
    for line in lines[1:]:
        x, y, f, dx, dy = map(float, line.split("\t"))
        alone = evaluate(program, {"x": x, "y": y})
        got = np.array([f, dx, dy])
        want = np.array([alone.value, alone.gradient["x"], alone.gradient["y"]])
        assert np.allclose(got, want, rtol=1e-12, atol=0), line


def test_rows_come_out_while_the_producer_pauses():
    proc = child("eval", EXPR, "--points", "-")
    lines = 0
    all_out = threading.Event()

    def drain():  # the consumer reads as the rows come, as a pipe would
        nonlocal lines
        for chunk in iter(lambda: proc.stdout.read1(1 << 16), b""):
            lines += chunk.count(b"\n")
            if lines == 200_001:
                all_out.set()

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        proc.stdin.write(b"x,y\n" + rows_csv(200_000))
        proc.stdin.flush()
        # The producer now pauses with its stdin still open: every row so far comes out.
        assert all_out.wait(30), f"only {lines} lines came out during the pause"
        assert proc.poll() is None  # still waiting for the rest of the input
    finally:
        proc.stdin.close()
        reader.join(30)
        assert proc.wait(30) == 0


# Reports the child's own peak RSS (VmHWM) on stderr as it exits. ru_maxrss from wait4 is
# not used: after fork and exec it keeps the high-water mark of the forked copy of this
# (large) pytest process, which made the test measure pytest rather than autodiff.
PEAK_REPORTER = ("import atexit, sys\n"
                 "def report():\n"
                 "    for line in open('/proc/self/status'):\n"
                 "        if line.startswith('VmHWM:'):\n"
                 "            sys.stderr.write('PEAK_KB ' + line.split()[1] + '\\n')\n"
                 "atexit.register(report)\n"
                 "sys.argv = ['autodiff'] + sys.argv[1:]\n"
                 "from autodiff_cli.cli.main import main\n"
                 "main()\n")


@pytest.mark.slow
def test_3_million_rows_stay_under_300_mib():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([sys.executable, "-c", PEAK_REPORTER, "eval", EXPR, "--points", "-"],
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    block = rows_csv(100_000)
    proc.stdin.write(b"x,y\n")
    count = 0

    def drain():
        nonlocal count
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
            count += chunk.count(b"\n")

    reader = threading.Thread(target=drain)
    reader.start()
    for _ in range(30):
        proc.stdin.write(block)
    proc.stdin.close()
    reader.join(120)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert count == 3_000_001  # the header, then a line per row
    peak_mib = int(err.split("PEAK_KB ")[1].split()[0]) / 1024
    assert peak_mib < 300, f"peak RSS {peak_mib:.0f} MiB"


def test_head_1_ends_quietly(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x,y\n" + rows_csv(300_000))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(f"{sys.executable} -m autodiff_cli eval '{EXPR}' --points {path} "
                          "| head -1; echo \"status=${PIPESTATUS[0]}\"",
                          shell=True, executable="/bin/bash", capture_output=True, env=env,
                          timeout=60)
    assert proc.stdout.decode().splitlines() == ["x\ty\tf\tdf/dx\tdf/dy", "status=0"]
    assert proc.stderr == b""


def test_ctrl_c_exits_130_without_a_traceback():
    proc = child("eval", EXPR, "--points", "-")
    proc.stdin.write(b"x,y\n1,2\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith(b"x\ty")  # running, waiting for more input
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 130
    err = proc.stderr.read().decode()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    proc.stdin.close()


def _through_a_terminal(args, input_chunks, pause: float):
    """Run with stderr on a pty and stdout a pipe; (stdout, what the terminal showed)."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color")
    proc = subprocess.Popen([sys.executable, "-m", "autodiff_cli", *args], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = bytearray()

    def read_terminal(timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    shown.extend(os.read(master, 65536))
                except OSError:
                    return

    out = bytearray()
    reader = threading.Thread(target=lambda: out.extend(proc.stdout.read()))
    reader.start()
    for chunk in input_chunks:
        proc.stdin.write(chunk)
        proc.stdin.flush()
        read_terminal(pause)
    proc.stdin.close()
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        read_terminal(0.1)  # keep the terminal drained: a full one would block the child
    reader.join(30)
    proc.wait(30)
    read_terminal(0.3)
    os.close(master)
    return bytes(out), bytes(shown)


def test_a_progress_bar_on_a_terminal_for_long_runs():
    """From a pipe: rows done and rows per second; no time left (the total is not known)."""
    out, shown = _through_a_terminal(["eval", EXPR, "--points", "-"],
                                     [b"x,y\n" + rows_csv(1000), rows_csv(1000),
                                      rows_csv(1000)], pause=0.8)
    assert b"points" in shown and b"\x1b[" in shown
    assert re.search(rb"[23],000 rows [0-9,]+ rows/s", shown), shown
    assert b" left" not in shown
    assert b"\x1b" not in out and out.count(b"\n") == 3001


def test_the_progress_bar_of_a_file_shows_the_time_left(tmp_path):
    """A file's size is known: the bar says how long is left. --order 3 makes the run last."""
    path = tmp_path / "points.csv"
    path.write_bytes(b"x,y\n" + rows_csv(200_000))
    out, shown = _through_a_terminal(["eval", EXPR, "--points", str(path), "--order", "3"],
                                     [], pause=0)
    assert re.search(rb"[0-9,]+ rows [0-9,]+ rows/s \d+:\d\d left", shown), shown
    assert out.count(b"\n") == 200_001


def test_no_progress_bar_in_a_pipe(cli):
    r = cli("eval", EXPR, "--points", "-", input=b"x,y\n" + rows_csv(1000))
    assert r.err == "" and "\x1b" not in r.out


def test_the_readme_examples_are_what_the_tool_prints(cli):
    from docs_pages import section as docs_section

    readme = docs_section("Pipelines")
    points = cli("eval", "x*y + sin(x)", "--points", "-", input="x,y\n1,2\n3,4\n")
    assert points.out in readme
    lines = cli("eval", "-", "--each-line", "--x", "2", input="x^2\nsin(x)*x\n2+*3\n")
    assert lines.out + lines.err in readme


@pytest.mark.parametrize("expr,order,wrt", [
    ("x^3*y + sin(x)", "2", None),          # several variables: the Hessian
    ("x^3*y + sin(x)", "3", None),          # several, above 2: pure derivatives
    ("x^4 - 2*x^2 + y", "4", "x"),          # one variable
    ("exp(x)*y", "3", "y"),                 # --wrt picks the variable
])
def test_order_adds_the_higher_derivatives_of_each_row(cli, expr, order, wrt):
    """Each row equals the single-point evaluation with the same --order, in plain and JSON."""
    rows = [(1.0, 2.0), (3.0, -4.0), (0.5, 0.25)]
    table = "x,y\n" + "".join(f"{a},{b}\n" for a, b in rows)
    extra = ["--wrt", wrt] if wrt else []
    plain = cli("eval", expr, "--points", "-", "--order", order, *extra, input=table)
    assert plain.code == 0, plain.err
    header, *lines = plain.out.splitlines()
    jsonl = cli("eval", expr, "--points", "-", "--order", order, "--format", "json", *extra,
                input=table)
    for (a, b), line, doc in zip(rows, lines, jsonl.out.splitlines()):
        point = ["--x", str(a), "--y", str(b)]
        single = cli("eval", expr, *point, "--order", order, *extra, "--format", "plain")
        labels = [row.split("\t")[0] for row in single.out.splitlines()]
        values = [row.split("\t")[1] for row in single.out.splitlines()]
        n_inputs = 2
        assert header.split("\t")[n_inputs:] == labels
        assert line.split("\t")[n_inputs:] == values
        alone = json.loads(cli("eval", expr, *point, "--order", order, *extra,
                               "--format", "json").out)
        row = json.loads(doc)
        for key in ("derivatives", "hessian"):
            assert row.get(key) == alone.get(key)


@pytest.mark.parametrize("program,extra", [("x*y + sin(x)", []), ("x^3 * y", ["--order", "3"]),
                                           ("x^2 * y + log(y)", ["--order", "2"]),
                                           ("log(y)*x", ["--order", "4", "--wrt", "y"]),
                                           ("x*y, log(y) + x", []),
                                           ("sum(v*x) + log(y)", ["--v", "1,2"])])
def test_the_fast_json_rows_are_the_record_of_each_point(cli, program, extra):
    """--points writes its JSON Lines from strings, for speed; each line must be exactly the
    record views/record.py builds for that point, key for key and in the same order, with
    the same warnings (also where a row is not finite), less the error bounds: --points
    computes none (plain rows have no room for them)."""
    from autodiff_cli.views import record

    rows = [(1.5, 2.0), (-0.25, 3.0), (2.0, 0.0), (2.0, 0.5), (1.0, -1.0)]
    text = "x,y\n" + "".join(f"{x},{y}\n" for x, y in rows)
    r = cli("eval", program, "--points", "-", "--format", "json", *extra, input=text)
    assert r.code == 0, r.err
    options = dict(zip(extra[::2], extra[1::2]))
    order = int(options.get("--order", 1))
    wrt = options.get("--wrt")
    given = {"v": np.array([1.0, 2.0])} if "--v" in options else {}
    lines = r.out.splitlines()
    assert len(lines) == len(rows)
    warned = 0
    for n, (line, (x, y)) in enumerate(zip(lines, rows), start=2):
        alone = evaluate(program, x=x, y=y, order=order, wrt=wrt, bounds=False, **given)
        expected = record.document(alone, before={"line": n})
        expected.pop("derivative_bounds", None)
        got = json.loads(line)
        assert got == json.loads(json.dumps(expected)), line
        assert list(got) == list(expected)  # the same keys in the same order
        warned += bool(got["warnings"])
    if "log" in program:  # log(y) at y = 0 and y = -1: the rows that are not finite
        assert warned >= 2
