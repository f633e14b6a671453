"""Encode documents exactly as the tokenizer does, faster, with a cache of each word piece's ids.

`Tokenizer.encode_batch` runs the split regex, the byte-level mapping and BPE over every
word of every document and builds an `Encoding` (token strings, offsets, masks) per
document, though the shard writer needs only the ids. For BLOOM's pipeline (no
normaliser; `Split(" ?[^…]+", isolated)`; `ByteLevel` without regex; BPE; special
tokens encoded as text) a document's ids are the concatenation of its pieces' ids, each
piece encoded on its own. Words repeat (Zipf), so after a warm-up almost every piece is
a dict lookup. Misses are encoded by the tokenizer itself, in one call, so every id is
still the tokenizer's. Any other pipeline falls back to `encode_batch_fast`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable

from curation.config import BLOOM_SPLIT_REGEX

Encoder = Callable[[list[str]], list[list[int]]]

# Split regexes of the shape `" ?[^" CLASS "]+"` the fast path knows, with the characters
# their class excludes as the tokenizer's regex engine (Oniguruma) reads it: `\s` there is
# not Python's (no \x1c-\x1f). tests/curation/megatron/test_piece_encoder.py re-derives
# the set from the installed tokenizers over every code point.
KNOWN_SPLITS = {
    BLOOM_SPLIT_REGEX: (
        "\t\n\x0b\x0c\r !(),.?|\x85\xa0،۔।\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
        "\u2008\u2009\u200a…\u2028\u2029\u202f\u205f\u3000、。，"
    ),
}
MAX_CACHED_PIECE = 64  # characters: longer pieces (unspaced scripts) rarely repeat
SEPARATOR = "\n"  # joins missed word pieces: a piece of its own, one token, never inside a word
PROBE = (
    "Hello, world!  It's 3.14… (ok)|fine?\n\tTab\r\n x\u00a0y\u3000z 你好，世界。我们、他们"
    " नमस्ते। مرحبا، عالم۔ Ünïcödé\u2028line\u2029para\u205f end.  \u1680 \x85 \x1c\x1f</s> <pad> "
)


def make_encoder(tokenizer, cache_size: int = 500_000) -> Encoder:
    """texts → each text's ids (no special tokens added), equal to `tokenizer.encode_batch`'s."""

    def direct(texts: list[str]) -> list[list[int]]:
        return [e.ids for e in tokenizer.encode_batch_fast(texts, add_special_tokens=False)]

    split = piece_splitter(tokenizer)
    if split is None:
        return direct
    encoder = PieceEncoder(tokenizer, split, cache_size)
    probes = [PROBE, PROBE[::-1]]
    # a last guard against a tokenizer unlike what this module assumes
    return encoder.encode if encoder.encode(probes) == [e.ids for e in tokenizer.encode_batch(probes, add_special_tokens=False)] else direct


def piece_splitter(tokenizer) -> Callable[[str], list[str]] | None:
    """A Python `re` split into the tokenizer's pre-token pieces, or None if its pipeline differs."""
    spec = json.loads(tokenizer.to_str())
    pre = spec.get("pre_tokenizer") or {}
    model = spec.get("model") or {}
    if spec.get("normalizer") is not None or pre.get("type") != "Sequence" or len(pre.get("pretokenizers", [])) != 2:
        return None
    split, byte_level = pre["pretokenizers"]
    pattern = (split.get("pattern") or {}).get("Regex")
    if not (
        split.get("type") == "Split"
        and pattern in KNOWN_SPLITS
        and split.get("behavior") == "Isolated"
        and not split.get("invert")
        and byte_level.get("type") == "ByteLevel"
        and not byte_level.get("add_prefix_space")
        and not byte_level.get("use_regex")
        and model.get("type") == "BPE"
        and model.get("dropout") is None
    ):
        return None
    # added tokens are left in the text only when they are all special and encoded as text
    if not tokenizer.encode_special_tokens or not all(t.get("special") for t in spec.get("added_tokens", [])):
        return None
    char_class = "".join(re.escape(c) for c in KNOWN_SPLITS[pattern])
    return re.compile(f"( ?[^{char_class}]+)").split


def excluded_chars(pattern: str) -> set[str]:
    """The characters a `" ?[^…]+"` pattern's class excludes, asked of the tokenizer's regex engine."""
    from tokenizers import Regex, pre_tokenizers

    split = pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False)
    excluded = set()
    step = 1 << 16
    for start in range(0, 0x110000, step):
        chars = [chr(c) for c in range(start, min(start + step, 0x110000)) if not 0xD800 <= c < 0xE000]
        # "a" before every character: an included one extends the match, an excluded one is a gap
        for piece, _offsets in split.pre_tokenize_str("".join("a" + c for c in chars)):
            if not piece.startswith(("a", " a")):
                excluded.update(piece)
    if len(split.pre_tokenize_str("a a")) > 1:
        excluded.add(" ")
    return excluded


class PieceEncoder:
    """The cache (piece → ids) is the state; it is bounded and never changes a result."""

    def __init__(self, tokenizer, split: Callable[[str], list[str]], cache_size: int):
        self.tokenizer = tokenizer
        self.split = split
        self.cache_size = cache_size
        self.cache: dict[str, list[int]] = {"": []}
        (self.separator_id,) = tokenizer.encode(SEPARATOR, add_special_tokens=False).ids

    def encode(self, texts: list[str]) -> list[list[int]]:
        pieces = [self.split(t) for t in texts]  # gap, word, gap, word, …, gap
        cache = self.cache
        if len(cache) > self.cache_size:
            cache.clear()
            cache[""] = []
        words = {w for ps in pieces for w in itertools.islice(ps, 1, None, 2) if w not in cache}
        gaps = {g for ps in pieces for g in itertools.islice(ps, 0, None, 2) if g not in cache}
        if words:
            self._fill_words(list(words))
        if gaps:
            gaps = list(gaps)
            for gap, encoding in zip(gaps, self.tokenizer.encode_batch_fast(gaps, add_special_tokens=False)):
                cache[gap] = encoding.ids
        get = cache.__getitem__
        ids = [list(itertools.chain.from_iterable(map(get, ps))) for ps in pieces]
        for p in itertools.chain(words, gaps):
            if len(p) > MAX_CACHED_PIECE:
                del cache[p]
        return ids

    def _fill_words(self, words: list[str]) -> None:
        """Encode word pieces in one tokenizer call, joined by the separator, and split the ids back."""
        joined = self.tokenizer.encode_batch_fast([SEPARATOR.join(words)], add_special_tokens=False)[0].ids
        joined.append(self.separator_id)
        cache, start = self.cache, 0
        for word in words:
            end = joined.index(self.separator_id, start)
            cache[word] = joined[start:end]
            start = end + 1
        if start != len(joined):
            raise RuntimeError("piece encoder: joined word pieces did not split back (tokenizer unlike its spec)")
