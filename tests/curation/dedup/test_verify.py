"""Near-duplicate verification: every pair of a band bucket is compared (up to a cap), so a far variant that
happens to root a bucket no longer hides a true pair; verification is on by default at the LSH threshold, so a
chance band collision merges nothing."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from curation.dedup.minhash import MinHasher, jaccard
from curation.dedup.stage import bucket_pairs, hasher_for, run_dedup
from curation.layout import Layout
from curation.schema import documents_table
from curation.shards import list_shards, read_table, write_shard


def _words(near_dup_data, lang: str, start: int, n: int) -> list[str]:
    """n words of real UD PUD sentences of `lang`, from sentence `start` on."""
    words: list[str] = []
    for sentence in near_dup_data.load_pools()[lang][start:]:
        words += sentence.split()
        if len(words) >= n:
            return words[:n]
    raise AssertionError(f"not enough {lang} text")


def _true_jaccard(hasher: MinHasher, a: str, b: str) -> float:
    sa, sb = hasher.shingle_sets(pa.array([a, b]))
    return jaccard(sa, sb)


def _seed_where(config_for, texts: list[str], together) -> int:
    """The first `dedup.seed` whose band hashes of `texts` satisfy `together(band_hashes)`."""
    for seed in range(1, 5000):
        hasher = hasher_for(config_for(seed))
        sig, _ = hasher.signatures(pa.array(texts))
        if together(hasher.band_hashes(sig)):
            return seed
    raise AssertionError("no seed gives the collision")


def _outcome(out) -> tuple[list[str], dict[str, dict]]:
    kept = sorted(read_table(list_shards(Layout(out).deduped()))["id"].to_pylist())
    shards = list_shards(Layout(out).removed("dedup"))
    removed = read_table(shards).to_pydict() if shards else {"id": [], "detail": []}
    return kept, {i: json.loads(d) for i, d in zip(removed["id"], removed["detail"])}


def _keys(spark, ids: list[str]) -> dict[str, int]:
    from pyspark.sql import functions as F

    rows = spark.createDataFrame([(i,) for i in ids], "id string").select("id", F.xxhash64("id").alias("key")).collect()
    return {r.id: r.key for r in rows}


def test_bucket_pairs_compare_each_member_with_the_ones_before_it(spark):
    rows = [(k, 0, 7, 1) for k in (40, 10, 30, 20)] + [(k, 1, 7, 0) for k in (1, 2)] + [(5, 2, 9, 1)]
    frame = spark.createDataFrame(rows, "key long, band int, band_hash long, new int")
    got = sorted((r.src, r.dst) for r in bucket_pairs(frame, 2).collect())
    # bucket (0, 7) ordered 10 < 20 < 30 < 40, two members back; (1, 7) holds no new document; (2, 9) is alone
    assert got == [(10, 20), (10, 30), (20, 30), (20, 40), (30, 40)]
    assert sorted((r.src, r.dst) for r in bucket_pairs(frame, 16).collect()) == [
        (a, b) for a in (10, 20, 30) for b in (20, 30, 40) if a < b
    ]


def test_a_bucket_rooted_at_a_far_variant_still_links_the_true_pair(spark, tmp_path, dedup_config, near_dup_data):
    base = _words(near_dup_data, "en", 0, 300)
    original = " ".join(base)
    variant = " ".join(base[:210] + _words(near_dup_data, "en", 400, 90))  # 3-gram Jaccard ≈ 0.54 with the original
    far = " ".join(base[:100])  # inside both: Jaccard ≈ 0.33 with each
    keys = _keys(spark, ["orig", "variant", *[f"far-{i}" for i in range(50)]])
    far_id = next(i for i in sorted(keys) if i.startswith("far-") and keys[i] < min(keys["orig"], keys["variant"]))

    def config_for(seed: int, verify=0.5):
        # one band of one row: a bucket is the documents sharing their smallest shingle hash
        return dedup_config(
            tmp_path / f"out-{verify}", [shard], dedup__bands=1, dedup__rows=1, dedup__seed=seed, dedup__verify_jaccard=verify
        )

    rows = [{"id": i, "source": "s", "text": t, "lang": "en"} for i, t in (("orig", original), ("variant", variant), (far_id, far))]
    shard = write_shard(tmp_path / "in" / "part-00000.parquet", documents_table(rows))
    seed = _seed_where(config_for, [original, variant, far], lambda b: b[0, 0] == b[1, 0] == b[2, 0])
    hasher = hasher_for(config_for(seed))
    assert 0.5 <= _true_jaccard(hasher, original, variant) < 0.6
    assert max(_true_jaccard(hasher, far, original), _true_jaccard(hasher, far, variant)) < 0.5

    run_dedup(config_for(seed), spark=spark, priorities={}, log=lambda m: None)
    kept, removed = _outcome(tmp_path / "out-0.5")
    assert kept == sorted([far_id, "orig"])
    assert removed["variant"]["duplicate_of"] == "orig" and removed["variant"]["jaccard"] >= 0.5


def test_a_chance_band_collision_merges_nothing_with_the_default_preset(spark, tmp_path, dedup_config, near_dup_data):
    base = _words(near_dup_data, "en", 0, 300)
    other = _words(near_dup_data, "en", 400, 140)
    docs = {
        "a-far": " ".join(base[:160] + other),  # 5-gram Jaccard ≈ 0.36 with the original: far below 14 × 8's 0.72
        "b-orig": " ".join(base),
        "c-copy1": " ".join(base[:250] + ["changed"] + base[251:]),
        "c-copy2": " ".join(base[:50] + ["altered"] + base[51:]),
    }
    texts = list(docs.values())
    shard = write_shard(
        tmp_path / "in" / "part-00000.parquet",
        documents_table([{"id": i, "source": "s", "text": t, "lang": "en"} for i, t in docs.items()]),
    )

    def config_for(seed: int):
        return dedup_config(tmp_path / "out", [shard], recall=False, dedup__seed=seed)

    # a seed where the far document shares a band bucket with the original: LSH makes them candidates by chance
    seed = _seed_where(config_for, texts, lambda b: bool(np.any(b[0] == b[1])))
    config = config_for(seed)
    assert config.dedup.verify_jaccard == "threshold" and config.dedup.bands == 14 and config.dedup.rows == 8
    assert 0.3 < _true_jaccard(hasher_for(config), texts[0], texts[1]) < 0.45

    run_dedup(config, spark=spark, priorities={}, log=lambda m: None)
    kept, removed = _outcome(tmp_path / "out")
    assert kept == ["a-far", "b-orig"]
    assert sorted(removed) == ["c-copy1", "c-copy2"]
    assert all(d["duplicate_of"] == "b-orig" and d["jaccard"] >= config.dedup.threshold() for d in removed.values())
