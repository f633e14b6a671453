"""Incremental dedup: a new batch against the signature index of a deduplicated corpus."""

from __future__ import annotations

import json

import pyarrow.compute as pc

from curation.dedup.index import generations
from curation.dedup.stage import run_dedup
from curation.layout import Layout
from curation.shards import list_shards, read_table, write_shard


def test_new_batch_deduplicated_against_index_without_touching_old_corpus(spark, corpus, tmp_path, dedup_config, digest):
    paths, truth = corpus
    docs = read_table(paths)
    roles = dict(zip(truth["id"].to_pylist(), truth["role"].to_pylist()))
    is_base = pc.is_in(docs["id"], value_set=truth.filter(pc.equal(truth["role"], "base"))["id"])
    old_batch = write_shard(tmp_path / "batch1" / "part-00000.parquet", docs.filter(is_base))
    new_batch = write_shard(tmp_path / "batch2" / "part-00000.parquet", docs.filter(pc.invert(is_base)))

    old_out = tmp_path / "corpus"
    run_dedup(dedup_config(old_out, [old_batch]), spark=spark, priorities={}, log=lambda m: None)
    index = Layout(old_out).dedup_index()
    assert len(generations(index)) == 1
    before = digest(old_out)

    new_out = tmp_path / "increment"
    summary = run_dedup(dedup_config(new_out, [new_batch], dedup__index_dir=str(index)), spark=spark, priorities={}, log=lambda m: None)
    assert digest(old_out) == before  # the published corpus is not rewritten
    assert len(generations(index)) == 2

    old_kept = set(read_table(list_shards(Layout(old_out).deduped()))["id"].to_pylist())
    removed = read_table(list_shards(Layout(new_out).removed("dedup"))).to_pydict()
    against_old = {
        i: json.loads(d)["duplicate_of"] for i, d in zip(removed["id"], removed["detail"]) if json.loads(d)["duplicate_of"] in old_kept
    }
    t = truth.to_pydict()
    cluster = dict(zip(t["id"], t["cluster"]))
    kind = dict(zip(t["id"], t["kind"]))
    # every copy whose base is in the old corpus and that is a clear duplicate is removed, pointing at that base
    for doc, k in kind.items():
        if roles[doc] != "base" and k in ("exact", "url", "reorder", "words@0.01") and any(cluster[o] == cluster[doc] for o in old_kept):
            assert doc in against_old, (doc, k)
            assert cluster[against_old[doc]] == cluster[doc]
    assert summary.counts.docs("dedup") == len(t["id"]) - sum(1 for r in roles.values() if r == "base")

    # a rerun of the same batch does not match its own generation (it replaces it)
    again = tmp_path / "increment-again"
    run_dedup(dedup_config(again, [new_batch], dedup__index_dir=str(index)), spark=spark, priorities={}, log=lambda m: None)
    assert digest(again) == {k: v for k, v in digest(new_out).items()}
    assert len(generations(index)) == 2
