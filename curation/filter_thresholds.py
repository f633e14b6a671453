"""Thresholds derived from data for every filter that declares `thresholds` (quality, gopher, adult): the file
`curation filter calibrate --derive` writes and `filter.thresholds_file` reads.

A thresholds file (JSON, `"format": "curation.filter-thresholds/1"`) records how its values were made: the
method, the sample (reference files, document size, documents per language) and, per language and filter, every
parameter it sets with the built-in value, the signal, the removal it gives on the derivation sample and on the
corpus, and a few PII-redacted kept/removed documents next to the threshold.

Methods (`--from`):

* `reference` (default): a working group's clean text should pass. A signal whose built-in value removes more of
  the language's reference documents than its share of `expected_removal` is moved to the value that removes that
  share: never stricter than the built-in value. The shares: signals removing nothing keep their value; the others
  share `expected_removal`, the ones removing less than an equal share keeping their value and leaving the rest to
  the others, so the whole chain removes at most `expected_removal` of the reference documents. A reference sample is
  small: the value is a distribution-free tolerance bound (the sample's order statistic below the share's percentile
  with 90 % confidence; with fewer documents than that takes, the lowest value moved out by its distance to the
  quartile), so held-out text of the language loses no more than the share either. Signals measuring
  length (`Filter.length_signals`) are not derived from reference documents, which are cut to a size.
* `corpus`: FineWeb-2's quantile rule: each signal's threshold removes `expected_removal` of the language's own
  corpus documents (the same tolerance bound), stricter or looser than the built-in value; a signal keeps its value
  when the sample is too small to place that percentile, the new value removes the same documents of it, or a
  stricter value sits where most documents are (no repeated word 5-gram: 0).

langid has its own per-language presets (`filters/lid_thresholds.py`) and is never derived here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.file_cache import per_file_version
from filters import get_filter_class
from filters.base import Batch, Filter

FORMAT = "curation.filter-thresholds/1"
METHODS = ("reference", "corpus")
NOT_DERIVED = frozenset({"langid"})  # per-language presets of its own: filters/lid_thresholds.py
EXAMPLES_PER_PARAM = 2  # the documents nearest the threshold: one kept, one removed
EXAMPLE_CHARS = 240
CONFIDENCE = 0.9  # a derived value removes at most its share of the language's documents with this confidence


class FilterThresholdsError(ValueError):
    pass


def derivable(chain: Sequence[str]) -> list[str]:
    """The filters of the chain whose thresholds are derived: those declaring `thresholds`, langid excepted, and
    none made for code (reference text is natural language: it says nothing of code's line lengths)."""
    return [
        name for name in chain if name not in NOT_DERIVED and get_filter_class(name).thresholds and not get_filter_class(name).code_only
    ]


# ---- reading ---------------------------------------------------------------------------------------------------


def read_filter_thresholds(path: str | Path) -> dict[str, dict[str, dict[str, Any]]]:
    """{filter: {language: {param: value}}} of a thresholds file, checked (cached while the file is unchanged)."""
    try:
        return _read(path)
    except OSError as exc:  # the file's stat; reading it raises FilterThresholdsError
        raise FilterThresholdsError(f"filter thresholds {path}: {exc.strerror or exc}") from None


@per_file_version()
def _read(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FilterThresholdsError(f"filter thresholds {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FilterThresholdsError(f"filter thresholds {path}: field 'format' must be {FORMAT!r}")
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for lang, entry in (data.get("languages") or {}).items():
        for name, params in ((entry or {}).get("filters") or {}).items():
            cls = _filter_class(path, f"languages.{lang}.filters.{name}", name)
            for param, info in (params or {}).items():
                where = f"languages.{lang}.filters.{name}.{param}"
                if param not in cls.Params.model_fields or not isinstance(info, dict) or not isinstance(info.get("value"), (int, float)):
                    raise FilterThresholdsError(f"filter thresholds {path}: {where}: expected a parameter of {name} with a numeric 'value'")
                values.setdefault(name, {}).setdefault(lang, {})[param] = info["value"]
    return values


def _filter_class(path: str, where: str, name: str):
    try:
        cls = get_filter_class(name)
    except ValueError as exc:
        raise FilterThresholdsError(f"filter thresholds {path}: {where}: {exc}") from None
    if name in NOT_DERIVED:
        raise FilterThresholdsError(f"filter thresholds {path}: {where}: {name} thresholds come from its own presets")
    return cls


def sample_documents(reference: Mapping[str, Sequence[str | Path]], doc_chars: int, max_bytes: int = 4 << 20) -> dict[str, list[str]]:
    """Per language, its reference text cut into documents of about `doc_chars` characters (whole lines)."""
    from curation.reference import read_reference, reference_documents

    return {lang: reference_documents(read_reference(files, lang), doc_chars, max_bytes) for lang, files in sorted(reference.items())}


# ---- measuring -------------------------------------------------------------------------------------------------


@dataclass
class Measured:
    """One language's documents with every signal of the derivable filters (None: not measured)."""

    texts: list[str]
    signals: list[dict[str, float]]


def measure(filters: Sequence[Filter], texts: Sequence[str], lang: str) -> Measured:
    """Score documents of one language with each filter (as the filter stage would, the language given)."""
    n = len(texts)
    batch = Batch(list(map(str, range(n))), [""] * n, [None] * n, list(texts), [lang] * n, [1.0] * n, [{} for _ in texts], [(lang,)] * n)
    for f in filters:
        f.ensure_setup()
        for name, col in f.score(batch).signals.items():
            for i, value in enumerate(col):
                if value is not None:
                    batch.signals[i][name] = float(value)
    return Measured(list(texts), batch.signals)


def removed(f: Filter, params: Any, signal: str, value: float) -> bool:
    param, direction = f.thresholds[signal]
    limit = getattr(params, param)
    return value < limit if direction == "min" else value > limit


def chain_removal(filters: Sequence[Filter], measured: Measured, lang: str) -> float | None:
    """The share of the documents the filters' decisions remove (None: no documents)."""
    if not measured.texts:
        return None
    gone = sum(any(f.decide(s, lang) is not None for f in filters) for s in measured.signals)
    return round(gone / len(measured.texts), 4)


# ---- deriving --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    filter: Filter
    signal: str
    param: str
    direction: str
    builtin: float
    values: list[float]  # the derivation sample's, sorted

    def removal(self, limit: float) -> float:
        gone = sum(v < limit for v in self.values) if self.direction == "min" else sum(v > limit for v in self.values)
        return gone / len(self.values)

    def limit_removing(self, share: float, as_int: bool) -> float:
        """The value that removes at most `share` of the language's documents with 90 % confidence from this sample
        (a distribution-free tolerance bound: an order statistic of the sample); when the sample is too small for
        one, its extreme value moved out by the spread between it and the sample's quartile."""
        n, r = len(self.values), tolerance_rank(len(self.values), share)
        if self.direction == "min":
            v = self.values[r - 1] if r else max(0.0, 2 * self.values[0] - self.values[n // 4])
            return math.floor(v) if as_int else math.floor(v * 10_000) / 10_000
        v = self.values[n - r] if r else 2 * self.values[-1] - self.values[n - 1 - n // 4]
        return math.ceil(v) if as_int else math.ceil(v * 10_000) / 10_000

    def on_the_bulk(self, value: float) -> bool:
        """A stricter value at the sample's other extreme: most documents share it (no repeated 5-gram: 0), and
        the threshold would remove any document that differs at all."""
        if self.direction == "min":
            return value > self.builtin and value >= self.values[-1]
        return value < self.builtin and value <= self.values[0]


def tolerance_rank(n: int, share: float, confidence: float = CONFIDENCE) -> int:
    """The largest r with P(Binomial(n, share) >= r) >= confidence: the r-th lowest of n values is then below the
    `share` quantile of their distribution with that confidence (0: no order statistic is)."""
    if share <= 0:
        return 0
    below = 0.0  # P(Binomial < r)
    r = 0
    while r < n:
        below += math.comb(n, r) * share**r * (1 - share) ** (n - r)
        if 1 - below < confidence:
            break
        r += 1
    return r


def candidates(filters: Sequence[Filter], sample: Measured, lang: str, method: str) -> list[Candidate]:
    """Every derivable signal of the filters measured on the sample, with the language's built-in value."""
    found = []
    for f in filters:
        builtin = f.params_for(lang)
        for signal, (param, direction) in sorted(f.thresholds.items()):
            if method == "reference" and signal in f.length_signals:
                continue
            values = sorted(s[signal] for s in sample.signals if signal in s and not math.isnan(s[signal]))
            if values:
                found.append(Candidate(f, signal, param, direction, getattr(builtin, param), values))
    return found


def derive_values(cands: Sequence[Candidate], method: str, expected_removal: float) -> dict[int, float]:
    """{candidate index: derived value} for the candidates that change (see the module docstring)."""
    if method == "corpus":  # each signal on its own; a value that removes no other share of the sample is no change
        derived = {}
        for i, c in enumerate(cands):
            if tolerance_rank(len(c.values), expected_removal):  # else too few documents to place the percentile
                value = c.limit_removing(expected_removal, isinstance(c.builtin, int))
                if c.removal(value) != c.removal(c.builtin) and not c.on_the_bulk(value):
                    derived[i] = value
        return derived
    binding = sorted((c.removal(c.builtin), i) for i, c in enumerate(cands) if c.removal(c.builtin) > 0)
    remaining, derived = expected_removal, {}
    for pos, (rate, i) in enumerate(binding):
        share = remaining / (len(binding) - pos)
        if rate <= share:
            remaining -= rate
            continue
        c = cands[i]
        value = c.limit_removing(share, isinstance(c.builtin, int))
        value = min(value, c.builtin) if c.direction == "min" else max(value, c.builtin)  # never stricter
        remaining -= c.removal(value)
        derived[i] = value
    return derived


def derive_language(
    filters: Sequence[Filter],
    make: Callable[..., Filter],
    lang: str,
    sample: Measured,
    corpus: Measured | None,
    method: str,
    expected_removal: float,
) -> dict[str, Any]:
    """One language's entry of the thresholds file; `make(name, derived)` builds a filter with the run's parameters."""
    cands = candidates(filters, sample, lang, method)
    derived = derive_values(cands, method, expected_removal)
    params: dict[str, dict[str, Any]] = {}
    for i, value in sorted(derived.items()):
        params.setdefault(cands[i].filter.name, {})[cands[i].param] = value
    tuned = [make(f.name, {lang: params.get(f.name, {})}) for f in filters]
    entry_filters: dict[str, dict[str, Any]] = {}
    for i, value in sorted(derived.items()):
        c = cands[i]
        info = {"value": value, "builtin": c.builtin, "signal": c.signal, "direction": c.direction}
        info["sample_removal"] = {"builtin": round(c.removal(c.builtin), 4), "derived": round(c.removal(value), 4)}
        if corpus is not None and corpus.texts:
            measured = [s[c.signal] for s in corpus.signals if c.signal in s]
            info["corpus_removal"] = _removal_of(c, measured, c.builtin, value)
        entry_filters.setdefault(c.filter.name, {})[c.param] = info
    return {
        "documents": len(sample.texts),
        "corpus_documents": None if corpus is None else len(corpus.texts),
        "expected_removal": {
            "sample": {"builtin": chain_removal(filters, sample, lang), "derived": chain_removal(tuned, sample, lang)},
            "corpus": None
            if corpus is None
            else {"builtin": chain_removal(filters, corpus, lang), "derived": chain_removal(tuned, corpus, lang)},
        },
        "filters": entry_filters,
        "examples": examples(cands, derived, corpus if corpus is not None and corpus.texts else sample, lang),
    }


def _removal_of(c: Candidate, values: list[float], builtin: float, value: float) -> dict[str, float] | None:
    if not values:
        return None
    probe = Candidate(c.filter, c.signal, c.param, c.direction, builtin, sorted(values))
    return {"builtin": round(probe.removal(builtin), 4), "derived": round(probe.removal(value), 4)}


def examples(cands: Sequence[Candidate], derived: Mapping[int, float], docs: Measured, lang: str) -> list[dict[str, Any]]:
    """For each changed parameter, the documents nearest its derived value on either side, PII-redacted."""
    from curation.redact import redact

    found = []
    for i, value in sorted(derived.items()):
        c = cands[i]
        scored = [(s[c.signal], k) for k, s in enumerate(docs.signals) if c.signal in s]
        for decision in ("kept", "removed"):
            side = [
                (abs(v - value), k, v)
                for v, k in scored
                if ((v < value) if c.direction == "min" else (v > value)) == (decision == "removed")
            ]
            for _, k, v in sorted(side)[: EXAMPLES_PER_PARAM // 2]:
                text = " ".join(docs.texts[k].split())
                found.append(
                    {
                        "filter": c.filter.name,
                        "param": c.param,
                        "signal": c.signal,
                        "value": round(v, 6),
                        "decision": decision,
                        "text": redact(text[:EXAMPLE_CHARS], lang) + ("…" if len(text) > EXAMPLE_CHARS else ""),
                    }
                )
    return found


def derive(
    chain: Sequence[str],
    filter_config: Any,
    samples: Mapping[str, Sequence[str]],
    method: str = "reference",
    expected_removal: float = 0.05,
    corpus: Mapping[str, Sequence[str]] | None = None,
    sample_info: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The thresholds file's record: per language of `samples` (reference documents, or corpus documents with
    `method="corpus"`), the derived values of every derivable filter of the chain. `filter_config` (a FilterConfig)
    gives the run's other parameters (`params`, `langs`), measured with but not overridden."""
    if method not in METHODS:
        raise FilterThresholdsError(f"unknown derivation method {method!r}; methods: {', '.join(METHODS)}")
    names = derivable(chain)
    if not names:
        raise FilterThresholdsError(f"filter chain {list(chain)} has no filter with thresholds to derive (langid has its own presets)")

    def make(name: str, derived: Mapping[str, Mapping[str, Any]] | None = None) -> Filter:
        return get_filter_class(name)(filter_config.params.get(name, {}), filter_config.langs.get(name, {}), derived=derived)

    filters = [make(n) for n in names]
    languages = {}
    for lang in sorted(samples):
        sample = measure(filters, samples[lang], lang)
        measured_corpus = measure(filters, corpus[lang], lang) if corpus is not None and lang in corpus else None
        languages[lang] = derive_language(filters, make, lang, sample, measured_corpus, method, expected_removal)
    return {
        "format": FORMAT,
        "method": method_text(method, expected_removal),
        "from": method,
        "expected_removal": expected_removal,
        "filters": {f.name: {"version": f.version, "thresholds": {s: list(p) for s, p in sorted(f.thresholds.items())}} for f in filters},
        "sample": dict(sample_info or {}),
        "languages": languages,
    }


def method_text(method: str, expected_removal: float) -> str:
    if method == "corpus":
        return (
            f"FineWeb-2's quantile rule: per language, each signal's threshold removes {expected_removal:g} of the "
            f"language's own corpus documents (at most, with {CONFIDENCE:g} confidence); unchanged where the sample is too "
            f"small to place that percentile or the value removes the same documents"
        )
    return (
        f"per language, a signal whose built-in value removes more than its share of {expected_removal:g} of the "
        f"language's reference documents moves to the value that removes at most that share with {CONFIDENCE:g} confidence "
        f"(an order statistic of the sample; beyond its extreme by the spread to its quartile when the sample is too "
        f"small), never stricter than the built-in value; length signals are not derived"
    )
