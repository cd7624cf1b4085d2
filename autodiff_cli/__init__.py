"""autodiff: reverse-mode automatic differentiation of expressions.

The package keeps its top-level import cheap (no numpy, no Lark) so that
``autodiff --version`` starts fast; the Python API is loaded on first use.
"""

__version__ = "0.1.0"

__all__ = ["evaluate", "__version__"]


def __getattr__(name):
    if name == "evaluate":
        from .api import evaluate

        return evaluate
    raise AttributeError(f"module 'autodiff_cli' has no attribute {name!r}")
