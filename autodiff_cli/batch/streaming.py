"""Input and output for the pipeline modes: complete lines in bounded blocks, prompt output.

Reading goes through the file descriptor (``os.read``), which returns whatever is
available instead of waiting for a full buffer. A block is handed on when it is
large enough or when the producer stalls, so results come out while the producer
is still writing or pausing, and memory stays bounded by the block size.
"""

from __future__ import annotations

import os
import select
import sys
from typing import BinaryIO, Iterator

from ..errors import IOFailure

BLOCK = 1 << 20  # bytes per block: ~40,000 rows of a small CSV


def _ready(fd: int) -> bool:
    """True when a read would not block (more input is already waiting)."""
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):  # not selectable (unusual platforms): keep reading
        return True


def blocks(stream: BinaryIO, size: int = BLOCK) -> Iterator[bytes]:
    """Blocks of complete lines (each ends with a newline), in order, until end of input."""
    fd = stream.fileno()
    pending = b""
    while True:
        data = os.read(fd, size)
        if not data:
            break
        parts = [pending, data]
        total = len(pending) + len(data)
        ended = False
        # Gather what is already waiting, up to a block, without blocking.
        while total < size and _ready(fd):
            more = os.read(fd, size - total)
            if not more:
                ended = True
                break
            parts.append(more)
            total += len(more)
        buf = b"".join(parts)
        cut = buf.rfind(b"\n") + 1
        pending = buf[cut:]
        if cut:
            yield buf[:cut]
        if ended:
            break
    if pending:
        yield pending + b"\n"


def open_input(path: str) -> BinaryIO:
    """The named file, or stdin for '-' (unbuffered: ``blocks`` reads the descriptor)."""
    if path == "-":
        if sys.stdin is None:
            raise IOFailure("cannot read standard input: it is closed")
        return sys.stdin.buffer
    return open(path, "rb", buffering=0)


class Output:
    """Text to stdout in large writes, flushed after each block (so a reader sees it promptly)."""

    def __init__(self):
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        if self.parts:
            sys.stdout.write("".join(self.parts))
            self.parts.clear()
        sys.stdout.flush()
