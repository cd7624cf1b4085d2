"""Reading a command's arguments: options, ``--NAME VALUE`` values, the expression, and typos.

Click cannot declare an option per variable, and with unknown options allowed it
would take the value of ``--x 2`` as the expression. So the arguments are split
here first: known options pass through, ``--x 2`` / ``--x=-3`` become values (as
``--var x=2`` does), in command-line order so that the last value given wins, and
the expression is kept apart so that one starting with '-' (``-x^2``) is never
read as an option. A misspelt option is an error, not a value for a variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UsageError, shorten
from ..options import COMMANDS, flags_of

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
# A number or a vector (with a digit, or inf/nan, somewhere: '-' alone is not a value).
_VALUE_LIKE = re.compile(r"(?=.*([0-9]|inf|nan))\[?[\s\d.eE+\-,infatyINFATY]*\]?\Z", re.IGNORECASE)
HELP = ("-h", "--help")
# Options people bring from other tools, and what they mean here.
_FORMAT_WORDS = {"--json": "--format json", "--plain": "--format plain",
                 "--table": "--format table", "--dot": "--format dot", "--text": "--format text"}


@dataclass
class Arguments:
    """A command's arguments, sorted: (option, value or None), values, the expression."""

    options: list[tuple[str, str | None]] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # NAME=VALUE, in command-line order
    positional: list[str] = field(default_factory=list)

    def tokens(self) -> list[str]:
        """The arguments again, as click reads them: values as --var, the expression last."""
        out: list[str] = []
        for name, value in self.options:
            out += [name] if value is None else [name, value]
        for assignment in self.values:
            out += ["--var", assignment]
        return out + (["--"] + self.positional if self.positional else [])


def split(command: str, tokens: list[str]) -> Arguments:
    """Sort ``tokens`` (what follows the command word) into options, values and the expression."""
    known = flags_of(COMMANDS[command])
    args = Arguments()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "--":
            args.positional += tokens[i:]
            break
        name, eq, value = token.partition("=")
        if token in HELP:
            args.options.append((token, None))
        elif name in known and (name.startswith("--") or name == token or eq):
            takes_value = known[name][1]
            if takes_value and not eq:
                if i >= len(tokens):
                    raise UsageError(f"the option {name} needs a value")
                value = tokens[i]
                i += 1
            if known[name][0] == "values":
                args.values.append(value)
            else:
                args.options.append((name, value if takes_value else (value if eq else None)))
        elif token[:2] in known and token[1:2] != "-" and known[token[:2]][1]:
            # a short option with its value attached: -vx=2, -fprogram.ad (as getopt reads them)
            flag, value = token[:2], token[2:]
            if known[flag][0] == "values":
                args.values.append(value)
            else:
                args.options.append((flag, value))
        elif token.startswith("--") and len(token) > 2:
            variable = name[2:]
            if not IDENTIFIER.match(variable):
                raise unknown_option(command, name)
            if not eq:
                if i >= len(tokens) or _is_option(tokens[i]):
                    raise unknown_option(command, name, needs_value=True)
                value = tokens[i]
                i += 1
            if not _VALUE_LIKE.match(value.strip()) and option_typo(command, name):
                raise unknown_option(command, name)
            args.values.append(f"{variable}={value}")
        else:
            args.positional.append(token)
    if len(args.positional) > 1:
        raise UsageError(f"expected one expression, got {len(args.positional)}: "
                         + " ".join(repr(p) for p in args.positional[:4]),
                         hint=_extra_words_hint(args.positional))
    return args


def _extra_words_hint(words: list[str]) -> str:
    """What the words after the expression probably meant: -x 2 for --x 2, x=2 for --var."""
    for word, following in zip(words, words[1:] + [""]):
        name, eq, value = word.partition("=")
        if eq and IDENTIFIER.match(name) and _VALUE_LIKE.match(value.strip()):
            return f"a value is given as --{name} {value} or --var {word}"
        if word.startswith("-") and IDENTIFIER.match(word[1:]) and following \
                and _VALUE_LIKE.match(following.strip()):
            return f"values take two dashes: -{word} {following}"
    return 'quote the expression: autodiff eval "x^2 + 1" --x 3'


def option_named_like(command: str, names) -> None:
    """A variable the program uses, named like an option of the command (``--order``): its
    value was read as the option's; say how to give it."""
    flags = flags_of(COMMANDS[command])
    for name in names:
        if f"--{name}" in flags:
            raise UsageError(f"the variable '{shorten(name)}' has the name of an option of "
                             f"{command}, so --{name} sets the option",
                             hint=f"give the variable as --var {name}=VALUE")


def _is_option(token: str) -> bool:
    """'--y' or '--format' (the next option), as opposed to a value such as '-3' or '-.5'."""
    return token.startswith("--") and len(token) > 2


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]


def option_typo(command: str, name: str) -> str | None:
    """The option ``--NAME`` was probably meant to be, or None: a near miss of one of this
    command's options (``--ordr``, ``--Order``), or an option of another command."""
    if name in _FORMAT_WORDS:
        return _FORMAT_WORDS[name]
    own = [flag for flag in flags_of(COMMANDS[command]) if flag.startswith("--")]
    word = name[2:].lower()
    limit = 1 if len(word) <= 5 else 2
    near = sorted((edit_distance(word, flag[2:]), flag) for flag in own)
    if near and near[0][0] <= limit:  # all the nearest: --tol is --atol or --rtol
        return " or ".join(flag for distance, flag in near if distance == near[0][0])
    for other, options_class in COMMANDS.items():
        if other != command and name in flags_of(options_class):
            return name
    return None


def unknown_option(command: str, name: str, needs_value: bool = False) -> UsageError:
    """The error for an unknown ``--NAME``: did-you-mean where one is near."""
    meant = option_typo(command, name)
    if meant == name:  # an option of another command
        owners = [c for c, cls in COMMANDS.items() if name in flags_of(cls)]
        listed = " and ".join(filter(None, [", ".join(owners[:-1]), owners[-1]]))
        return UsageError(f"{name} is an option of {listed}, not of {command}",
                          hint=f"see autodiff {command} --help")
    if meant is not None:
        return UsageError(f"unknown option '{shorten(name)}'", hint=f"did you mean {meant}?")
    if needs_value:
        return UsageError(f"{shorten(name)} needs a value (or is not an option of {command})",
                          hint=f"a value for a variable: {shorten(name)} 2.0; the options: "
                               f"autodiff {command} --help")
    return UsageError(f"unknown option '{shorten(name)}'",
                      hint="values are given as --NAME VALUE, NAME a variable of the "
                           "expression; see --help")


def check_unused_names(command: str, names) -> None:
    """A value for a name the program does not use, spelt like an option, was an option."""
    for name in names:
        if option_typo(command, f"--{name}") is not None:
            raise unknown_option(command, f"--{name}")
