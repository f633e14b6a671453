"""The dedup job on a labelled multilingual corpus: accounting, details,
quality and determinism across partitions and input order."""

from __future__ import annotations

import json
import random

import pyarrow as pa

from curation.dedup.stage import run_dedup
from curation.layout import Layout
from curation.shards import list_shards, read_stats, read_table, write_shard


def test_counts_reconcile_and_every_removal_names_its_survivor(result, corpus):
    out, summary, truth = result
    layout = Layout(out)
    kept = read_table(list_shards(layout.deduped()))
    removed = read_table(list_shards(layout.removed("dedup")))
    assert kept.num_rows + removed.num_rows == truth.num_rows
    all_ids = set(kept["id"].to_pylist()) | set(removed["id"].to_pylist())
    assert all_ids == set(truth["id"].to_pylist())
    # per-shard stats sidecars add up to the input
    docs = 0
    for shard in list_shards(layout.deduped()) + list_shards(layout.removed("dedup")):
        docs += sum(r["docs"] for r in read_stats(shard)["counts"] if r["stage"] == "dedup")  # `dedup:lines` counts units
    assert docs == truth.num_rows == summary.counts.docs("dedup")
    assert summary.counts.docs(outcome="kept") == kept.num_rows
    methods = {"exact_duplicate": "exact_hash", "url_duplicate": "normalized_url", "near_duplicate": "minhash_lsh"}
    for row in removed.select(["id", "stage", "reason", "detail"]).to_pylist():
        detail = json.loads(row["detail"])
        assert row["stage"] == "dedup"
        assert detail["method"] == methods[row["reason"]]
        assert detail["duplicate_of"] in all_ids and detail["duplicate_of"] != row["id"]
        if row["reason"] == "near_duplicate":
            assert 0.0 <= detail["jaccard"] <= 1.0
    # output folders: one per language, sorted by id inside
    for shard in list_shards(layout.deduped()):
        t = read_table(shard)
        assert set(t["lang"].to_pylist()) == {shard.parent.name}
        assert t["id"].to_pylist() == sorted(t["id"].to_pylist())


def test_each_edit_kind_is_removed_by_its_method(result):
    out, _, truth = result
    removed = read_table(list_shards(Layout(out).removed("dedup"))).to_pydict()
    reason = dict(zip(removed["id"], removed["reason"]))
    t = truth.to_pydict()
    kinds = {}
    for i, kind, role in zip(t["id"], t["kind"], t["role"]):
        if role != "base":
            kinds.setdefault(kind, []).append(reason.get(i) or reason.get(_base_of(t, i)))
    assert set(kinds["exact"]) == {"exact_duplicate"}
    assert set(kinds["url"]) == {"url_duplicate"}
    assert set(kinds["reorder"]) == {"near_duplicate"}


def _base_of(t: dict, doc: str) -> str:
    cluster = t["cluster"][t["id"].index(doc)]
    return next(i for i, c, r in zip(t["id"], t["cluster"], t["role"]) if c == cluster and r == "base")


def test_near_duplicate_quality_on_real_multilingual_text(result, dedup_eval):
    out, _, truth = result
    metrics = dedup_eval.evaluate(truth, dedup_eval.ours_predicted(out))
    for kind in ("words@0.01", "words@0.03", "words@0.05", "words@0.1", "boilerplate", "reorder", "exact", "url"):
        assert metrics[f"kind:{kind}"]["f1"] >= 0.95, (kind, metrics[f"kind:{kind}"])
    # distinct documents that share boilerplate are not merged
    assert metrics["kind:shared_boilerplate"]["fp"] == 0
    assert metrics["all:all"]["precision"] >= 0.99


def test_same_bytes_with_1_2_8_partitions_and_shuffled_input(result, spark, corpus, tmp_path_factory, dedup_config, digest):
    out, _, _ = result
    paths, _ = corpus
    expected = digest(out)
    assert expected
    # the same documents, shuffled into a different number of shards, in reverse file order
    docs = read_table(paths)
    order = list(range(docs.num_rows))
    random.Random(7).shuffle(order)
    docs = docs.take(pa.array(order))
    shuffled_dir = tmp_path_factory.mktemp("shuffled")
    shuffled = [write_shard(shuffled_dir / f"part-{k:05d}.parquet", docs.slice(k * 90, 90)) for k in range(5)][::-1]
    # the reference run used 2 partitions on the original order
    for partitions, inputs in ((1, paths), (8, shuffled)):
        again = tmp_path_factory.mktemp(f"dedup-p{partitions}")
        cfg = dedup_config(again, inputs, dedup__partitions=partitions)
        run_dedup(cfg, spark=spark, priorities={}, log=lambda m: None)
        assert digest(again) == expected, partitions


def test_rerun_with_same_inputs_and_config_is_skipped(result, spark, corpus, dedup_config):
    out, summary, _ = result
    paths, _ = corpus
    cfg = dedup_config(out, paths, dedup__partitions=2)
    again = run_dedup(cfg, spark=spark, priorities={}, log=lambda m: None)
    assert again.resumed == again.tasks == 1
    assert again.counts.rows == summary.counts.rows
