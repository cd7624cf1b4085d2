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


def on_a_terminal(args: list[str], columns: int, rows: int = 50,
                  env: dict | None = None) -> tuple[str, str]:
    """(what the terminal showed on stderr, stdout), without colour (NO_COLOR)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TERM")}
    full_env.update({"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "NO_COLOR": "1",
                     **(env or {})})
    proc = subprocess.Popen([sys.executable, "-m", "autodiff_cli", *args], env=full_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    out = bytearray()
    reader = threading.Thread(target=lambda: out.extend(proc.stdout.read()))
    reader.start()
    shown = read_until_closed(master)
    reader.join(60)
    proc.wait(60)
    os.close(master)
    # The terminal turns each new line into CR LF.
    return shown.decode("utf-8").replace("\r\n", "\n"), out.decode("utf-8")
