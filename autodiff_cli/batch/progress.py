"""The ``--points`` progress bar: rows done, rows per second, and time left when the size
of the input is known (a regular file, named or on stdin).

Shown on stderr only when it is a terminal, never when stdout is the terminal too (the
rows themselves show the progress there), and only once a run has lasted a moment.
"""

from __future__ import annotations

import os
import stat
import sys
import time

from ..views import terminal

PROGRESS_AFTER = 0.5  # seconds: short runs never show a bar


def _size_left(stream) -> int | None:
    """Bytes from here to the end of a regular file; None for a pipe or a terminal."""
    try:
        fd = stream.fileno()
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        return max(info.st_size - os.lseek(fd, 0, os.SEEK_CUR), 0)
    except (OSError, AttributeError, ValueError):
        return None


class Progress:
    """Call ``advance`` after each block; the bar starts once the run is longer than a moment."""

    def __init__(self, stream, no_color: bool):
        self.enabled = sys.stderr.isatty() and not sys.stdout.isatty()
        self.start = time.monotonic()
        self.total = _size_left(stream) if self.enabled else None
        self.done = 0  # bytes
        self.rows = 0
        self.bar = None
        self.no_color = no_color

    def __enter__(self):
        return self

    def advance(self, size: int, rows: int) -> None:
        self.done += size
        self.rows += rows
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        if self.bar is None and elapsed >= PROGRESS_AFTER:
            self._start()
        if self.bar is not None:
            left = ""
            if self.total and self.done:  # the bytes still to read, at the pace so far
                seconds = elapsed * max(self.total - self.done, 0) / self.done
                left = f"{_clock(seconds)} left"
            self.bar.update(self.task, completed=self.done, rows=f"{self.rows:,}",
                            rate=f"{self.rows / max(elapsed, 1e-9):,.0f}", left=left)
            if not self.bar.live.is_started:  # first drawn with these figures, not zeros
                self.bar.start()

    def _start(self) -> None:
        from rich.progress import BarColumn, Progress as Bar, SpinnerColumn, TextColumn

        columns = [SpinnerColumn(), TextColumn("points"), BarColumn(),
                   TextColumn("{task.fields[rows]} rows"),
                   TextColumn("{task.fields[rate]} rows/s")]
        if self.total:
            columns.append(TextColumn("{task.fields[left]}"))
        self.bar = Bar(*columns, console=terminal.error_console(self.no_color), transient=True,
                       redirect_stdout=False, redirect_stderr=False)
        self.task = self.bar.add_task("points", total=self.total or None, rows="0", rate="0",
                                      left="")

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}:" if hours else "") + f"{rest // 60:d}:{rest % 60:02d}"
