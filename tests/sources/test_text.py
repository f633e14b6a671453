"""text adapter on the real UD PUD folders (file and paragraph units) and on corrupt fixtures."""

from __future__ import annotations

import pytest
from adapter_helpers import FIXTURES, langs, make_entry, problems, read_source, sample

import sources.text as text
from sources.base import SourceLocationError
from sources.fields import OptionsError

BAD = FIXTURES / "text_bad"


def test_folder_of_files_one_document_each_language_from_folder():
    entry = sample().get("ud_pud_text")
    files = text.list_files(entry, sample().root)
    assert len(files) == 45
    docs, bad = read_source(entry, sample().root)
    assert bad == []
    assert langs(docs) == {"gl": 20, "is": 25}
    assert [d.native_id for d in docs[:2]] == ["gl/n02031.txt", "gl/n02032.txt"]
    by_id = {d.native_id: d for d in docs}
    icelandic = by_id["is/w01053.txt"]
    assert icelandic.text.startswith("Fræðimenn deila um nákvæmt brúðkaupsár Heródesar")
    assert icelandic.meta == {"origin": {"file": "is/w01053.txt"}}
    assert icelandic.url is None


def test_paragraph_unit_one_document_per_blank_line_separated_block():
    entry = sample().get("ud_pud_fi_paragraphs")
    docs, bad = read_source(entry, sample().root)
    assert bad == []
    assert len(docs) == 40
    assert docs[0].native_id == "fi.txt:1" and docs[1].native_id == "fi.txt:4"
    assert docs[-1].native_id == "fi.txt:143"
    assert (
        docs[0].text.split("\n")[0]
        == "Sotaelokuvien tai cowboy- ja intiaanielokuvien taistelut, tappelut ja pahoinpitelyt olivat mielettömiä."
    )
    assert docs[0].meta == {"origin": {"file": "fi.txt", "line": 1}}
    # the 40 documents hold the 104 non-blank lines of the file
    assert sum(len(d.text.split("\n")) for d in docs) == 104


def test_line_unit_one_document_per_non_blank_line():
    entry = make_entry("text", sample().get("ud_pud_fi_paragraphs").location, languages=["fi"], unit="line")
    docs, bad = read_source(entry, sample().root)
    assert bad == [] and len(docs) == 104
    assert docs[1].native_id == "fi.txt:2"
    assert docs[1].text.startswith("Painotus, hienovarainen ironia")


def test_undecodable_and_empty_files_are_reported_and_other_files_read():
    docs, bad = read_source(make_entry("text", "files"), BAD)
    assert [d.native_id for d in docs] == ["good.txt"]
    assert docs[0].text.startswith("aanlyn markte")
    assert sorted((b.path.rsplit("/", 1)[-1], b.offset, b.problem) for b in bad) == [
        ("empty.txt", 1, "empty_payload"),
        ("latin1.txt", 3, "undecodable_bytes"),
    ]


def test_encoding_option_decodes_legacy_files():
    docs, bad = read_source(make_entry("text", "files/latin1.txt", encoding="latin-1"), BAD)
    assert bad == [] and docs[0].text == "line one\nline two\nline thrée\n"


def test_a_bad_line_spoils_only_its_paragraph():
    docs, bad = read_source(make_entry("text", "paragraphs.txt", unit="paragraph"), BAD)
    assert [(d.native_id, d.text) for d in docs] == [
        ("paragraphs.txt:1", "first paragraph, line 1\nfirst paragraph, line 2"),
        ("paragraphs.txt:8", "third paragraph"),
    ]
    assert problems(bad) == [(4, "undecodable_bytes")]


def test_a_bad_line_spoils_only_itself_in_line_unit():
    docs, bad = read_source(make_entry("text", "paragraphs.txt", unit="line"), BAD)
    assert [d.native_id for d in docs] == ["paragraphs.txt:1", "paragraphs.txt:2", "paragraphs.txt:5", "paragraphs.txt:8"]
    assert problems(bad) == [(4, "undecodable_bytes")]


def test_truncated_gzip_text_keeps_the_lines_before_the_cut():
    docs, bad = read_source(make_entry("text", FIXTURES / "truncated.jsonl.gz", unit="line"), FIXTURES)
    assert len(docs) == 5 and docs[0].text.startswith('{"id": "af/0"')
    assert problems(bad) == [(6, "truncated_stream")]
    docs, bad = read_source(make_entry("text", FIXTURES / "truncated.jsonl.zst"), FIXTURES)
    assert docs == [] and problems(bad) == [(None, "truncated_stream")]


def test_bad_options_and_locations_fail_before_reading():
    with pytest.raises(OptionsError, match="unit"):
        text.list_files(make_entry("text", "files", unit="sentence"), BAD)
    with pytest.raises(OptionsError, match="utf-16"):
        text.list_files(make_entry("text", "files", unit="line", encoding="utf-16"), BAD)
    with pytest.raises(OptionsError, match="unknown codec"):
        text.list_files(make_entry("text", "files", encoding="klingon"), BAD)
    with pytest.raises(SourceLocationError, match="matches no file"):
        text.list_files(make_entry("text", "no/such/folder"), BAD)


def test_lang_from_folder_gives_no_language_to_files_at_the_top(tmp_path):
    (tmp_path / "corpus" / "sw" / "2021").mkdir(parents=True)
    (tmp_path / "corpus" / "sw" / "2021" / "a.txt").write_text("Habari ya asubuhi", encoding="utf-8")
    (tmp_path / "corpus" / "top.txt").write_text("no language folder", encoding="utf-8")
    docs, bad = read_source(make_entry("text", "corpus", lang_from_folder=True), tmp_path)
    assert bad == []
    assert [(d.native_id, d.lang) for d in docs] == [("sw/2021/a.txt", "sw"), ("top.txt", None)]


def test_a_file_too_big_for_one_document_is_reported_not_loaded():
    entry = make_entry("text", "paragraphs.txt", max_file_bytes=100)  # the file has 123 bytes
    docs, bad = read_source(entry, BAD)
    assert docs == [] and problems(bad) == [(None, "oversized_file")]
    docs, bad = read_source(make_entry("text", "paragraphs.txt", max_file_bytes=123, encoding="latin-1"), BAD)
    assert len(docs) == 1 and bad == []
