"""jsonl adapter on the real OSCAR (.zst) and CCNet (.gz) samples and on corrupt fixtures."""

from __future__ import annotations

import json
import shutil

import pytest
from adapter_helpers import FIXTURES, langs, make_entry, problems, read_source, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sources.jsonl as jsonl
from curation.schema import doc_id
from sources.fields import OptionsError


def test_oscar_sample_reads_every_document_with_its_stated_language():
    entry = sample().get("oscar2019_excerpts")
    docs, bad = read_source(entry, sample().root)
    assert bad == []
    assert len(docs) == 320
    counts = langs(docs)
    assert len(counts) == 166
    assert counts["en"] == 2 and counts["zh"] == 2
    assert set(counts) == set(entry.languages)
    by_id = {d.native_id: d for d in docs}
    assert len(by_id) == 320
    als = by_id["als/0"]
    assert "Gregorianische Kalender" in als.text
    assert als.meta == {"oscar_lang": "als", "doc_index": 0, "origin": {"file": "oscar2019_excerpts.jsonl.zst", "line": 3, "id": "als/0"}}
    # OSCAR's `sh` label is normalised in `lang`; the original stays in meta
    assert by_id["sh/0"].lang == "sr-Latn" and by_id["sh/0"].meta["oscar_lang"] == "sh"


def test_ccnet_sample_urls_nested_language_and_meta():
    entry = sample().get("ccnet_en_head")
    docs, bad = read_source(entry, sample().root)
    assert bad == []
    assert len(docs) == 10
    assert langs(docs) == {"en": 10}  # lang_field: metadata.language reaches into the nested object
    first = docs[0]
    assert first.native_id == first.url == "http://100kinvesting.com/2016/11/28/first-teleconference-calls-invoice-factoring/"
    assert first.text.startswith("We will be starting to hold weekly teleconferences")
    assert first.meta["source"] == "common-crawl"
    assert first.meta["metadata"]["perplexity"] == 304.6
    assert "text" not in first.meta and "id" not in first.meta


def test_ids_are_stable_and_do_not_depend_on_where_the_data_sits(tmp_path):
    # without an id field the native id is "<file below location>:<line>": the same on any machine
    for copy in ("a", "b"):
        (tmp_path / copy / "data" / "nested").mkdir(parents=True)
        shutil.copy(FIXTURES / "two_frames.jsonl.zst", tmp_path / copy / "data" / "nested" / "part.jsonl.zst")
    runs = []
    for copy in ("a", "b"):
        entry = make_entry("jsonl", "data", meta_fields=[])
        docs, _ = read_source(entry, tmp_path / copy)
        runs.append([d.native_id for d in docs])
    # the fixture lines carry an "id": ids come from it, identical for both copies
    assert runs[0] == runs[1] == ["af/0", "af/1", "als/0", "als/1", "am/0", "am/1", "an/0", "an/1", "ar/0", "ar/1", "arz/0", "arz/1"]
    assert doc_id("oscar2019_excerpts", "af/0") == doc_id("oscar2019_excerpts", runs[1][0])


def test_position_ids_when_records_have_no_id(tmp_path):
    for copy in ("a", "b"):
        folder = tmp_path / copy / "corpus" / "2019"
        folder.mkdir(parents=True)
        (folder / "x.jsonl").write_text('{"text": "eins"}\n\n{"text": "zwei"}\n', encoding="utf-8")
    ids = [[d.native_id for d in read_source(make_entry("jsonl", "corpus"), tmp_path / copy)[0]] for copy in ("a", "b")]
    assert ids[0] == ids[1] == ["2019/x.jsonl:1", "2019/x.jsonl:3"]


def test_bad_lines_are_reported_with_line_numbers_and_the_rest_is_read():
    entry = make_entry("jsonl", FIXTURES / "bad_lines.jsonl")
    docs, bad = read_source(entry, FIXTURES)
    assert [d.native_id for d in docs] == ["af/0", "af/1", "als/0"]
    assert problems(bad) == [
        (2, "invalid_json"),
        (3, "undecodable_bytes"),
        (4, "empty_payload"),
        (5, "missing_text"),
        (6, "not_an_object"),
        (7, "undecodable_bytes"),
        (10, "missing_text"),
    ]
    assert all(b.path == str(FIXTURES / "bad_lines.jsonl") for b in bad)
    assert "0xe9" in bad[1].detail


@pytest.mark.parametrize("name", ["truncated.jsonl.gz", "truncated.jsonl.zst"])
def test_truncated_stream_keeps_the_lines_before_the_cut(name):
    docs, bad = read_source(make_entry("jsonl", FIXTURES / name), FIXTURES)
    assert [d.native_id for d in docs] == ["af/0", "af/1", "als/0", "als/1", "am/0"]
    assert problems(bad) == [(6, "truncated_stream")]
    assert "after line 5" in bad[0].detail


def test_concatenated_zstd_frames_read_as_one_stream():
    docs, bad = read_source(make_entry("jsonl", FIXTURES / "two_frames.jsonl.zst"), FIXTURES)
    assert bad == [] and len(docs) == 12
    assert docs[-1].native_id == "arz/1"


def test_not_compressed_although_named_gz(tmp_path):
    (tmp_path / "plain.jsonl.gz").write_bytes(b'{"text": "not gzip at all"}\n')
    docs, bad = read_source(make_entry("jsonl", "plain.jsonl.gz"), tmp_path)
    assert docs == [] and problems(bad) == [(1, "corrupt_stream")]


def test_explicit_id_field_must_be_present():
    entry = make_entry("jsonl", FIXTURES / "bad_lines.jsonl", id_field="doc_index")
    docs, bad = read_source(entry, FIXTURES)
    assert [d.native_id for d in docs] == ["0", "1", "0"]  # OSCAR doc_index values
    entry = make_entry("jsonl", FIXTURES / "bad_lines.jsonl", id_field="no_such_field")
    docs, bad = read_source(entry, FIXTURES)
    assert docs == [] and (1, "missing_id") in problems(bad)


def test_unknown_option_is_a_configuration_error_naming_source_and_option():
    entry = make_entry("jsonl", FIXTURES / "bad_lines.jsonl", source_id="oops", txt_field="body")
    with pytest.raises(OptionsError, match=r"source 'oops'.*txt_field"):
        jsonl.list_files(entry, FIXTURES)
    with pytest.raises(OptionsError, match="meta_fields"):
        jsonl.list_files(make_entry("jsonl", FIXTURES / "bad_lines.jsonl", meta_fields="lang"), FIXTURES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(max_size=60), min_size=1, max_size=12),
    suffix=st.sampled_from(["jsonl", "jsonl.gz", "jsonl.zst"]),
    ascii_only=st.booleans(),
)
def test_round_trip_any_unicode_text_any_compression(tmp_path_factory, texts, suffix, ascii_only):
    """Every written text comes back unchanged at its line; blank ones are reported there."""
    import gzip

    import zstandard

    folder = tmp_path_factory.mktemp("rt")
    body = "".join(json.dumps({"text": t, "n": i}, ensure_ascii=ascii_only) + "\n" for i, t in enumerate(texts)).encode()
    if suffix.endswith(".gz"):
        body = gzip.compress(body, mtime=0)
    elif suffix.endswith(".zst"):
        body = zstandard.ZstdCompressor().compress(body)
    (folder / f"x.{suffix}").write_bytes(body)
    docs, bad = read_source(make_entry("jsonl", f"x.{suffix}"), folder)
    kept = [(i + 1, t) for i, t in enumerate(texts) if t and not t.isspace()]
    assert [(int(d.native_id.split(":")[1]), d.text) for d in docs] == kept
    assert [d.meta["n"] + 1 for d in docs] == [line for line, _ in kept]
    assert problems(bad) == [(i + 1, "empty_payload") for i, t in enumerate(texts) if not t or t.isspace()]
