"""A rerun after an upstream change must not deduplicate the corpus against itself.

Issue 11, item 1: a changed filter parameter changed the filtered shards, dedup reran against
the index generation the first run had appended, found every document there and removed all of
them as duplicates of themselves.
"""

from __future__ import annotations

import json

import pyarrow.compute as pc
import pytest

from curation.dedup.index import generations
from curation.dedup.stage import DedupSafetyStop, run_dedup
from curation.layout import Layout
from curation.shards import list_shards, read_table, write_shard


def _run(config, spark):
    return run_dedup(config, spark=spark, priorities={}, log=lambda m: None)


def _removed(out) -> dict[str, tuple[str, dict]]:
    shards = list_shards(Layout(out).removed("dedup"))
    if not shards:
        return {}
    t = read_table(shards).to_pydict()
    return {i: (r, json.loads(d)) for i, r, d in zip(t["id"], t["reason"], t["detail"])}


def _kept(out) -> set[str]:
    return set(read_table(list_shards(Layout(out).deduped()))["id"].to_pylist())


def test_rerun_on_changed_inputs_replaces_its_own_generation(spark, corpus, tmp_path, dedup_config):
    paths, _truth = corpus
    docs = read_table(paths)
    out = tmp_path / "out"
    first = write_shard(tmp_path / "v1" / "part-00000.parquet", docs)
    _run(dedup_config(out, [first], recall=False), spark)
    kept_first = _kept(out)

    # the upstream change: a filter now drops a few more documents
    fewer = docs.filter(pc.invert(pc.is_in(docs["id"], value_set=docs["id"][:20])))
    second = write_shard(tmp_path / "v2" / "part-00000.parquet", fewer)
    _run(dedup_config(out, [second], recall=False), spark)

    removed = _removed(out)
    assert not [i for i, (_, d) in removed.items() if d.get("duplicate_of") == i], "a document is never its own duplicate"
    fresh = tmp_path / "fresh"
    _run(dedup_config(fresh, [second], recall=False), spark)
    assert _kept(out) == _kept(fresh) and _removed(out) == _removed(fresh)  # as if the first run never happened
    assert len(_kept(out)) >= len(kept_first) - 20
    assert len(generations(Layout(out).dedup_index())) == 1


def test_a_document_already_in_another_corpus_is_not_its_own_duplicate(spark, corpus, tmp_path, dedup_config):
    paths, _truth = corpus
    docs = read_table(paths)
    old = tmp_path / "old"
    _run(dedup_config(old, [write_shard(tmp_path / "b1" / "part-00000.parquet", docs.slice(0, 300))], recall=False), spark)
    index = Layout(old).dedup_index()
    old_kept = _kept(old)

    new = tmp_path / "new"
    batch = write_shard(tmp_path / "b2" / "part-00000.parquet", docs.slice(290, 110))  # 10 documents overlap
    _run(dedup_config(new, [batch], recall=False, dedup__index_dir=str(index)), spark)
    removed = _removed(new)
    assert not [i for i, (_, d) in removed.items() if d.get("duplicate_of") == i]
    overlap = set(docs.slice(290, 10)["id"].to_pylist()) & old_kept
    assert overlap and {i for i, (r, _) in removed.items() if r == "already_indexed"} == overlap


def test_removing_most_of_a_language_stops_before_writing(spark, corpus, tmp_path, dedup_config):
    paths, _truth = corpus
    docs = read_table(paths)
    old = tmp_path / "old"
    _run(dedup_config(old, [write_shard(tmp_path / "b1" / "part-00000.parquet", docs)], recall=False), spark)

    # the same texts under new ids: every one is an exact duplicate of the indexed corpus
    copies = docs.set_column(docs.schema.get_field_index("id"), "id", pc.binary_join_element_wise("copy-", docs["id"], ""))
    new = tmp_path / "new"
    batch = write_shard(tmp_path / "b2" / "part-00000.parquet", copies)
    config = dedup_config(new, [batch], recall=False, dedup__index_dir=str(Layout(old).dedup_index()), dedup__max_removed_share=0.5)
    with pytest.raises(DedupSafetyStop, match=r"more than 50% of a language.*exact_duplicate.*dedup.max_removed_share"):
        _run(config, spark)
    assert not Layout(new).deduped().exists() and not Layout(new).removed("dedup").exists()
    assert len(generations(Layout(old).dedup_index())) == 1


def test_a_rerun_cleans_what_a_killed_index_writer_left(spark, corpus, tmp_path, dedup_config):
    paths, _truth = corpus
    out = tmp_path / "out"
    index = Layout(out).dedup_index()
    (index / "gen-00003" / "docs").mkdir(parents=True)  # renamed, killed before its manifest (older versions)
    (index / ".gen-00004.tmp" / "bands").mkdir(parents=True)  # killed while writing
    _run(dedup_config(out, [paths[0]], recall=False), spark)
    assert [g.name for g in generations(index)] == ["gen-00000"]
    assert sorted(p.name for p in index.iterdir()) == ["gen-00000"]
