"""The piece-cached encoder gives exactly the tokenizer's ids, on real text and on arbitrary Unicode."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from curation.megatron.piece_encoder import KNOWN_SPLITS, SEPARATOR, PieceEncoder, excluded_chars, make_encoder, piece_splitter
from curation.tokenizer.train import build_tokenizer

DATA = Path(__file__).resolve().parents[2] / "data" / "tokenizer"


@pytest.fixture(scope="module")
def tokenizer(trained_tokenizer) -> Tokenizer:
    tok = Tokenizer.from_file(str(trained_tokenizer))
    tok.encode_special_tokens = True
    return tok


@pytest.fixture(scope="module")
def encoder(tokenizer) -> PieceEncoder:
    split = piece_splitter(tokenizer)
    assert split is not None, "the BLOOM pipeline takes the fast path"
    return PieceEncoder(tokenizer, split, cache_size=5_000)  # small: the cache gets cleared during the tests


def reference(tokenizer, texts):
    return [e.ids for e in tokenizer.encode_batch(texts, add_special_tokens=False)]


@pytest.mark.parametrize("pattern", sorted(KNOWN_SPLITS))
def test_known_classes_are_what_the_tokenizers_regex_engine_reads(pattern):
    # every code point asked of the installed tokenizers: catches an upgrade that changes `\s`
    assert set(KNOWN_SPLITS[pattern]) == excluded_chars(pattern)
    assert {SEPARATOR, " "} <= set(KNOWN_SPLITS[pattern])  # what joining missed words relies on


def test_real_documents_twice_cold_then_warm(tokenizer, encoder):
    with open(DATA / "train_docs.tsv", encoding="utf-8", newline="") as f:
        texts = [row["text"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    expected = reference(tokenizer, texts)
    for _ in range(2):
        got = [ids for i in range(0, len(texts), 100) for ids in encoder.encode(texts[i : i + 100])]
        assert got == expected
    assert 0 < len(encoder.cache) <= 5_000 + 100 * 400


def test_whitespace_and_separators_as_the_tokenizer_splits_them(tokenizer, encoder):
    # Python's str.isspace() counts \x1c-\x1f as space, the tokenizer's regex engine does not;
    # the class is read off the tokenizer, so both agree
    texts = ["a\x1cb \x1fc", "x\x85y\u2028z\u3000w", "  two  spaces\n\n\tand…", "。，、।۔،|()!?", "", " ", "\n", "</s> <pad>"]
    assert encoder.encode(texts) == reference(tokenizer, texts)
    split = piece_splitter(tokenizer)
    assert split("a\x1cb") == ["", "a\x1cb", ""] and split("a\x85b") == ["", "a", "\x85", "b", ""]


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120), max_size=6))
def test_arbitrary_unicode(tokenizer, encoder, texts):
    assert encoder.encode(texts) == reference(tokenizer, texts)


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from(["the", " the", "  ", "\n", ".", "你好", "，", " x", "ab" * 40, "\t", "</s>", "é"]), max_size=40))
def test_repeated_and_long_pieces(tokenizer, encoder, words):
    text = "".join(words)
    assert encoder.encode([text, text]) == reference(tokenizer, [text, text])
    assert all(len(p) <= 64 for p in encoder.cache)


def test_other_pipelines_fall_back_to_the_tokenizer(tokenizer, trained_tokenizer):
    other = build_tokenizer(r"\w+|[^\w\s]+")  # untrained, a different split: no fast path, same ids
    assert piece_splitter(other) is None
    with_specials = Tokenizer.from_file(str(trained_tokenizer))  # special tokens kept as tokens: no fast path
    assert piece_splitter(with_specials) is None
    texts = ["Hello </s> world", "你好，世界"]
    assert make_encoder(with_specials)(texts) == reference(with_specials, texts)
