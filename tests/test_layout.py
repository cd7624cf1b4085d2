"""The package's shape: layers that import only downwards, no import cycles, small modules,
and the modules a one-shot eval imports pinned (the lazy-import policy of cli/main.py)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autodiff_cli"
GENERATED = {"autodiff_cli.language.tables"}

# Which layers each layer may import: along the data flow, never back up it.
LAYER_OF = {"errors": "ground", "options": "ground", "core": "core", "language": "language",
            "views": "views", "api": "api", "batch": "batch", "cli": "cli",
            "__init__": "top", "__main__": "top"}
ALLOWED = {
    "ground": {"ground"},
    "core": {"ground", "core"},
    "language": {"ground", "core", "language"},
    "views": {"ground", "core", "views"},
    "api": {"ground", "core", "language"},
    "batch": {"ground", "core", "language", "views", "api", "batch"},
    "cli": {"ground", "core", "language", "views", "api", "batch", "cli", "top"},
    "top": {"api", "cli", "ground"},
}
# Third-party packages a layer must not import, wherever in the module.
FORBIDDEN = {"core": {"lark", "rich", "typer", "click"}, "language": {"rich", "typer"},
             "views": {"lark", "typer"}, "api": {"rich", "typer"}, "batch": {"typer"}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(name: str) -> str:
    parts = name.split(".")
    return LAYER_OF[parts[1] if len(parts) > 1 else "__init__"]


def imports(name: str, path: Path, known: dict) -> tuple[set[str], set[str]]:
    """(modules of the package, top-level third-party names) imported anywhere in the file,
    function-local imports and TYPE_CHECKING blocks included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inside, outside = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.startswith("autodiff_cli") else outside).add(
                    alias.name if alias.name.startswith("autodiff_cli")
                    else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("autodiff_cli"):
                outside.add(target.split(".")[0])
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                inside.add(sub if sub in known else target)
    return inside, outside


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known)[0] for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's, with a stack)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_import_cycles_function_local_imports_included():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_layers_import_only_downwards():
    wrong = []
    for name, targets in graph().items():
        for target in targets:
            if target != name and layer(target) not in ALLOWED[layer(name)]:
                wrong.append(f"{name} ({layer(name)}) imports {target} ({layer(target)})")
    assert wrong == []


def test_layers_keep_away_from_the_libraries_of_other_layers():
    known = modules()
    wrong = []
    for name, path in known.items():
        banned = FORBIDDEN.get(layer(name), set())
        for library in imports(name, path, known)[1] & banned:
            wrong.append(f"{name} imports {library}")
    assert wrong == []


def test_no_module_is_longer_than_about_400_lines():
    long = {name: len(path.read_text().splitlines()) for name, path in modules().items()
            if name not in GENERATED}
    assert {n: k for n, k in long.items() if k > 420} == {}


def test_every_module_says_its_job_first():
    for name, path in modules().items():
        tree = ast.parse(path.read_text())
        if name.endswith("__main__"):
            continue
        assert ast.get_docstring(tree), f"{name} has no docstring"


# The modules a one-shot `autodiff eval EXPR --x V` imports: any change here is a start-up
# decision, to be made on purpose (cli/main.py states the policy).
ONE_SHOT_MODULES = {
    "autodiff_cli", "autodiff_cli.api", "autodiff_cli.errors", "autodiff_cli.options",
    "autodiff_cli.cli", "autodiff_cli.cli.main", "autodiff_cli.cli.arguments",
    "autodiff_cli.cli.streams", "autodiff_cli.cli.commands", "autodiff_cli.cli.inputs",
    "autodiff_cli.cli.values",
    "autodiff_cli.core", "autodiff_cli.core.engine", "autodiff_cli.core.registry",
    "autodiff_cli.core.program", "autodiff_cli.core.graph", "autodiff_cli.core.higher",
    "autodiff_cli.core.spec", "autodiff_cli.core.nodes", "autodiff_cli.core.tape",
    "autodiff_cli.core.order",
    "autodiff_cli.core.evaluation", "autodiff_cli.core.elementary",
    "autodiff_cli.language", "autodiff_cli.language.grammar", "autodiff_cli.language.parser",
    "autodiff_cli.language.tables", "autodiff_cli.language.lalr",
    "autodiff_cli.views", "autodiff_cli.views.terminal", "autodiff_cli.views.record",
    "autodiff_cli.views.numbers", "autodiff_cli.core.labels",
}
# numpy: a scalar evaluation computes with Python floats and math (core/elementary.py); numpy
# costs more to import than the rest of the run. lark: a valid program is parsed by
# language/lalr.py; Lark is imported only to explain a syntax error.
NEVER_ON_THE_ONE_SHOT_PATH = {"numpy", "typer", "click", "rich", "json", "difflib", "pathlib",
                              "shlex", "lark", "autodiff_cli.language.lark_parser",
                              "autodiff_cli.language.build_tables", "autodiff_cli.cli.app",
                              "autodiff_cli.core.taylor", "autodiff_cli.core.jacobian"}


def loaded_by(argv: list[str], stdin: str | None = None) -> set[str]:
    code = ("import sys\nfrom autodiff_cli.cli.main import run\n"
            f"code = run({argv!r})\n"
            "print(code, ' '.join(sorted(sys.modules)), file=sys.stderr)")
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, input=stdin).stderr
    code, _, names = err.strip().splitlines()[-1].partition(" ")
    assert code == "0", err
    return set(names.split())


def test_a_one_shot_eval_imports_exactly_the_allowed_modules():
    loaded = loaded_by(["eval", "x^2 + sin(y)", "--x", "3", "--y", "1"])
    assert {m for m in loaded if m.startswith("autodiff_cli")} == ONE_SHOT_MODULES
    assert loaded & NEVER_ON_THE_ONE_SHOT_PATH == set()


def test_a_syntax_error_imports_lark_for_its_message():
    code = ("import sys\nfrom autodiff_cli.cli.main import run\n"
            "code = run(['eval', 'x +* 2', '--x', '1'])\n"
            "print(code, 'lark' in sys.modules, file=sys.stderr)")
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT).stderr
    assert "expected a number, a name" in err and err.strip().splitlines()[-1] == "2 True", err


def test_a_scalar_eval_imports_no_numpy_until_a_vector_or_a_reduction_needs_it():
    for argv in (["eval", "x^3", "--x", "2"], ["eval", "1/x + log(y) + exp(z)", "--x", "2",
                 "--y", "3", "--z", "4", "--format", "table"],
                 ["eval", "sigmoid(x)*softplus(x) + relu(x) + abs(x)*sign(x)", "--x", "-1.5"],
                 ["eval", "log(x) + 1/y + exp(z) + x^0.5 + atanh(w)", "--x", "-1", "--y", "0",
                  "--z", "1000", "--w", "1"],  # the IEEE edge cases too
                 ["eval", "x*y + sin(z), x^2 - y*z, exp(x)*z", "--x", "1", "--y", "2", "--z",
                  "3"]):  # several results by reverse mode: the Jacobian's one-shot goal
        assert "numpy" not in loaded_by(argv), argv
    for argv in (["eval", "x^3", "--x", "1,2"], ["eval", "sum(x)", "--x", "2"],
                 ["eval", "x^3", "--x", "2", "--order", "3"]):
        assert "numpy" in loaded_by(argv), argv


def test_version_and_help_import_neither_numpy_nor_lark():
    for argv in (["--version"], ["--help"], ["eval", "--help"], ["eval", "-h"]):
        loaded = loaded_by(argv)
        assert {"numpy", "lark"} & loaded == set(), argv


def test_the_session_starts_without_numpy_or_lark():
    """The prompt appears before anything a scalar entry does not need is imported."""
    assert {"numpy", "lark"} & loaded_by(["repl"], stdin="") == set()
