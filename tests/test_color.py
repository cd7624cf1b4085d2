"""--color auto|always|never and FORCE_COLOR, as git and ripgrep have them; NO_COLOR still wins
over auto. Checked through real processes (pipes: auto means no colour there)."""

import pytest

from conftest import run_cli

ESC = "\x1b["


def test_auto_in_a_pipe_has_no_colour():
    r = run_cli("eval", "log(x)", "--x", "-1", "--format", "table")
    assert ESC not in r.out + r.err


@pytest.mark.parametrize("flag", [["--color", "always"], ["--color=always"]])
def test_always_colours_a_pipe_too(flag):
    r = run_cli("eval", "log(x)", "--x", "-1", "--format", "table", *flag)
    assert ESC in r.out and r.err.startswith(f"{ESC}1;33mautodiff:")


def test_force_color_colours_and_never_or_no_color_wins():
    forced = run_cli("eval", "x +", "--x", "1", env={"FORCE_COLOR": "1"})
    assert forced.err.startswith(f"{ESC}1;31mautodiff:")
    never = run_cli("eval", "x +", "--x", "1", "--color", "never", env={"FORCE_COLOR": "1"})
    assert ESC not in never.err
    no_color = run_cli("eval", "x +", "--x", "1", "--no-color", "--color", "always")
    assert ESC not in no_color.err


def test_every_command_takes_color_and_a_bad_mode_is_a_usage_error():
    for command in (["functions"], ["eval", "x", "--x", "1"], ["check", "x", "--x", "1"],
                    ["graph", "x", "--x", "1"], ["diff", "x^2"]):
        assert run_cli(*command, "--color", "never").code == 0, command
    bad = run_cli("eval", "x", "--x", "1", "--color", "sometimes")
    assert bad.code == 2 and "'sometimes' is not one of" in bad.err
