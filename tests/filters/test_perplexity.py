"""Perplexity filter: cc_net scoring with models trained by the project, ROOTS caps, head/middle/tail buckets."""

from __future__ import annotations

import math
import pickle
import random
from pathlib import Path

import pytest

from curation.counts import Counts
from curation.lm.train import train_language_model
from filters import get_filter_class
from filters.base import Batch, apply_filter
from filters.perplexity import Perplexity, bucket

pytestmark = pytest.mark.kenlm

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    models = tmp_path_factory.mktemp("lm")
    for lang in ("en", "fr"):
        lines = (SAMPLES / "data" / "lm" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()[:900]
        source = models / f"{lang}-train.txt"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        train_language_model(lang, [source], models, log=lambda m: None)
    return models


def _held_out(lang: str) -> list[str]:
    lines = (SAMPLES / "data" / "lm" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()[900:]
    return ["\n".join(lines[i : i + 5]) for i in range(0, 100, 5)]  # 20 multi-line documents


def _batch(texts, langs):
    n = len(texts)
    return Batch(
        [f"d{i}" for i in range(n)], ["src"] * n, [None] * n, list(texts), list(langs), [1.0] * n, [{} for _ in range(n)], [()] * n
    )


def _shuffle(text, rng):
    words = text.split()
    rng.shuffle(words)
    return " ".join(words)


def test_name_table_points_here():
    assert get_filter_class("perplexity") is Perplexity


def test_natural_documents_score_lower_than_shuffled_in_two_languages(models_dir):
    f = Perplexity({"models_dir": str(models_dir)})
    f.ensure_setup()
    rng = random.Random(1)
    for lang in ("en", "fr"):
        docs = _held_out(lang)
        scores = f.score(_batch(docs + [_shuffle(d, rng) for d in docs], [lang] * 40)).signals["perplexity"]
        natural, shuffled = scores[:20], scores[20:]
        assert all(n < s for n, s in zip(natural, shuffled)), lang
        assert max(natural) < 1500  # fluent held-out text passes the ROOTS English cap


def test_caps_roots_defaults_and_overrides(models_dir):
    f = Perplexity({"models_dir": str(models_dir)}, langs={"fr": {"max_perplexity": 100.0}})
    assert f.cap_for("en") == 1500.0 and f.cap_for("zh") == 2095.0 and f.cap_for("hi") == 1517.0
    assert f.cap_for("de") == 10_000.0 and f.cap_for(None) == 10_000.0
    assert f.cap_for("fr") == 100.0
    assert f.decide({"perplexity": 1500.0}, "en") is None
    assert f.decide({"perplexity": 1500.1}, "en") == ("perplexity_too_high", "perplexity 1500.1 > 1500")
    assert f.decide({"perplexity": math.nan}, "en") is None


def test_language_without_model_is_kept_with_nan(models_dir):
    f = Perplexity({"models_dir": str(models_dir)})
    batch = _batch(["Ein ganz normaler deutscher Satz.", "", "Hello there."], ["de", "en", None])
    counts = Counts()
    batch, removed = apply_filter(f, batch, counts)
    assert removed == []
    assert all(math.isnan(s["perplexity"]) for s in batch.signals)  # no de model, empty text, no language
    assert counts.docs("filter:perplexity", "kept") == 3


def test_drops_noise_above_cap_and_buckets(models_dir):
    f = Perplexity({"models_dir": str(models_dir), "bucket_cutoffs": (300.0, 600.0)})
    noise = "qzx vvk 9f8 ## jjq wxq zzv kqp " * 20
    docs = _held_out("en")[:3] + [noise]
    counts = Counts()
    batch, removed = apply_filter(f, _batch(docs, ["en"] * 4), counts)
    pps = [s["perplexity"] for s in batch.signals]
    assert [i for i, _ in removed] == [3] and pps[3] > 1500
    reason, detail = removed[0][1]
    assert reason == "perplexity_too_high" and detail == f"perplexity {pps[3]:.1f} > 1500"
    assert [s["perplexity_bucket"] for s in batch.signals] == [bucket(p, (300.0, 600.0)) for p in pps]
    assert batch.signals[3]["perplexity_bucket"] == 2.0
    assert counts.docs("filter:perplexity", "perplexity_too_high") == 1 and counts.docs("filter:perplexity", "kept") == 3


def test_bucket_boundaries():
    assert bucket(300.0, (300.0, 600.0)) == 0.0
    assert bucket(300.1, (300.0, 600.0)) == 1.0
    assert bucket(600.0, (300.0, 600.0)) == 1.0
    assert bucket(600.1, (300.0, 600.0)) == 2.0
    assert math.isnan(bucket(10.0, None))


def test_models_load_once_and_stay_out_of_pickles(models_dir):
    f = Perplexity({"models_dir": str(models_dir)})
    f.ensure_setup()
    first = f.model_for("en")
    assert f.model_for("en") is first  # cached: loaded once per worker
    clone = pickle.loads(pickle.dumps(f))
    assert "_models" not in clone.__dict__ and clone._ready is False
    doc = _held_out("en")[0]
    clone.ensure_setup()
    assert clone.score(_batch([doc], ["en"])).signals["perplexity"] == f.score(_batch([doc], ["en"])).signals["perplexity"]
