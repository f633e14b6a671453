"""parquet adapter on the real UD PUD Parquet files (six languages) and on damaged files."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from adapter_helpers import FIXTURES, langs, make_entry, problems, read_source, sample

import sources.parquet as parquet
from sources.fields import FieldMap, OptionsError


def test_sample_parquet_files_stream_every_row():
    entry = sample().get("ud_pud_parquet")
    files = parquet.list_files(entry, sample().root)
    assert [f.name for f in files] == ["de.parquet", "en.parquet", "es.parquet", "fr.parquet", "ru.parquet", "zh.parquet"]
    docs, bad = read_source(entry, sample().root)
    assert bad == []
    assert langs(docs) == {"de": 200, "en": 397, "es": 150, "fr": 260, "ru": 110, "zh": 90}
    by_id = {d.native_id: d for d in docs}
    assert len(by_id) == 1207
    en = by_id["en/n01001"]
    assert en.text.startswith("“While much of the digital transition is unprecedented in the United States")
    origin = {"file": "en.parquet", "row": 1, "id": "en/n01001"}
    assert en.meta == {"doc_id": "n01001", "sentences": 2, "sent_ids": ["n01001011", "n01001013"], "origin": origin}
    assert by_id["zh/w02005"].text.startswith("超過四千米長的金門公園裡有植物園")


def test_only_needed_columns_are_read():
    path = sample().root / "data/multilingual/ud_pud/parquet/en.parquet"
    schema = pq.ParquetFile(path).schema_arrow
    fields = FieldMap(text="text", id="id", lang="lang", meta=("doc_id",))
    assert parquet.columns_to_read(schema, fields) == ["text", "id", "lang", "doc_id"]
    entry = make_entry("parquet", path, id_field="id", meta_fields=["sentences"])
    docs, _ = read_source(entry, sample().root)
    assert docs[0].meta == {"sentences": 2, "origin": {"file": "en.parquet", "row": 1, "id": "en/n01001"}} and docs[0].lang is None


def test_null_empty_and_undecodable_binary_text_rows():
    docs, bad = read_source(make_entry("parquet", "bad_rows.parquet", id_field="id"), FIXTURES)
    assert [d.native_id for d in docs] == ["p1", "p5"]
    assert docs[0].text.startswith("aanlyn markte")  # a binary column holding UTF-8 is decoded
    assert problems(bad) == [(2, "missing_text"), (3, "empty_payload"), (4, "undecodable_bytes")]


def test_truncated_file_is_one_bad_record():
    docs, bad = read_source(make_entry("parquet", "truncated.parquet"), FIXTURES)
    assert docs == [] and problems(bad) == [(None, "corrupt_file")]
    assert "magic bytes" in bad[0].detail


def test_a_corrupt_row_group_is_skipped_and_the_others_read(tmp_path):
    source = sample().root / "data/multilingual/ud_pud/parquet/en.parquet"
    meta = pq.ParquetFile(source).metadata
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [100, 100, 100, 97]
    text_chunk = meta.row_group(1).column(5)  # columns: id doc_id lang sentences sent_ids.list.element text
    data = bytearray(source.read_bytes())
    data[text_chunk.data_page_offset : text_chunk.data_page_offset + 32] = bytes(32)  # wipe a page header
    (tmp_path / "en.parquet").write_bytes(bytes(data))
    docs, bad = read_source(make_entry("parquet", "en.parquet", id_field="id"), tmp_path)
    assert problems(bad) == [(101, "corrupt_row_group")]
    assert "rows 101-200" in bad[0].detail
    assert len(docs) == 297
    assert docs[99].native_id == "en/n01102" and docs[100].native_id == "en/w01061"  # rows 100 and 201


def test_missing_text_column_and_bad_options():
    docs, bad = read_source(make_entry("parquet", "bad_rows.parquet", text_field="body"), FIXTURES)
    assert docs == [] and problems(bad) == [(None, "missing_text_column")]
    with pytest.raises(OptionsError, match="batch_size"):
        parquet.list_files(make_entry("parquet", "bad_rows.parquet", batch_size=0), FIXTURES)


def test_spark_bookkeeping_files_are_not_sources(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "_SUCCESS").write_bytes(b"")
    (tmp_path / "out" / "part-00000.parquet").write_bytes((sample().root / "data/multilingual/ud_pud/parquet/zh.parquet").read_bytes())
    entry = make_entry("parquet", "out", id_field="id")
    assert [f.name for f in parquet.list_files(entry, tmp_path)] == ["part-00000.parquet"]
    docs, bad = read_source(entry, tmp_path)
    assert bad == [] and len(docs) == 90
