"""eval --points: bad rows, skipped rows, rows that are not finite, JSON rows, header hints
(issue 15, items 15-18), each through a real process."""

from __future__ import annotations

import json

import pytest


def _points(cli, program, text, *options):
    return cli("eval", program, "--points", "-", *options, input=text)


# --- 15: bad rows -------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_a_row_of_separators_only_is_a_bad_row(cli, sep):
    text = f"x{sep}y\n1{sep}2\n{sep}\n3{sep}4\n"
    r = _points(cli, "x*y", text)
    assert r.code == 2
    assert "line 3" in r.err and "separators only" in r.err
    assert r.out.splitlines() == ["x\ty\tf\tdf/dx\tdf/dy", "1\t2\t2.0\t2.0\t1.0"]
    skipped = _points(cli, "x*y", text, "--skip-bad-rows")
    assert skipped.code == 0
    assert [row.split("\t")[2] for row in skipped.out.splitlines()[1:]] == ["2.0", "12.0"]
    assert "line 3 skipped" in skipped.err


def test_blank_lines_and_comments_are_still_not_rows(cli):
    r = _points(cli, "x*y", "x,y\n1,2\n\n   \n  # a note\n3,4\n")
    assert r.code == 0 and r.err == ""
    assert len(r.out.splitlines()) == 3


NUMBERS = ["1_0", "1_000.5", "\uff11\uff12", "\u0661", "0x10", "1e", "1e5", "+.5", "-2.",
           "nan", "-inf", "Infinity", " 7 ", "1.5E-3"]


@pytest.mark.parametrize("text", NUMBERS)
def test_a_row_reads_numbers_exactly_as_eval_reads_them(cli, text):
    """'1_0' and other scripts' digits are refused by eval (Python's float() takes them):
    a row refuses them too; what eval accepts, a row accepts, with the same value."""
    alone = cli("eval", "2*x", "--x", text, "--format", "plain")
    row = _points(cli, "2*x", f"x;n\n{text};1\n")
    assert (alone.code == 0) == (row.code == 0), (alone.err, row.err)
    if alone.code == 0:
        f = alone.out.splitlines()[0].split("\t")[1]
        assert row.out.splitlines()[1].split("\t")[2] == f
    else:
        assert row.code == 2 and "line 2" in row.err and "not a number" in row.err


def test_other_scripts_digits_in_a_row_get_the_hint_eval_gives(cli):
    r = _points(cli, "x", "x\n\uff11\uff12\n")
    assert r.code == 2 and "ASCII digits" in r.err


def test_a_row_that_is_not_utf8_is_a_bad_row(cli):
    text = b"x,y\n1,2\n\xff\xfe,3\n5,6\n"
    r = _points(cli, "x+y", text)
    assert r.code == 2
    assert "line 3" in r.err and "not UTF-8" in r.err and "Traceback" not in r.err
    assert r.out.splitlines() == ["x\ty\tf\tdf/dx\tdf/dy", "1\t2\t3.0\t1.0\t1.0"]
    skipped = _points(cli, "x+y", text, "--skip-bad-rows")
    assert skipped.code == 0
    assert skipped.out.splitlines()[1:] == ["1\t2\t3.0\t1.0\t1.0", "5\t6\t11.0\t1.0\t1.0"]
    assert "line 3 skipped: not UTF-8" in skipped.err and "1 of 3 rows skipped" in skipped.err


def test_a_header_that_is_not_utf8_is_an_error(cli):
    r = _points(cli, "x", b"# note\n\xffx\n1\n", "--skip-bad-rows")
    assert r.code == 2 and "line 2 (the header)" in r.err and r.out == ""


def test_the_rows_before_a_bad_row_come_out_from_earlier_blocks_too(cli):
    n = 60_000  # more than a block of input
    text = "x\n" + "".join(f"{i}\n" for i in range(n)) + "oops\n1\n"
    r = _points(cli, "2*x", text)
    assert r.code == 2 and f"line {n + 2}:" in r.err
    lines = r.out.splitlines()
    assert len(lines) == n + 1 and lines[-1] == f"{n - 1}\t{2.0 * (n - 1)!r}\t2.0"


def test_strict_writes_the_rows_before_the_first_that_is_not_finite(cli):
    r = _points(cli, "log(x)", "x\n1\n2\n-1\n3\n", "--strict")
    assert r.code == 1
    assert r.out.splitlines()[1:] == ["1\t0.0\t1.0", "2\t0.6931471805599453\t0.5"]
    alone = cli("eval", "log(x)", "--x", "-1", "--strict")
    assert f"line 4: {alone.err.split('evaluation failed: ')[1]}" in r.err


# --- 16: how many rows were skipped, which were not finite -----------------------------------

def test_at_most_20_skipped_rows_are_named_then_how_many_more_and_of_how_many(cli):
    rows = [f"{i},{'bad' if i % 2 else i}\n" for i in range(100)]  # 50 bad, 50 good
    r = _points(cli, "x+y", "x,y\n" + "".join(rows), "--skip-bad-rows")
    assert r.code == 0
    err = r.err.splitlines()
    named = [line for line in err if " skipped: " in line]
    assert len(named) == 20 and "line 3 skipped" in named[0]  # the first bad row: line 3
    assert "autodiff: warning: … and 30 more" in err
    assert err[-1] == "autodiff: warning: 50 of 100 rows skipped"
    assert len(r.out.splitlines()) == 1 + 50


def test_exit_2_when_no_row_could_be_evaluated(cli):
    r = _points(cli, "x+y", "x,y\n1\na,b\n,\n", "--skip-bad-rows")
    assert r.code == 2
    assert "3 of 3 rows skipped" in r.err and "no row could be evaluated" in r.err
    assert r.out.splitlines() == ["x\ty\tf\tdf/dx\tdf/dy"]


def test_a_header_without_rows_is_not_an_error(cli):
    r = _points(cli, "x", "x\n", "--skip-bad-rows")
    assert r.code == 0 and r.out == "x\tf\tdf/dx\n" and r.err == ""


def test_rows_that_are_not_finite_are_named_by_line(cli):
    values = [1, -1, 2, 0, -2, -3, -4, -5, -6, 3, -7, -8]  # 9 not finite, from line 3
    r = _points(cli, "log(x)", "x\n" + "".join(f"{v}\n" for v in values))
    assert r.code == 0
    bad = [n for n, v in enumerate(values, start=2) if v <= 0]
    shown = ", ".join(map(str, bad[:5]))
    assert (f"{len(bad)} of {len(values)} rows have a result that is not finite: lines {shown} "
            f"and {len(bad) - 5} more") in r.err
    # each kind of warning once, without one block's counts
    assert r.err.count("log at column 1 gave a non-finite result") == 1
    assert "elements" not in r.err


def test_one_row_not_finite_is_named(cli):
    r = _points(cli, "1/x", "x\n1\n0\n2\n")
    assert "1 of 3 rows has a result that is not finite: line 3\n" in r.err


# --- 17: JSON rows ----------------------------------------------------------------------------

def test_json_columns_that_read_as_numbers_are_numbers(cli):
    r = _points(cli, "2*x", "id,x,note,w\n007,1.5,a b,nan\n8,2,-,1e3\n", "--format", "json")
    docs = [json.loads(line) for line in r.out.splitlines()]
    assert [d["inputs"] for d in docs] == [{"id": 7.0, "x": 1.5, "note": "a b", "w": "nan"},
                                          {"id": 8.0, "x": 2.0, "note": "-", "w": 1000.0}]


def test_json_values_given_as_options_are_inputs_of_each_row(cli):
    r = _points(cli, "a*x", "x\n1\n", "--a", "10", "--format", "json")
    alone = json.loads(cli("eval", "a*x", "--a", "10", "--x", "1", "--format", "json").out)
    row = json.loads(r.out)
    assert row["inputs"] == alone["inputs"] and row["gradient"] == alone["gradient"]


def test_json_a_skipped_row_leaves_an_error_record_in_its_place(cli):
    r = _points(cli, "x+y", "x,y\n1,2\n3\n# note\n4,oops\n5,6\n", "--format", "json",
                "--skip-bad-rows")
    assert r.code == 0
    docs = [json.loads(line) for line in r.out.splitlines()]
    assert [d["line"] for d in docs] == [2, 3, 5, 6]
    assert docs[1] == {"line": 3, "error": "bad row: '3' has 1 field with the delimiter ',', "
                                           "but the header names 2"}
    assert docs[2]["error"] == "bad row: the value of 'y' is not a number: 'oops'"
    assert docs[3]["value"] == 11.0 and docs[3]["warnings"] == []


def test_json_with_several_results_carries_eval_s_keys(cli):
    r = _points(cli, "x*y, x+y", "x,y\n2,3\n", "--format", "json")
    alone = json.loads(cli("eval", "x*y, x+y", "--x", "2", "--y", "3", "--format", "json").out)
    row = json.loads(r.out)
    assert list(row) == ["line"] + list(alone)
    assert {k: v for k, v in row.items() if k != "line"} == alone


# --- 18: header hints -------------------------------------------------------------------------

@pytest.mark.parametrize("text, options, said", [
    ("x;y\n1;2\n", ["--delimiter", ","], ["read as one column, 'x;y'", "--delimiter"]),
    ("x|y\n1|2\n", [], ["read as one column, 'x|y'", "',', ';', tab or whitespace"]),
    ("1,2\n3,4\n", [], ["'1,2', looks like data", "names the columns, for example: x,y"]),
    ("X,y\n1,2\n", [], ["'X', 'y'", "case-sensitive", "rename the column 'X' to 'x'"]),
    ("# units: m\nxx,y\n1,2\n", [], ["header (line 2)", "'xx', 'y'", "did you mean 'xx'?"]),
])
def test_a_header_that_does_not_name_the_variables_says_what_was_read(cli, text, options, said):
    r = _points(cli, "x*y", text, *options)
    assert r.code == 2 and "the variable 'x' is neither a column nor a value" in r.err
    for words in said:
        assert words in r.err, r.err


def test_rows_that_do_not_split_say_how_they_were_read(cli):
    r = _points(cli, "x*y", "x,y\n1;2\n")
    assert r.code == 2
    assert "line 2: '1;2' has 1 field with the delimiter ',', but the header names 2" in r.err


def test_a_column_twice_names_the_header_s_line(cli):
    r = _points(cli, "x", "# note\nx,x\n1,2\n")
    assert r.code == 2 and "appears twice in the header (line 2)" in r.err
