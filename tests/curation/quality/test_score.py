"""Batched scoring (the whole batch in numpy, P(high) read as a column) gives the scores of the per-document fastText
code it replaced (to 1e-6, fastText's float32 aside; `tests/curation/test_fasttext_numpy.py`), on real documents in six
languages and the sample WARCs' pages; a model of another kind is scored by one fastText predict call, exactly."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import fasttext
import pytest
from quality_helpers import REFERENCE_EN, crawl_pages

from curation.config import QualityModelConfig
from curation.counts import Counts
from curation.fasttext_predict import label_probabilities, predict_line
from curation.quality.documents import read_documents
from curation.quality.score import HIGH_LABEL, QualityModel
from curation.quality.train import TrainingSet, train_classifier
from filters.base import Batch, apply_filter
from filters.classifier import QualityClassifier

LM = REFERENCE_EN.parent
# every whitespace character Python splits on, and runs of them, inside real text
ODD_SPACES = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


@pytest.fixture(scope="module")
def documents() -> list[str]:
    pages = crawl_pages()
    lines = [line for path in sorted(LM.glob("*.txt")) for line in read_documents(path)]
    docs = pages + ["\n".join(lines[i : i + 5]) for i in range(0, len(lines), 5)]
    spaced = [
        f"{ODD_SPACES}{text[: len(text) // 2]}{ODD_SPACES[i % len(ODD_SPACES)] * 3}{text[len(text) // 2 :]}\r\n"
        for i, text in enumerate(docs[:200])
    ]
    return docs + spaced + ["", " ", "\n\n", "\u3000"]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    ts = TrainingSet("en", list(read_documents(REFERENCE_EN)), crawl_pages())
    return train_classifier(ts, QualityModelConfig(card_examples=0), tmp_path_factory.mktemp("q") / "en", log=lambda m: None).folder


def per_document_scores(folder: Path, texts: list[str]) -> list[float]:
    """The code before batching: a predict per document on its whitespace-collapsed text, the label list searched."""
    ft = fasttext.load_model(str(folder / "model.bin"))
    out = []
    for text in texts:
        names, probs = ft.predict(" ".join(text.split()), k=-1)
        out.append(round(min(1.0, max(0.0, float(probs[names.index(HIGH_LABEL)]))), 6))
    return out


def fasttext_words(line: str) -> list[str]:
    """The words fastText's reader makes of a line (it splits on these characters, NUL among them)."""
    return [w for w in re.split("[ \t\x0b\x0c\r\x00]", line) if w]


def test_predict_line_gives_fasttext_the_words_of_the_collapsed_text(documents):
    for text in documents + ["a\x00b\x1cc\x85d\u2028e"]:
        line = predict_line(text)
        assert line.endswith("\n") and line.count("\n") == 1
        assert fasttext_words(line[:-1]) == fasttext_words(" ".join(text.split()))


def close(ours: list[float], theirs: list[float]) -> bool:
    """The same scores to fastText's precision: within 1e-5 (its float32 sums drift on long pages), most identical."""
    differences = [abs(a - b) for a, b in zip(ours, theirs, strict=True)]
    return max(differences) <= 1e-5 and sum(d == 0 for d in differences) >= 0.95 * len(differences)


def test_batched_scores_are_the_per_document_scores(model, documents):
    assert close(QualityModel(model).scores(documents), per_document_scores(model, documents))


def test_a_model_of_word_bigrams_is_scored_by_fasttext_exactly(documents, tmp_path):
    ts = TrainingSet("en", list(read_documents(REFERENCE_EN)), crawl_pages())
    folder = train_classifier(ts, QualityModelConfig(card_examples=0, word_ngrams=2), tmp_path / "en", log=lambda m: None).folder
    assert QualityModel(folder).scores(documents) == per_document_scores(folder, documents)


def test_filter_signals_and_decisions_are_the_per_document_ones(model, documents):
    n = len(documents)
    langs = ["en" if i % 3 else "de" for i in range(n)]  # two languages in a batch: one model, rows put back in place
    batch = Batch(
        [f"d{i}" for i in range(n)], ["s"] * n, [None] * n, list(documents), langs, [None] * n, [{} for _ in range(n)], [("en",)] * n
    )
    _, removals = apply_filter(QualityClassifier({"model": str(model), "min_score": 0.5}), batch, Counts())
    expected = per_document_scores(model, documents)
    assert close([s["quality_score"] for s in batch.signals], expected)
    assert not any(abs(s - 0.5) <= 1e-5 for s in expected)  # so every decision must be the per-document one
    assert [i for i, _ in removals] == [i for i, s in enumerate(expected) if s < 0.5]
    assert 0 < len(removals) < n


def test_label_probabilities_puts_each_label_in_its_column():
    import numpy as np

    probs = label_probabilities(
        [["__label__low", "__label__high"], ["__label__high"]],
        [np.array([0.75, 0.25]), np.array([1.0])],
        {"__label__high": 0, "__label__low": 1},
    )
    assert probs.tolist() == [[0.25, 0.75], [1.0, 0.0]]
