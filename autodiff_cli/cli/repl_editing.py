"""Line editing for ``autodiff repl``: the standard library's readline, its history and completion.

Used only at a terminal, and only where ``readline`` imports (GNU readline or libedit);
without it the session reads plain lines. The history is a file under the XDG state
directory, ``$XDG_STATE_HOME/autodiff/history`` (``~/.local/state/autodiff/history`` by
default), read when the session starts and written when it ends. Tab completes function
names (with their '('), variables, bindings, constants and ``:commands``.
"""

from __future__ import annotations

import os

HISTORY_LENGTH = 1000
_DELIMITERS = " \t\n()+-*/^,;=#"  # not ':', so that ':tr' completes as a word


def history_path() -> str:
    state = os.environ.get("XDG_STATE_HOME", "")
    base = state if os.path.isabs(state) else os.path.join(os.path.expanduser("~"), ".local",
                                                           "state")
    return os.path.join(base, "autodiff", "history")


class Editing:
    """readline set up for a session: ``start`` before the first prompt, ``stop`` at the end."""

    def __init__(self, readline, candidates):
        self.readline = readline
        self.candidates = candidates  # (text before the word, the word) -> completions
        self.path = history_path()
        self._matches: list[str] = []

    def start(self) -> None:
        rl = self.readline
        if "libedit" in (rl.__doc__ or ""):
            rl.parse_and_bind("bind ^I rl_complete")
        else:
            rl.parse_and_bind("tab: complete")
        rl.set_completer_delims(_DELIMITERS)
        rl.set_completer(self.complete)
        rl.set_history_length(HISTORY_LENGTH)
        try:
            rl.read_history_file(self.path)
        except OSError:  # no history yet, or it cannot be read: start without
            pass

    def stop(self) -> str | None:
        """Write the history; a sentence saying why it could not be, or None."""
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            self.readline.write_history_file(self.path)
        except OSError as error:
            return f"the history was not saved to {self.path}: {error.strerror or error}"
        return None

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            line = self.readline.get_line_buffer()
            before = line[:self.readline.get_begidx()]
            try:
                self._matches = self.candidates(before, text)
            except Exception:  # noqa: BLE001 - a completer must never break the prompt
                self._matches = []
        return self._matches[state] if state < len(self._matches) else None


def load():
    """The readline module, or None where there is none."""
    try:
        import readline
    except ImportError:
        return None
    return readline
