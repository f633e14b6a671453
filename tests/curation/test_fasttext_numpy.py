"""`curation.fasttext_numpy` computes what fastText's `predict(k=-1)` reports, on real text in many scripts and on
the corner cases of fastText's reader (odd whitespace, NUL, label-like tokens, empty lines, 4-byte characters),
for models with other n-gram lengths and more labels, and on random text mixing all of these; a document's
probabilities do not depend on its batch."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import fasttext
import numpy as np
import pytest
from quality_helpers import crawl_pages

from curation.fasttext_fit import fit_in_fresh_process
from curation.fasttext_numpy import NumpyPredictor, supports
from curation.fasttext_predict import predict_line
from curation.quality.documents import read_documents

LM = Path(__file__).resolve().parents[2] / "samples" / "data" / "lm"
ODD_SPACES = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
CORNERS = [
    "",
    " ",
    "\n\n",
    "\u3000",
    "\x00",
    "a\x00b\x1cc\x85d\u2028e\u00a0f",
    "__label__high __label__low __label__ad",
    "__label__high",
    "the __label__nonsense word",
    "__label__",
    "<",
    "> < >",
    "a",
    "I",
    "emoji 😀😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters",
    "combining e\u0301 and \u0915\u094d\u0937 marks",
    "supercalifragilisticexpialidocious " * 3,
    "한국어 日本語のテキスト 中文文本 ภาษาไทย",
]


@pytest.fixture(scope="module")
def classes() -> tuple[list[str], list[str]]:
    """Reference text of the sample's languages, five lines a document, and the sample WARCs' pages."""
    lines = [line for path in sorted(LM.glob("*.txt")) for line in read_documents(path)]
    return ["\n".join(lines[i : i + 5]) for i in range(0, len(lines), 5)], crawl_pages()


@pytest.fixture(scope="module")
def documents(classes) -> list[str]:
    docs = classes[0] + classes[1]
    spaced = [
        f"{ODD_SPACES}{t[: len(t) // 2]}{ODD_SPACES[i % len(ODD_SPACES)] * 2}{t[len(t) // 2 :]}\r\n" for i, t in enumerate(docs[::10])
    ]
    return docs + spaced + CORNERS


def train(folder: Path, classes: tuple[list[str], list[str]], labels: int = 2, **params) -> fasttext.FastText._FastText:
    """A small supervised model: reference documents `high`, crawl pages `low` (and every third page `ad`)."""
    high = [" ".join(t.split()) for t in classes[0][::2]]
    low = [" ".join(p.split()[i : i + 60]) for p in classes[1] for i in range(0, len(p.split()), 60)]  # pages cut to 60 words
    lines = [f"__label__high {t}" for t in high] + [
        f"__label__{'ad' if labels == 3 and i % 3 == 0 else 'low'} {t}" for i, t in enumerate(low)
    ]
    random.Random(0).shuffle(lines)
    data = folder / "train.txt"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fit_in_fresh_process([(str(data), str(folder / "model.bin"), {"dim": 16, "epoch": 10, "lr": 0.2, "seed": 0, **params})])
    return fasttext.load_model(str(folder / "model.bin"))


def fasttext_probabilities(model, texts: list[str]) -> np.ndarray:
    labels = model.get_labels()
    out = np.zeros((len(texts), len(labels)))
    for i, text in enumerate(texts):
        names, probs = model.predict(predict_line(text)[:-1], k=-1)
        for name, p in zip(names, probs):
            out[i, labels.index(name)] = p
    return out


@pytest.mark.parametrize(
    "params",
    [
        {"minn": 2, "maxn": 4, "bucket": 50_000},  # the recipe's
        {"minn": 1, "maxn": 6, "bucket": 20_000},  # 1-grams (no "<" or ">" alone), longer n-grams
        {"minn": 0, "maxn": 0},  # words only
        {"minn": 3, "maxn": 3, "bucket": 10_000, "labels": 3},  # three labels
    ],
)
def test_probabilities_are_fasttexts(classes, documents, tmp_path, params):
    params = dict(params)
    model = train(tmp_path, classes, params.pop("labels", 2), **params)
    assert supports(model)
    ours = NumpyPredictor(model).probabilities(documents)
    theirs = fasttext_probabilities(model, documents)
    differences = np.abs(ours - theirs).max(axis=1)
    short = np.array([len(d.split()) < 1000 for d in documents])
    assert differences[short].max() < 1e-6
    assert differences.max() < 1e-5  # fastText's float32 sums drift on long pages (6e-6 on one of 12,000 words)
    assert (ours.argmax(axis=1) == theirs.argmax(axis=1)).mean() > 0.999
    assert ours.std() > 0.05  # the model separates the classes: the figures compared are not all alike


def test_a_documents_probabilities_do_not_depend_on_its_batch(classes, documents, tmp_path):
    predictor = NumpyPredictor(train(tmp_path, classes, minn=2, maxn=4, bucket=50_000))
    batch = predictor.probabilities(documents)
    alone = np.vstack([predictor.probabilities([d]) for d in documents[::7]])
    assert (alone == batch[::7]).all()
    shuffled = list(reversed(documents))
    assert (predictor.probabilities(shuffled)[::-1] == batch).all()


def test_word_ngrams_are_left_to_fasttext(classes, tmp_path):
    model = train(tmp_path, classes, wordNgrams=2, minn=2, maxn=4, bucket=50_000)
    assert not supports(model)
    with pytest.raises(ValueError, match="word unigrams"):
        NumpyPredictor(model)


def test_text_is_read_in_bounded_runs_and_a_longer_document_by_fasttext(classes, documents, tmp_path, monkeypatch):
    import curation.fasttext_numpy as fasttext_numpy

    model = train(tmp_path, classes, minn=2, maxn=4, bucket=50_000)
    whole = NumpyPredictor(model).probabilities(documents)
    monkeypatch.setattr(fasttext_numpy, "MAX_BATCH_BYTES", 20_000)
    bounded = NumpyPredictor(model).probabilities(documents)
    long = [i for i, d in enumerate(documents) if len(d.encode("utf-8")) > 20_000]
    assert 0 < len(long) < len(documents) // 10
    others = np.setdiff1d(np.arange(len(documents)), long)
    assert (bounded[others] == whole[others]).all()
    assert (bounded[long] == fasttext_probabilities(model, [documents[i] for i in long])).all()


def random_text(rng: random.Random) -> str:
    """Up to 40 pieces: runs of whitespace (every kind fastText's reader and Python split on), words of ASCII,
    brackets, label-like tokens, accented, Cyrillic, CJK, Thai, emoji, combining and invisible characters, or any
    character of the Basic Multilingual Plane (surrogates aside)."""
    spaces = [*ODD_SPACES, "\x00"]
    pieces = [*"abcdefxyzABC0123456789.,;:!?'\"-<>_/", "__label__", "__label__high", "é", "ß", "ж", "日", "本", "한", "ก", "😀"]
    pieces += ["𝔘", "\u0301", "\u094d", "\ufeff", "\u200b", "\x7f", "\x01"]
    out = []
    for _ in range(rng.randint(0, 40)):
        roll = rng.random()
        if roll < 0.25:
            out.append(rng.choice(spaces) * rng.randint(1, 3))
        elif roll < 0.3:
            c = rng.randint(0x80, 0xFFFF)
            out.append(chr(c) if not 0xD800 <= c <= 0xDFFF else "x")
        else:
            out.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))))
    return "".join(out)


@pytest.mark.parametrize("params", [{"minn": 1, "maxn": 3, "bucket": 5_000}, {"minn": 3, "maxn": 6, "bucket": 1_000}])
def test_random_text_gets_fasttexts_probabilities(tmp_path, params):
    rng = random.Random(params["maxn"])
    texts = [" ".join(random_text(rng).replace("__label__", "").split()) for _ in range(2000)]
    lines = [f"__label__{'a' if 'ж' in t else 'b' if '日' in t else 'c'} {t}" for t in texts]  # classes a model can learn
    (tmp_path / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fit_in_fresh_process(
        [(str(tmp_path / "train.txt"), str(tmp_path / "model.bin"), {"dim": 8, "epoch": 5, "lr": 0.5, "seed": 0, **params})]
    )
    model = fasttext.load_model(str(tmp_path / "model.bin"))
    texts = [random_text(rng) for _ in range(1500)]
    ours, theirs = NumpyPredictor(model).probabilities(texts), fasttext_probabilities(model, texts)
    assert np.abs(ours - theirs).max() < 1e-6
    assert ours.std() > 0.1
