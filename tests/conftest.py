"""Shared test helpers: run the command line as a user would, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: a fixed seed and a few hundred examples in CI; a long run locally with
# `pytest --hypothesis-profile=long`.
_QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None,
                          suppress_health_check=_QUIET)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, input: str | bytes | None = None, env: dict | None = None,
            cwd: str | Path | None = None, timeout: float = 60) -> Run:
    """``autodiff ARGS`` via ``python -m autodiff_cli``, stdout and stderr captured (pipes)."""
    full_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full_env.update({"PYTHONPATH": str(ROOT), **(env or {})})
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run([sys.executable, "-m", "autodiff_cli", *args], input=data,
                          capture_output=True, env=full_env, cwd=cwd, timeout=timeout)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"))


@pytest.fixture
def cli():
    return run_cli
