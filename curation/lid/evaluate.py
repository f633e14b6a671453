"""`curation lid eval`: how the langid filter does on labelled text, per language.

Each line's gold language is treated as its source's declared language, as a
catalog entry declaring it would be filtered:

* precision / recall / F1 of the language the filter detects with no declared
  language (the top label's cluster mass, which must reach the language's
  `min_score`; below it the prediction is `und`): what the model can tell apart;
* kept share: the share of the language's lines the filter keeps when the
  source declares the gold language (accepted-label mass vs the threshold), with
  the removal reasons: what a source in that language loses.

Gold labels go through the same normalisation as the model's labels
(`filters.lang_labels`), so `zul`, `swh` or `hrv` gold columns work.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filters.lang_labels import normalise_label, own_label, same_language
from filters.langid import LanguageId, LidPrediction

LANG_FIELDS = ("lang", "language")
BATCH = 2048


class EvalInputError(ValueError):
    pass


@dataclass
class LanguageResult:
    n: int = 0
    tp: int = 0
    fp: int = 0
    kept: int = 0
    removed: Counter = field(default_factory=Counter)
    confused_with: Counter = field(default_factory=Counter)

    def figures(self) -> dict:
        predicted = self.tp + self.fp
        precision = self.tp / predicted if predicted else None
        recall = self.tp / self.n if self.n else None
        f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
        return {
            "n": self.n,
            "precision": rounded(precision),
            "recall": rounded(recall),
            "f1": rounded(f1),
            "kept_share": rounded(self.kept / self.n) if self.n else None,
            "removed": dict(sorted(self.removed.items())),
            "top_confusion": min(self.confused_with.items(), key=lambda kv: (-kv[1], kv[0]))[0] if self.confused_with else None,
        }


@dataclass
class Tally:
    """Counts gathered over every batch; figures are computed once every gold language is known."""

    detections: Counter = field(default_factory=Counter)  # (gold, detected) -> lines
    kept: Counter = field(default_factory=Counter)  # gold -> lines kept when declared
    removed: Counter = field(default_factory=Counter)  # (gold, reason) -> lines
    confusions: Counter = field(default_factory=Counter)  # (gold, what the model said instead) -> lines


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def open_text(path: Path) -> io.TextIOBase:
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def read_labelled(path: Path, lang_field: str | None = None, text_field: str = "text") -> Iterator[tuple[str, str]]:
    """(gold language, text) from a TSV with a header row or JSONL (optionally .gz)."""
    path = Path(path)
    jsonl = ".jsonl" in path.suffixes or ".json" in path.suffixes
    with open_text(path) as f:
        rows = (json.loads(line) for line in f if line.strip()) if jsonl else csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        key = lang_field
        for number, row in enumerate(rows, start=1):
            if key is None:
                key = next((k for k in LANG_FIELDS if k in row), None)
            if key is None or key not in row or text_field not in row:
                wanted = lang_field or " or ".join(LANG_FIELDS)
                raise EvalInputError(
                    f"{path}: record {number} lacks a {wanted!r} or {text_field!r} field (have: {', '.join(map(str, row))})"
                )
            yield str(row[key]), str(row[text_field] or "")


def limited_per_language(examples: Iterable[tuple[str, str]], per_lang: int | None, only: set[str] | None) -> Iterator[tuple[str, str]]:
    """Gold labels normalised; at most `per_lang` lines per language; only the `only` languages when given."""
    seen: Counter = Counter()
    for raw, text in examples:
        gold = normalise_label(raw)
        if only and gold not in only and raw not in only:
            continue
        if per_lang is not None and seen[gold] >= per_lang:
            continue
        seen[gold] += 1
        yield gold, text


def evaluate(langid: LanguageId, examples: Iterable[tuple[str, str]], top_confusions: int = 10) -> dict:
    """Per-language precision, recall, F1, kept share and removals, and the most frequent confusions."""
    langid.ensure_setup()
    tally = Tally()
    batch: list[tuple[str, str]] = []
    for example in examples:
        batch.append(example)
        if len(batch) >= BATCH:
            tally_batch(langid, batch, tally)
            batch = []
    if batch:
        tally_batch(langid, batch, tally)
    return summary(tally, top_confusions)


def names_language(gold: str, detected: str) -> bool:
    """Whether a detected label names the gold language: the same language, or a macrolanguage label standing for it."""
    return same_language(gold, detected) or own_label(gold, detected)


def tally_batch(langid: LanguageId, batch: list[tuple[str, str]], tally: Tally) -> None:
    texts = [text for _, text in batch]
    undeclared = langid.predict_docs(texts, [()] * len(texts))
    declared = langid.predict_docs(texts, [(gold,) for gold, _ in batch])
    for (gold, _), prediction, as_declared in zip(batch, undeclared, declared):
        detected = detected_at_threshold(langid, prediction)
        tally.detections[(gold, detected)] += 1
        if not names_language(gold, detected):
            tally.confusions[(gold, confused_with(gold, detected, langid.answering(prediction.base, prediction.extended)))] += 1
        verdict = kept_verdict(langid, as_declared, gold)
        if verdict is None:
            tally.kept[gold] += 1
        else:
            tally.removed[(gold, verdict)] += 1


def confused_with(gold: str, detected: str, prediction) -> str:
    """What the model said instead of `gold`: the detected language, else the top label when it was another
    language under its threshold, `und` when the right language was under its threshold (or nothing was said)."""
    if detected != "und" or not prediction:
        return detected
    top = prediction[0][0]
    return "und" if same_language(gold, top) else top


def detected_at_threshold(langid: LanguageId, prediction: LidPrediction) -> str:
    """The language the filter detects with nothing declared, `und` when under its threshold."""
    lang, score, _ = langid.choose_lang(prediction.base, (), prediction.extended)
    return lang if lang != "und" and score >= langid.params_for(lang).min_score else "und"


def kept_verdict(langid: LanguageId, prediction: LidPrediction, declared: str) -> str | None:
    """The removal reason when a source declaring `declared` holds this text, None when kept."""
    lang, score, is_declared = langid.choose_lang(prediction.base, (declared,), prediction.extended)
    verdict = langid.decide({"lang_score": score, "lang_declared": is_declared}, lang)
    return None if verdict is None else verdict[0]


def summary(tally: Tally, top_confusions: int) -> dict:
    golds = sorted({gold for gold, _ in tally.detections})
    results = {gold: LanguageResult(kept=tally.kept[gold]) for gold in golds}
    confusions: Counter = Counter()
    for (gold, detected), n in tally.detections.items():
        key = detected if detected in results else next((g for g in golds if names_language(g, detected)), detected)
        results[gold].n += n
        if key == gold:
            results[gold].tp += n
            continue
        if key in results:
            results[key].fp += n
    for (gold, said), n in tally.confusions.items():
        results[gold].confused_with[said] += n
        confusions[(gold, said)] += n
    for (gold, reason), n in tally.removed.items():
        results[gold].removed[reason] += n
    languages = {lang: r.figures() for lang, r in results.items()}
    total = sum(r.n for r in results.values())
    return {
        "documents": total,
        "accuracy": rounded(sum(r.tp for r in results.values()) / total) if total else None,
        "macro_f1": rounded(sum(v["f1"] for v in languages.values()) / len(languages)) if languages else None,
        "kept_share": rounded(sum(r.kept for r in results.values()) / total) if total else None,
        "languages": languages,
        "confusions": [
            {"gold": g, "detected": d, "count": n}
            for (g, d), n in sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0]))[:top_confusions]
        ],
    }
