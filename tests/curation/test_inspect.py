import json

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.inspection import InspectError, select
from curation.layout import Layout


def test_samples_of_removed_documents_are_deterministic_and_filtered(audit_run):
    layout = Layout(audit_run)
    first = select(layout, "filter", "too_few_words", lang="fr", n=5)
    assert first.matched == 11 and len(first.samples) == 5
    assert {(s.lang, s.source, s.stage, s.reason) for s in first.samples} == {("fr", "pud_fr", "quality", "too_few_words")}
    assert all(s.signals["words"] < 50 and s.detail == f"words={int(s.signals['words'])} < 50" for s in first.samples)
    assert select(layout, "filter", "too_few_words", lang="fr", n=5) == first
    other = select(layout, "filter", "too_few_words", lang="fr", n=5, seed=1)
    assert {s.id for s in other.samples} != {s.id for s in first.samples}
    everything = select(layout, "filter", "too_few_words", lang="fr", n=50)
    assert len(everything.samples) == 11 and {s.id for s in first.samples} <= {s.id for s in everything.samples}
    # one filter of the chain, named either way
    assert select(layout, "filter:quality", n=50).matched == select(layout, "quality", n=50).matched == 13
    with pytest.raises(InspectError, match="no removed documents for stage 'filter:adult'"):
        select(layout, "filter:adult")
    assert [s.reason for s in select(layout, "dedup", "exact_duplicate", n=9).samples] == ["exact_duplicate"] * 3


def test_samples_of_kept_documents(audit_run):
    kept = select(Layout(audit_run), "dedup", kept=True, source="forum_en", n=5, chars=80)
    assert kept.matched == 1 and kept.samples[0].reason == "kept" and len(kept.samples[0].text) == 80
    assert kept.samples[0].chars > 700
    assert select(Layout(audit_run), "tokenize", kept=True, n=100).matched == 24


def test_unknown_stage_lists_what_exists(audit_run):
    with pytest.raises(InspectError, match="stages with removed documents: dedup, quality"):
        select(Layout(audit_run), "langid")
    with pytest.raises(InspectError, match="unknown stage 'shuffle'"):
        select(Layout(audit_run), "shuffle", kept=True)


def test_cli_shows_signals_and_redacts_planted_pii(audit_run, planted_pii):
    email, phone = planted_pii
    runner = CliRunner()
    result = runner.invoke(app, ["inspect", "--out", str(audit_run), "--stage", "filter", "--reason", "too_few_words", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "1 of 1 matching documents" in result.stdout
    assert "signals: alpha_ratio=0.6061  mean_word_length=6.444  words=9" in result.stdout
    assert "Selling my bike, call <PHONE> or mail <EMAIL>" in result.stdout
    kept = runner.invoke(
        app, ["inspect", "--out", str(audit_run), "--stage", "filter", "--kept", "--source", "forum_en", "-f", "json", "--chars", "2000"]
    )
    assert kept.exit_code == 0, kept.output
    record = json.loads(kept.stdout)
    assert record["url"] == "https://forum.example.org/u/<EMAIL>"
    assert "Write to <EMAIL> or call <PHONE> before noon." in record["text"]
    for output in (result.output, kept.output):
        assert email not in output and phone not in output and "555-0134" not in output


def test_cli_reports_an_empty_selection(audit_run):
    result = CliRunner().invoke(app, ["inspect", "--out", str(audit_run), "--stage", "filter", "--reason", "no_such_reason"])
    assert result.exit_code == 1 and "no removed documents match stage 'filter', reason 'no_such_reason'" in result.output
    result = CliRunner().invoke(app, ["inspect", "--out", str(audit_run), "--stage", "filter:langid"])
    assert result.exit_code == 2 and "stages with removed documents" in result.output
