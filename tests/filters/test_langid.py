"""Language ID with the real lid.176.ftz model on real sentences (UD PUD, 21 languages)."""

from __future__ import annotations

import gzip
import pickle
from collections import defaultdict
from pathlib import Path

import pytest

from curation.counts import Counts
from filters.base import Batch, apply_filter
from filters.langid import LanguageId, default_model_path, lang_matches, normalise_label

LID = Path(__file__).resolve().parent.parent / "data" / "lid" / "ud_pud_300.tsv.gz"


@pytest.fixture(scope="module")
def langid() -> LanguageId:
    f = LanguageId()
    f.ensure_setup()
    return f


def batch(texts, declared=("en",), urls=None) -> Batch:
    n = len(texts)
    return Batch([f"d{i}" for i in range(n)], ["src"] * n, urls or [None] * n, list(texts), [None] * n, [None] * n, [{} for _ in texts], [tuple(declared)] * n)


def test_ud_pud_accuracy_per_language(langid):
    """Acceptance 1: macro accuracy ≥ 0.95 on sentences of ≥ 20 characters (printed per language)."""
    gold = defaultdict(list)
    with gzip.open(LID, "rt", encoding="utf-8") as f:
        for line in f:
            _sid, lang, text = line.rstrip("\n").split("\t")
            assert len(text) >= 20
            gold[lang].append(text)
    assert len(gold) == 21
    accuracy = {}
    for lang, texts in sorted(gold.items()):
        predicted, _ = langid.predict(texts)
        accuracy[lang] = sum(p == lang for p in predicted) / len(texts)
    print("\nlangid accuracy (UD PUD, 300 sentences ≥ 20 chars each):")
    for lang, acc in sorted(accuracy.items(), key=lambda kv: kv[1]):
        print(f"  {lang}: {acc:.3f}")
    macro = sum(accuracy.values()) / len(accuracy)
    print(f"  macro: {macro:.4f}")
    assert macro >= 0.95
    # the known weak spot of lid.176 on short sentences: Galician read as Spanish / Portuguese
    assert accuracy["gl"] < 0.9
    assert min(v for k, v in accuracy.items() if k not in ("gl", "id")) >= 0.95


def test_labels_become_bcp47():
    assert normalise_label("__label__als") == "gsw"
    assert normalise_label("__label__iw") == "he"
    assert normalise_label("__label__zh") == "zh"
    assert normalise_label("__label__en") == "en"
    assert lang_matches("zh", "zh-Hans") and lang_matches("arz", "ar") and lang_matches("nb", "no")
    assert not lang_matches("de", "en")


def test_scores_decisions_and_signals(langid):
    texts = [
        "The committee will publish its final report on the state of the economy next week.\nIt is expected to be long.",
        "Le comité publiera la semaine prochaine son rapport final sur l'état de l'économie.",
        "委员会将于下周发布关于经济状况的最终报告。",
        "ok ok",
        "",
    ]
    counts = Counts()
    b, removals = apply_filter(langid, batch(texts, declared=("en", "zh")), counts)
    assert b.langs[:3] == ["en", "fr", "zh"]
    assert b.langs[4] == "und"
    assert b.signals[0]["lang_declared"] == 1.0 and b.signals[1]["lang_declared"] == 0.0
    assert "lang_declared" not in b.signals[4]  # nothing to compare for an empty text
    assert b.signals[0]["script:Latn"] == 1.0 and b.signals[2]["script:Hani"] == 1.0
    reasons = {i: r for i, (r, _d) in removals}
    assert reasons[1] == "lang_not_declared"
    assert reasons[4] == "lang_score_below_threshold"
    assert 0 not in reasons and 2 not in reasons
    detail = dict(removals)[1][1]
    assert detail.startswith("detected=fr score=") and "comité" not in detail
    assert counts.docs("filter:langid") == 5


def test_english_needs_a_higher_score_than_the_default():
    f = LanguageId()
    assert f.params_for("en").min_score == 0.80 and f.params_for("de").min_score == 0.70
    assert f.params_for("zh-Hant").min_score == 0.85  # ROOTS zh, through the primary subtag
    assert f.decide({"lang_score": 0.75}, "en") == ("lang_score_below_threshold", "lang=en score=0.75 min=0.80")
    assert f.decide({"lang_score": 0.75}, "de") is None
    f2 = LanguageId(langs={"de": {"min_score": 0.9}})
    assert f2.decide({"lang_score": 0.75}, "de")[0] == "lang_score_below_threshold"


def test_model_path_and_pickling(tmp_path):
    f = LanguageId({"model_path": str(default_model_path())})
    f.ensure_setup()
    clone = pickle.loads(pickle.dumps(f))  # workers receive filters unloaded and load lazily
    clone.ensure_setup()
    assert clone.predict(["Dies ist ein deutscher Satz über das Wetter."])[0] == ["de"]
    missing = LanguageId({"model_path": str(tmp_path / "lid.176.bin")})
    with pytest.raises(RuntimeError, match="lid.176.bin not found"):
        missing.ensure_setup()
