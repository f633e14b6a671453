"""Every stage removes the outputs of tasks that no longer exist (issue 11, item 3): a changed
`ingest.max_docs_per_shard` must not leave filtered shards behind that stats and dedup then read twice."""

from __future__ import annotations

from curation.catalog import load_catalog
from curation.config import load_config
from curation.filter_stage import run_filter
from curation.ingest.stage import run_ingest
from curation.layout import Layout
from curation.shards import list_shards, read_table
from curation.stats import collect, reconcile


def _run(catalog_path, out, max_docs: int):
    config = load_config(
        None, {"output_dir": str(out), "workers": 1, "ingest.max_docs_per_shard": max_docs, "filter.chain": ["langid", "quality"]}
    )
    catalog = load_catalog(catalog_path)
    run_ingest(catalog, catalog.entries, config, progress=False)
    return run_filter(catalog, catalog.entries, config, progress=False)


def test_larger_shards_leave_no_stale_filtered_or_removed_shards(tmp_path, make_jsonl_source):
    catalog = make_jsonl_source(files=3, copies=2)  # 60 documents, one ingest task
    out = tmp_path / "out"
    _run(catalog, out, 7)
    layout = Layout(out)
    assert len(list_shards(layout.filtered())) == 9
    _run(catalog, out, 50)
    assert len(list_shards(layout.filtered())) == 2
    ingested = read_table(list_shards(layout.ingested()))
    filtered = read_table(list_shards(layout.filtered()))
    removed = read_table(list_shards(layout.removed())) if list_shards(layout.removed()) else None
    assert ingested.num_rows == 60
    assert filtered.num_rows + (removed.num_rows if removed is not None else 0) == 60
    assert len(set(filtered["id"].to_pylist())) == filtered.num_rows
    assert reconcile(collect(layout)) == []
