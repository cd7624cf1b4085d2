"""What ``--points`` says on stderr about its rows: skipped rows, warnings, non-finite rows.

A long input can have thousands of bad rows: the first ``SHOWN_SKIPPED`` are named, then
one line says how many more, and a last line how many of all the rows were skipped. The
engine's warnings are per block, so each kind is said once, without the block's counts;
the rows whose results are not finite are named by line number at the end.
"""

from __future__ import annotations

import re

from ..errors import BadRowError
from ..views import terminal

SHOWN_SKIPPED = 20  # skipped rows named one by one
SHOWN_LINES = 5  # line numbers of non-finite rows named in the summary
# "log at column 1 gave a non-finite result: 3 of 5 elements ...": the kind, before the counts
_KIND = re.compile(r"(.*?(?:gave a non-finite result|is not finite)): ")


class Report:
    def __init__(self, program_warnings: list[str], no_color: bool):
        self.program_warnings = set(program_warnings)
        self.no_color = no_color
        self.rows = 0  # data rows read, good or bad
        self.skipped = 0
        self.nonfinite = 0
        self.nonfinite_lines: list[int] = []
        self.seen: set[str] = set()

    def count(self, rows: int) -> None:
        self.rows += rows

    def skip(self, bad: list) -> None:
        """Rows skipped with --skip-bad-rows, as (line, message)."""
        for line, message in bad:
            self.skipped += 1
            if self.skipped <= SHOWN_SKIPPED:
                self._warn(f"line {line} skipped: {message}")

    def warnings(self, messages: list[str]) -> None:
        """The engine's warnings for a block: each kind once."""
        for message in messages:
            kind = _KIND.match(message)
            if kind and message not in self.program_warnings:  # drop the block's counts
                message = kind.group(1)
            if message not in self.seen:
                self.seen.add(message)
                self._warn(message)

    def nonfinite_rows(self, lines: list[int]) -> None:
        self.nonfinite += len(lines)
        self.nonfinite_lines += lines[:SHOWN_LINES - len(self.nonfinite_lines)]

    def finish(self) -> None:
        """The summaries; an error (exit 2) when there were rows and none could be read."""
        evaluated = self.rows - self.skipped
        if self.nonfinite:
            more = self.nonfinite - len(self.nonfinite_lines)
            named = ", ".join(map(str, self.nonfinite_lines)) + (f" and {more:,} more"
                                                                   if more else "")
            has = "has" if self.nonfinite == 1 else "have"
            self._warn(f"{self.nonfinite:,} of {evaluated:,} rows {has} a result that is not "
                       f"finite: line{'s' if self.nonfinite > 1 else ''} {named}")
        if not self.skipped:
            return
        if self.skipped > SHOWN_SKIPPED:
            self._warn(f"… and {self.skipped - SHOWN_SKIPPED:,} more")
        summary = f"{self.skipped:,} of {self.rows:,} rows skipped"
        if evaluated == 0:
            raise BadRowError(f"{summary}: no row could be evaluated",
                              hint="are these the rows meant? the messages above say why "
                                   "each was skipped")
        self._warn(summary)

    def _warn(self, message: str) -> None:
        terminal.warning(message, self.no_color)
