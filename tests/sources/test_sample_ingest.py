"""The real ingest stage over the sample catalog's file sources: shards hold what the adapters read."""

from __future__ import annotations

import json
from collections import Counter

from adapter_helpers import FIXTURES, make_entry, read_source, sample

from curation.catalog import Catalog
from curation.config import RunConfig
from curation.ingest.stage import run_ingest
from curation.layout import Layout
from curation.schema import doc_id
from curation.shards import list_shards, read_table

FILE_KINDS = ("jsonl", "parquet", "csv", "text", "hf")


def counted(counts, source: str, outcome: str) -> int:
    return sum(r["docs"] for r in counts.records() if r["source"] == source and r["outcome"] == outcome)


def test_ingest_writes_exactly_the_adapters_documents(tmp_path):
    catalog = sample()
    entries = catalog.select(kinds=list(FILE_KINDS))
    assert [e.id for e in entries] == [
        "ccnet_en_head",
        "ud_pud_parquet",
        "ud_pud_csv",
        "ud_pud_text",
        "ud_pud_fi_paragraphs",
        "ud_pud_hf",
        "bible_zu",
        "oscar2019_excerpts",
    ]
    config = RunConfig(output_dir=tmp_path / "out", workers=1)
    summary = run_ingest(catalog, entries, config, progress=False)
    assert summary.errors == []
    assert summary.tasks == 8  # 1 + 6 + 1 + 45 + 1 + 2 + 1 + 1 small files: one task per source

    layout = Layout(config.output_dir)
    all_ids: set[str] = set()
    for entry in entries:
        docs, bad = read_source(entry, catalog.root)
        assert bad == []
        table = read_table(list_shards(layout.ingested(entry.id)))
        assert table.num_rows == len(docs), entry.id
        assert set(table.column("id").to_pylist()) == {doc_id(entry.id, d.native_id) for d in docs}
        declared = entry.languages[0] if len(entry.languages) == 1 else None
        assert Counter(table.column("lang").to_pylist()) == Counter(d.lang or declared for d in docs), entry.id
        assert counted(summary.counts, entry.id, "kept") == len(docs)
        all_ids |= set(table.column("id").to_pylist())
    assert len(all_ids) == 10 + 1207 + 295 + 45 + 40 + 410 + 80 + 320

    # a rerun finds every task complete and writes nothing new
    again = run_ingest(catalog, entries, config, progress=False)
    assert again.resumed == again.tasks == summary.tasks


def test_bad_records_reach_the_ingest_error_report(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad.jsonl").write_bytes((FIXTURES / "bad_lines.jsonl").read_bytes())
    (tmp_path / "data" / "rows.csv").write_bytes((FIXTURES / "bad_rows.csv").read_bytes())
    entries = (
        make_entry("jsonl", "data/bad.jsonl", source_id="bad_jsonl"),
        make_entry("csv", "data/rows.csv", source_id="bad_csv", id_field="id"),
    )
    catalog = Catalog(path=tmp_path / "catalog.yaml", entries=entries)
    config = RunConfig(output_dir=tmp_path / "out", workers=1)
    summary = run_ingest(catalog, list(entries), config, progress=False)
    report = [json.loads(line) for line in open(Layout(config.output_dir).errors("ingest"), encoding="utf-8")]
    assert [(e["source"], e["offset"], e["problem"]) for e in report] == [
        ("bad_jsonl", 2, "invalid_json"),
        ("bad_jsonl", 3, "undecodable_bytes"),
        ("bad_jsonl", 4, "empty_payload"),
        ("bad_jsonl", 5, "missing_text"),
        ("bad_jsonl", 6, "not_an_object"),
        ("bad_jsonl", 7, "undecodable_bytes"),
        ("bad_jsonl", 10, "missing_text"),
        ("bad_csv", 3, "missing_text"),
        ("bad_csv", 4, "empty_payload"),
        ("bad_csv", 7, "wrong_field_count"),
        ("bad_csv", 8, "undecodable_bytes"),
        ("bad_csv", 9, "malformed_csv"),
    ]
    assert report[0]["path"].endswith("data/bad.jsonl")
    assert read_table(list_shards(Layout(config.output_dir).ingested("bad_jsonl"))).num_rows == 3
    assert read_table(list_shards(Layout(config.output_dir).ingested("bad_csv"))).num_rows == 3
    assert counted(summary.counts, "bad_jsonl", "bad_record_invalid_json") == 1
    assert counted(summary.counts, "bad_csv", "bad_record_malformed_csv") == 1
