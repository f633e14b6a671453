"""The tokenizer's training sample: per language, with exponent-smoothed probabilities.

A language with n_l bytes gets a share p_l ∝ n_l^α of the sample (α = 1 keeps the
corpus proportions, smaller α lifts small languages so they are not drowned), and never
less than a floor (`language_floor`): every language with text is in the sample. Each
document's number of copies in the sample is decided from a seeded hash of its id,
so the sample is streamed shard by shard, never held in memory, and is the same on
every run and for every shard order or worker count. Rates above 1 repeat a
language's documents: for BPE that is exactly "count these pairs more".
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow.compute as pc

from curation.shards import read_batches

UNDETERMINED = "und"


@dataclass
class LanguageSample:
    """One row of the sampling table."""

    lang: str
    docs: int  # in the corpus
    bytes: int  # in the corpus
    corpus_share: float  # n_l / Σn
    sample_share: float  # n_l^α / Σn^α
    rate: float  # expected copies of each document in the sample
    sample_docs: int = 0  # drawn, counting repeats
    sample_bytes: int = 0

    def to_json(self) -> dict:
        return asdict(self)


def measure(shards: Sequence[Path], batch_size: int = 8192) -> dict[str, tuple[int, int]]:
    """Documents and UTF-8 bytes per language, reading only the `lang` and `text` columns."""
    sizes: dict[str, list[int]] = {}
    for batch in read_batches(shards, columns=["lang", "text"], batch_size=batch_size):
        langs = batch.column("lang").fill_null(UNDETERMINED).to_pylist()
        lengths = pc.binary_length(batch.column("text")).fill_null(0).to_pylist()
        for lang, n in zip(langs, lengths):
            row = sizes.setdefault(lang, [0, 0])
            row[0] += 1
            row[1] += n
    return {lang: (docs, nbytes) for lang, (docs, nbytes) in sorted(sizes.items())}


def smoothed_shares(sizes: Mapping[str, float], alpha: float) -> dict[str, float]:
    """p_l = n_l^α / Σ_k n_k^α; languages of size 0 get 0."""
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    weights = {lang: (float(n) ** alpha if n > 0 else 0.0) for lang, n in sizes.items()}
    total = math.fsum(weights.values())
    if total == 0:
        return {lang: 0.0 for lang in sizes}
    return {lang: w / total for lang, w in weights.items()}


MIN_LANGUAGE_DOCS = 20  # a language's expected sampled documents, when it has that many


def language_floor(docs: int, nbytes: int, min_bytes: int) -> float:
    """The least rate of a language with text: its first `min_bytes` bytes and at least MIN_LANGUAGE_DOCS
    documents in expectation; a language smaller than either is taken whole (rate 1: every document,
    so none is dropped by chance). With n ≥ 20 documents at rate 20/n, missing them all has
    probability (1 - 20/n)^n < e^-20."""
    if not nbytes or not docs:
        return 0.0
    return min(1.0, max(min_bytes / nbytes, MIN_LANGUAGE_DOCS / docs))


def plan_sample(
    sizes: Mapping[str, tuple[int, int]], alpha: float, budget_bytes: int | None = None, min_language_bytes: int = 0
) -> dict[str, LanguageSample]:
    """The sampling table: each language's share of a sample of `budget_bytes` (default: the corpus size),
    each language with text kept at least at its floor (`language_floor`), which may add to the budget."""
    byte_sizes = {lang: nbytes for lang, (_docs, nbytes) in sizes.items()}
    total = sum(byte_sizes.values())
    budget = total if budget_bytes is None else budget_bytes
    shares = smoothed_shares(byte_sizes, alpha)
    table = {}
    for lang, (docs, nbytes) in sizes.items():
        rate = budget * shares[lang] / nbytes if nbytes else 0.0
        table[lang] = LanguageSample(
            lang=lang,
            docs=docs,
            bytes=nbytes,
            corpus_share=nbytes / total if total else 0.0,
            sample_share=shares[lang],
            rate=max(rate, language_floor(docs, nbytes, min_language_bytes)),
        )
    return table


def uniform(seed: int, doc_id: str) -> float:
    """A number in [0, 1) fixed by the seed and the document id alone."""
    digest = hashlib.blake2b(f"{seed}\x00{doc_id}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2.0**64


def copies(rate: float, seed: int, doc_id: str) -> int:
    """floor(rate) copies, plus one with probability frac(rate): the expected count is `rate`."""
    whole = math.floor(rate)
    return whole + (1 if uniform(seed, doc_id) < rate - whole else 0)


def stream_sample(shards: Sequence[Path], table: Mapping[str, LanguageSample], seed: int, batch_size: int = 1024) -> Iterator[str]:
    """Texts of the sample, shard by shard in the given order; fills the table's sample counts as it goes."""
    for batch in read_batches(shards, columns=["id", "lang", "text"], batch_size=batch_size):
        ids = batch.column("id").to_pylist()
        langs = batch.column("lang").fill_null(UNDETERMINED).to_pylist()
        texts = batch.column("text").to_pylist()
        for did, lang, text in zip(ids, langs, texts):
            if not text:
                continue
            row = table.get(lang)
            if row is None:  # a language appeared after measuring: the input changed under us
                raise RuntimeError(f"language {lang!r} of document {did} was not in the measured corpus")
            n = copies(row.rate, seed, did)
            if n:
                row.sample_docs += n
                row.sample_bytes += n * len(text.encode("utf-8"))
                for _ in range(n):
                    yield text


def expected_bytes(table: Mapping[str, LanguageSample]) -> int:
    """About how many bytes `stream_sample` yields (sizes the default vocabulary)."""
    return int(round(sum(row.bytes * row.rate for row in table.values())))


def expected_docs(table: Mapping[str, LanguageSample]) -> int:
    """About how many texts `stream_sample` yields (for the trainer's progress)."""
    return int(round(sum(row.docs * row.rate for row in table.values())))


def table_json(table: Mapping[str, LanguageSample], alpha: float, seed: int, budget_bytes: int | None, min_language_bytes: int = 0) -> dict:
    rows: Iterable[LanguageSample] = sorted(table.values(), key=lambda r: (-r.bytes, r.lang))
    return {
        "alpha": alpha,
        "seed": seed,
        "budget_bytes": budget_bytes,
        "min_language_bytes": min_language_bytes,
        "min_language_docs": MIN_LANGUAGE_DOCS,
        "corpus_bytes": sum(r.bytes for r in table.values()),
        "sample_bytes": sum(r.sample_bytes for r in table.values()),
        "languages": [r.to_json() for r in rows],
    }
