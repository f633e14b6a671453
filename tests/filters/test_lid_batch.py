"""The langid filter's batch path (arrays, one mask per language) decides exactly as the per-document rule does."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from curation.counts import Counts
from filters.base import Batch, apply_filter
from filters.langid import LanguageId, LidPrediction, own_label_probability, top_labels_text
from filters.lid_batch import BatchPrediction, LabelTable, merged_prediction

# each document's text names the model's answer for it: "labels: <text>"; the fake model reads the labels back
CASES = [
    "hr:0.5,sh:0.25,sr:0.12,sl:0.05,bs:0.03",  # the Serbo-Croatian split
    "fr:0.6,en:0.3,sh:0.05",  # fewer labels than k: a ragged batch
    "tl:0.4,fil:0.35,id:0.2",  # two labels normalising alike (fil): summed, then sorted
    "en:0.2,fr:0.5,de:0.3",  # out of order: sorted
    "zh:0.9,ja:0.05",  # Chinese: the script comes from the text
    "en:1.00002,fr:0.00001",  # fastText's probabilities can pass 1
    "no:0.75,nn:0.13,da:0.08",
    "no:0.8,nn:0.1,da:0.05",  # Bokmål as lid.176 labels it, in a source declaring nb and nn
    "nn:0.7,no:0.25",
    "arz:0.6,ar:0.3,fa:0.05",
    "sl:0.28,hr:0.27,sr:0.25,bs:0.2",
    "sq:0.9,als:0.05",
    "",  # blank text: nothing predicted
]
TEXTS = {
    "zh:0.9,ja:0.05": "这个国家的经济报告。",
}
DECLARED = [
    ("hr",),
    ("en",),
    ("bs", "hr", "sr"),
    ("en", "fr"),
    (),
    ("mul",),
    ("zh-Hant",),
    ("zh",),
    ("nb",),
    ("ar", "arz"),
    ("sq", "als"),
    ("nb", "nn"),
]


class LabelledFakeModel:
    """fastText's `predict(lines, k)` answering each line with the labels its text starts with."""

    @property
    def f(self):
        """fastText's native object, whose `multilinePredict(lines, k, threshold, on_unicode_error)` `predict_lines` calls."""
        return SimpleNamespace(multilinePredict=lambda lines, k, *_: self.predict(lines, k))

    def predict(self, lines, k=1):
        labels, probs = [], []
        for line in lines:
            spec = line.split(": ", 1)[0] if ": " in line else ""
            pairs = [pair.split(":") for pair in spec.split(",") if pair][:k]
            labels.append([f"__label__{label}" for label, _ in pairs])
            probs.append([float(p) for _, p in pairs])
        return labels, probs


class FakeLanguageId(LanguageId):
    def setup(self) -> None:
        self._model = LabelledFakeModel()


def text_of(case: str) -> str:
    return f"{case}: {TEXTS.get(case, 'some text')}" if case else "   "


def per_document(f: LanguageId, texts: list[str], declared: list[tuple[str, ...]]):
    """The reference: each document's merged prediction and `choose_lang`, one at a time."""
    labels, probs = f._model.predict([line.rstrip("\n") for line in f.model_lines(texts)], k=f.defaults.top_k)
    out = []
    for text, doc_labels, doc_probs, langs in zip(texts, labels, probs, declared):
        prediction = merged_prediction(doc_labels, doc_probs, text) if text.strip() else []
        lang, score, is_declared = f.choose_lang(prediction, langs)
        out.append((prediction, lang, score, is_declared, own_label_probability(lang, prediction)))
    return out


@pytest.mark.parametrize("top_k", [5, 3, 1])
def test_batch_path_equals_the_per_document_rule(top_k):
    f = FakeLanguageId({"top_k": top_k})
    f.ensure_setup()
    texts, declared = [], []
    for langs in DECLARED:  # every case under every declaration, in one batch of mixed declarations
        for case in CASES:
            texts.append(text_of(case))
            declared.append(langs)
    n = len(texts)
    batch = Batch([f"d{i}" for i in range(n)], ["s"] * n, [None] * n, texts, [None] * n, [None] * n, [{} for _ in texts], declared)
    out, removals = apply_filter(f, batch, Counts())
    expected = per_document(f, texts, declared)
    removed = dict(removals)
    for i, (prediction, lang, score, is_declared, lang_p) in enumerate(expected):
        signals = out.signals[i]
        assert (out.langs[i], out.lang_scores[i], signals.get("lang_declared")) == (lang, score, is_declared), (texts[i], declared[i])
        assert signals["lang_score"] == round(score, 4)
        if prediction:
            assert signals["lid_top1_p"] == round(prediction[0][1], 4) and signals["lid_lang_p"] == round(lang_p, 4)
        else:
            assert "lid_top1_p" not in signals and lang == "und"
        if i in removed:
            detail = top_labels_text(LidPrediction(prediction))
            assert removed[i][1].endswith(detail) if detail else True
    assert {out.langs[i] for i in range(n) if texts[i].startswith("zh:") and declared[i] in ((), ("mul",))} == {"zh-Hans"}
    assert out.langs[texts.index(text_of("tl:0.4,fil:0.35,id:0.2"))] == "fil"


def test_a_batch_of_one_declaration_is_one_group_and_matches_a_mixed_batch():
    f = FakeLanguageId()
    f.ensure_setup()
    texts = [text_of(case) for case in CASES]
    alone = f.choose_langs(f.predict_batch(texts), [("hr",)] * len(texts))
    mixed = f.choose_langs(f.predict_batch(texts + texts), [("hr",)] * len(texts) + [("en",)] * len(texts))
    assert (mixed.langs[: len(texts)], mixed.scores[: len(texts)]) == (alone.langs, alone.scores)


def test_merged_rows_are_written_back_in_order():
    table = LabelTable()
    labels = [["__label__tl", "__label__fil", "__label__id"], ["__label__en", "__label__fr"]]
    probs = [[0.4, 0.35, 0.2], [0.2, 0.7]]
    predicted = BatchPrediction.from_model(table, labels, probs, ["x", "y"])
    assert predicted.prediction(0) == [("fil", 0.75), ("id", 0.2)]
    assert predicted.prediction(1) == [("fr", 0.7), ("en", 0.2)]
    assert predicted.lengths.tolist() == [2, 2]


def test_script_columns_are_dominant_scripts_per_document():
    """The `script:*` signal from the batch arrays: one column per dominant script, the share rounded, None elsewhere."""
    from filters.langid import script_columns
    from filters.text_units import dominant_scripts

    texts = ["Hello world", "Привет, мир", "これは日本語の文です", "", "1234 !!", "Mixed Привет abc", "Ελληνικά κείμενο", "Ok"]
    expected: dict[str, list] = {}
    for i, (script, share) in enumerate(dominant_scripts(texts)):
        expected.setdefault(f"script:{script}", [None] * len(texts))[i] = round(share, 4)
    columns = script_columns(texts)
    assert columns == dict(sorted(expected.items()))
    assert list(columns) == sorted(columns)
    assert columns["script:Latn"][5] == round(8 / 14, 4) and columns["script:Zyyy"][3:5] == [0.0, 0.0]


def test_a_no_label_goes_to_bokmal_when_a_source_declares_nb_and_nn():
    """lid.176's `no` stands for Bokmål: with nb and nn declared, the mass ties (both accept no and nn) and nb's own
    label decides; Nynorsk's own label still wins for nn text. The batch path agrees."""
    f = FakeLanguageId()
    f.ensure_setup()
    texts = [text_of("no:0.8,nn:0.1,da:0.05"), text_of("nn:0.7,no:0.25")]
    choice = f.choose_langs(f.predict_batch(texts), [("nb", "nn")] * 2)
    assert choice.langs == ["nb", "nn"] and choice.declared == [1.0, 1.0]
    assert f.choose_lang([("no", 0.8), ("nn", 0.1)], ("nb", "nn"))[0] == "nb"


def test_shown_labels_are_written_as_two_decimals_are():
    """`shown` rounds fastText's float32 probabilities x 100 as f"{p:.2f}" does, ties included, and a summed row too."""
    table = LabelTable()
    values = np.random.default_rng(0).random(20_000).astype(np.float32)
    values = np.concatenate([values, np.arange(0, 1.0001, 0.005, dtype=np.float32)])  # ties in decimal: 0.125, 0.135, ...
    rows = len(values) // 5
    probs = -np.sort(-values[: rows * 5].reshape(rows, 5), axis=1)
    labels = [["__label__en", "__label__fr", "__label__de", "__label__it", "__label__es"]] * rows
    batch = BatchPrediction.from_model(table, labels, list(probs), ["text"] * rows)
    batch.set_row(0, [("en", 0.1 + 0.2), ("fr", 0.005)])  # a sum in float64
    for i in range(rows):
        assert batch.shown(i, 3, 0.01) == [f"{tag}:{p:.2f}" for tag, p in batch.prediction(i, 3, 0.01)]
