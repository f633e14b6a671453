"""csv adapter on the real UD PUD CSV (six languages) and on a fixture with broken rows."""

from __future__ import annotations

import csv
import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from adapter_helpers import FIXTURES, langs, make_entry, problems, read_source, sample

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
    assert docs[0].meta == {"doc_id": "n02079", "sentences": "1"}
    assert len({d.native_id for d in docs}) == 295
    assert docs[-1].native_id == "th/w01071" and docs[-1].text.startswith("ความสำคัญอยู่ในข้อเท็จจริงสองประการ")


def test_broken_rows_are_reported_with_their_starting_line_and_the_rest_is_read():
    entry = make_entry("csv", "bad_rows.csv", id_field="id", lang_field="lang")
    docs, bad = read_source(entry, FIXTURES)
    assert [(d.native_id, d.lang) for d in docs] == [("a1", "af"), ("a4", "af"), ("a8", "als")]
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
