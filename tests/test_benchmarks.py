"""`benchmarks/run.py --quick` runs and reports every goal of issue 6.

Only that it works: no timing is asserted here (the machines are shared and noisy); the
figures themselves come from a full run of the script.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import ROOT

GOALS = (1, 2, 3, 4, 5)


def test_the_quick_benchmark_prints_a_line_per_goal(tmp_path):
    out = tmp_path / "figures.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick",
                           "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for goal in GOALS:
        lines = re.findall(rf"^{goal}\s+\S.*\s(PASS|FAIL|ref|SKIP)\b", proc.stdout, re.MULTILINE)
        assert lines, f"no line for goal {goal} in:\n{proc.stdout}"
    doc = json.loads(out.read_text())
    assert {row["goal"] for row in doc["rows"]} == set(GOALS)
    assert all(row["result"] in {"PASS", "FAIL", "ref", "SKIP"} for row in doc["rows"])
    assert doc["quick"] is True and doc["machine"]["versions"]["numpy"] != "absent"


def test_the_taylor_and_jacobian_benchmarks_run_and_report_their_goals():
    """Smoke runs only: the figures come from full runs (docs/performance.md)."""
    for script, goals in (("taylor.py", 4), ("jacobian.py", 2)):
        proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--quick"],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert len(re.findall(r"\((goal <= [\d.]+x)\) (PASS|FAIL)", proc.stdout)) == goals, \
            proc.stdout
