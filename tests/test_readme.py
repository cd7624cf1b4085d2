"""The README and docs/ document what the code does: the functions table and the set-up
commands come from the code (their examples are run by test_docs.py)."""

import math
import re

from autodiff_cli.core import registry
from autodiff_cli.views import catalogue
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FUNCTIONS_PAGE = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")

PRODUCT_FUNCTIONS = """add sub mul div neg pow square sqrt cbrt exp expm1 log log1p log2 log10
sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh sigmoid softplus relu abs
hypot min max sum mean prod dot norm logsumexp""".split()


def test_the_functions_page_table_matches_the_registry():
    start = FUNCTIONS_PAGE.index(catalogue.README_START)
    end = FUNCTIONS_PAGE.index(catalogue.README_END) + len(catalogue.README_END)
    assert FUNCTIONS_PAGE[start:end] + "\n" == catalogue.markdown(), \
        "regenerate with: autodiff functions --format markdown"


def test_registry_has_every_function_of_the_product_contract():
    assert set(PRODUCT_FUNCTIONS) <= set(registry.names())
    assert registry.arities("max") == [1, 2] and registry.arities("min") == [1, 2]


def test_readme_starts_with_the_two_setup_commands():
    block = re.search(r"<!-- setup:start -->\s*```sh\n(.*?)```", README, re.S).group(1)
    commands = block.strip().splitlines()
    assert commands[0].startswith("pip install . && autodiff eval ")
    assert commands[1] == "pip install -e '.[test]' && pytest"
    assert README.index("<!-- setup:start -->") < README.index("## ")


def test_every_entry_is_documented():
    for spec in registry.FUNCTIONS.values():
        assert spec.derivative and spec.summary and spec.sympy
        assert len(spec.domain) == (1 if spec.reduces and spec.arity == 1 else spec.arity)


def test_the_readme_is_a_first_read_that_links_the_reference():
    """What it is, the set-up, five examples with their output, then links (issue 15, 21)."""
    assert len(README.splitlines()) <= 150
    first_paragraph = README.split("\n\n", 2)[1]
    assert "exact" in first_paragraph and "derivatives" in first_paragraph
    examples = README.split("## Five examples", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in examples.splitlines() if line.startswith("$ ")]
    for shown in ("--trace", "autodiff diff", "--order 100", "--points"):
        assert any(shown in command for command in commands), shown
    assert "](docs/README.md)" in README.split("## Documentation", 1)[1]


def test_the_readme_order_100_example_is_the_closed_form():
    """The n-th derivative of 1/(1-x) at 0.5 is n!*2^(n+1), to the last digit (test_docs.py
    checks that the lines shown are what the program prints)."""
    block = README.split('$ autodiff eval "1/(1-x)" --x 0.5 --order 100 | tail -2\n', 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    assert [line.split("\t")[0] for line in lines] == ["d99f/dx99", "d100f/dx100"]
    for n, line in zip((99, 100), lines):
        assert float(line.split("\t")[1]) == float(math.factorial(n) * 2 ** (n + 1))
