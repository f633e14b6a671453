"""`--set` on the run-style commands (issue 11, items 2 and 15): what a user sets is what runs."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from curation.cli import app

RUN_STYLE = (["run"], ["ingest"], ["filter"], ["dedup"], ["tokenize"], ["tokenizer", "train"])


@pytest.mark.parametrize("command", RUN_STYLE, ids=" ".join)
def test_set_workers_and_output_dir_are_not_overwritten_by_unset_flags(command, tmp_path):
    target = tmp_path / "elsewhere"
    args = [*command, "--dry-run", "--set", f"output_dir={target}", "--set", "workers=7"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"output_dir: {target}" in result.output
    if command[0] in ("run", "ingest", "filter", "tokenize"):
        assert "workers: 7" in result.output


def test_set_catalog_and_sources_reach_curation_ingest(tmp_path, make_jsonl_source):
    catalog = make_jsonl_source()
    result = CliRunner().invoke(app, ["ingest", "--dry-run", "--set", f"catalog={catalog}", "--set", "sources=[ccnet]"])
    assert result.exit_code == 0, result.output
    assert f"catalog: {catalog}" in result.output and "- ccnet" in result.output


def test_a_flag_given_still_beats_set(tmp_path):
    result = CliRunner().invoke(app, ["run", "--dry-run", "--out", str(tmp_path / "flag"), "--set", f"output_dir={tmp_path / 'set'}"])
    assert result.exit_code == 0 and f"output_dir: {tmp_path / 'flag'}" in result.output


@pytest.mark.parametrize("command", RUN_STYLE, ids=" ".join)
def test_set_without_equals_is_a_clean_error(command):
    result = CliRunner().invoke(app, [*command, "--set", "workers"])
    assert result.exit_code == 2
    assert "expected key=value" in result.output and "Traceback" not in result.output
