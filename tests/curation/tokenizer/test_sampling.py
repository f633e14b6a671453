"""The α-smoothed per-language sample."""

from __future__ import annotations

import math

import pytest

from curation.schema import documents_table
from curation.shards import list_shards, write_shard
from curation.tokenizer.sampling import (
    MIN_LANGUAGE_DOCS,
    copies,
    language_floor,
    measure,
    plan_sample,
    smoothed_shares,
    stream_sample,
    uniform,
)


def test_smoothed_shares_follow_the_exponent():
    shares = smoothed_shares({"en": 10_000, "fi": 100}, 0.5)
    assert shares["en"] == pytest.approx(100 / 110)
    assert shares["fi"] == pytest.approx(10 / 110)
    assert smoothed_shares({"en": 10_000, "fi": 100}, 1.0) == pytest.approx({"en": 10_000 / 10_100, "fi": 100 / 10_100})
    assert smoothed_shares({"en": 5, "xx": 0}, 0.3) == {"en": 1.0, "xx": 0.0}
    with pytest.raises(ValueError, match="alpha must be in"):
        smoothed_shares({"en": 1}, 0)


def test_plan_keeps_the_budget_and_lifts_small_languages():
    table = plan_sample({"en": (100, 1_000_000), "fi": (1, 1_000)}, alpha=0.3)
    budget = 1_001_000
    assert sum(r.rate * r.bytes for r in table.values()) == pytest.approx(budget)
    assert table["en"].rate < 1 < table["fi"].rate
    assert table["fi"].sample_share == pytest.approx(1_000**0.3 / (1_000**0.3 + 1_000_000**0.3))
    half = plan_sample({"en": (100, 1_000_000), "fi": (1, 1_000)}, alpha=1.0, budget_bytes=500_500)
    # fi has 1 document, fewer than the 20 a language keeps at least: it is taken whole
    assert half["en"].rate == pytest.approx(0.5) and half["fi"].rate == 1.0


def test_copies_are_seeded_and_have_the_right_mean():
    assert uniform(0, "doc") == uniform(0, "doc") != uniform(1, "doc")
    draws = [copies(2.25, 0, f"d{i}") for i in range(20_000)]
    assert set(draws) == {2, 3}
    assert sum(draws) / len(draws) == pytest.approx(2.25, abs=0.02)
    assert all(copies(3.0, 5, f"d{i}") == 3 for i in range(100))


def test_stream_sample_counts_what_it_yields(deduped_dir):
    shards = list_shards(deduped_dir)
    sizes = measure(shards)
    assert sizes["en"][0] == 300 and sizes["tr"][0] == 20
    assert sorted(sizes) == ["ar", "de", "en", "fi", "fr", "hi", "ru", "tr", "zh"]
    table = plan_sample(sizes, alpha=0.3)
    texts = list(stream_sample(shards, table, seed=0))
    assert len(texts) == sum(r.sample_docs for r in table.values())
    assert sum(len(t.encode()) for t in texts) == sum(r.sample_bytes for r in table.values())
    # small languages are repeated (rate > 1), large ones thinned (rate < 1)
    assert table["tr"].rate > 4 and table["tr"].sample_docs >= 4 * 20
    assert table["en"].rate < 0.7 and table["en"].sample_docs < 300
    # the sample is a function of the seed and the documents only
    again = plan_sample(sizes, alpha=0.3)
    assert list(stream_sample(shards, again, seed=0)) == texts
    other = plan_sample(sizes, alpha=0.3)
    assert list(stream_sample(shards, other, seed=1)) != texts
    total = sum(r.bytes for r in table.values())
    assert math.isclose(sum(r.sample_bytes for r in table.values()), total, rel_tol=0.1)


def test_the_sample_is_streamed_not_materialised(deduped_dir):
    """Drawing the first text reads only the first batch of the first shard."""
    shards = list_shards(deduped_dir)
    table = plan_sample(measure(shards), alpha=1.0)
    stream = stream_sample(shards, table, seed=0, batch_size=8)
    first = next(stream)
    assert first and sum(r.sample_docs for r in table.values()) <= 8
    assert list(table.values())[0].lang == "ar" and table["ar"].sample_docs >= 1
    assert table["zh"].sample_docs == 0


def test_every_language_with_text_is_in_the_sample(tmp_path):
    """Issue 13: Amharic, 2 long documents, got rate 0.27 and `sample_docs 0`: per-document sampling dropped
    both. Now each language keeps a floor (its first `min_language_bytes`, 20 documents or all it has)."""
    rows = [{"id": f"en{i}", "source": "s", "lang": "en", "text": "An English sentence of some length. " * 28} for i in range(300)]
    rows += [{"id": f"am{i}", "source": "s", "lang": "am", "text": "ሰላም ለዓለም። " * 3000} for i in range(2)]
    rows += [{"id": f"de{i}", "source": "s", "lang": "de", "text": "Ein deutscher Satz. " * 50} for i in range(40)]
    write_shard(tmp_path / "part-00000.parquet", documents_table(rows))
    shards = list_shards(tmp_path)
    sizes = measure(shards)
    # the α-smoothed share alone gives Amharic rate 0.05 here: before the floor, seed 0 drew neither document
    table = plan_sample(sizes, alpha=0.3, budget_bytes=20_000, min_language_bytes=10_000)
    texts = list(stream_sample(shards, table, seed=0))
    assert table["am"].rate == 1.0 and table["am"].sample_docs == 2  # fewer than 20 documents: all of them
    assert table["de"].rate == pytest.approx(max(10_000 / sizes["de"][1], MIN_LANGUAGE_DOCS / 40)) == 0.5
    assert table["en"].rate == pytest.approx(MIN_LANGUAGE_DOCS / 300)
    assert all(row.sample_docs > 0 for row in table.values()) and len(texts) == sum(r.sample_docs for r in table.values())
    for seed in range(20):  # a language of 40 documents at its floor is never missed
        again = plan_sample(sizes, alpha=0.3, budget_bytes=20_000, min_language_bytes=10_000)
        list(stream_sample(shards, again, seed=seed))
        assert again["de"].sample_docs > 0


def test_language_floor():
    assert language_floor(2, 116_473, 1 << 20) == 1.0  # smaller than the minimum: whole
    assert language_floor(1000, 10 << 20, 1 << 20) == pytest.approx(0.1)  # its first MiB in expectation
    assert language_floor(100, 10 << 20, 1 << 20) == pytest.approx(0.2)  # 20 documents in expectation
    assert language_floor(0, 0, 1 << 20) == 0.0
