"""The Gopher (MassiveText) quality and repetition rules: an optional second heuristic pack.

Rae et al. 2021, appendix A, with the defaults datatrove and FineWeb use. The rules were
written for English; other languages use their shipped stopword list for the stop-word
rule, and the unspaced ones (zh, ja, th) a minimum mean word length of 1, since a "word"
there is one character (see `filters.text_units`). Put `gopher` in `filter.chain`
instead of, or after, `quality`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from pydantic import Field

from filters.base import Batch, Filter, Params, Scores, Verdict
from filters.text_units import words
from filters.wordlists import stopwords

GOPHER_STOPWORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
_BULLETS = ("•", "-", "*", "‣", "◦", "⁃", "●", "▪")
_PARAGRAPHS = re.compile(r"\n{2,}")
_LINES = re.compile(r"\n+")
_ALPHA = re.compile(r"[^\W\d_]")


class GopherParams(Params):
    min_doc_words: int = Field(50, ge=0)
    max_doc_words: int = Field(100_000, ge=0)
    min_avg_word_length: float = Field(3, ge=0)
    max_avg_word_length: float = Field(10, ge=0)
    max_symbol_word_ratio: float = Field(0.1, ge=0, le=1)
    max_bullet_lines_ratio: float = Field(0.9, ge=0, le=1)
    max_ellipsis_lines_ratio: float = Field(0.3, ge=0, le=1)
    max_non_alpha_words_ratio: float = Field(0.8, ge=0, le=1)  # (datatrove's name) the share of words with a letter must reach this
    min_stop_words: int = Field(2, ge=0)
    dup_para_frac: float = Field(0.3, ge=0, le=1)
    dup_para_char_frac: float = Field(0.2, ge=0, le=1)
    dup_line_frac: float = Field(0.3, ge=0, le=1)
    dup_line_char_frac: float = Field(0.2, ge=0, le=1)
    top_n_grams: tuple[tuple[int, float], ...] = ((2, 0.2), (3, 0.18), (4, 0.16))
    dup_n_grams: tuple[tuple[int, float], ...] = ((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10))


def _duplicates(items: list[str]) -> tuple[int, int]:
    seen: set[str] = set()
    elements = chars = 0
    for item in items:
        if item in seen:
            elements += 1
            chars += len(item)
        else:
            seen.add(item)
    return elements, chars


def _top_ngram_chars(units: list[str], n: int) -> int:
    grams = Counter(zip(*(units[k:] for k in range(n))))
    if not grams:
        return 0
    gram, count = grams.most_common(1)[0]
    if count < 2:  # only a repeated n-gram counts (datatrove also counts a unique one in short texts)
        return 0
    return (sum(map(len, gram)) + n - 1) * count  # as " ".join(gram) would measure


def _all_dup_ngram_chars(units: list[str], n: int) -> int:
    seen: set[tuple[str, ...]] = set()
    chars, i, last = 0, 0, len(units) - n + 1
    while i < last:
        gram = tuple(units[i : i + n])
        if gram in seen:
            chars += sum(map(len, gram))
            i += n
        else:
            seen.add(gram)
            i += 1
    return chars


def measure(text: str, lang: str | None, p: GopherParams) -> dict[str, float]:
    units = words(text)
    n_words = len(units)
    length = max(len(text), 1)
    lines = _LINES.split(text)
    paragraphs = _PARAGRAPHS.split(text.strip())
    nonblank = [l for l in text.splitlines() if l.strip()] or [""]
    stop = GOPHER_STOPWORDS if (lang or "en").split("-")[0] == "en" else stopwords(lang)
    lowered = [u.lower() for u in units]
    para_dups, para_chars = _duplicates(paragraphs)
    line_dups, line_chars = _duplicates(lines)
    s = {
        "gopher_words": float(n_words),
        "gopher_mean_word_length": sum(map(len, units)) / n_words if n_words else 0.0,
        "gopher_symbol_ratio": (text.count("#") + text.count("...") + text.count("…")) / n_words if n_words else 0.0,
        "gopher_bullet_lines": sum(l.lstrip().startswith(_BULLETS) for l in nonblank) / len(nonblank),
        "gopher_ellipsis_lines": sum(l.rstrip().endswith(("...", "…")) for l in nonblank) / len(nonblank),
        "gopher_alpha_words": sum(1 for u in units if _ALPHA.search(u)) / n_words if n_words else 0.0,
        "gopher_stop_words": float(sum(map(stop.__contains__, lowered))) if stop else -1.0,
        "gopher_dup_para_frac": para_dups / len(paragraphs),
        "gopher_dup_para_char_frac": para_chars / length,
        "gopher_dup_line_frac": line_dups / len(lines),
        "gopher_dup_line_char_frac": line_chars / length,
    }
    for n, _ in p.top_n_grams:
        s[f"gopher_top_{n}_gram"] = _top_ngram_chars(lowered, n) / length
    for n, _ in p.dup_n_grams:
        s[f"gopher_dup_{n}_grams"] = _all_dup_ngram_chars(lowered, n) / length
    return {k: round(v, 6) for k, v in s.items()}


def verdict(s: Mapping[str, float], p: GopherParams) -> Verdict | None:
    """Repetition first, then quality, as datatrove chains them."""
    checks = (
        ("gopher_dup_para_frac", p.dup_para_frac, "gopher_dup_paragraphs"),
        ("gopher_dup_para_char_frac", p.dup_para_char_frac, "gopher_dup_paragraph_chars"),
        ("gopher_dup_line_frac", p.dup_line_frac, "gopher_dup_lines"),
        ("gopher_dup_line_char_frac", p.dup_line_char_frac, "gopher_dup_line_chars"),
    )
    for key, limit, reason in checks:
        if s[key] > limit:
            return reason, f"ratio={s[key]:.3f} max={limit}"
    for n, limit in p.top_n_grams:
        if s.get(f"gopher_top_{n}_gram", 0.0) > limit:
            return "gopher_top_ngram", f"n={n} ratio={s[f'gopher_top_{n}_gram']:.3f} max={limit}"
    for n, limit in p.dup_n_grams:
        if s.get(f"gopher_dup_{n}_grams", 0.0) > limit:
            return "gopher_dup_ngrams", f"n={n} ratio={s[f'gopher_dup_{n}_grams']:.3f} max={limit}"
    w = s["gopher_words"]
    if w < p.min_doc_words or w > p.max_doc_words:
        return "gopher_word_count", f"words={int(w)} min={p.min_doc_words} max={p.max_doc_words}"
    m = s["gopher_mean_word_length"]
    if m < p.min_avg_word_length or m > p.max_avg_word_length:
        return "gopher_word_length", f"mean={m:.2f} min={p.min_avg_word_length} max={p.max_avg_word_length}"
    if s["gopher_symbol_ratio"] > p.max_symbol_word_ratio:
        return "gopher_symbols", f"ratio={s['gopher_symbol_ratio']:.3f} max={p.max_symbol_word_ratio}"
    if s["gopher_bullet_lines"] > p.max_bullet_lines_ratio:
        return "gopher_bullet_lines", f"ratio={s['gopher_bullet_lines']:.3f} max={p.max_bullet_lines_ratio}"
    if s["gopher_ellipsis_lines"] > p.max_ellipsis_lines_ratio:
        return "gopher_ellipsis_lines", f"ratio={s['gopher_ellipsis_lines']:.3f} max={p.max_ellipsis_lines_ratio}"
    if s["gopher_alpha_words"] < p.max_non_alpha_words_ratio:
        return "gopher_non_alpha_words", f"ratio={s['gopher_alpha_words']:.3f} min={p.max_non_alpha_words_ratio}"
    if 0 <= s["gopher_stop_words"] < p.min_stop_words:
        return "gopher_stop_words", f"count={int(s['gopher_stop_words'])} min={p.min_stop_words}"
    return None


class GopherRules(Filter):
    name = "gopher"
    version = "1"
    Params = GopherParams
    thresholds = {
        "gopher_words": ("min_doc_words", "min"),
        "gopher_mean_word_length": ("min_avg_word_length", "min"),
        "gopher_symbol_ratio": ("max_symbol_word_ratio", "max"),
        "gopher_bullet_lines": ("max_bullet_lines_ratio", "max"),
        "gopher_ellipsis_lines": ("max_ellipsis_lines_ratio", "max"),
        "gopher_alpha_words": ("max_non_alpha_words_ratio", "min"),
        "gopher_stop_words": ("min_stop_words", "min"),
        "gopher_dup_para_frac": ("dup_para_frac", "max"),
        "gopher_dup_line_frac": ("dup_line_frac", "max"),
        "gopher_dup_line_char_frac": ("dup_line_char_frac", "max"),
    }
    length_signals = frozenset({"gopher_words"})

    @classmethod
    def builtin_langs(cls) -> dict[str, dict]:
        return {lang: {"min_avg_word_length": 1} for lang in ("zh", "ja", "th", "lo", "km", "my")}

    def score(self, batch: Batch) -> Scores:
        rows = [measure(t, lang, self.params_for(lang)) for t, lang in zip(batch.texts, batch.langs)]
        names = sorted({k for r in rows for k in r})
        return Scores(signals={n: [r.get(n) for r in rows] for n in names})

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        return verdict(signals, self.params_for(lang))
