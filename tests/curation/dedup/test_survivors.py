"""The survivor rule: catalog priority, then the quality signal, then the smallest id."""

from __future__ import annotations

import json

from curation.dedup.stage import run_dedup
from curation.layout import Layout
from curation.schema import documents_table
from curation.shards import list_shards, read_table, write_shard

TEXT = "Die Bundesregierung hat am Montag neue Regeln für den Klimaschutz beschlossen."


def test_priority_then_quality_then_id(spark, tmp_path, dedup_config):
    rows = [
        {"id": "a1", "source": "low", "text": TEXT, "lang": "de", "signals": {"quality": 0.99}},
        {"id": "b2", "source": "high", "text": TEXT.upper(), "lang": "de", "signals": {"quality": 0.2}},
        {"id": "b3", "source": "high", "text": TEXT + "!", "lang": "de", "signals": {"quality": 0.9}},
        {"id": "b1", "source": "high", "text": " " + TEXT, "lang": "de"},  # no quality signal: loses the tie
        # a second group without quality signals: the smallest id survives
        {"id": "z9", "source": "low", "text": "Un texte français tout à fait différent.", "lang": "fr"},
        {"id": "z1", "source": "low", "text": "un texte français, tout à fait différent", "lang": "fr"},
    ]
    shard = write_shard(tmp_path / "in" / "part-00000.parquet", documents_table(rows))
    out = tmp_path / "out"
    cfg = dedup_config(out, [shard], recall=False, dedup__near=False, dedup__url=False, dedup__quality_signal="quality")
    run_dedup(cfg, spark=spark, priorities={"high": 5, "low": 0}, log=lambda m: None)
    kept = sorted(read_table(list_shards(Layout(out).deduped()))["id"].to_pylist())
    assert kept == ["b3", "z1"]
    removed = read_table(list_shards(Layout(out).removed("dedup"))).to_pydict()
    got = {i: (r, json.loads(d)) for i, r, d in zip(removed["id"], removed["reason"], removed["detail"])}
    assert got == {
        "a1": ("exact_duplicate", {"duplicate_of": "b3", "method": "exact_hash"}),
        "b1": ("exact_duplicate", {"duplicate_of": "b3", "method": "exact_hash"}),
        "b2": ("exact_duplicate", {"duplicate_of": "b3", "method": "exact_hash"}),
        "z9": ("exact_duplicate", {"duplicate_of": "z1", "method": "exact_hash"}),
    }
    assert sorted(p.parent.name for p in list_shards(Layout(out).removed("dedup"))) == ["high", "low"]


def test_a_shard_with_signals_of_the_old_format_is_named_before_spark_reads_it(spark, tmp_path, dedup_config):
    """Shard format 1 stored `signals` as a map; Spark reads one type, so the job names the old shard instead of failing inside."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pytest

    from curation.schema import DOCUMENT_SCHEMA, LEGACY_SIGNALS_TYPE

    legacy = DOCUMENT_SCHEMA.set(DOCUMENT_SCHEMA.get_field_index("signals"), pa.field("signals", LEGACY_SIGNALS_TYPE))
    old = tmp_path / "in" / "part-00001.parquet"
    old.parent.mkdir(parents=True)
    row = {"id": "o1", "source": "low", "text": TEXT, "lang": "de", "signals": [("quality", 0.5)]}
    pq.write_table(pa.table({name: [row.get(name)] for name in legacy.names}, schema=legacy), old)
    new = write_shard(tmp_path / "in" / "part-00000.parquet", documents_table([{"id": "n1", "source": "low", "text": TEXT, "lang": "de"}]))
    cfg = dedup_config(tmp_path / "out", [new, old], recall=False, dedup__near=False, dedup__url=False, dedup__quality_signal="quality")
    with pytest.raises(ValueError, match=r"part-00001\.parquet: column 'signals' is map<string, double>.*shard format 1"):
        run_dedup(cfg, spark=spark, priorities={}, log=lambda m: None)
