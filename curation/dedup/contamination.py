"""Benchmark decontamination: evaluation items as n-gram sets, training documents matched against them.

Units: the text normalised as for exact dedup (NFKC, lower case, punctuation and symbols to
spaces), split into words, except that every code point of a script written without spaces
(Han, Hiragana, Katakana, Thai, Lao, Tibetan, Myanmar, Khmer: `UNSEGMENTED`) is a unit of its own.
An item whose units are at least half such code points is an "unsegmented" item: its n-grams are
`char_ngram` units long (default 20 code points, about 13 words of Chinese at ~1.6 characters a
word; conservative for Japanese and Thai, whose words are longer), else `word_ngram` (13 words, as
GPT-3). An item shorter than its n has no n-gram and is counted as too short, not matched.

A document is contaminated by an item when it holds at least max(1, ⌈min_overlap × the item's
distinct n-grams⌉) of them (`min_overlap` 0: any one, as GPT-3). Everything is vectorised over an
Arrow batch (units hashed with the MinHash shingler's word hasher, windows by shifted sums) and a
document's result depends on its text alone, so it never depends on partitions. Only documents
with a hit are looked at one by one; cutting spans (`cut_spans`) re-reads such a document's
original text to find where the matched windows are.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.dedup.benchmarks import Item
from curation.dedup.minhash import splitmix64, word_tokens
from curation.dedup.normalize import normalize_text

U64 = np.uint64
# (first, last) code point of the scripts written without spaces between words
UNSEGMENTED = (
    (0x0E01, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G
)
_UNSEGMENTED_CLASS = "[" + "".join(f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in UNSEGMENTED) + "]"
_FIRSTS = [lo for lo, _ in UNSEGMENTED]


def is_unsegmented(ch: str) -> bool:
    i = bisect.bisect_right(_FIRSTS, ord(ch)) - 1
    return i >= 0 and ord(ch) <= UNSEGMENTED[i][1]


def units(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(unit hashes, per-text unit offsets) of a batch of texts."""
    norm = normalize_text(texts)
    spaced = pc.replace_substring_regex(norm, f"({_UNSEGMENTED_CLASS})", r" \1 ")
    return word_tokens(spaced)


def unsegmented_units(texts: pa.Array) -> np.ndarray:
    """How many units of each text are code points of an unsegmented script."""
    norm = normalize_text(texts)
    return pc.count_substring_regex(norm, _UNSEGMENTED_CLASS).to_numpy(zero_copy_only=False).astype(np.int64)


def windows(tokens: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, text index, first unit index within the text) of every n-unit window that fits in its text."""
    counts = np.diff(offsets)
    m = len(tokens)
    if m < n:
        return np.zeros(0, U64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    q = splitmix64(np.arange(1, n + 1, dtype=U64) + U64(0xDEC0)) | U64(1)
    w = m - n + 1
    acc = tokens[:w] * q[0]
    for j in range(1, n):
        acc += tokens[j : j + w] * q[j]
    doc = np.repeat(np.arange(len(counts), dtype=np.int64), counts)[:w]
    start = np.arange(w, dtype=np.int64) - offsets[doc]
    fits = start + n <= counts[doc]
    return splitmix64(acc[fits]), doc[fits], start[fits]


@dataclass(frozen=True)
class Match:
    """What contaminates one document: benchmarks (sorted), item ids (`benchmark/id`, sorted), n-grams shared,
    and the items' indices in the index (for cutting)."""

    benchmarks: tuple[str, ...]
    items: tuple[str, ...]
    ngrams: int
    item_index: tuple[int, ...] = ()


@dataclass
class NgramIndex:
    """Every item's distinct n-gram hashes, sorted (a hash shared by items appears once per item)."""

    hashes: np.ndarray
    item_of: np.ndarray
    item_ngrams: np.ndarray
    item_benchmark: np.ndarray
    item_ids: list[str]
    benchmarks: list[str]
    sizes: tuple[int, ...]
    items_per_benchmark: dict[str, int] = field(default_factory=dict)
    too_short: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, items: list[Item], word_ngram: int, char_ngram: int) -> NgramIndex:
        benchmarks = sorted({it.benchmark for it in items})
        texts = pa.array([it.text for it in items], pa.string())
        tokens, offsets = units(texts)
        counts = np.diff(offsets)
        unseg = unsegmented_units(texts) if items else np.zeros(0, np.int64)
        n_of = np.where(2 * unseg >= np.maximum(counts, 1), char_ngram, word_ngram)
        hs, its = [], []
        for n in sorted(set(n_of.tolist())):
            h, doc, _ = windows(tokens, offsets, n)
            keep = n_of[doc] == n
            hs.append(h[keep])
            its.append(doc[keep])
        h = np.concatenate(hs) if hs else np.zeros(0, U64)
        it = np.concatenate(its) if its else np.zeros(0, np.int64)
        pairs = np.unique(np.stack([h, it.astype(U64)], axis=1), axis=0) if len(h) else np.zeros((0, 2), U64)
        item_of = pairs[:, 1].astype(np.int64)
        ngrams = np.bincount(item_of, minlength=len(items)).astype(np.int64)
        bench_index = {b: i for i, b in enumerate(benchmarks)}
        too_short: dict[str, int] = {}
        per_bench: dict[str, int] = {}
        for k, item in enumerate(items):
            per_bench[item.benchmark] = per_bench.get(item.benchmark, 0) + 1
            if ngrams[k] == 0:
                too_short[item.benchmark] = too_short.get(item.benchmark, 0) + 1
        return cls(
            hashes=pairs[:, 0].copy(),
            item_of=item_of,
            item_ngrams=ngrams,
            item_benchmark=np.array([bench_index[it.benchmark] for it in items], dtype=np.int64),
            item_ids=[f"{it.benchmark}/{it.id}" for it in items],
            benchmarks=benchmarks,
            sizes=tuple(sorted(set(n_of[ngrams > 0].tolist()))),
            items_per_benchmark=dict(sorted(per_bench.items())),
            too_short=dict(sorted(too_short.items())),
        )

    def ngrams(self) -> int:
        return len(self.hashes)

    def contains(self, h: np.ndarray) -> np.ndarray:
        if len(self.hashes) == 0:
            return np.zeros(len(h), dtype=bool)
        pos = np.minimum(np.searchsorted(self.hashes, h), len(self.hashes) - 1)
        return self.hashes[pos] == h

    def passing_items(self, hits: np.ndarray, min_overlap: float) -> np.ndarray:
        """The items (indices) of which the distinct hashes `hits` hold enough n-grams."""
        hits = np.unique(hits)
        lo = np.searchsorted(self.hashes, hits, side="left")
        hi = np.searchsorted(self.hashes, hits, side="right")
        found = np.concatenate([self.item_of[a:b] for a, b in zip(lo, hi)]) if len(hits) else np.zeros(0, np.int64)
        shared = np.bincount(found, minlength=len(self.item_ngrams))
        need = np.maximum(1, np.ceil(min_overlap * self.item_ngrams - 1e-9)).astype(np.int64)
        return np.flatnonzero((shared >= need) & (self.item_ngrams > 0))

    def item_hashes(self, items: np.ndarray) -> np.ndarray:
        return self.hashes[np.isin(self.item_of, items)]

    def match(self, items: np.ndarray, shared: int) -> Match:
        return Match(
            benchmarks=tuple(sorted({self.benchmarks[b] for b in self.item_benchmark[items]})),
            items=tuple(sorted(self.item_ids[i] for i in items)),
            ngrams=shared,
            item_index=tuple(int(i) for i in items),
        )


def match_batch(index: NgramIndex, texts: pa.Array, min_overlap: float) -> list[Match | None]:
    """Each text's contamination (None: clean)."""
    out: list[Match | None] = [None] * len(texts)
    if not index.sizes or len(texts) == 0:
        return out
    tokens, offsets = units(texts)
    hit_h, hit_d = [], []
    for n in index.sizes:
        h, doc, _ = windows(tokens, offsets, n)
        found = index.contains(h)
        hit_h.append(h[found])
        hit_d.append(doc[found])
    h = np.concatenate(hit_h)
    d = np.concatenate(hit_d)
    for doc in np.unique(d).tolist():
        mine = h[d == doc]
        items = index.passing_items(mine, min_overlap)
        if len(items):
            shared = int(np.isin(np.unique(mine), index.item_hashes(items)).sum())
            out[doc] = index.match(items, shared)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _char_class(ch: str) -> int:
    """0: part of a word, 1: a separator (white space, punctuation, symbol), 2: a unit of its own (unsegmented script)."""
    if ch.isspace() or unicodedata.category(ch)[0] in "PSZ":
        return 1
    return 2 if is_unsegmented(ch) else 0


def _raw_units(text: str) -> list[tuple[int, int]]:
    """Character spans of the units of `text` before normalisation: word runs and unsegmented code points."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for kind, run in itertools.groupby(text, _char_class):
        n = sum(1 for _ in run)
        if kind == 0:
            spans.append((pos, pos + n))
        elif kind == 2:
            spans.extend((i, i + 1) for i in range(pos, pos + n))
        pos += n
    return spans


def matched_spans(index: NgramIndex, texts: list[str], items: list[np.ndarray]) -> list[list[tuple[int, int]]]:
    """For each text, the merged character spans covered by windows of its items' n-grams (all texts at once)."""
    raws = [_raw_units(t) for t in texts]
    pieces = pa.array([t[a:b] for t, raw in zip(texts, raws) for a, b in raw], pa.string())
    tokens, offsets = units(pieces)
    owner = np.repeat(np.arange(len(pieces)), np.diff(offsets))  # the raw unit of each normalised unit
    piece_start = np.concatenate([[0], np.cumsum([len(r) for r in raws])]).astype(np.int64)
    doc_offsets = offsets[piece_start]
    flat = [span for raw in raws for span in raw]
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    wanted = [set(index.item_hashes(it).tolist()) for it in items]
    for n in index.sizes:
        h, doc, start = windows(tokens, doc_offsets, n)
        hit = np.flatnonzero(index.contains(h))
        for k in hit.tolist():
            d = int(doc[k])
            if int(h[k]) in wanted[d]:
                first = doc_offsets[d] + start[k]
                spans[d].append((flat[owner[first]][0], flat[owner[first + n - 1]][1]))
    return [_merged(s) for s in spans]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _with_opening_punctuation(text: str, a: int, floor: int) -> int:
    """`a` moved back over the punctuation glued to the span's start: an opening bracket or quote, or any
    punctuation run that starts a line or follows white space (an ASCII quote), never the end of a sentence before."""
    b = a
    while b > floor and unicodedata.category(text[b - 1])[0] == "P":
        b -= 1
    if b == a:
        return a
    if b == 0 or text[b - 1].isspace() or all(unicodedata.category(ch) in ("Ps", "Pi") for ch in text[b:a]):
        return b
    return a


def cut_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the spans (each extended over the opening punctuation glued to it and the punctuation
    right after it); the pieces are joined
    by a newline where the cut took one, a space where it took other white space, else directly."""
    pieces: list[str] = []
    seps: list[str] = []
    pos = 0
    for a, b in spans:
        a = _with_opening_punctuation(text, a, pos)
        while b < len(text) and unicodedata.category(text[b])[0] == "P":
            b += 1
        left = text[pos:a]
        stripped = left.rstrip()
        gap = left[len(stripped) :]
        pieces.append(stripped)
        right_ws = len(text[b:]) - len(text[b:].lstrip())
        gap += text[b : b + right_ws]
        seps.append("\n" if "\n" in gap else " " if gap else "")
        pos = b + right_ws
    pieces.append(text[pos:])
    out = pieces[0]
    for sep, piece in zip(seps, pieces[1:]):
        if out and piece:
            out += sep + piece
        else:
            out += piece
    return out.strip()
