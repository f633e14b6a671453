"""The decontamination matcher without Spark: items as n-grams, matches, cut spans, benchmark files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.config import ConfigError, load_config
from curation.dedup.benchmarks import BenchmarkError, Item, load_items
from curation.dedup.contamination import NgramIndex, cut_spans, match_batch, matched_spans

PUD = Path(__file__).resolve().parents[2] / "data" / "dedup" / "ud-pud"
LANGS = ("en", "de", "ru", "hi", "zh", "ja", "th")
UNSEGMENTED = ("zh", "ja", "th")


def sentences(lang: str) -> list[str]:
    return [line.split("\t", 3)[3] for line in (PUD / f"{lang}.tsv").read_text(encoding="utf-8").split("\n")[:-1]]


def item_and_context(lang: str) -> tuple[str, list[str]]:
    s = sentences(lang)
    item = next(t for t in s[100:] if (len(t) >= 40 if lang in UNSEGMENTED else len(t.split()) >= 16))
    return item, [t for t in s[:30] if t != item]


def test_items_found_verbatim_and_embedded_in_seven_languages_and_clean_text_untouched():
    items, docs, expect = [], [], []
    for lang in LANGS:
        item, context = item_and_context(lang)
        items.append(Item(f"bench_{lang}", "q1", item))
        sep = "" if lang in ("zh", "ja") else " "
        docs += [item, sep.join(context[:4] + [item] + context[4:8]), sep.join(context[8:20])]
        expect += [f"bench_{lang}", f"bench_{lang}", None]
    index = NgramIndex.build(items, word_ngram=13, char_ngram=20)
    assert index.sizes == (13, 20)
    found = match_batch(index, pa.array(docs), min_overlap=0.0)
    assert [m.benchmarks[0] if m else None for m in found] == expect
    embedded = found[1]
    assert embedded.items == ("bench_en/q1",) and embedded.ngrams == index.item_ngrams[0]


def test_min_overlap_asks_for_a_share_of_the_items_ngrams():
    item, _ = item_and_context("en")
    words = item.split()
    half = " ".join(words[: len(words) // 2 + 7])  # a few n-grams of the item, not half of them
    index = NgramIndex.build([Item("b", "1", item)], 13, 20)
    assert match_batch(index, pa.array([half]), 0.0)[0] is not None
    assert match_batch(index, pa.array([half]), 0.9)[0] is None
    assert match_batch(index, pa.array([item.upper()]), 0.9)[0] is not None  # normalised: case and punctuation


def test_cut_removes_the_item_and_keeps_the_rest_readable():
    for lang in ("en", "zh", "th"):
        item, context = item_and_context(lang)
        sep = "" if lang == "zh" else " "
        before, after = sep.join(context[:3]), sep.join(context[3:6])
        text = before + sep + item + sep + after
        index = NgramIndex.build([Item("b", "1", item)], 13, 20)
        spans = matched_spans(index, [text], [np.array([0])])[0]
        cut = cut_spans(text, spans)
        assert item not in cut and cut.startswith(before.strip()[:20]) and cut.endswith(after.strip()[-20:]), lang
        assert len(text) - len(cut) >= len(item), lang


def test_items_shorter_than_n_are_counted_not_matched():
    index = NgramIndex.build([Item("b", "short", "only five words in here"), Item("b", "zh", "短句子")], 13, 20)
    assert index.too_short == {"b": 2} and index.ngrams() == 0
    assert match_batch(index, pa.array(["only five words in here"]), 0.0) == [None]


def test_benchmark_files_in_three_formats_and_errors_name_file_record_and_field(tmp_path):
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(b'{"id": 7, "question": "q", "choices": ["x", "y"]}\n'))
    (tmp_path / "b.txt").write_text("line one\n\nline two\n", encoding="utf-8")
    pq.write_table(pa.table({"question": ["p"]}), tmp_path / "c.parquet")
    items = load_items({"b": [tmp_path / "b.txt"], "a": [tmp_path / "a.jsonl.gz", tmp_path / "c.parquet"]}, ["question", "choices"], "id")
    assert items == [
        Item("a", "7", "q\nx\ny"),
        Item("a", "c.parquet:1", "p"),
        Item("b", "b.txt:1", "line one"),
        Item("b", "b.txt:3", "line two"),
    ]
    (tmp_path / "bad.jsonl").write_text('{"question": "ok"}\n{"question": 3}\n', encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"bad.jsonl: record 2: field 'question' must be a string"):
        load_items({"x": [tmp_path / "bad.jsonl"]}, ["question"], "id")
    (tmp_path / "none.jsonl").write_text(json.dumps({"text": "t"}) + "\n", encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"none.jsonl: record 1: none of the text fields \['question'\]"):
        load_items({"x": [tmp_path / "none.jsonl"]}, ["question"], "id")
    with pytest.raises(ConfigError, match="benchmark names"):
        load_config(None, {"dedup.decontaminate.benchmarks": {"bad name": ["x.txt"]}})
