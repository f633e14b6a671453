"""The optional Gopher pack on real English text (CCNet excerpt, UD PUD)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from filters import get_filter_class
from filters.gopher import GopherRules, measure

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def ccnet() -> list[str]:
    with gzip.open(ROOT / "samples" / "data" / "cc_en_head-0091.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def reason(text: str, lang: str = "en", **params) -> str | None:
    f = GopherRules(params or None)
    v = f.decide(measure(text, lang, f.params_for(lang)), lang)
    return v and v[0]


def test_reasons_on_real_text(ccnet):
    assert get_filter_class("gopher") is GopherRules
    kept = [t for t in ccnet if reason(t) is None]
    assert len(kept) >= 5
    doc = kept[0]
    paragraphs = doc.split("\n")
    assert reason("\n\n".join([paragraphs[0]] * 4 + paragraphs[1:2])) == "gopher_dup_paragraphs"
    assert reason(" ".join(doc.split()[:30])) == "gopher_word_count"
    assert reason("\n".join(f"• {line}" for line in doc.split("\n") if line.strip())) == "gopher_bullet_lines"
    hashtags = " ".join(w + (" #news" if i % 5 == 0 else "") for i, w in enumerate(doc.split(" ")))
    assert reason(hashtags) == "gopher_symbols"
    assert reason("\n".join(line + " ..." for line in doc.split("\n"))) == "gopher_ellipsis_lines"
    no_stop = " ".join(w for w in doc.split() if w.lower() not in {"the", "be", "to", "of", "and", "that", "have", "with"})
    assert reason(no_stop) == "gopher_stop_words"


def test_unspaced_languages_count_characters():
    f = GopherRules()
    assert f.params_for("zh").min_avg_word_length == 1 and f.params_for("en").min_avg_word_length == 3
    s = measure("我们是学生。" * 20, "zh", f.params_for("zh"))
    assert s["gopher_words"] == 100 and s["gopher_mean_word_length"] == 1.0
    assert f.decide(s, "zh")[0] == "gopher_top_ngram"
