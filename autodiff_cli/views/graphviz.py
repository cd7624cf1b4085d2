"""Rendering DOT text to an image with Graphviz's ``dot`` program, when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess

from ..errors import GraphvizError

# The formats Graphviz's dot writes that a file name asks for (jpg and jpeg are one).
IMAGE_FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "ps",
                 "eps")
TEXT_SUFFIXES = ("", "dot", "gv", "txt")  # what is written as text: DOT, or the tree
INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew "
                "install graphviz; others: https://graphviz.org/download/), or write the DOT "
                "text instead: --output graph.dot")


def image_format(path: str) -> str | None:
    """The Graphviz format a file name asks for ('svg', 'png', ...), else None (text)."""
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    return suffix if suffix in IMAGE_FORMATS else None


def known_suffix(path: str) -> bool:
    """Whether the file name's extension is one graph can write (an image, DOT or text)."""
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    return suffix in IMAGE_FORMATS or suffix in TEXT_SUFFIXES


def render(dot_text: str, path: str, timeout: float = 120) -> None:
    """Write ``path`` as an image; a clear error when Graphviz is missing or fails."""
    fmt = image_format(path)
    assert fmt is not None, path
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError(f"writing {path} needs Graphviz's 'dot' program, which is not "
                            "installed (or not on PATH)", hint=INSTALL_HINT)
    try:
        proc = subprocess.run([program, f"-T{fmt}", "-o", str(path)], input=dot_text.encode(),
                              capture_output=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GraphvizError(f"running dot failed: {error}") from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizError(f"dot could not write {path}: "
                            f"{detail[-1] if detail else f'exit status {proc.returncode}'}")
