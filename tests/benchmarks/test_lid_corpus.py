"""The language-ID benchmark's input: distinct real documents with their true language, from the shared data."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from lid_corpus import distinct_documents  # noqa: E402


def test_documents_are_distinct_many_languages_and_in_a_fixed_order():
    docs = distinct_documents()
    assert len(docs) >= 20_000
    assert len({d.text for d in docs}) == len(docs)
    by_corpus = Counter(d.corpus for d in docs)
    assert set(by_corpus) == {"ud-pud", "bible", "udhr", "oscar"} and by_corpus["ud-pud"] == 4200  # 21 languages x 1000 sentences / 5
    assert len({d.lang for d in docs}) >= 400
    first = docs[0]
    assert (first.corpus, first.lang) == ("ud-pud", "ar") and first.text.count("\n") == 4  # five sentences
    assert {"zu", "sw", "hr", "sr-Latn", "nn", "zh-Hans"} <= {d.lang for d in docs}
