"""`benchmarks/bench_decontaminate.py` runs on a small corpus (it broke once when the corpus builder's return changed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_decontamination_benchmark_runs_and_reports_both_modes():
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_decontaminate.py"), "--sizes", "300", "--repeat", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("benchmark: 500 items") and lines[1].startswith("input: ")
    assert [line.split()[0] for line in lines[2:]] == ["remove", "cut"] and all("MB/s per core" in line for line in lines[2:])
