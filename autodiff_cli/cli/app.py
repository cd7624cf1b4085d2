"""The Typer app: each command's parameters are made from its declared options (``options.py``).

Nothing is declared twice: an option's declaration gives the spellings, the help, the
metavar and the accepted values, and the command's body builds the options object
and makes one call. Reached for ``--help``, ``--version``, completion and every
command except a plain one-shot ``eval`` (cli/main.py runs that without Typer).
"""

from __future__ import annotations

import inspect
from typing import Annotated, Literal

import typer

from .. import __version__
from ..errors import ExitCode
from ..options import COMMANDS
from . import completion
from .arguments import HELP, split
from .examples import epilog
from .streams import silence_stdout

# What each command does; its examples and exit codes end its --help (cli/examples.py).
HELP_TEXT = {
    "eval": "Evaluate EXPR and its gradient.\n\nAlso higher orders, the backward pass step "
            "by step, many points (--points) and many programs (--each-line).",
    "graph": "Show the computational graph of EXPR.\n\nA tree, Graphviz DOT or an image; "
             "without values, its structure (no values or gradients).",
    "check": "Compare the exact derivatives with central differences; exit 1 if any is off.",
    "functions": "List the functions the language knows, with their derivatives.",
    "diff": "Print the derivative of EXPR as a formula.\n\nIn a pipe: one line per derivative, "
            "a program eval reads back; with values, the derivatives' values there too.",
    "plot": "Draw EXPR and its derivatives over a range, with its extrema and inflection "
            "points.",
    "repl": "An interactive session: values persist, bindings are re-evaluated, :trace, "
            ":graph, :check, :save ... on the last entry. Also `autodiff` alone at a "
            "terminal; with stdin not a terminal, entries are read from it.",
}
CONTEXT = {"help_option_names": list(HELP)}
_SHARED_LAST = ("max_size", "debug", "no_color", "color")

app = typer.Typer(
    name="autodiff",
    help="Evaluate expressions and their exact derivatives by reverse-mode automatic "
         "differentiation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings=CONTEXT,
    epilog=epilog("autodiff"),
)


def _version(value: bool) -> None:
    if value:
        print(f"autodiff {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """autodiff: values and exact derivatives of expressions, from the command line."""


def _parameter(declared) -> inspect.Parameter:
    """The Typer parameter of one declared option."""
    default, annotation = declared.default, declared.type
    if declared.argument:
        info = typer.Argument(metavar=declared.metavar, show_default=False, help=declared.help)
    else:
        extra = {"metavar": declared.metavar} if declared.metavar else {}
        if declared.choices:
            annotation = Literal[declared.choices]  # Typer offers and checks these
        if declared.repeat:
            annotation, default = list[str] | None, None
        info = typer.Option(*declared.flags, help=declared.help,
                            show_default=default not in (None, False), **extra)
    return inspect.Parameter(declared.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[annotation, info])


def _register(name: str, options_class) -> None:
    def body(**kwargs) -> int:
        from . import commands  # lazy by policy: --help must not import numpy or Lark

        run = getattr(commands, f"run_{name}")
        if "values" in kwargs:  # click gives a list (or None); the options hold a tuple
            kwargs["values"] = tuple(kwargs["values"] or ())
        try:
            return run(options_class(**kwargs))
        except BrokenPipeError:
            # Handled here, inside the command: click turns a BrokenPipeError that escapes
            # a command into exit 1 before main could see it.
            silence_stdout()
            return ExitCode.OK

    # The command's own options first, then those every command shares.
    ordered = sorted(options_class.declared.values(), key=lambda o: o.name in _SHARED_LAST)
    body.__signature__ = inspect.Signature([_parameter(f) for f in ordered])
    body.__doc__ = HELP_TEXT[name]
    app.command(name, context_settings=CONTEXT, epilog=epilog(name))(body)


for _name, _options in COMMANDS.items():
    _register(_name, _options)


def run_typer(argv: list[str]) -> int:
    """Parse with Typer (click) and run the command; errors propagate to ``main.run``."""
    named = completion.named_shell(argv)  # --show-completion zsh: Typer would ignore 'zsh'
    if named is not None:
        return completion.run(*named)
    command = typer.main.get_command(app)
    return command.main(args=_normalise(argv), prog_name="autodiff",
                        standalone_mode=False) or 0


def _normalise(argv: list[str]) -> list[str]:
    """The command's --NAME VALUE arguments rewritten as click reads them (see arguments.py)."""
    for index, token in enumerate(argv):
        if token.startswith("-"):
            continue
        options_class = COMMANDS.get(token)
        if options_class is None or "values" not in options_class.declared:
            return argv
        return argv[:index + 1] + split(token, argv[index + 1:]).tokens()
    return argv
