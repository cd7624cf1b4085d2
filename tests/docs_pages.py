"""The README and the pages of docs/: where they are, their sections and their examples.

Tests that compare the documentation with the program read it through here, so a section can
move between pages without a test losing sight of its examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def pages() -> list[Path]:
    """The README, then every Markdown page of docs/ (its index first)."""
    return [README, DOCS / "README.md",
            *sorted(p for p in DOCS.glob("*.md") if p.name != "README.md")]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under the heading ``title``: the whole of the page whose title (`# title`) it
    is, or else a `## title` section of any page, up to the next heading of its level."""
    for path in pages():
        text = read(path)
        if text.startswith(f"# {title}\n"):
            return text.split("\n", 1)[1]
    for path in pages():
        text = read(path)
        if f"\n## {title}\n" in text:
            return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    raise LookupError(f"no page or section titled {title!r} in README.md or docs/")


# Written on the line before a ```console block whose output is what a person sees with
# stderr on a terminal of that width (stdout stays a pipe); other blocks show a pipe's output.
ON_A_TERMINAL = re.compile(r"<!-- stderr on a terminal of (\d+) columns -->")


@dataclass(frozen=True)
class Example:
    """One `$ command` of a ```console block and the lines shown under it (stdout and stderr)."""
    page: str
    command: str
    shown: str
    terminal_columns: int | None = None  # stderr on a terminal this wide, else a pipe


def fenced_blocks(text: str, language: str) -> list[str]:
    """The contents of the ```language blocks of a page, unindented (a block may sit in a list)."""
    blocks = re.findall(rf"^( *)```{language}\n(.*?)^\1```", text, flags=re.M | re.S)
    return [re.sub(rf"^{indent}", "", body, flags=re.M) for indent, body in blocks]


def console_blocks(text: str) -> list[str]:
    return fenced_blocks(text, "console")


def console_examples(path: Path) -> list[Example]:
    examples = []
    pieces = re.split(r"^ *```console\n", read(path), flags=re.M)
    for before, block in zip(pieces, console_blocks(read(path))):
        note = ON_A_TERMINAL.fullmatch(before.rstrip("\n").rsplit("\n", 1)[-1].strip())
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = chunk.partition("\n")
            examples.append(Example(str(path.relative_to(ROOT)), command, shown,
                                    int(note.group(1)) if note else None))
    return examples
