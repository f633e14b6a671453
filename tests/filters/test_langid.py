"""Language ID with the real lid.176.ftz model on real sentences (UD PUD, 21 languages)."""

from __future__ import annotations

import gzip
import pickle
import zipfile
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pytest

from curation.counts import Counts
from curation.fasttext_predict import predict_lines
from filters.base import Batch, apply_filter
from filters.langid import MIN_LABEL_P, LanguageId, default_model_path, lang_matches, normalise_label

LID = Path(__file__).resolve().parent.parent / "data" / "lid" / "ud_pud_300.tsv.gz"


@pytest.fixture(scope="module")
def langid() -> LanguageId:
    f = LanguageId()
    f.ensure_setup()
    return f


def batch(texts, declared=("en",), urls=None) -> Batch:
    n = len(texts)
    return Batch(
        [f"d{i}" for i in range(n)],
        ["src"] * n,
        urls or [None] * n,
        list(texts),
        [None] * n,
        [None] * n,
        [{} for _ in texts],
        [tuple(declared)] * n,
    )


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


def test_roots_preset_english_needs_a_higher_score_than_the_default():
    f = LanguageId({"thresholds": "roots"})
    assert f.params_for("en").min_score == 0.80 and f.params_for("de").min_score == 0.70
    assert f.params_for("zh-Hant").min_score == 0.85  # ROOTS zh, through the primary subtag
    assert f.decide({"lang_score": 0.75}, "en") == ("lang_score_below_threshold", "lang=en score=0.75 min=0.80")
    assert f.decide({"lang_score": 0.75}, "de") is None
    f2 = LanguageId({"thresholds": "roots"}, langs={"de": {"min_score": 0.9}})
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


# ------------------------------------------------ decisions on the declared languages' accepted mass

UDHR = Path(__file__).resolve().parents[3] / "shared" / "data" / "lid" / "udhr2" / "udhr2.zip"


class FakeModel:
    """Answers every line with the same top-k labels, as fastText's `predict(lines, k)` does."""

    def __init__(self, labels: list[tuple[str, float]]):
        self.labels = labels

    @property
    def f(self):
        """fastText's native object, whose `multilinePredict(lines, k, threshold, on_unicode_error)` `predict_lines` calls."""
        return SimpleNamespace(multilinePredict=lambda lines, k, *_: self.predict(lines, k))

    def predict(self, lines, k=1):
        top = self.labels[:k]
        return [[f"__label__{label}" for label, _ in top] for _ in lines], [[p for _, p in top] for _ in lines]


def fake_langid(labels: list[tuple[str, float]], **params) -> LanguageId:
    class FakeLanguageId(LanguageId):
        def setup(self) -> None:
            self._model = FakeModel(labels)

    f = FakeLanguageId(params or None)
    f.ensure_setup()
    return f


def test_croatian_split_over_the_serbo_croatian_cluster_is_kept():
    """hr 0.50 / sh 0.25 / sr 0.12: the top label alone (0.50) is under 0.70; the cluster's mass is 0.87."""
    f = LanguageId()
    prediction = [("hr", 0.5), (normalise_label("__label__sh"), 0.25), ("sr", 0.12), ("sl", 0.05)]
    lang, score, declared = f.choose_lang(prediction, ("hr",))
    assert (lang, round(score, 4), declared) == ("hr", 0.87, 1.0)
    assert f.decide({"lang_score": score, "lang_declared": declared}, lang) is None
    # a source declaring Bosnian keeps the same page, as Bosnian
    assert f.choose_lang(prediction, ("bs",))[0] == "bs"


def test_filter_keeps_croatian_end_to_end_with_a_fake_model():
    f = fake_langid([("hr", 0.5), ("sh", 0.25), ("sr", 0.12), ("sl", 0.05), ("bs", 0.03)])
    counts = Counts()
    b, removals = apply_filter(f, batch(["Ovo je rečenica na hrvatskom jeziku o vremenu."], declared=("hr",)), counts)
    assert removals == []
    assert b.langs == ["hr"] and b.lang_scores == [pytest.approx(0.9)]
    signals = b.signals[0]
    assert signals["lang_score"] == 0.9 and signals["lang_declared"] == 1.0 and signals["lid_top1_p"] == 0.5
    assert signals["lid_lang_p"] == 0.5 and not any(name.startswith("lid:") for name in signals)


def test_removal_detail_names_the_top_labels():
    f = fake_langid([("fr", 0.6), ("en", 0.3), ("sh", 0.05)])
    _, removals = apply_filter(f, batch(["Un texte en français sur le temps qu'il fait."], declared=("en",)), Counts())
    assert removals == [(0, ("lang_not_declared", "detected=fr score=0.60 top=fr:0.60,en:0.30,sr-Latn:0.05"))]


def test_removal_detail_names_at_most_three_labels_above_one_percent():
    f = fake_langid([("fr", 0.6), ("en", 0.3), ("de", 0.05), ("it", 0.03), ("es", 0.02)])
    _, removals = apply_filter(f, batch(["Un texte en français."], declared=("en",)), Counts())
    assert removals[0][1][1].endswith(" top=fr:0.60,en:0.30,de:0.05")
    f = fake_langid([("fr", 0.985), ("en", 0.009), ("de", 0.006)])
    _, removals = apply_filter(f, batch(["Un texte en français."], declared=("en",)), Counts())
    assert removals[0][1][1].endswith(" top=fr:0.98")


def test_model_lines_predict_as_the_wrappers_predict(langid):
    """`predict_lines` on the filter's '\\n'-ended lines gives what fastText's `predict` gives on the same lines."""
    texts = ["Ein Satz\nüber das Wetter.\r\nNoch einer.", "Une phrase sur le temps.", "   ", "这是一个关于天气的句子。"]
    lines = langid.model_lines(texts)
    assert all(line.count("\n") == 1 and line.endswith("\n") for line in lines)
    ours = predict_lines(langid._model, lines, 5)
    theirs = langid._model.predict([line[:-1] for line in lines], k=5)
    assert ours[0] == theirs[0] and all((a == b).all() for a, b in zip(ours[1], theirs[1]))


def test_nynorsk_detected_as_norwegian_is_declared():
    f = LanguageId()
    assert f.choose_lang([("no", 0.75), ("nn", 0.13), ("da", 0.08)], ("nn",)) == ("nn", 0.88, 1.0)
    assert f.choose_lang([("no", 0.75), ("nn", 0.13), ("da", 0.08)], ("nb",))[:2] == ("nb", 0.88)


def test_declared_mass_can_outweigh_an_undeclared_top_label():
    f = LanguageId({"thresholds": "roots"})  # hr 0.70
    lang, score, declared = f.choose_lang([("sl", 0.28), ("hr", 0.27), ("sr", 0.25), ("bs", 0.2)], ("hr",))
    assert (lang, round(score, 2), declared) == ("hr", 0.72, 1.0)
    # too little declared mass: the top label, not declared
    lang, score, declared = f.choose_lang([("fr", 0.8), ("en", 0.15)], ("en",))
    assert (lang, score, declared) == ("fr", 0.8, 0.0)
    assert f.decide({"lang_score": score, "lang_declared": declared}, lang)[0] == "lang_not_declared"
    # declared and accepted but too unsure: the declared language, below its threshold
    lang, score, declared = f.choose_lang([("en", 0.5), ("fr", 0.3)], ("en",))
    assert (lang, declared) == ("en", 1.0)
    assert f.decide({"lang_score": score, "lang_declared": declared}, lang)[0] == "lang_score_below_threshold"


def test_sources_without_declared_languages_take_the_top_labels_cluster():
    f = LanguageId()
    assert f.choose_lang([("hr", 0.5), ("sr", 0.3), ("en", 0.1)], ("mul",)) == ("hr", 0.8, None)
    assert f.choose_lang([], ("en",)) == ("und", 0.0, None)


@pytest.mark.skipif(not UDHR.exists(), reason=f"{UDHR} not present (shared LID evaluation data)")
@pytest.mark.parametrize(
    "name, lang, min_kept", [("hrv", "hr", 0.95), ("bos_latn", "bs", 0.95), ("srp_latn", "sr-Latn", 0.95), ("nno", "nn", 0.8)]
)
def test_udhr_serbo_croatian_and_nynorsk_are_kept_when_declared(langid, name, lang, min_kept):
    """Real UDHR text, lines of ≥ 100 characters: with the top label alone most Croatian lines fell under 0.70."""
    with zipfile.ZipFile(UDHR) as z:
        lines = [l for l in z.read(f"udhr2/{name}.txt").decode("utf-8").splitlines() if len(l) >= 100]
    assert len(lines) >= 30
    b, removals = apply_filter(langid, batch(lines, declared=(lang,)), Counts())
    kept = 1 - len(removals) / len(lines)
    print(f"\n{name} declared {lang}: kept {kept:.3f} of {len(lines)}")
    assert kept >= min_kept


def test_a_source_declaring_several_cluster_members_gets_the_one_the_model_named():
    f = LanguageId()
    declared = ("bs", "hr", "nn", "no", "sr", "arz", "ar")
    assert f.choose_lang([("hr", 0.6), ("sr", 0.2), ("bs", 0.1)], declared)[0] == "hr"
    assert f.choose_lang([("sr", 0.6), ("hr", 0.2)], declared)[0] == "sr"
    assert f.choose_lang([("no", 0.8), ("nn", 0.1)], declared)[0] == "no"
    assert f.choose_lang([("arz", 0.6), ("ar", 0.3)], declared)[0] == "arz"
    assert f.choose_lang([("sq", 0.9)], ("als", "sq"))[0] == "sq"


def test_chinese_gets_its_script_from_the_text(langid):
    traditional = "委員會將於下週發佈關於經濟狀況的最終報告，這個報告對國家很重要。"
    simplified = "委员会将于下周发布关于经济状况的最终报告，这个报告对国家很重要。"
    b, removals = apply_filter(langid, batch([traditional, simplified], declared=("mul",)), Counts())
    assert b.langs == ["zh-Hant", "zh-Hans"] and removals == []
    b, removals = apply_filter(langid, batch([traditional, simplified], declared=("zh-Hant",)), Counts())
    assert b.langs == ["zh-Hant", "zh-Hans"]
    assert [(i, r) for i, (r, _d) in removals] == [(1, "lang_not_declared")]


def test_labels_under_one_percent_are_not_read_but_the_top_label_always_is(langid):
    """The filter asks fastText for the top-k labels of at least MIN_LABEL_P (its search stops early): the same labels
    as the full top-k without those under it (and a blank text none)."""
    texts = ["The weather report for the coming week.", "hr bs sr sh", "Une phrase.", "qqq zzz xx 123", "   "]
    full = langid._model.predict([line[:-1] for line in langid.model_lines(texts)], k=5)
    rows = langid.predict_batch(texts)
    for i, text in enumerate(texts):
        expected = [(label.removeprefix("__label__"), float(p)) for label, p in zip(full[0][i], full[1][i])]
        read = [(label, p) for label, p in expected if p >= MIN_LABEL_P] or expected[:1]
        if not text.strip():
            read = []
        assert [label for label, _ in rows.prediction(i)] == [normalise_label(label) for label, _ in read]
        assert [p for _, p in rows.prediction(i)] == pytest.approx([min(1.0, p) for _, p in read])
    assert any(p < MIN_LABEL_P for probs in full[1] for p in probs)  # some text did have labels under it


def test_a_confident_base_label_for_a_declared_language_the_extension_does_not_know_stands():
    """A source declaring hi, bho and mai: the extension knows bho (lid.176 gives Bhojpuri text `hi`, a confuser) and
    is read for it; on a page lid.176 calls hi 0.80 it says bho 0.90, but hi, declared and unknown to the extension,
    keeps the page. Unsure (hi 0.40), the extension's answer wins as before."""
    f = LanguageId({"thresholds": "roots"})
    f._extension = SimpleNamespace(
        languages={"bho": None},
        knows=lambda declared: "bho" if declared == "bho" else None,
        applies=lambda tag, base, unsure_below: True,
    )
    extended = [("bho", 0.9), ("mai", 0.05)]
    assert f.choose_lang([("hi", 0.8), ("mr", 0.1)], ("hi", "bho", "mai"), extended)[:2] == ("hi", 0.8)
    assert f.choose_lang([("hi", 0.4), ("mr", 0.3)], ("hi", "bho", "mai"), extended)[:2] == ("bho", 0.9)
    assert f.choose_lang([("hi", 0.8), ("mr", 0.1)], ("bho",), extended)[:2] == ("bho", 0.9)  # one declared: nothing to rank
