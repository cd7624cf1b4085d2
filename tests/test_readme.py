"""The README documents what the code does: its table and set-up commands come from the code."""

import re

from autodiff_cli.core import registry
from autodiff_cli.views import catalogue
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")

PRODUCT_FUNCTIONS = """add sub mul div neg pow square sqrt cbrt exp expm1 log log1p log2 log10
sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh sigmoid softplus relu abs
hypot min max sum mean prod dot norm logsumexp""".split()


def test_readme_function_table_matches_the_registry():
    start = README.index(catalogue.README_START)
    end = README.index(catalogue.README_END) + len(catalogue.README_END)
    assert README[start:end] + "\n" == catalogue.markdown(), \
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
