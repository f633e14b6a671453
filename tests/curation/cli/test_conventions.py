"""Issue 13, item 7: the CLI's conventions (--version, -h, -q/-v, --format json, the bundled sample
config from any directory, Spark's logs quiet unless -v)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

import curation
from curation.cli import app

ROOT = Path(__file__).resolve().parents[3]
CODE = Path(curation.__file__).resolve().parents[1]  # the code under test, for subprocesses
runner = CliRunner()


def curation(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(CODE)) | (env or {})
    return subprocess.run([sys.executable, "-m", "curation", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_version_and_short_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"curation {version('curation')}\n"
    for args in (["-h"], ["catalog", "-h"], ["catalog", "show", "-h"], ["run", "-h"]):
        shown = runner.invoke(app, args)
        assert shown.exit_code == 0 and "Usage:" in shown.stdout, args


def test_quiet_keeps_results_and_errors_and_drops_notes(tmp_path):
    sample = ROOT / "samples" / "catalog.yaml"
    noisy = runner.invoke(app, ["catalog", "validate", str(sample), "--no-lid-check"])
    assert "deprecated" in noisy.stderr
    quiet = runner.invoke(app, ["-q", "catalog", "validate", str(sample), "--no-lid-check"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and "12 entries, valid" in quiet.stdout
    missing = runner.invoke(app, ["-q", "catalog", "list", "-C", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1 and "file not found" in missing.stderr
    both = runner.invoke(app, ["-q", "-v", "catalog", "list"])
    assert both.exit_code == 2


def test_sample_config_and_json_run_summary_from_another_directory(tmp_path):
    """`curation run` and `curation filter calibrate` once found the sample config only from the repo root."""
    out = tmp_path / "out"
    result = curation("run", "--stages", "ingest", "--format", "json", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["output_dir"] == str(out.resolve())
    assert [s["stage"] for s in summary["stages"]] == ["ingest"]
    assert summary["stages"][0]["facts"]["sources"] == 12 and summary["stages"][0]["facts"]["documents"] > 1000
    calibrate = curation("filter", "calibrate", "--lang", "en", "--out", str(out), "--sample", "50", cwd=tmp_path)
    assert calibrate.returncode == 0, calibrate.stderr[-2000:]
    assert "lang_score" in calibrate.stdout


def test_spark_logs_are_quiet_unless_verbose(monkeypatch):
    from curation.spark import QUIET_LOG_CONFIG, VERBOSITY_ENV, log_settings

    monkeypatch.delenv(VERBOSITY_ENV, raising=False)
    assert log_settings()["spark.driver.extraJavaOptions"] == f"-Dlog4j2.configurationFile=file:{QUIET_LOG_CONFIG}"
    assert "rootLogger.level = error" in QUIET_LOG_CONFIG.read_text()
    monkeypatch.setenv(VERBOSITY_ENV, "1")
    assert log_settings() == {}


@pytest.mark.spark
def test_a_spark_session_prints_no_warn_lines_unless_verbose(tmp_path):
    code = (
        "from curation.config import SparkConfig\nfrom curation.spark import build_session\n"
        "s = build_session(SparkConfig(master='local[1]'))\nprint(s.range(3).count())\ns.stop()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(CODE))
    quiet = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert quiet.returncode == 0 and quiet.stdout.strip() == "3", quiet.stderr
    assert " WARN " not in quiet.stderr and "Setting default log level" not in quiet.stderr
    verbose = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env | {"CURATION_VERBOSITY": "1"}, capture_output=True, text=True, timeout=600
    )
    assert verbose.returncode == 0 and "Setting default log level" in verbose.stderr
