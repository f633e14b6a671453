"""fastText's `predict` of a supervised model, computed in numpy for a whole batch, each distinct word worked out once.

fastText's `predict` of a line averages the input-matrix rows of the line's words (a word in the vocabulary: its
own row and its character n-grams' rows; any other word: its n-grams' rows, hashed anew at every occurrence), the
end-of-line token's row included, and takes the softmax of the output matrix times that average. The average is
linear, so the output matrix can be applied to every row first (at load): a word contributes its rows' sums (one
number per label after the first: softmax reads logits only relative to each other) and its count of rows, and a
line's logits are its words' sums over its words' counts.

`NumpyPredictor.probabilities(texts)` reads a batch as one UTF-8 buffer: its words are the runs between
separators, each known by a 64-bit hash of its bytes (the vocabulary is keyed the same way); the batch's distinct
words get their sums once, their character n-grams hashed together in numpy with fastText's FNV-1a over their
UTF-8 bytes (each byte read as a signed char, as `Dictionary::hash` does).

It reproduces fastText's `predict(k=-1)`: words split where fastText splits `predict_line(text)` (Python's
whitespace and NUL), the `</s>` token of the line's end, tokens starting with the label prefix adding nothing, the
1-gram rule of `computeSubwords` (no '<' or '>' alone), and the probability fastText reports: the softmax plus 1e-5
(its `std_log` adds 1e-5 before the log that `predict` exponentiates back). The arithmetic is float64 where
fastText's is float32, so a probability differs from fastText's by about 1e-7; it depends only on the text, never
on the rest of the batch (each word's sum is taken in one fixed order). Two distinct words of a batch are taken
for one only if their 64-bit hashes collide (about one chance in 10^11 in a batch of 10,000 distinct words).

`supports(model)` says which models that is: supervised, softmax loss, not quantized, word unigrams (word n-grams,
hierarchical softmax and one-vs-all losses use fastText's own `predict`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

import numpy as np

from curation.fasttext_predict import label_probabilities, predict_line, predict_lines, python_whitespace

FNV_OFFSET = np.uint32(2166136261)
FNV_PRIME = np.uint32(16777619)
WORD_HASH = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
EOS = "</s>"
FASTTEXT_PROBABILITY_OFFSET = 1e-5  # fastText's predict reports exp(log(p + 1e-5))
SPACE, NEWLINE = 32, 10
# text read in numpy at once (its arrays take ~40 bytes per byte of text); a longer document goes to fastText's predict
MAX_BATCH_BYTES = 1 << 21


def supports(model) -> bool:
    """Whether `NumpyPredictor` computes what `model.predict` does for this model."""
    args = model.f.getArgs()
    return not model.is_quantized() and args.model.name == "supervised" and args.loss.name == "softmax" and args.wordNgrams == 1


class NumpyPredictor:
    """`probabilities(texts)`: a (texts x labels) float64 array, columns in `model.get_labels()` order."""

    def __init__(self, model):
        if not supports(model):
            raise ValueError("NumpyPredictor: a supervised softmax model of word unigrams, not quantized, is needed")
        args = model.f.getArgs()
        self.minn, self.maxn, self.bucket = args.minn, args.maxn, args.bucket
        self.label_prefix = args.label.encode("utf-8")
        output = model.get_output_matrix().astype(np.float64)
        relative = projected(model.get_input_matrix(), output[1:] - output[:1])
        self.row_sums = [np.ascontiguousarray(relative[:, j]) for j in range(relative.shape[1])]
        words = model.get_words()
        self.ngram_sums = [row_sums[len(words) :] for row_sums in self.row_sums]  # the n-gram buckets' rows
        self.hasher = SpanHasher()
        keys = np.concatenate([self.word_hashes(words[i : i + 65_536]) for i in range(0, len(words), 65_536)])
        self.vocabulary_order = np.argsort(keys)
        self.vocabulary_keys = keys[self.vocabulary_order]
        eos = words.index(EOS) if EOS in words else None
        self.eos_sums = relative[eos] if eos is not None else np.zeros(relative.shape[1])
        self.eos_count = 1 if eos is not None else 0
        self.model = model
        self.columns = {label: i for i, label in enumerate(model.get_labels())}

    def word_hashes(self, words: list[str]) -> np.ndarray:
        data = np.frombuffer("\n".join(words).encode("utf-8", "surrogatepass"), dtype=np.uint8)
        return self.hasher.hashes(data, *spans(data, data == NEWLINE))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        out = np.zeros((len(texts), len(self.row_sums) + 1))
        for begin, end in runs_under(list(map(len, encoded)), MAX_BATCH_BYTES):
            if len(encoded[begin]) > MAX_BATCH_BYTES:  # alone in its run
                out[begin] = self.fasttext_probabilities(texts[begin])
            else:
                out[begin:end] = self.batch_probabilities(encoded[begin:end])
        return out

    def fasttext_probabilities(self, text: str) -> np.ndarray:
        """fastText's own `predict` of one text (a document too long to read in numpy)."""
        line = predict_line(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
        labels, probs = predict_lines(self.model, [line], -1)
        return label_probabilities(labels, probs, self.columns)[0]

    def batch_probabilities(self, encoded: list[bytes]) -> np.ndarray:
        n = len(encoded)
        data = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
        starts, ends = spans(data, separators(data))
        line_starts = np.cumsum([0] + [len(e) + 1 for e in encoded[:-1]])
        doc = np.searchsorted(line_starts, starts, side="right") - 1
        keys, first, word = np.unique(self.hasher.hashes(data, starts, ends), return_index=True, return_inverse=True)
        counts, sums = self.word_sums(keys, data, starts[first], ends[first])
        total = np.bincount(doc, weights=counts[word], minlength=n) + self.eos_count
        logits = np.zeros((n, len(self.row_sums) + 1))
        for j, word_sums in enumerate(sums, 1):
            logits[:, j] = np.bincount(doc, weights=word_sums[word], minlength=n)
        logits[:, 1:] += self.eos_sums
        logits /= np.maximum(total, 1)[:, None]
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        probs[total == 0] = 0.0  # fastText predicts nothing for a line without words
        return probs + (total > 0)[:, None] * FASTTEXT_PROBABILITY_OFFSET

    def vocabulary_ids(self, keys: np.ndarray) -> np.ndarray:
        """Each word's id in the model's vocabulary (by its hash), -1 for a word not in it."""
        at = np.minimum(np.searchsorted(self.vocabulary_keys, keys), len(self.vocabulary_keys) - 1)
        return np.where(self.vocabulary_keys[at] == keys, self.vocabulary_order[at], -1)

    def word_sums(self, keys: np.ndarray, data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """The row counts and sums of distinct words (their hashes and spans in `data`)."""
        own = self.vocabulary_ids(keys)
        known = own >= 0
        counts = known.astype(np.float64)
        sums = [np.where(known, row_sums[np.maximum(own, 0)], 0.0) for row_sums in self.row_sums]
        if len(keys):
            for word, buckets in self.ngrams(bracketed(data, starts, ends)):
                counts += np.bincount(word, minlength=len(keys))
                for total, ngram_sums in zip(sums, self.ngram_sums):
                    total += np.bincount(word, weights=ngram_sums[buckets], minlength=len(keys))
        labels = starts_with(data, starts, ends, self.label_prefix)  # a token fastText reads as a label adds nothing
        counts[labels] = 0
        for total in sums:
            total[labels] = 0.0
        return counts, sums

    def ngrams(self, text: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The character n-grams of the words of `text` ("<word>" separated by spaces), minn..maxn code points, as
        fastText's `computeSubwords` makes them, one length at a time: (word, bucket) of each, the bucket the FNV-1a
        hash of its UTF-8 bytes modulo `bucket` (its input row: the vocabulary's size plus the bucket)."""
        if self.maxn <= 0 or not len(text):
            return
        starts = np.flatnonzero((text & 0xC0) != 0x80)  # code points, the spaces between words among them
        widths = np.diff(starts, append=len(text))
        space = text[starts] == SPACE
        length = code_points_left(space)  # the longest n-gram from each code point (0 from a space)
        word = np.cumsum(space)  # words before each code point
        if self.minn <= 1:  # no '<' or '>' alone
            single = ~np.concatenate([[True], space[:-1]]) & (length > 1)
        signed = np.where(text >= 0x80, text.astype(np.uint32) | 0xFFFFFF00, text).astype(np.uint32)
        signed = np.concatenate([signed, np.zeros(4, dtype=np.uint32)])  # reads past the end hash zeros, never emitted
        starts, widths = np.append(starts, np.full(self.maxn, len(text))), np.append(widths, np.zeros(self.maxn, dtype=widths.dtype))
        count = len(space)
        hashes = np.full(count, FNV_OFFSET, dtype=np.uint32)  # the n-gram from each code point, one longer each round
        bucket = np.uint32(self.bucket)
        for n in range(1, self.maxn + 1):
            position, width = starts[n - 1 : n - 1 + count], widths[n - 1 : n - 1 + count]  # the n-grams' last code points
            np.multiply(np.bitwise_xor(hashes, signed[position], out=hashes), FNV_PRIME, out=hashes)
            for b in range(1, int(width.max())):  # the code points' further bytes
                hashes = np.where(width > b, (hashes ^ signed[position + b]) * FNV_PRIME, hashes)
            if n >= self.minn:
                emit = single if n == 1 else length >= n
                yield word[emit], hashes[emit] % bucket


class SpanHasher:
    """64-bit polynomial hashes of byte spans (sum of (byte + 1) * WORD_HASH**i, modulo 2**64), from prefix sums."""

    def __init__(self):
        self.powers = np.ones(1, dtype=np.uint64)
        self.inverse = np.ones(1, dtype=np.uint64)

    def hashes(self, data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        self.grow(len(data) + 1)
        prefix = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum((data.astype(np.uint64) + 1) * self.powers[: len(data)])])
        return mixed((prefix[ends] - prefix[starts]) * self.inverse[starts])

    def grow(self, size: int) -> None:
        if size > len(self.powers):
            size = max(size, 2 * len(self.powers))
            self.powers, self.inverse = (
                np.cumprod(np.full(size, base, dtype=np.uint64)) for base in (WORD_HASH, pow(WORD_HASH, -1, 2**64))
            )


def runs_under(sizes: list[int], limit: int) -> Iterator[tuple[int, int]]:
    """(begin, end) of consecutive items whose sizes add up to `limit` at most (an item over it: alone)."""
    begin, total = 0, 0
    for i, size in enumerate(sizes):
        if i > begin and total + size > limit:
            yield begin, i
            begin, total = i, 0
        total += size
    if begin < len(sizes):
        yield begin, len(sizes)


def mixed(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser (a bijection): every bit of the hash depends on every bit of the input."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def spans(data: np.ndarray, separator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the words of `data`: runs of bytes that are not separators."""
    word = ~separator
    edges = np.flatnonzero(np.diff(np.concatenate([[False], word, [False]]).astype(np.int8)))
    return edges[0::2], edges[1::2]


@functools.cache
def separator_codes() -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """What fastText splits `predict_line(text)` on (Python's whitespace and NUL) as UTF-8: tables of the one-byte
    separators and of the first bytes of longer ones, and for each longer length the sequences as big-endian integers."""
    single, leads = np.zeros(256, dtype=bool), np.zeros(256, dtype=bool)
    longer: dict[int, list[int]] = {}
    for c in (*python_whitespace(), "\0"):
        code = c.encode("utf-8")
        if len(code) == 1:
            single[code[0]] = True
        else:
            leads[code[0]] = True
            longer.setdefault(len(code), []).append(int.from_bytes(code, "big"))
    return single, leads, {size: np.array(codes) for size, codes in longer.items()}


def separators(data: np.ndarray) -> np.ndarray:
    """Which bytes of `data` belong to a separator (`separator_codes`)."""
    single, leads, longer = separator_codes()
    out = np.zeros(len(data), dtype=bool)
    low = np.flatnonzero(data <= SPACE)  # the one-byte separators: control characters and the space
    out[low] = single[data[low]]
    lead_bytes = np.flatnonzero(leads)
    candidates = np.flatnonzero((data >= lead_bytes.min()) & (data <= lead_bytes.max()))
    candidates = candidates[leads[data[candidates]]]  # a lead byte is followed by its continuation bytes (valid UTF-8)
    for size, codes in longer.items():
        inside = candidates[candidates + size <= len(data)]
        value = np.zeros(len(inside), dtype=np.int64)
        for i in range(size):
            value = (value << 8) | data[inside + i]
        found = inside[np.isin(value, codes)]
        for i in range(size):
            out[found + i] = True
    return out


def bracketed(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The words of `data` at (starts, ends) as "<word>", separated by spaces: what fastText hashes n-grams of."""
    lengths = ends - starts
    out_starts = np.cumsum(lengths + 3) - (lengths + 3)  # where each "<" goes
    out = np.full(int(out_starts[-1] + lengths[-1] + 2), SPACE, dtype=np.uint8)
    within = ranges(lengths)
    out[np.repeat(out_starts + 1, lengths) + within] = data[np.repeat(starts, lengths) + within]
    out[out_starts] = ord("<")
    out[out_starts + lengths + 1] = ord(">")
    return out


def ranges(lengths: np.ndarray) -> np.ndarray:
    """0..length-1 for each length, concatenated."""
    total = int(lengths.sum())
    return np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)


def starts_with(data: np.ndarray, starts: np.ndarray, ends: np.ndarray, prefix: bytes) -> np.ndarray:
    """Which spans begin with `prefix`."""
    found = ends - starts >= len(prefix)
    for i, byte in enumerate(prefix):
        found[found] &= data[starts[found] + i] == byte
    return found


def projected(matrix: np.ndarray, output: np.ndarray, rows: int = 65_536) -> np.ndarray:
    """Every row of the input matrix times the output matrix (float64), a slice at a time."""
    return np.concatenate([matrix[i : i + rows].astype(np.float64) @ output.T for i in range(0, len(matrix), rows)])


def code_points_left(space: np.ndarray) -> np.ndarray:
    """For each code point, how many code points from it to the end of its word (itself included; 0 at a space)."""
    index = np.arange(len(space))
    next_end = np.minimum.accumulate(np.where(space, index, len(space))[::-1])[::-1]
    return next_end - index
