#!/usr/bin/env python3
"""The goals of issue 16 (`autodiff repl`), measured in one run.

    python benchmarks/repl.py            # about half a minute
    python benchmarks/repl.py --quick    # a smoke run

1. Start-up: the time until the prompt appears (the session on a pseudo-terminal, with
   readline and its history) against a whole one-shot `autodiff eval EXPR --x 3 --y 1` (in
   a pipe: plain output, so no Rich), both as `python -m autodiff_cli`, interleaved, medians.
2. An entry: ``Session.enter`` (parse onto the session's program, prune, evaluate, print
   plain) against ``api.evaluate`` of the same text, in process, interleaved, medians.
   Also an entry that uses 30 bindings, against evaluating the whole program they make
   (what a one-shot run has to parse), and the re-evaluation after ``:set``.

Figures are ratios within one run, since these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's code, installed or not

from autodiff_cli.api import evaluate  # noqa: E402
from autodiff_cli.cli import repl_commands  # noqa: E402
from autodiff_cli.cli.repl_session import Session  # noqa: E402

EXPR = "x^2 + sin(y)"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TERM": "xterm",
       "XDG_STATE_HOME": tempfile.mkdtemp(prefix="autodiff-bench-")}


def time_to_prompt() -> float:
    """Seconds from fork to the prompt on a pseudo-terminal; the session is then ended."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, "-m", "autodiff_cli", "repl"], ENV)
    seen = b""
    try:
        while b"autodiff> " not in seen:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise RuntimeError(f"no prompt: {seen!r}")
            seen += os.read(fd, 4096)
        elapsed = time.perf_counter() - start
        os.write(fd, b"\x04")
        os.waitpid(pid, 0)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(fd)
    return elapsed


def one_shot() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autodiff_cli", "eval", EXPR, "--x", "3", "--y", "1"],
                   env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def interleaved(functions: dict, runs: int) -> dict:
    times = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            times[name].append(function())
    return {name: statistics.median(t) for name, t in times.items()}


def per_call(function, calls: int):
    def timed() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            function()
        return (time.perf_counter() - start) / calls
    return timed


def session_with(entries: list[str]) -> Session:
    session = Session("plain")
    repl_commands.run(session, ":set x=0.7, y=1.3")
    for text in entries:
        session.enter(text)
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    quick = parser.parse_args().quick
    runs, calls = (3, 50) if quick else (15, 1000)
    rows = []

    startup = interleaved({"prompt": time_to_prompt, "eval": one_shot}, runs)
    rows.append(("1", "repl prompt / one-shot eval (processes)", startup["prompt"] / startup["eval"],
                 1.2, f"prompt {startup['prompt'] * 1e3:.0f} ms vs eval "
                      f"{startup['eval'] * 1e3:.0f} ms"))

    values = {"x": 0.7, "y": 1.3}
    chain = ["a1 = sin(x)*y"] + [f"a{i} = sin(a{i - 1}) + x*a{i - 1}" for i in range(2, 31)]
    whole = "\n".join(chain + ["a30 * y"])
    with contextlib.redirect_stdout(io.StringIO()) as out:
        plain = session_with([])
        bound = session_with(["\n".join(chain)])
        figures = interleaved({
            "entry": per_call(lambda: plain.enter(EXPR), calls),
            "evaluate": per_call(lambda: evaluate(EXPR, values), calls),
            "bound entry": per_call(lambda: bound.enter("a30 * y"), calls // 4),
            "whole": per_call(lambda: evaluate(whole, values), calls // 4),
            "set": per_call(lambda: repl_commands.run(bound, ":set x 0.7"), calls // 4),
        }, runs)
    assert out.getvalue().startswith("f\t")
    us = {name: f"{t * 1e6:.0f} us" for name, t in figures.items()}
    rows.append(("2", "repl entry / evaluate, same text", figures["entry"] / figures["evaluate"],
                 1.5, f"entry {us['entry']} (parse, evaluate, print) vs {us['evaluate']}"))
    rows.append(("2", "entry using 30 bindings / evaluate the whole program",
                 figures["bound entry"] / figures["whole"], 1.0,
                 f"{us['bound entry']} vs {us['whole']}: the bindings are not parsed again"))
    rows.append(("2", ":set, re-evaluating 30 bindings / evaluate the whole program",
                 figures["set"] / figures["whole"], 1.0, f"{us['set']} vs {us['whole']}"))

    print(f"{'goal':<5} {'measure':<62} {'figure':>7} {'target':>8}  result  note")
    for goal, measure, figure, limit, note in rows:
        verdict = "PASS" if figure <= limit else "FAIL"
        print(f"{goal:<5} {measure:<62} {figure:>6.2f}x {f'<= {limit}x':>8}  {verdict:<6}  {note}")


if __name__ == "__main__":
    main()
