"""program -> numbers: the registry of functions, the engine, evaluation, higher orders, the check.

Imports no Lark, Rich or Typer; reads no argv and no files.
"""
