"""The α-smoothed per-language sample."""

from __future__ import annotations

import math

import pytest

from curation.shards import list_shards
from curation.tokenizer.sampling import copies, measure, plan_sample, smoothed_shares, stream_sample, uniform


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
    assert half["en"].rate == pytest.approx(0.5) and half["fi"].rate == pytest.approx(0.5)


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
