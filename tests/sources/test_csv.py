"""csv adapter on the real UD PUD CSV (six languages) and on a fixture with broken rows."""

from __future__ import annotations

import csv
import gzip

import pytest
from adapter_helpers import FIXTURES, langs, make_entry, problems, read_source, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sources.csv as csv_adapter
from sources.fields import OptionsError


def test_sample_csv_one_document_per_row_with_stated_languages():
    entry = sample().get("ud_pud_csv")
    docs, bad = read_source(entry, sample().root)
    assert bad == []
    assert len(docs) == 295
    assert langs(docs) == {"ar": 80, "hi": 60, "ja": 60, "ko": 40, "tr": 30, "th": 25}
    assert docs[0].native_id == "ar/n02079"
    assert docs[0].text == "تلفت لوحتا لوكاس كارناخ الأكبر المعروضتان تحديداً الأنظار."
    assert docs[0].meta == {"doc_id": "n02079", "sentences": "1", "origin": {"file": "ud_pud_mixed.csv", "line": 2, "id": "ar/n02079"}}
    assert len({d.native_id for d in docs}) == 295
    assert docs[-1].native_id == "th/w01071" and docs[-1].text.startswith("ความสำคัญอยู่ในข้อเท็จจริงสองประการ")


def test_broken_rows_are_reported_with_their_starting_line_and_the_rest_is_read():
    entry = make_entry("csv", "bad_rows.csv", id_field="id", lang_field="lang")
    docs, bad = read_source(entry, FIXTURES)
    assert [(d.native_id, d.lang) for d in docs] == [("a1", "af"), ("a4", "af"), ("a8", "gsw")]
    assert docs[1].text == "two\nlines"  # a quoted newline stays inside its field
    assert problems(bad) == [
        (3, "missing_text"),
        (4, "empty_payload"),
        (7, "wrong_field_count"),
        (8, "undecodable_bytes"),
        (9, "malformed_csv"),
    ]


def test_tsv_without_header_and_gzip(tmp_path):
    rows = list(csv.reader(open(sample().root / sample().get("ud_pud_csv").location, encoding="utf-8", newline="")))
    with gzip.open(tmp_path / "docs.tsv.gz", "wt", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter="\t", lineterminator="\n").writerows(rows[1:])  # no header row
    entry = make_entry("csv", "docs.tsv.gz", header=False, columns=rows[0], id_field="id", lang_field="lang")
    docs, bad = read_source(entry, tmp_path)
    assert bad == [] and len(docs) == 295
    assert docs[0].native_id == "ar/n02079" and docs[0].text.endswith("الأنظار.")


def test_missing_text_column_is_one_bad_record_naming_the_columns():
    docs, bad = read_source(make_entry("csv", "bad_rows.csv", text_field="body"), FIXTURES)
    assert docs == []
    assert problems(bad) == [(1, "missing_text_column")]
    assert "id, lang, text" in bad[0].detail


def test_long_fields_beyond_the_csv_module_default_limit(tmp_path):
    long_text = "ሰላም " * 100_000  # 400 k characters, above csv's 128 KiB default
    (tmp_path / "long.csv").write_text(f"text\n{long_text}\n", encoding="utf-8")
    docs, bad = read_source(make_entry("csv", "long.csv"), tmp_path)
    assert bad == [] and docs[0].text == long_text and docs[0].native_id == "long.csv:2"


def test_bad_options():
    with pytest.raises(OptionsError, match="delimiter"):
        csv_adapter.list_files(make_entry("csv", "bad_rows.csv", delimiter=";;"), FIXTURES)
    with pytest.raises(OptionsError, match="columns"):
        csv_adapter.list_files(make_entry("csv", "bad_rows.csv", header=False), FIXTURES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=50), min_size=1, max_size=10),
    delimiter=st.sampled_from([",", "\t", ";", "|"]),
)
def test_round_trip_quotes_newlines_and_delimiters(tmp_path_factory, texts, delimiter):
    """Any text the csv module writes (default dialect: \\r\\n rows, so \\r and \\n get quoted) comes back unchanged."""
    folder = tmp_path_factory.mktemp("rt")
    with open(folder / "x.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(["n", "text"])
        writer.writerows([i, t] for i, t in enumerate(texts))
    docs, bad = read_source(make_entry("csv", "x.csv", delimiter=delimiter, id_field="n"), folder)
    kept = [(str(i), t) for i, t in enumerate(texts) if t and not t.isspace()]
    assert [(d.native_id, d.text) for d in docs] == kept
    assert [b.problem for b in bad] == ["empty_payload" for t in texts if not t or t.isspace()]


def _lines(*rows: str) -> str:
    return "".join(row + "\n" for row in rows)


def test_unclosed_quote_is_reported_once_and_the_rows_it_swallowed_are_read_again(tmp_path):
    (tmp_path / "q.csv").write_text(
        _lines("id,text", "r1,first row", 'r2,"a quote that is never closed', "r3,third row", "", "r4,fourth row"),
        encoding="utf-8",
    )
    docs, bad = read_source(make_entry("csv", "q.csv", id_field="id"), tmp_path)
    assert [(d.native_id, d.text) for d in docs] == [("r1", "first row"), ("r3", "third row"), ("r4", "fourth row")]
    assert [(b.path, b.offset, b.problem) for b in bad] == [(str(tmp_path / "q.csv"), 3, "unclosed_quote")]
    assert "line 3, column 4" in bad[0].detail and "the file ends inside it" in bad[0].detail
    assert "lines 4-6 are read again" in bad[0].detail


def test_quote_closed_by_a_later_rows_quote_loses_only_its_own_row(tmp_path):
    """The stray quote is closed by the opening quote of a later field: every row in between is still read."""
    (tmp_path / "q.tsv").write_text(
        _lines("id\ttext", 'r1\t"Quoted start of a sentence', "r2\tplain", 'r3\tshe said "yes" twice', 'r4\t"properly quoted"', "r5\tlast"),
        encoding="utf-8",
    )
    docs, bad = read_source(make_entry("csv", "q.tsv", id_field="id"), tmp_path)
    assert [d.native_id for d in docs] == ["r2", "r3", "r4", "r5"]
    assert docs[1].text == 'she said "yes" twice'  # quotes inside an unquoted field are text
    assert docs[2].text == "properly quoted"
    assert problems(bad) == [(2, "unclosed_quote")]
    assert "closed only on line 4" in bad[0].detail


def test_unclosed_quote_after_a_proper_multiline_field_reads_again_after_the_quote(tmp_path):
    (tmp_path / "q.csv").write_text(
        _lines("id,text,note", 'r1,"two', 'lines","a note never closed', "r2,text,note", 'r3,"a', 'b",ok'),
        encoding="utf-8",
    )
    docs, bad = read_source(make_entry("csv", "q.csv", id_field="id"), tmp_path)
    assert [(d.native_id, d.text) for d in docs] == [("r2", "text"), ("r3", "a\nb")]
    assert problems(bad) == [(2, "unclosed_quote")]
    assert "line 3, column 8" in bad[0].detail and "lines 4-5 are read again" in bad[0].detail


def test_a_runaway_quote_is_cut_at_max_row_chars_in_a_compressed_file(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_adapter, "MAX_ROW_CHARS", 200)
    rows = ["id,text", 'r0,"never closed'] + [f"r{i},row number {i}" for i in range(1, 41)]
    with gzip.open(tmp_path / "q.csv.gz", "wt", encoding="utf-8") as f:
        f.write(_lines(*rows))
    docs, bad = read_source(make_entry("csv", "q.csv.gz", id_field="id"), tmp_path)
    assert [d.native_id for d in docs] == [f"r{i}" for i in range(1, 41)]
    assert problems(bad) == [(2, "unclosed_quote")] and "still open after" in bad[0].detail


def test_a_single_line_quote_error_stays_malformed_csv_for_that_row(tmp_path):
    (tmp_path / "q.csv").write_text(_lines("id,text", 'r1,"closed" then junk', "r2,fine", 'r3,"last row never closed'), encoding="utf-8")
    docs, bad = read_source(make_entry("csv", "q.csv", id_field="id"), tmp_path)
    assert [d.native_id for d in docs] == ["r2"]
    assert problems(bad) == [(2, "malformed_csv"), (4, "unclosed_quote")]


def test_a_header_that_does_not_parse_is_one_bad_record(tmp_path):
    (tmp_path / "q.csv").write_text(_lines('id,"text', "r1,x"), encoding="utf-8")
    docs, bad = read_source(make_entry("csv", "q.csv", id_field="id"), tmp_path)
    assert docs == [] and problems(bad) == [(1, "malformed_csv")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.booleans(), st.text(alphabet="abc xyz.;:-", min_size=1, max_size=20).filter(lambda t: t.strip())),
        min_size=1,
        max_size=15,
    )
)
def test_rows_reconcile_with_stray_quotes_anywhere(tmp_path_factory, rows):
    """Every row is one document or, when its text starts with a stray quote, one unclosed_quote at its line."""
    folder = tmp_path_factory.mktemp("stray")
    (folder / "x.csv").write_text(
        _lines("n,text", *(f"{i},{chr(34) if stray else ''}{t}" for i, (stray, t) in enumerate(rows))), encoding="utf-8"
    )
    docs, bad = read_source(make_entry("csv", "x.csv", id_field="n"), folder)
    assert [(d.native_id, d.text) for d in docs] == [(str(i), t) for i, (stray, t) in enumerate(rows) if not stray]
    assert problems(bad) == [(i + 2, "unclosed_quote") for i, (stray, _t) in enumerate(rows) if stray]
