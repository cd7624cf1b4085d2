"""Limits (PRODUCT §8, issue 7): huge and deep inputs evaluate or stop with a clear error."""

import json

from conftest import run_cli


def test_nesting_100000_deep_through_a_file(tmp_path):
    depth = 100_000
    path = tmp_path / "deep.ad"
    path.write_text("sin(" * depth + "x" + ")" * depth)
    r = run_cli("eval", "-f", str(path), "--x", "0.5", "--format", "json", timeout=120)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert 0 < doc["value"] < 0.01 and 0 < doc["gradient"]["x"] < 1e-4


def test_a_million_terms_beyond_the_size_limit_is_a_clear_error(tmp_path):
    path = tmp_path / "wide.ad"
    path.write_text(" + ".join(f"sin({k % 97}*x)" for k in range(1_000_000)))
    r = run_cli("eval", "-f", str(path), "--x", "0.5", "--max-size", "1000000")
    assert r.code == 2
    assert "limit" in r.err and "--max-size" in r.err and "Traceback" not in r.err


def test_max_size_applies_to_stdin_and_arguments():
    r = run_cli("eval", "-", "--x", "1", "--max-size", "10", input="x + x + x + x + x")
    assert r.code == 2 and "limit is 10" in r.err
    r = run_cli("eval", "x + x + x + x + x", "--x", "1", "--max-size", "10")
    assert r.code == 2 and "limit is 10" in r.err


def test_a_very_long_token_is_handled():
    r = run_cli("eval", "x" * 50_000 + " + 1", "--" + "x" * 50_000, "1", "--format", "json")
    assert r.code == 0 and json.loads(r.out)["value"] == 2.0


def test_warning_once_per_function_not_per_element():
    r = run_cli("eval", "log(x)", "--x", "-1,-2,-3,-4,5")
    assert r.code == 0
    assert r.err.count("log at column 1") == 1
    assert "4 of 5 elements" in r.err


def test_a_huge_name_is_not_repeated_whole_in_messages(tmp_path):
    path = tmp_path / "big.ad"
    path.write_text("y" * 1_000_000)
    r = run_cli("eval", "-f", str(path), "--x", "1")
    assert r.code == 2 and "1,000,000 characters" in r.err
    assert len(r.err) < 1000
