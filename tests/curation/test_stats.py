from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from curation.catalog import load_catalog
from curation.cli import app
from curation.config import load_config
from curation.counts import Counts
from curation.ingest.stage import run_ingest
from curation.layout import Layout
from curation.stats import collect, reconcile, write_stats


def test_reconcile_finds_the_stage_and_source_that_lose_documents():
    c = Counts()
    for _ in range(5):
        c.add("ingest", "en", "a", "kept", "x")
    c.add("ingest", "en", "a", "bad_record_invalid_json")
    for _ in range(3):
        c.add("filter", "en", "a", "kept", "x")
    c.add("filter", "fr", "a", "lang_not_declared", "x")  # language changed at langid: still source a
    assert [str(m) for m in reconcile(c)] == ["stage 'filter', source 'a': 4 documents accounted for, 5 came in"]
    c.add("filter", "en", "a", "too_few_words", "x")
    assert reconcile(c) == []


def test_stats_table_and_cli_over_an_ingest_run(tmp_path: Path, make_jsonl_source):
    catalog = load_catalog(make_jsonl_source())
    cfg = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 1})
    run_ingest(catalog, catalog.entries, cfg, progress=False)
    layout = Layout(cfg.output_dir)
    table = pq.read_table(write_stats(layout)).to_pylist()
    assert {(r["outcome"], r["docs"]) for r in table} == {("kept", 30), ("bad_record_invalid_json", 1)}
    assert collect(layout).docs(outcome="kept") == 30

    result = CliRunner().invoke(app, ["stats", "--out", str(layout.root), "--format", "csv", "--by", "source,outcome"])
    assert result.exit_code == 0, result.output
    assert "ccnet,kept,30," in result.stdout
    assert "counts reconcile" in result.output


def test_sources_losing_over_half_at_langid_are_named_in_the_filter_summary_and_the_report():
    from curation.report.facts import compute_facts
    from curation.report.html import section_sources
    from curation.stats import sources_losing

    c = Counts()
    for _ in range(9):
        c.add("filter:langid", "en", "zulu_news", "lang_not_declared", "x")  # a language the model lacks
    c.add("filter:langid", "zu", "zulu_news", "kept", "x")
    for outcome in ("kept", "kept", "lang_not_declared"):
        c.add("filter:langid", "en", "english_web", outcome, "x")
    assert sources_losing(c, "filter:langid") == {"zulu_news": (9, 10)}
    html = section_sources(compute_facts(c), None, None)
    assert "more than half" in html and "zulu_news (9 of 10)" in html and "english_web (" not in html
