"""Two runs on one output folder (issue 11, item 9): the second stops at once and names the holder."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.layout import Layout
from curation.lock import OutputLocked, output_lock

ROOT = Path(__file__).resolve().parents[2]

HOLD = """
import sys, time
from curation.lock import output_lock
with output_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def held(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "held"
    yield out, proc.pid
    proc.kill()
    proc.wait()


def test_a_second_writer_is_refused_and_told_who_holds_the_folder(held):
    out, pid = held
    with pytest.raises(OutputLocked, match=f"being written by pid {pid}"):
        with output_lock(out):
            pass
    for args in (["run", "--stages", "stats"], ["ingest"], ["dedup"], ["tokenize"]):
        result = CliRunner().invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 1 and f"pid {pid}" in result.output, (args, result.output)


def test_the_lock_is_released_when_its_holder_dies(held):
    out, pid = held
    subprocess.run(["kill", "-9", str(pid)], check=True)
    time.sleep(0.2)
    with output_lock(out) as path:
        assert path == Layout(out).lock()
