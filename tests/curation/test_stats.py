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
    assert "ingest,ccnet,kept,30," in result.stdout  # the stage column is always there
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


def test_stats_by_source_never_sums_stages_and_lists_them_in_pipeline_order(audit_run: Path):
    """Issue 13: `--by source` once summed every stage's rows (320 inputs shown as 2,138)."""
    import json

    from curation.pipeline import STAGES

    counts = collect(Layout(audit_run))
    result = CliRunner().invoke(app, ["stats", "--out", str(audit_run), "--format", "json", "--by", "source"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert list(rows[0]) == ["stage", "source", "docs", "bytes", "chars", "tokens"]
    ingested = sum(r["docs"] for r in rows if r["stage"] == "ingest")
    assert ingested == sum(v[0] for (s, *_), v in counts.rows.items() if s == "ingest")
    stages = list(dict.fromkeys(r["stage"] for r in rows))
    names = [s.name for s in STAGES]
    pipeline = [s.split(":")[0] for s in stages]
    assert pipeline == sorted(pipeline, key=names.index) and stages[0] == "ingest" and len(set(pipeline)) >= 3
    assert stages.index("filter") < min(i for i, s in enumerate(stages) if s.startswith("filter:"))  # a stage before its steps
    table = CliRunner().invoke(app, ["stats", "--out", str(audit_run), "--by", "lang,stage"])
    assert table.exit_code == 0
    shown = [line.split("│")[2].strip() for line in table.stdout.splitlines() if line.startswith("│")]
    assert list(dict.fromkeys(shown)) == stages


def test_decontamination_tallies_are_not_bytes_cut():
    from curation.stats import byte_mismatches

    counts = Counts()
    counts.add("filter", "en", "news", "kept", "a" * 100)
    counts.add("dedup", "en", "news", "kept", "a" * 60)
    counts.add("dedup", "en", "news", "benchmark_contamination", "a" * 40)
    counts.add("dedup:decontaminate:bench", "en", "news", "removed", "a" * 40)  # a tally of the same document
    assert byte_mismatches(counts) == []
    counts.add("dedup", "en", "news", "kept", "a" * 10)  # a kept document that had 3 bytes cut by decontamination
    counts.add("dedup:decontaminate", "en", "news", "removed", "a" * 3)
    counts.add("filter", "en", "news", "kept", "a" * 13)
    assert byte_mismatches(counts) == []
    counts.add("dedup:lines", "en", "news", "removed", "a" * 5)  # five bytes cut that never came in
    assert byte_mismatches(counts) == ["stage 'dedup', source 'news': 118 bytes accounted for, 113 came in"]
