"""`out/run.json`: written by `run_pipeline`, read by default by the report, stats, inspect and the notebooks."""

import hashlib
import json

import pytest
from audit_helpers import record_run
from typer.testing import CliRunner

import curation
from curation.cli import app
from curation.config import load_config
from curation.layout import Layout
from curation.pipeline import STAGES, StageError, run_pipeline
from curation.run_record import RunRecordError, read_run_record


def _config(audit_run, **extra):
    return load_config(None, {"output_dir": str(audit_run), "workers": 1, "catalog": str(audit_run.parent / "catalog.yaml")} | extra)


def test_run_pipeline_records_config_catalog_version_and_stage_hashes(audit_run):
    config = _config(audit_run)
    run_pipeline(config, ["stats", "report"], progress=False)
    record = read_run_record(audit_run)
    assert record.status == "complete" and record.finished and record.version == curation.__version__
    catalog = audit_run.parent / "catalog.yaml"
    assert record.catalog.path == str(catalog.resolve())
    assert record.catalog.sha256 == hashlib.sha256(catalog.read_bytes()).hexdigest() and not record.catalog.changed_since()
    assert record.requested == ["stats", "report"] and set(record.stages) == {"stats", "report"}
    assert record.run_config() == config  # the resolved config, round trip
    # every stage's hash is its section's resume hash, derived from the declared stages
    raw = json.loads(Layout(audit_run).run_record().read_text(encoding="utf-8"))
    assert raw["config"]["filter"] == config.filter.model_dump(mode="json")
    assert not list(audit_run.glob(".run.json.tmp-*"))  # written atomically
    from curation.run_record import stage_hashes

    assert stage_hashes(config) == {s.name: config.section_hash(s.section) if s.section else None for s in STAGES}


def test_a_later_run_of_some_stages_keeps_the_others_entries(audit_run):
    record_run(audit_run)
    run_pipeline(_config(audit_run), ["report"], progress=False)
    record = read_run_record(audit_run)
    assert set(record.stages) == {"ingest", "filter", "dedup", "tokenize", "report"}
    assert record.stages["filter"].config_hash == _config(audit_run).section_hash("filter")


def test_a_failed_stage_is_recorded(audit_run):
    with pytest.raises(StageError):
        run_pipeline(_config(audit_run, catalog=str(audit_run / "missing.yaml")), ["report"], progress=False)
    record = read_run_record(audit_run)
    assert record.status == "failed" and record.stages["report"].status == "failed"


def test_an_unreadable_record_names_the_file_and_field(tmp_path):
    (tmp_path / "run.json").write_text('{"format": 1, "started": "x"}', encoding="utf-8")
    with pytest.raises(RunRecordError, match=r"run.json: field 'status' is missing"):
        read_run_record(tmp_path)


def test_report_finds_the_catalog_from_the_record_from_any_directory(audit_run, tmp_path, monkeypatch):
    """Before: without --config the report looked for samples/run.yaml in the working directory and showed every license as unknown."""
    record_run(audit_run)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", "--out", str(audit_run), "--no-datacards"])
    assert result.exit_code == 0, result.output
    html = Layout(audit_run).report().read_text(encoding="utf-8")
    assert "CC BY-SA 3.0" in html and "Catalog not available" not in html
    assert f"curation <b>{curation.__version__}</b>" in html


def test_stats_and_inspect_print_the_runs_provenance(audit_run, tmp_path, monkeypatch):
    record_run(audit_run)
    monkeypatch.chdir(tmp_path)
    record = read_run_record(audit_run)
    for args in (["stats", "--out", str(audit_run)], ["inspect", "--out", str(audit_run), "--stage", "filter", "-n", "1"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert f"config {record.config_hash}" in result.output.replace("\n", "") and "curation 0." in result.output
