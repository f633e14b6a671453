"""The ROOTS quality heuristics, with the ROOTS per-language parameter packs.

Six measurements per document (BigScience ac_dc filtering): number of words,
character n-gram repetition, word n-gram repetition, special-character ratio,
stopword ratio and flagged-word ratio. The built-in per-language values are the
ROOTS ones (`filters/data/roots/parameters.json`); a run config overrides any of
them, for every language or per language, and `curation filter calibrate` proposes values for languages
ROOTS never tuned. A ratio is only checked when the language has a word list.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from filters.base import Batch, Filter, Params, Scores, Verdict
from filters.text_units import (
    augmented,
    char_repetition_ratio,
    is_unspaced,
    ratio_in,
    special_character_ratio,
    word_repetition_ratio,
    words,
)
from filters.wordlists import builtin_packs, flagged_words, stopwords

_PACK_FIELDS = ("min_words", "char_rep_n", "char_rep_max", "word_rep_n", "word_rep_max", "special_max", "stopwords_min", "flagged_max")


class QualityParams(Params):
    min_bytes: int = Field(0, ge=0)  # ROOTS's per-dataset filter_small_docs_bytes (300 for many catalogue sources)
    min_words: int = Field(10, ge=0)
    char_rep_n: int = Field(10, ge=1)
    char_rep_max: float = Field(0.2, ge=0, le=1)
    word_rep_n: int = Field(5, ge=1)
    word_rep_max: float = Field(0.3, ge=0, le=1)
    special_max: float = Field(0.4, ge=0, le=1)
    stopwords_min: float = Field(0.1, ge=0, le=1)
    flagged_max: float = Field(0.1, ge=0, le=1)


def measure(text: str, lang: str | None, p: QualityParams) -> dict[str, float | None]:
    """The six ROOTS signals of one document under the parameters of its language."""
    lowered = words(text, lower=True)  # the same split as without lower-casing
    unspaced = is_unspaced(text)
    matchable = augmented(lowered) if unspaced else lowered
    stop, flagged = stopwords(lang), flagged_words(lang)
    return {
        "bytes": float(len(text.encode("utf-8", "surrogatepass"))),
        "words": float(len(lowered)),
        "char_rep": round(char_repetition_ratio(text, p.char_rep_n), 6),
        "word_rep": round(word_repetition_ratio(lowered, p.word_rep_n), 6),
        "special_ratio": round(special_character_ratio(text), 6),
        "stopword_ratio": round(ratio_in(matchable, stop), 6) if stop else None,
        "flagged_ratio": round(ratio_in(matchable, flagged, 2 if unspaced else 1), 6) if flagged else None,
    }


def verdict(s: Mapping[str, float], p: QualityParams) -> Verdict | None:
    """The first failed check, in ROOTS order."""
    if s["bytes"] < p.min_bytes:
        return "too_small", f"bytes={int(s['bytes'])} min={p.min_bytes}"
    if s["words"] < p.min_words:
        return "too_few_words", f"words={int(s['words'])} min={p.min_words}"
    if s["char_rep"] > p.char_rep_max:
        return "char_repetition", f"ratio={s['char_rep']:.3f} max={p.char_rep_max} n={p.char_rep_n}"
    if s["word_rep"] > p.word_rep_max:
        return "word_repetition", f"ratio={s['word_rep']:.3f} max={p.word_rep_max} n={p.word_rep_n}"
    if s["special_ratio"] > p.special_max:
        return "special_characters", f"ratio={s['special_ratio']:.3f} max={p.special_max}"
    if s.get("stopword_ratio") is not None and s["stopword_ratio"] < p.stopwords_min:
        return "low_stopword_ratio", f"ratio={s['stopword_ratio']:.3f} min={p.stopwords_min}"
    if s.get("flagged_ratio") is not None and s["flagged_ratio"] > p.flagged_max:
        return "flagged_words", f"ratio={s['flagged_ratio']:.4f} max={p.flagged_max}"
    return None


class QualityHeuristics(Filter):
    name = "quality"
    version = "1"
    Params = QualityParams
    thresholds = {
        "bytes": ("min_bytes", "min"),
        "words": ("min_words", "min"),
        "char_rep": ("char_rep_max", "max"),
        "word_rep": ("word_rep_max", "max"),
        "special_ratio": ("special_max", "max"),
        "stopword_ratio": ("stopwords_min", "min"),
        "flagged_ratio": ("flagged_max", "max"),
    }
    length_signals = frozenset({"bytes", "words"})

    @classmethod
    def builtin_defaults(cls) -> dict:
        return {f: builtin_packs()["default"][f] for f in _PACK_FIELDS}

    @classmethod
    def builtin_langs(cls) -> dict[str, dict]:
        return {lang: {f: pack[f] for f in _PACK_FIELDS} for lang, pack in builtin_packs().items() if lang != "default"}

    def score(self, batch: Batch) -> Scores:
        rows = [measure(t, lang, self.params_for(lang)) for t, lang in zip(batch.texts, batch.langs)]
        names = ("bytes", "words", "char_rep", "word_rep", "special_ratio", "stopword_ratio", "flagged_ratio")
        return Scores(signals={n: [r[n] for r in rows] for n in names})

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        return verdict(signals, self.params_for(lang))
