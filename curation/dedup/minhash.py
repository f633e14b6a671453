"""Shingles and MinHash signatures, vectorised over an Arrow batch.

No Python loop runs per token or per shingle: tokens are byte spans of the
batch's UTF-8 buffer, hashed all at once with a polynomial hash over prefix
sums; n-gram shingles are sums of shifted token-hash arrays; the K min-hashes of
every document are one `np.minimum.reduceat` over a (shingles × K) block.

Words (whitespace tokens of the normalised text) are the tokens, except for
languages written without spaces (zh, ja, th, ...), where code points are.
A document shorter than n tokens gets one shingle of all its tokens; an empty
document gets no signature (exact dedup still covers it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.dedup.normalize import normalize_text

U64 = np.uint64
_P = 0x100000001B3  # odd, hence invertible mod 2**64
_P_INV = pow(_P, -1, 1 << 64)
_MAX_BLOCK = 1 << 10  # shingles per (shingles × K) block: ~1 MB, cache-sized (64 k: 3× slower)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """A bijective 64-bit mixer (SplitMix64 finaliser), elementwise."""
    x = x.astype(U64, copy=True)
    x += U64(0x9E3779B97F4A7C15)
    x ^= x >> U64(30)
    x *= U64(0xBF58476D1CE4E5B9)
    x ^= x >> U64(27)
    x *= U64(0x94D049BB133111EB)
    x ^= x >> U64(31)
    return x


def _powers(base: int, n: int) -> np.ndarray:
    p = np.full(n, base, dtype=U64)
    p[0] = 1
    return np.cumprod(p, dtype=U64)


def span_hashes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit hash of each byte span data[s:e] (s < e), all spans at once.

    H = Σ b_i·P^(e-1-i) = P^(e-1)·(C[e]-C[s]) with C the prefix sums of b_i·P^-i,
    all mod 2**64; mixed with the length and finalised.
    """
    if len(starts) == 0:
        return np.zeros(0, dtype=U64)
    lo = int(starts.min())
    hi = int(ends.max())
    b = data[lo:hi].astype(U64) + U64(1)
    c = np.zeros(hi - lo + 1, dtype=U64)
    np.cumsum(b * _powers(_P_INV, hi - lo), dtype=U64, out=c[1:])
    s = (starts - lo).astype(np.int64)
    e = (ends - lo).astype(np.int64)
    h = _powers(_P, hi - lo)[e - 1] * (c[e] - c[s])
    return splitmix64(h ^ (e - s).astype(U64))


def _string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes, offsets) of a string array, honouring its slice offset."""
    bufs = arr.buffers()
    dtype = np.int64 if arr.type == pa.large_string() else np.int32
    offsets = np.frombuffer(bufs[1], dtype=dtype)[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)
    buf = bufs[2]
    data = np.frombuffer(buf, dtype=np.uint8) if buf is not None else np.zeros(0, dtype=np.uint8)
    return data, offsets


def word_tokens(norm: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes and per-document token offsets (whitespace words)."""
    lists = pc.utf8_split_whitespace(norm)
    doc_offsets = lists.offsets.to_numpy().astype(np.int64)
    first, last = doc_offsets[0], doc_offsets[-1]
    # hash each distinct word once: Arrow's hash table finds them, numpy hashes them
    encoded = lists.values.slice(first, last - first).dictionary_encode()
    vocab = encoded.dictionary
    data, offsets = _string_buffers(vocab)
    vocab_empty = offsets[1:] == offsets[:-1]
    vocab_hashes = np.zeros(len(vocab), dtype=U64)
    vocab_hashes[~vocab_empty] = span_hashes(data, offsets[:-1][~vocab_empty], offsets[1:][~vocab_empty])
    idx = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    keep = ~vocab_empty[idx]  # an empty text splits into one empty word
    kept_before = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)
    return vocab_hashes[idx[keep]], kept_before[doc_offsets - first]


def char_tokens(norm: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes and per-document token offsets (code points, spaces dropped)."""
    squeezed = pc.replace_substring(norm, " ", "")
    data, offsets = _string_buffers(squeezed)
    lo, hi = offsets[0], offsets[-1]
    seg = data[lo:hi]
    starts = np.flatnonzero((seg & 0xC0) != 0x80).astype(np.int64) + lo
    ends = np.append(starts[1:], hi)
    doc_offsets = np.searchsorted(starts, offsets).astype(np.int64)
    return span_hashes(data, starts, ends), doc_offsets


def _odd_constants(n: int, salt: int) -> np.ndarray:
    return splitmix64(np.arange(1, n + 1, dtype=U64) + U64(salt)) | U64(1)


def shingles(tokens: np.ndarray, doc_offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of token n-grams (shingles) and the document of each, grouped by document."""
    ndocs = len(doc_offsets) - 1
    counts = np.diff(doc_offsets)
    m = len(tokens)
    if m == 0:
        return np.zeros(0, dtype=U64), np.zeros(0, dtype=np.int64)
    q = _odd_constants(n, 0x5EED)
    doc_of = np.repeat(np.arange(ndocs, dtype=np.int64), counts)
    pos = np.arange(m, dtype=np.int64) - doc_offsets[doc_of]
    parts_h, parts_d = [], []
    if m >= n:
        w = m - n + 1
        acc = tokens[:w] * q[0]
        for j in range(1, n):
            acc += tokens[j : j + w] * q[j]
        valid = pos[:w] + n <= counts[doc_of[:w]]
        parts_h.append(acc[valid])
        parts_d.append(doc_of[:w][valid])
    short = (counts > 0) & (counts < n)
    if short.any():
        tm = short[doc_of]
        contrib = tokens[tm] * q[pos[tm]]
        sdocs = np.flatnonzero(short)
        starts = np.concatenate([[0], np.cumsum(counts[sdocs])[:-1]]).astype(np.int64)
        parts_h.append(np.add.reduceat(contrib, starts, dtype=U64))
        parts_d.append(sdocs)
    h = np.concatenate(parts_h) if parts_h else np.zeros(0, dtype=U64)
    d = np.concatenate(parts_d) if parts_d else np.zeros(0, dtype=np.int64)
    order = np.argsort(d, kind="stable")
    return splitmix64(h[order]), d[order]


@dataclass(frozen=True)
class MinHasher:
    """K = bands × rows hash functions h_k(x) = high 32 bits of (a_k·x + b_k) mod 2**64."""

    bands: int = 14
    rows: int = 8
    word_ngram: int = 5
    char_ngram: int = 5
    char_langs: tuple[str, ...] = ("zh", "ja", "th")
    seed: int = 1

    @property
    def num_hashes(self) -> int:
        return self.bands * self.rows

    def _params(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        a = rng.integers(1, 1 << 63, size=self.num_hashes, dtype=np.uint64) * U64(2) + U64(1)
        b = rng.integers(0, 1 << 63, size=self.num_hashes, dtype=np.uint64)
        return a, b

    def doc_shingles(self, texts: pa.Array, langs: pa.Array | None, norm: pa.Array | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Shingle hashes and their document index for a batch (mixed languages);
        `norm`: `normalize_text(texts, digits=True)` when the caller has it already."""
        if norm is None:
            texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
            norm = normalize_text(texts, digits=True)
        n = len(norm)
        if langs is None:
            is_char = np.zeros(n, dtype=bool)
        else:
            langs = langs.combine_chunks() if isinstance(langs, pa.ChunkedArray) else langs
            is_char = pc.fill_null(pc.is_in(langs, pa.array(list(self.char_langs), pa.string())), False).to_numpy(zero_copy_only=False)
        hs, ds = [], []
        for mask, tokenizer, ngram in ((~is_char, word_tokens, self.word_ngram), (is_char, char_tokens, self.char_ngram)):
            idx = np.flatnonzero(mask)
            if len(idx) == 0:
                continue
            sub = norm if len(idx) == n else norm.take(pa.array(idx))
            tokens, offsets = tokenizer(sub)
            h, d = shingles(tokens, offsets, ngram)
            hs.append(h)
            ds.append(idx[d])
        h = np.concatenate(hs) if hs else np.zeros(0, dtype=U64)
        d = np.concatenate(ds) if ds else np.zeros(0, dtype=np.int64)
        order = np.argsort(d, kind="stable")
        return h[order], d[order]

    def signatures(self, texts: pa.Array, langs: pa.Array | None = None, norm: pa.Array | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ndocs × K uint32 signatures, has_signature mask)."""
        h, d = self.doc_shingles(texts, langs, norm)
        ndocs = len(texts)
        a, b = self._params()
        sig = np.full((ndocs, self.num_hashes), np.iinfo(np.uint32).max, dtype=np.uint32)
        for lo in range(0, len(h), _MAX_BLOCK):
            hi = min(lo + _MAX_BLOCK, len(h))
            block = h[lo:hi, None] * a[None, :]
            block += b[None, :]
            dd = d[lo:hi]
            starts = np.flatnonzero(np.concatenate([[True], dd[1:] != dd[:-1]]))
            # the high 32 bits are monotone in the value: reduce first, shift after
            red = (np.minimum.reduceat(block, starts, axis=0) >> U64(32)).astype(np.uint32)
            docs = dd[starts]
            sig[docs] = np.minimum(sig[docs], red)
        has = np.zeros(ndocs, dtype=bool)
        has[d] = True
        return sig, has

    def band_hashes(self, sig: np.ndarray) -> np.ndarray:
        """One int64 per (document, band): the band's rows hashed together."""
        q = _odd_constants(self.rows, 0xBA4D)
        s = sig.reshape(len(sig), self.bands, self.rows).astype(U64)
        acc = s[:, :, 0] * q[0]
        for j in range(1, self.rows):
            acc += s[:, :, j] * q[j]
        return splitmix64(acc).view(np.int64)

    def shingle_sets(self, texts: pa.Array, langs: pa.Array | None = None) -> list[np.ndarray]:
        """Sorted unique shingles of each document (for true-Jaccard verification)."""
        h, d = self.doc_shingles(texts, langs)
        bounds = np.searchsorted(d, np.arange(len(texts) + 1))
        return [np.unique(h[bounds[i] : bounds[i + 1]]) for i in range(len(texts))]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard of two sorted unique arrays; two empty sets are identical (1.0)."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def threshold(bands: int, rows: int) -> float:
    """Similarity at which a pair becomes a candidate with probability ≈ 1/2... precisely the
    inflection (1/b)^(1/r) of 1-(1-s^r)^b, the usual quoted threshold."""
    return (1.0 / bands) ** (1.0 / rows)


def candidate_probability(s: float, bands: int, rows: int) -> float:
    return 1.0 - (1.0 - s**rows) ** bands
