from pathlib import Path

import numpy as np
import pyarrow as pa

from curation.dedup.minhash import MinHasher, candidate_probability, jaccard, shingles, span_hashes, threshold
from curation.dedup.normalize import normalize_text

DATA = Path(__file__).resolve().parents[2] / "data" / "dedup" / "ud-pud"


def _sentences(lang: str, n: int = 40) -> list[str]:
    lines = (DATA / f"{lang}.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[3] for line in lines[:n]]


def _reference_shingles(text: str, n: int) -> set[int]:
    """Straightforward per-word reference of the vectorised shingling."""
    norm = normalize_text(pa.array([text]), digits=True)[0].as_py()
    words = [w.encode() for w in norm.split()]
    hashes = []
    for w in words:
        data = np.frombuffer(w, dtype=np.uint8)
        hashes.append(span_hashes(data, np.array([0]), np.array([len(w)]))[0])
    tokens = np.array(hashes, dtype=np.uint64)
    h, _ = shingles(tokens, np.array([0, len(tokens)]), n)
    return set(h.tolist())


def test_vectorised_shingles_match_per_document_reference():
    texts = _sentences("en", 12)
    docs = [" ".join(texts[i : i + 3]) for i in range(0, 12, 3)] + ["two words"]
    h, d = MinHasher().doc_shingles(pa.array(docs), None)
    for i, text in enumerate(docs):
        assert set(h[d == i].tolist()) == _reference_shingles(text, 5)
    # a document shorter than n words is one shingle
    assert (d == 4).sum() == 1


def test_signature_independent_of_batch_composition():
    m = MinHasher()
    en, zh = _sentences("en", 6), _sentences("zh", 6)
    docs = [" ".join(en[:3]), "".join(zh[:3]), " ".join(en[3:]), "".join(zh[3:])]
    langs = ["en", "zh", "en", "zh"]
    together, _ = m.signatures(pa.array(docs), pa.array(langs))
    for i in range(4):
        alone, _ = m.signatures(pa.array([docs[i]]), pa.array([langs[i]]))
        assert (alone[0] == together[i]).all()
    sliced, _ = m.signatures(pa.array(docs).slice(2, 2), pa.array(langs).slice(2, 2))
    assert (sliced == together[2:]).all()


def test_signature_agreement_estimates_true_jaccard():
    m = MinHasher(bands=32, rows=8)  # 256 hashes: std of the estimate ≈ 0.03
    base = " ".join(_sentences("de", 10))
    words = base.split()
    edited = " ".join(w if i % 9 else "XYZ" for i, w in enumerate(words))
    sig, has = m.signatures(pa.array([base, edited]))
    sets = m.shingle_sets(pa.array([base, edited]))
    true = jaccard(*sets)
    assert 0.2 < true < 0.8
    assert abs((sig[0] == sig[1]).mean() - true) < 0.1
    assert has.all()


def test_character_shingles_for_languages_without_spaces():
    m = MinHasher()
    zh = "".join(_sentences("zh", 4))
    variant = zh.replace("，", "") + "。"
    sets = m.shingle_sets(pa.array([zh, variant]), pa.array(["zh", "zh"]))
    # normalisation drops punctuation: same code-point 5-grams
    assert jaccard(*sets) == 1.0
    assert len(sets[0]) == len(normalize_text(pa.array([zh]))[0].as_py().replace(" ", "")) - 4
    # as words, the whole unsegmented text would be only a handful of tokens
    words = m.shingle_sets(pa.array([zh]), pa.array(["en"]))[0]
    assert len(words) < len(sets[0]) / 10


def test_empty_and_blank_documents_have_no_signature():
    _, has = MinHasher().signatures(pa.array(["", "   ", "!!!", "word"]))
    assert has.tolist() == [False, False, False, True]


def test_threshold_and_candidate_probability():
    assert round(threshold(14, 8), 3) == 0.719
    assert round(candidate_probability(0.8, 14, 8), 3) == 0.924
