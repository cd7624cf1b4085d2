"""`autodiff repl` as a person uses it, in a pseudo-terminal (the standard library's pty), and
as a script uses it, through a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from conftest import ROOT, run_cli

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r|\x07")
PROMPT = "autodiff> "


class Terminal:
    """``autodiff ARGS`` on a pseudo-terminal: send keys, wait for text on the screen."""

    def __init__(self, tmp_path, *args: str):
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "INPUTRC")}
        env.update({"PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(tmp_path / "state"),
                    "TERM": "xterm", "NO_COLOR": "1", "INPUTRC": os.devnull})
        pid, fd = pty.fork()
        if pid == 0:  # the child: a session leader with the pty as its controlling terminal
            try:
                os.chdir(tmp_path)
                os.execve(sys.executable, [sys.executable, "-m", "autodiff_cli", *args], env)
            finally:
                os._exit(127)
        self.pid, self.fd, self.seen, self.code = pid, fd, "", None
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child has gone: EIO
            return False
        if not data:
            return False
        self.seen += _ESCAPES.sub("", data.decode("utf-8", "replace"))
        return True

    def expect(self, pattern: str, timeout: float = 15) -> str:
        """Wait for ``pattern`` (a regex) after what was matched before; return what came
        before it and the match."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.seen)
            if match:
                text, self.seen = self.seen[:match.end()], self.seen[match.end():]
                return text
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.5)) and self.exited():
                raise AssertionError(f"{pattern!r} not seen; the screen has:\n{self.seen}")

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def line(self, text: str) -> str:
        """Type a line and return the screen up to the next prompt."""
        self.send(text + "\n")
        return self.expect(re.escape(PROMPT))

    def interrupt(self) -> None:
        """Ctrl-C, once readline waits for a key: a signal that comes between the prompt and
        its wait is noticed only at the next key (CPython's readline loop), which a person
        never types that fast."""
        time.sleep(0.3)
        self.send("\x03")

    def exited(self) -> bool:
        if self.code is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.code = os.waitstatus_to_exitcode(status)
        return self.code is not None

    def wait(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while not self.exited():
            self._read(0.1)
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError(f"the session did not end; the screen has:\n{self.seen}")
        os.close(self.fd)
        return self.code


@pytest.fixture
def terminal(tmp_path):
    started = []

    def start(*args: str) -> Terminal:
        term = Terminal(tmp_path, *args)
        started.append(term)
        term.expect(re.escape(PROMPT))
        return term

    yield start
    for term in started:
        if not term.exited():
            os.kill(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)


def test_values_persist_and_bindings_are_re_evaluated(terminal):
    term = terminal("repl", "--format", "plain")
    term.line(":set x 2")
    assert re.search(r"f\s+4\.0\s+df/dx\s+4\.0", term.line("a = square(x)"))
    screen = term.line("b = a*a + 1 + 0*y")  # defined, to be evaluated once y has a value
    assert "b defined; give it a value: :set y VALUE" in screen
    screen = term.line(":set y=1")
    assert re.search(r"f\s+17\.0\s+df/dx\s+32\.0\s+df/dy\s+0\.0", screen)
    screen = term.line(":set x 3")  # the last entry again, its bindings at the new value
    assert re.search(r"f\s+82\.0\s+df/dx\s+108\.0", screen)
    screen = term.line(":vars")
    assert "x = 3.0" in screen and "a = square(x)    # 9.0" in screen
    term.send(":quit\n")
    assert term.wait() == 0


def test_errors_do_not_end_the_session_and_a_table_is_the_default(terminal):
    term = terminal()  # `autodiff` alone at a terminal
    screen = term.line("2x + 1")
    assert "syntax error" in screen and "hint: to multiply, write 2*x" in screen
    assert re.search(r"2x \+ 1\n\s+\^", screen)
    screen = term.line("y^2")
    assert "the variable 'y' has no value" in screen and ":set y VALUE" in screen
    screen = term.line(":trase")
    assert "unknown command ':trase'" in screen and "did you mean :trace?" in screen
    term.line(":set y 3")
    screen = term.line("y^2")
    assert "quantity" in screen and re.search(r"df/dy\s+│\s+6\.0", screen)
    assert re.search(r"df/dy = 2\*y = 6\.0", term.line(":diff"))  # diff's formula, its value
    term.send("\x04")  # Ctrl-D
    assert term.wait() == 0


def test_tab_completes_functions_commands_and_names(terminal):
    term = terminal("repl", "--format", "plain", "--x", "3")
    term.send("squ\t")
    term.expect(re.escape("square("))
    screen = term.line("x)")
    assert re.search(r"f\s+9\.0\s+df/dx\s+6\.0", screen)
    term.send("sq\t\t")  # two candidates: both listed
    term.expect(r"sqrt\(\s+square\(")
    term.send("\x15")  # Ctrl-U: drop the line
    term.line("")
    term.send("rate = x\n")
    term.expect(re.escape(PROMPT))
    term.send("ra\t")
    term.expect(r"rate")
    term.line("")
    term.send(":tr\t")
    term.expect(r":trace")
    assert "step\tgeneration\tid" in term.line("")  # the trace ran (plain: its tab-separated form)
    term.send("\x04")
    assert term.wait() == 0


def test_history_survives_a_restart(terminal, tmp_path):
    term = terminal("repl", "--format", "plain")
    assert re.search(r"f\s+42\.0", term.line("2^5 + 10"))
    term.send("\x04")
    assert term.wait() == 0
    assert "2^5 + 10" in (tmp_path / "state" / "autodiff" / "history").read_text()
    again = terminal("repl", "--format", "plain")
    again.send("\x1b[A")  # the up arrow: the last line of the session before
    again.expect(re.escape("2^5 + 10"))
    assert re.search(r"f\s+42\.0", again.line(""))
    again.send(":quit\n")
    assert again.wait() == 0


def test_ctrl_c_cancels_the_entry_and_ctrl_d_ends_the_session(terminal):
    term = terminal("repl", "--format", "plain", "--x", "2")
    term.send("a = (x +\n")
    term.expect(r"\.\.\. ")
    term.interrupt()  # Ctrl-C: the unfinished entry is dropped
    term.expect(re.escape(PROMPT))
    screen = term.line("a")
    assert "the variable 'a' has no value" in screen  # nothing was bound
    term.interrupt()  # at an empty prompt: nothing ends
    term.expect(re.escape(PROMPT))
    assert re.search(r"f\s+5\.0", term.line("(x +\n 3)"))  # an entry of two lines
    term.send("\x04")
    assert term.wait() == 0


def test_save_round_trips_through_eval_file(terminal, tmp_path):
    term = terminal("repl", "--format", "plain")
    term.line(":set x=0.5, y=1,2,3")
    term.line("a = sin(x)*y")
    term.line("unused = log(z)")  # needs z, which has no value: not saved
    shown = term.line("sum(a) + x^3")
    screen = term.line(":save session.ad")
    assert "to reproduce: autodiff eval --file session.ad" in screen
    term.send(":quit\n")
    assert term.wait() == 0
    text = (tmp_path / "session.ad").read_text()
    first = text.splitlines()[0]
    assert first.startswith("# autodiff eval --file session.ad") and "log(z)" not in text
    args = shlex.split(first[2:])[1:]
    result = run_cli(*args, "--format", "plain", cwd=tmp_path)
    assert result.code == 0 and result.err == ""
    expected = re.findall(r"^(f|df/d\w+)\t(.*)$", shown.replace("\r", ""), re.MULTILINE)
    assert expected and result.out.splitlines() == ["\t".join(row) for row in expected]


def test_piped_input_is_read_without_a_prompt():
    script = (":set x=2, y=1,2,3\n"
              "a = square(x)\n"
              "(a *\n"
              "  y)\n"
              "2x\n"
              ":order 2\n"
              "a + x\n")
    r = run_cli("repl", input=script)
    assert PROMPT not in r.out + r.err and "autodiff repl:" not in r.err
    assert r.out.split("\n") == [
        "f\t4.0", "df/dx\t4.0",
        "f\t4.0,8.0,12.0", "df/dx\t24.0", "df/dy\t4.0,4.0,4.0",
        # :order 2 shows the last entry again; a scalar beside vectors of one length is taken
        # at every element (issue 14), so (a*y) has its element-wise Hessian
        "f\t4.0,8.0,12.0", "df/dx\t24.0", "df/dy\t4.0,4.0,4.0", "d2f/dx2\t2.0,4.0,6.0",
        "d2f/dxdy\t4.0,4.0,4.0", "d2f/dydx\t4.0,4.0,4.0", "d2f/dy2\t0.0,0.0,0.0",
        "f\t6.0", "df/dx\t5.0", "d2f/dx2\t2.0", ""]
    assert "syntax error" in r.err
    assert r.code == 2  # the worst error of the script


def test_piped_json_and_commands():
    r = run_cli("repl", "--format", "json", "--var", "x=1", input="x*exp(x)\n:vars\n:help\n")
    assert r.code == 0, r.err
    assert r.out.startswith('{"expression": "x*exp(x)", "inputs": {"x": 1.0}')
    assert "x = 1.0" in r.out and ":save FILE" in r.out


def test_trace_in_plain_format_is_the_tab_separated_trace_eval_writes_off_a_terminal():
    program = "a = square(x); y = square(a) + square(a)"
    r = run_cli("repl", "--format", "plain", "--var", "x=2", input=f"{program}\n:trace\n")
    assert r.code == 0, r.err
    trace = run_cli("eval", program, "--x", "2", "--trace", "--format", "plain").err
    assert r.out == "f\t32.0\ndf/dx\t64.0\n" + trace  # no table, every digit
    assert "┃" not in r.out


def test_without_a_terminal_autodiff_alone_prints_the_help():
    r = run_cli(input="")
    assert "Usage" in r.out + r.err and "repl" in r.out + r.err


def test_a_session_loads_neither_typer_nor_rich_for_plain_results():
    code = ("import sys\nfrom autodiff_cli.cli.main import run\n"
            "code = run(['repl', '--format', 'plain'])\n"
            "print(code, sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], input=":set x 2\nx^2\n",
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.splitlines() == ["f\t4.0", "df/dx\t4.0", "0 []"], proc.stderr


def test_the_quick_benchmark_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "repl.py"), "--quick"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(re.findall(r"^[12]\s+\S.*\s(PASS|FAIL)\b", proc.stdout, re.MULTILINE)) == 4
