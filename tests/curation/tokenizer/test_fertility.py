"""Fertility on held-out parallel text, and what α does to it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from curation.config import TokenizerConfig
from curation.shards import list_shards
from curation.tokenizer.fertility import ParallelTextError, fertility, read_parallel_text
from curation.tokenizer.sampling import measure
from curation.tokenizer.train import train

DATA = Path(__file__).resolve().parents[2] / "data" / "tokenizer"
HELDOUT = DATA / "heldout_sentences.tsv"


def test_heldout_text_is_not_in_the_training_documents():
    with open(DATA / "train_docs.tsv", encoding="utf-8", newline="") as f:
        train_text = "\n".join(r["text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    held = read_parallel_text(HELDOUT)
    assert len(held) == 945
    assert [text for _lang, text in held if text in train_text] == []


def test_counts_on_a_known_text(trained_tokenizer):
    tok = Tokenizer.from_file(str(trained_tokenizer))
    rows = [("en", "a b c"), ("en", "hello world"), ("zh", "我们")]
    report = fertility(tok, rows)
    assert list(report) == ["en", "zh"]
    en = report["en"]
    assert (en["sentences"], en["words"], en["chars"]) == (2, 5, 16)
    assert en["tokens"] == len(tok.encode("a b c").ids) + len(tok.encode("hello world").ids)
    assert en["tokens_per_word"] == en["tokens"] / 5
    assert report["zh"]["tokens_per_char"] == len(tok.encode("我们").ids) / 2


def test_alpha_lowers_fertility_of_the_smallest_languages(deduped_dir):
    """Acceptance: same vocabulary, α = 0.3 gives the three smallest languages lower fertility than α = 1.0."""
    shards = list_shards(deduped_dir)
    sizes = measure(shards)
    smallest = sorted(sizes, key=lambda lang: sizes[lang][1])[:3]
    assert smallest == ["tr", "fi", "hi"]
    held = read_parallel_text(HELDOUT)
    reports = {}
    for alpha in (0.3, 1.0):
        tok, _ = train(shards, TokenizerConfig(vocab_size=3000, alpha=alpha))
        assert tok.get_vocab_size() == 3000
        reports[alpha] = fertility(tok, held)
    for lang in smallest:
        smoothed, natural = reports[0.3][lang], reports[1.0][lang]
        assert smoothed["tokens"] < natural["tokens"], lang
        assert smoothed["tokens_per_word"] < natural["tokens_per_word"], lang
        assert smoothed["tokens_per_char"] < natural["tokens_per_char"], lang
    # and the price is paid by the largest language
    assert reports[0.3]["en"]["tokens"] > reports[1.0]["en"]["tokens"]


def test_bad_heldout_files_name_file_and_line(tmp_path):
    missing = tmp_path / "none.tsv"
    with pytest.raises(ParallelTextError, match="none.tsv: held-out text file not found"):
        read_parallel_text(missing)
    bad = tmp_path / "bad.tsv"
    bad.write_text("language\ttext\nen\thello\n", encoding="utf-8")
    with pytest.raises(ParallelTextError, match="bad.tsv: line 1: the header must name a 'lang'"):
        read_parallel_text(bad)
    bad.write_text("lang\ttext\nen\thello\nfr\n", encoding="utf-8")
    with pytest.raises(ParallelTextError, match="bad.tsv: line 3: 1 fields, the header has 2"):
        read_parallel_text(bad)
    bad.write_text("lang\ttext\n\thello\n", encoding="utf-8")
    with pytest.raises(ParallelTextError, match="bad.tsv: line 2: field 'lang' is empty"):
        read_parallel_text(bad)
