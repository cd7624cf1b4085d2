"""Shell completion for a named shell: ``--show-completion zsh``, ``--install-completion fish``.

Typer's own options take the shell from the process tree (shellingham) and ignore a
shell named after them: ``autodiff --show-completion zsh`` printed the bash script
from a bash prompt, and ``--install-completion zsh`` wrote to ~/.bashrc. With a shell
named, we make the same script (or the same installation) for that shell; without
one, Typer's options run as before. Typer writes the scripts; nothing here imports
numpy or Lark.
"""

from __future__ import annotations

from ..errors import UsageError

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
OPTIONS = ("--show-completion", "--install-completion")
PROGRAM, VARIABLE = "autodiff", "_AUTODIFF_COMPLETE"  # the variable the scripts set


def named_shell(argv: list[str]) -> tuple[str, str] | None:
    """(option, shell) for ``--show-completion SHELL`` or ``--show-completion=SHELL``."""
    if not argv:
        return None
    option, equals, shell = argv[0].partition("=")
    if option not in OPTIONS:
        return None
    if not equals:
        if len(argv) < 2:
            return None  # Typer's option: the shell it detects
        shell = argv[1]
    if len(argv) > (1 if equals else 2):
        raise UsageError(f"{option} takes a shell name and nothing after it",
                         hint=f"autodiff {option} zsh")
    if shell not in SHELLS:
        raise UsageError(f"autodiff has no completion for the shell '{shell}'",
                         hint=f"the shells: {', '.join(SHELLS)}")
    return option, shell


def run(option: str, shell: str) -> int:
    """Print the script, or install it as Typer does for that shell (its rc file)."""
    from typer._completion_shared import get_completion_script, install

    if option == "--show-completion":
        print(get_completion_script(prog_name=PROGRAM, complete_var=VARIABLE, shell=shell))
        return 0
    _, path = install(shell=shell, prog_name=PROGRAM, complete_var=VARIABLE)
    print(f"{shell} completion installed in {path}")
    print("Completion will take effect once you restart the terminal")
    return 0
