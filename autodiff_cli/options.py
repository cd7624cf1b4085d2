"""Each command's options, declared once: a frozen record per command.

A field is one option: its name is what the code reads (``options.order``), its
metadata what the command line shows (``--order``, the help, the metavar). The
Typer commands (cli/app.py) and the fast path of a one-shot ``eval`` (cli/main.py)
are both made from these declarations, and the modes (one evaluation, ``--points``,
``--each-line``) each take the options object as one argument.
"""

DEFAULT_MAX_SIZE = 64 * 1024 * 1024  # characters of a program
FORMATS = ("auto", "table", "plain", "json")


class Option:
    """One declared option: the field it fills, its spellings, help, metavar and values."""

    __slots__ = ("name", "type", "base", "default", "flags", "help", "metavar", "choices",
                 "repeat", "argument")

    def __init__(self, *flags: str, default=None, help: str, metavar: str | None = None,
                 choices: tuple[str, ...] | None = None, repeat: bool = False,
                 argument: bool = False):
        self.name, self.type, self.base = "", object, object  # set by the declaring class
        self.flags, self.default, self.help, self.metavar = flags, default, help, metavar
        self.choices, self.repeat, self.argument = choices, repeat, argument


def option(*flags: str, **details) -> Option:
    """A field that is a command-line option (``--order``), with its help and accepted values."""
    return Option(*flags, **details)


def argument(*, help: str, metavar: str) -> Option:
    """A field that is the positional argument."""
    return Option(help=help, metavar=metavar, argument=True)


class Options:
    """A command's options: read-only attributes, one per declared ``Option``, in order.

    A light frozen record rather than a dataclass: the one-shot eval imports this module,
    and generating five dataclasses cost about 4 ms of its start-up."""

    declared: dict[str, Option] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declared = dict(cls.declared)
        for name, value in list(vars(cls).items()):
            if isinstance(value, Option):
                value.name, value.type = name, cls.__annotations__[name]
                # int from 'int | None': what a value on the command line is converted to
                value.base = next((t for t in getattr(value.type, "__args__", (value.type,))
                                   if t is not type(None)), str)
                declared[name] = value
                setattr(cls, name, value.default)
        cls.declared = declared

    def __init__(self, **values):
        unknown = set(values) - set(self.declared)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no option {sorted(unknown)[0]!r}")
        for name, declared in self.declared.items():
            object.__setattr__(self, name, values.get(name, declared.default))

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other):
        return type(self) is type(other) and vars(self) == vars(other)

    __hash__ = None

    def __repr__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({shown})"


def flags_of(options_class) -> dict[str, tuple[str, bool]]:
    """Every spelling of every option: {'--order': ('order', takes a value), ...}."""
    return {flag: (o.name, o.type is not bool)
            for o in options_class.declared.values() for flag in o.flags}


def flag(options_class, name: str) -> str:
    """The long spelling of the option behind field ``name`` (for hints: '--skip-bad-rows')."""
    return options_class.declared[name].flags[0]


class CommonOptions(Options):
    """What every command takes: how errors and colour are shown."""

    debug: bool = option("--debug", default=False, help="Show Python tracebacks.")
    no_color: bool = option("--no-color", default=False, help="No colour, even on a terminal.")
    color: str = option("--color", default="auto", choices=("auto", "always", "never"),
                        help="auto: colour on a terminal (NO_COLOR, FORCE_COLOR respected).")


class ProgramOptions(CommonOptions):
    """What every command that evaluates an expression takes."""

    expression: str | None = argument(
        metavar="EXPR",
        help="The expression or program ('-' reads it from stdin). Values: --NAME VALUE.")
    values: tuple[str, ...] = option(
        "--var", "-v", default=(), metavar="NAME=VALUE", repeat=True,
        help="A value, in any order: --var x=2 (same as --x 2). A vector: --var x=1,2,3.")
    file: str | None = option("--file", "-f", metavar="PATH",
                              help="Read the program from a file.")
    max_size: int = option("--max-size", default=DEFAULT_MAX_SIZE, metavar="CHARS",
                           help="The longest program accepted, in characters.")


class EvalOptions(ProgramOptions):
    wrt: str | None = option("--wrt", metavar="NAMES",
                             help="Differentiate by these variables only (comma-separated).")
    format: str = option("--format", default="auto", choices=FORMATS,
                         help="auto = table on a terminal, plain in a pipe.")
    order: int = option("--order", default=1, metavar="N",
                        help="Derivatives up to order N (several variables: --order 2 gives "
                             "the Hessian).")
    digits: int | None = option(
        "--digits", metavar="N",
        help="Round numbers for people (table) to N significant digits; plain and JSON stay "
             "exact.")
    series: int | None = option(
        "--series", metavar="N",
        help="The Taylor polynomial of degree N about the point, in powers of (x - x0), as an "
             "expression eval reads back (one variable).")
    output: str | None = option(
        "--output", metavar="NAMES",
        help="The results: these bindings of the program (comma-separated); with several, "
             "their values and the Jacobian.")
    jacobian: bool = option("--jacobian", default=False,
                            help="A vector result: the Jacobian element by element, instead of "
                                 "the gradient of its sum.")
    mode: str = option("--mode", default="auto", choices=("auto", "forward", "reverse"),
                       help="How the Jacobian of several results is computed: auto picks "
                            "the one with fewer passes.")
    strict: bool = option("--strict", default=False, help="Exit 1 on a non-finite result.")
    trace: bool = option("--trace", default=False,
                         help="Show the backward pass step by step (on stderr; in JSON also "
                              "'trace').")
    points: str | None = option(
        "--points", metavar="FILE|-",
        help="Evaluate at each row of FILE ('-': stdin); a header line names the columns.")
    delimiter: str | None = option(
        "--delimiter", metavar="D",
        help="The --points column separator: ',', ';', tab or space (default: detected).")
    skip_bad_rows: bool = option("--skip-bad-rows", default=False,
                                 help="With --points: warn about a malformed row and go on.")
    each_line: bool = option("--each-line", default=False,
                             help="One program per input line, one result per line.")
    threads: int | None = option(
        "--threads", metavar="N",
        help="Threads for vectors and --points (default: the cores available); results are "
             "the same for every N.")


class GraphOptions(ProgramOptions):
    format: str = option(
        "--format", default="auto", choices=("auto", "dot", "text"),
        help="dot (Graphviz) or text (a tree); auto = text on a terminal, else dot, or as "
             "--output's name says (.txt is text).")
    output: str | None = option(
        "--output", "-o", metavar="FILE",
        help="Write to FILE: .svg, .png, .pdf, .jpg, ... drawn by Graphviz's dot; .dot or .txt "
             "as text.")


class CheckOptions(ProgramOptions):
    wrt: str | None = option("--wrt", metavar="NAMES",
                             help="Check the derivatives by these variables only.")
    eps: float = option("--eps", default=1e-6,
                        help="The finite-difference step relative to the point: "
                             "h = eps*max(1, |x|).")
    rtol: float = option("--rtol", default=1e-5, help="Relative tolerance.")
    atol: float = option("--atol", default=1e-7, help="Absolute tolerance.")
    order: int = option("--order", default=1, metavar="N", help="2: check the Hessian too.")
    format: str = option("--format", default="auto", choices=FORMATS,
                         help="auto = table on a terminal, plain in a pipe.")


class FunctionsOptions(CommonOptions):
    name: str | None = argument(metavar="NAME",
                                help="One function (sin, max, ...) rather than them all.")
    format: str = option("--format", default="auto",
                         choices=("auto", "table", "plain", "markdown", "json"),
                         help="auto = table on a terminal; plain (tab-separated) in a pipe.")


class DiffOptions(ProgramOptions):
    wrt: str | None = option("--wrt", metavar="NAMES",
                             help="Differentiate by these variables only (comma-separated).")
    order: int = option("--order", default=1, metavar="N",
                        help="The N-th derivative (several variables: --order 2 gives the "
                             "Hessian's entries).")
    format: str = option("--format", default="auto",
                         choices=("auto", "text", "plain", "json", "latex"),
                         help="auto = text on a terminal, plain in a pipe (a program per "
                              "line that eval reads back).")


# The commands and their options, in the order `autodiff --help` lists them.
COMMANDS = {"eval": EvalOptions, "diff": DiffOptions, "graph": GraphOptions,
            "check": CheckOptions, "functions": FunctionsOptions}


class PlotOptions(ProgramOptions):
    order: int = option("--order", default=1, metavar="N",
                        help="Draw the derivatives up to order N (at most 6).")
    points: int | None = option(
        "--points", metavar="N",
        help="Samples along the range (default 401; a range A:B:STEP gives its own).")
    format: str = option(
        "--format", default="auto", choices=("auto", "chart", "plain", "json"),
        help="chart (braille), plain (the sampled columns) or json; auto = chart on a "
             "terminal, plain in a pipe, nothing with --output.")
    output: str | None = option("--output", "-o", metavar="FILE.svg",
                                help="Write the chart as SVG to FILE.svg.")


COMMANDS["plot"] = PlotOptions


class ReplOptions(CommonOptions):
    values: tuple[str, ...] = option(
        "--var", "-v", default=(), metavar="NAME=VALUE", repeat=True,
        help="A value to start with: --var x=2 (same as --x 2); :set changes it.")
    format: str = option("--format", default="auto", choices=FORMATS,
                         help="auto = table on a terminal, plain in a pipe; :format changes it.")


COMMANDS["repl"] = ReplOptions  # listed after the others
