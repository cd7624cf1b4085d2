"""Running the command line with stderr on a pseudo-terminal of a given size, as a person
at a terminal of that width would see it (stdout stays a pipe)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading

from conftest import ROOT


def read_until_closed(master: int) -> bytes:
    """Everything written to a pseudo-terminal until every writer has closed it (read as it
    comes, so a child never blocks on a full terminal)."""
    shown = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not data:
            break
        shown.extend(data)
    return bytes(shown)


def stderr_on_a_terminal(command: list[str], columns: int, env: dict, rows: int = 50,
                         timeout: float = 120) -> tuple[int, str, str]:
    """(exit code, what a terminal of ``columns`` x ``rows`` showed on stderr, stdout): stdout
    stays a pipe, read alongside so that neither side blocks. ``env`` is used as given, with
    TERM set and COLUMNS/LINES left out (the terminal's size is the one that counts)."""
    env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    with subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=slave) as proc:
        os.close(slave)
        out = bytearray()
        reader = threading.Thread(target=lambda: out.extend(proc.stdout.read()))
        reader.start()
        shown = read_until_closed(master)
        reader.join(timeout)
        code = proc.wait(timeout)
    os.close(master)
    # A terminal turns each new line into CR LF.
    return code, shown.decode("utf-8").replace("\r\n", "\n"), out.decode("utf-8")


def on_a_terminal(args: list[str], columns: int, rows: int = 50,
                  env: dict | None = None) -> tuple[str, str]:
    """(what the terminal showed on stderr, stdout), without colour (NO_COLOR)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **(env or {})}
    _, shown, out = stderr_on_a_terminal([sys.executable, "-m", "autodiff_cli", *args],
                                         columns, full_env, rows, timeout=60)
    return shown, out
