"""The labelled evaluation (bench/accuracy.py) must keep meeting its goal on every fixture college."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_accuracy_goal_met_on_every_fixture_college():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "accuracy.py"), "-v"], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.endswith("met")]
    assert len(rows) >= 2  # at least the demo college and one of another shape
