"""The WARC adapter on real Common Crawl records: charsets, record selection, damage reports."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.catalog import CatalogEntry, load_catalog
from curation.config import IngestConfig, RunConfig
from curation.ingest.stage import run_ingest
from sources import warc
from sources.base import BadRecord, RawDocument

ROOT = Path(__file__).resolve().parents[2]
CC = ROOT / "samples" / "data" / "web" / "cc"
WARCFILE = CC / "warcfile.warc.gz"
FIXTURES = ROOT / "tests" / "data" / "web"
CLIPPED = FIXTURES / "clipped.warc.gz"

# gzip member offsets of records in warcfile.warc.gz
REQUEST_BEFORE_01SPB = 12265
RESPONSE_01SPB = 12685
MEMBER_AFTER_01SPB = 32353
RESPONSES = 16


def entry(**options) -> CatalogEntry:
    return CatalogEntry(id="cc", name="cc", languages=["zh"], license="x", kind="warc", location="x", proposed_by="t", options=options)


def read_all(path: Path, extractor: str = "resiliparse", skipped: Counter | None = None) -> tuple[list[RawDocument], list[BadRecord]]:
    out = list(warc.read(path, entry(), IngestConfig(html_extractor=extractor), skipped))
    return [o for o in out if isinstance(o, RawDocument)], [o for o in out if isinstance(o, BadRecord)]


@pytest.fixture(scope="module")
def sample_docs() -> dict[str, RawDocument]:
    docs, bad = read_all(WARCFILE)
    assert bad == []
    return {d.url: d for d in docs}


def test_every_html_response_becomes_a_document_and_the_rest_is_counted():
    skipped = Counter()
    docs, bad = read_all(WARCFILE, skipped=skipped)
    assert len(docs) == RESPONSES and bad == []
    assert skipped == {"request": 17, "metadata": 16}
    assert len({d.native_id for d in docs}) == RESPONSES
    assert all(d.native_id.startswith("<urn:uuid:") for d in docs)


def test_gb2312_declared_page_decodes_as_gbk_superset(sample_docs):
    doc = sample_docs["http://0760.jxtdw.com/area/sanxiang/"]
    assert doc.meta["declared_charset"] == "gb2312" and doc.meta["charset"] == "gb18030"
    assert doc.meta["charset_from"] == "http"
    assert "中山英才网热线：4008841001" in doc.text
    assert "三乡" in doc.meta["title"]


def test_gbk_meta_charset_page(sample_docs):
    doc = sample_docs["http://041696.com/15477/list_6_4.html"]
    assert (doc.meta["declared_charset"], doc.meta["charset_from"]) == ("gbk", "meta")
    assert "耐磨板特价销售" in doc.text


def test_cp1251_russian_page(sample_docs):
    doc = sample_docs["http://01spb.ru/company/"]
    assert (doc.meta["declared_charset"], doc.meta["charset"]) == ("windows-1251", "cp1251")
    assert "Стратегия пожарной безопасности" in doc.text
    assert "О компании" in doc.text
    assert "Ð" not in doc.text and "Ñ" not in doc.text  # utf-8-as-latin-1 mojibake markers


def test_latin1_german_page(sample_docs):
    doc = sample_docs["http://06.live-radsport.ch/tippspiel/stats_140_petzi.html"]
    assert (doc.meta["declared_charset"], doc.meta["charset"], doc.meta["charset_from"]) == ("iso-8859-1", "cp1252", "meta")
    for word in ("Persönliche", "Plätze", "Zurück", "Übersicht"):
        assert word in doc.text
    assert "Ã" not in doc.text


def test_meta_keeps_url_date_crawl_and_provenance(sample_docs):
    doc = sample_docs["http://0900-hovenier.nl/gelderland/oosterbeek/"]
    assert doc.meta["url"] == doc.url == "http://0900-hovenier.nl/gelderland/oosterbeek/"
    assert doc.meta["date"] == "2020-08-08T18:02:09Z"
    assert doc.meta["crawl_id"] == "CC-MAIN-2020-34"
    assert doc.meta["content_type"] == "text/html"
    assert (doc.meta["warc_file"], doc.meta["warc_offset"]) == ("warcfile.warc.gz", 125552)
    assert doc.meta["warc_record_id"] == doc.native_id
    assert doc.meta["origin"] == {"file": "warcfile.warc.gz", "offset": 125552, "id": doc.native_id}
    assert doc.text.startswith("Hovenier in Oosterbeek")


def test_trafilatura_option_extracts_the_same_pages_and_no_page_is_lost_to_favor_precision():
    skipped = Counter()
    docs, bad = read_all(WARCFILE, extractor="trafilatura", skipped=skipped)
    by_url = {d.url: d for d in docs}
    assert "Стратегия пожарной безопасности" in by_url["http://01spb.ru/company/"].text
    assert all(d.meta["extractor"] == "trafilatura" for d in docs) and skipped["extraction_fallback"] == 0
    # a video page favor_precision finds no main text in (it was lost as `empty_payload`): plain trafilatura reads it
    assert bad == [] and len(docs) == RESPONSES
    video = next(d for d in docs if d.meta["warc_offset"] == 132240)
    assert video.text.strip()


def test_entry_option_overrides_the_run_extractor():
    out = list(warc.read(WARCFILE, entry(html_extractor="trafilatura", crawl_id="mine"), IngestConfig()))
    doc = next(o for o in out if isinstance(o, RawDocument))
    assert (doc.meta["extractor"], doc.meta["crawl_id"]) == ("trafilatura", "mine")


def test_reading_is_deterministic():
    first, _ = read_all(WARCFILE)
    second, _ = read_all(WARCFILE)
    assert first == second


def test_clipped_file_reports_one_truncated_record():
    docs, bad = read_all(CLIPPED)
    assert docs == []
    assert [(b.path, b.offset, b.problem) for b in bad] == [(str(CLIPPED), 0, "truncated_gzip")]
    assert "payload has 74970 of 88038 bytes" in bad[0].detail


def test_truncated_tail_keeps_the_records_before_it(tmp_path):
    joined = tmp_path / "joined.warc.gz"
    joined.write_bytes(WARCFILE.read_bytes() + CLIPPED.read_bytes())
    docs, bad = read_all(joined)
    assert len(docs) == RESPONSES
    assert [(b.offset, b.problem) for b in bad] == [(WARCFILE.stat().st_size, "truncated_gzip")]


def test_file_ending_inside_a_gzip_header_is_reported(tmp_path):
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(WARCFILE.read_bytes()[: RESPONSE_01SPB + 5])
    skipped = Counter()
    docs, bad = read_all(cut, skipped=skipped)
    assert [d.url for d in docs] == ["http://003338.cn/l41/481397.html"]
    assert [(b.offset, b.problem) for b in bad] == [(RESPONSE_01SPB, "truncated_gzip")]


def _replace_member(data: bytes, start: int, end: int, old: bytes, new: bytes) -> bytes:
    member = gzip.decompress(data[start:end])
    assert old in member
    return data[:start] + gzip.compress(member.replace(old, new, 1), mtime=0) + data[end:]


def test_broken_warc_header_costs_one_record(tmp_path):
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(_replace_member(WARCFILE.read_bytes(), RESPONSE_01SPB, MEMBER_AFTER_01SPB, b"WARC/1.0", b"WARX/1.0"))
    docs, bad = read_all(broken)
    assert [(b.offset, b.problem) for b in bad] == [(RESPONSE_01SPB, "broken_warc_header")]
    assert len(docs) == RESPONSES - 1
    assert "http://01spb.ru/company/" not in {d.url for d in docs}
    assert "http://096355.com/video/11073.html?11073-0-2" in {d.url for d in docs}  # the last record


def test_garbage_between_members_is_skipped(tmp_path):
    data = WARCFILE.read_bytes()
    garbled = tmp_path / "garbled.warc.gz"
    garbled.write_bytes(data[:RESPONSE_01SPB] + b"\x00garbage" * 8 + data[RESPONSE_01SPB:])
    docs, bad = read_all(garbled)
    assert [(b.offset, b.problem) for b in bad] == [(RESPONSE_01SPB, "corrupt_gzip")]
    assert len(docs) == RESPONSES


def test_uncompressed_chunked_and_content_encoded_responses():
    docs, bad = read_all(FIXTURES / "example-iana.org-chunked.warc")
    assert bad == [] and len(docs) == 1
    assert docs[0].text.startswith("Internet Assigned Numbers Authority")
    assert docs[0].meta["crawl_id"] == "example-iana.org-chunked"  # no isPartOf, no CC-MAIN-* in the path: the file name
    skipped = Counter()
    docs, bad = read_all(FIXTURES / "example.warc.gz", skipped=skipped)
    assert bad == [] and [d.url for d in docs] == ["http://example.com/"]  # body is gzip Content-Encoded
    assert docs[0].text.startswith("Example Domain")
    assert docs[0].meta["crawl_id"] == "Temporary%20Collection/Recording%20Session"  # the latest warcinfo isPartOf
    assert skipped == {"request": 2, "revisit": 1}


def _warc_response(
    url: str,
    body: bytes,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
    status_line: str | None = None,  # the whole HTTP status line, instead of "HTTP/1.1 {status}"
    warc_type: str = "WARC-Type: response\r\n",  # the WARC-Type header line(s), "" for none
) -> bytes:
    status_line = f"HTTP/1.1 {status}" if status_line is None else status_line
    http = f"{status_line}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    head = (
        f"WARC/1.0\r\n{warc_type}WARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash(url)) % 10**12:012d}-0000-0000-0000-000000000000>\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def test_empty_undecodable_non_html_and_non_200_records(tmp_path):
    records = [
        _warc_response("http://a.example/empty", b""),
        _warc_response(
            "http://a.example/binary", bytes([0x81, 0x98, 0xFF, 0xC3, 0x28, 0x8D, 0x90]) * 300, content_type="text/html; charset=utf-8"
        ),
        _warc_response("http://a.example/blank", b"<html><body><script>x()</script></body></html>"),
        _warc_response("http://a.example/missing", b"<html><body>gone</body></html>", status="404 Not Found"),
        _warc_response("http://a.example/logo.png", b"\x89PNG\r\n", content_type="image/png"),
        _warc_response(
            "http://a.example/ok",
            "<html><body><p>Grüße aus Köln, eine ganz normale Seite.</p></body></html>".encode("latin-1"),
            content_type="text/html; charset=iso-8859-1",
        ),
    ]
    offsets = [sum(len(r) for r in records[:i]) for i in range(len(records))]
    path = tmp_path / "made.warc"
    path.write_bytes(b"".join(records))
    skipped = Counter()
    docs, bad = read_all(path, skipped=skipped)
    assert [(b.offset, b.problem) for b in bad] == [
        (offsets[0], "empty_payload"),
        (offsets[1], "undecodable_bytes"),
        (offsets[2], "empty_payload"),
    ]
    assert all(b.path == str(path) for b in bad)
    assert skipped == {"response_not_200": 1, "response_not_html": 1}
    assert [d.text for d in docs] == ["Grüße aus Köln, eine ganz normale Seite."]


def test_not_a_warc_file_is_one_broken_header():
    docs, bad = read_all(FIXTURES / "cc_net_sample.warc.txt")
    assert docs == []
    assert [b.problem for b in bad] == ["broken_warc_header"] * 4
    assert "CRLF" in bad[0].detail


def test_ingest_stage_reports_the_truncated_record_and_keeps_the_rest(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.warc.gz").write_bytes(WARCFILE.read_bytes() + CLIPPED.read_bytes())
    (data / "b.warc.gz").write_bytes(CLIPPED.read_bytes())
    catalog_path = tmp_path / "catalog.yaml"
    catalog_path.write_text(
        "sources:\n"
        "  - {id: crawl, name: crawl, languages: [zh], license: x, kind: warc, location: 'data/*.warc.gz',"
        " proposed_by: t, status: approved}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(catalog_path)
    config = RunConfig(catalog=catalog_path, output_dir=tmp_path / "out", workers=1)
    summary = run_ingest(catalog, list(catalog.entries), config, progress=False)

    errors = [json.loads(line) for line in (tmp_path / "out" / "stats" / "errors-ingest.jsonl").read_text().splitlines()]
    assert [(e["source"], Path(e["path"]).name, e["offset"], e["problem"]) for e in errors] == [
        ("crawl", "a.warc.gz", WARCFILE.stat().st_size, "truncated_gzip"),
        ("crawl", "b.warc.gz", 0, "truncated_gzip"),
    ]
    shard = pq.read_table(tmp_path / "out" / "ingested" / "crawl" / "part-00000.parquet")
    assert shard.num_rows == RESPONSES
    urls = shard.column("url").to_pylist()
    assert "http://01spb.ru/company/" in urls
    assert [p.name for p in (tmp_path / "out" / "ingested" / "crawl").glob("*.parquet")] == ["part-00000.parquet"]  # one task
    # records that are not documents are counted in the stats, by kind
    outcomes = {o: v[0] for (_s, _l, _src, o), v in summary.counts.rows.items()}
    assert outcomes["kept"] == RESPONSES
    assert {o: n for o, n in outcomes.items() if o.startswith("not_document_")} == {"not_document_request": 17, "not_document_metadata": 16}


def _member_starts(data: bytes) -> set[int]:
    import zlib

    starts, pos = set(), 0
    while pos < len(data):
        starts.add(pos)
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(data[pos:])
        pos = len(data) - len(d.unused_data)
    return starts | {len(data)}


def test_any_cut_keeps_a_prefix_of_the_records_and_reports_the_cut(tmp_path_factory):
    """Every record (one per gzip member) before the cut has exactly one outcome: a payload, a skip or
    the one truncated_gzip report; a cut in the last member's trailer loses nothing and reports nothing."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    data = WARCFILE.read_bytes()
    boundaries = _member_starts(data)
    full = [p.offset for p in warc.iter_payloads(WARCFILE, warc.html_response)]
    assert len(boundaries) - 1 == 50  # one record per member
    folder = tmp_path_factory.mktemp("cuts")
    trailer_cuts = [b - 3 for b in sorted(boundaries)[1:12]]  # inside the gzip trailer of a member

    @settings(max_examples=40, deadline=None, database=None)
    @given(st.integers(min_value=1, max_value=len(data) - 1))
    @example(RESPONSE_01SPB + 700)  # inside a response's HTTP headers
    def check(cut: int) -> None:
        path = folder / "cut.warc.gz"
        path.write_bytes(data[:cut])
        skipped = Counter()
        out = list(warc.iter_payloads(path, warc.html_response, skipped))
        good = [o.offset for o in out if isinstance(o, warc.Payload)]
        bad = [o for o in out if isinstance(o, BadRecord)]
        assert good == full[: len(good)]
        assert len(out) + sum(skipped.values()) == sum(1 for b in boundaries if b < cut)
        if cut in boundaries or cut in trailer_cuts:  # a shorter valid WARC / a whole last record
            assert bad == []
        elif bad:  # otherwise the cut record's one outcome is the report (a cut in a trailer has none)
            assert [b.problem for b in bad] == ["truncated_gzip"]
            assert bad[0].offset == max(b for b in boundaries if b < cut)

    check()
    for cut in trailer_cuts:
        check.hypothesis.inner_test(cut)


IANA = FIXTURES / "example-iana.org-chunked.warc"
IANA_RECORDS = (0, 405, 8379)  # warcinfo, response (chunked), request
EXAMPLE_RESPONSE = 784  # gzip member of the response in example.warc.gz, after two warcinfo members


def _outcomes(path: Path) -> tuple[list, Counter]:
    """iter_payloads with the document selection: every record is a Payload, a skip or a BadRecord."""
    skipped = Counter()
    return list(warc.iter_payloads(path, warc.html_response, skipped)), skipped


def test_a_cut_inside_a_responses_http_headers_is_one_truncated_record(tmp_path):
    data = IANA.read_bytes()
    http = data.index(b"HTTP/1.1 200 OK", IANA_RECORDS[1])
    http_end = data.index(b"\r\n\r\n", http) + 4
    cut_file = tmp_path / "cut.warc"
    for cut in (http + 11, http + 30, (http + http_end) // 2, http_end - 1):  # "HTTP/1.1 20", ..., before the blank line
        cut_file.write_bytes(data[:cut])
        out, skipped = _outcomes(cut_file)
        assert skipped == {}, cut  # not also counted as a non-200 or non-HTML response
        assert [(type(o).__name__, o.offset) for o in out] == [("Payload", 0), ("BadRecord", 405)], cut
        assert (out[1].path, out[1].problem) == (str(cut_file), "truncated_record")
        docs, bad = read_all(cut_file, skipped=skipped)
        assert docs == [] and [(b.offset, b.problem) for b in bad] == [(405, "truncated_record")] and skipped == {}


def test_a_cut_inside_a_gzip_members_http_headers_is_one_truncated_record(tmp_path):
    import zlib

    data = (FIXTURES / "example.warc.gz").read_bytes()
    member = gzip.decompress(data[EXAMPLE_RESPONSE:2012])
    http, http_end = member.index(b"HTTP/1.1"), member.index(b"\r\n\r\n", member.index(b"HTTP/1.1"))
    # the shortest cut of the member whose decompressed bytes end inside the HTTP headers
    cut = next(
        c
        for c in range(EXAMPLE_RESPONSE + 1, 2012)
        if http + 20 < len(zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[EXAMPLE_RESPONSE:c])) < http_end
    )
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:cut])
    out, skipped = _outcomes(path)
    assert skipped == {}
    assert [(type(o).__name__, o.offset) for o in out] == [("Payload", 0), ("Payload", 353), ("BadRecord", EXAMPLE_RESPONSE)]
    assert out[2].problem == "truncated_gzip"


def test_every_cut_of_an_uncompressed_warc_gives_each_record_one_outcome(tmp_path):
    data = IANA.read_bytes()
    full = [o.offset for o in _outcomes(IANA)[0]]
    assert full == [0, 405] and _outcomes(IANA)[1] == {"request": 1}
    path = tmp_path / "cut.warc"
    # every cut in the WARC and HTTP headers of the response and in the request; every 29th byte elsewhere
    cuts = sorted({*range(1, len(data), 29), *range(395, 1140), *range(8370, len(data))})
    for cut in cuts:
        path.write_bytes(data[:cut])
        out, skipped = _outcomes(path)
        good = [o.offset for o in out if isinstance(o, warc.Payload)]
        bad = [o for o in out if isinstance(o, BadRecord)]
        assert good == full[: len(good)], cut
        assert len(out) + sum(skipped.values()) == sum(1 for r in IANA_RECORDS if r < cut), cut
        assert len(bad) <= 1, cut
        if bad:
            assert (bad[0].offset, bad[0].problem) == (max(r for r in IANA_RECORDS if r < cut), "truncated_record"), cut


def _damaged_records() -> list[tuple[bytes, str | None]]:
    """Hand-made records, with the problem each one is expected to be reported as (None: not damaged)."""
    page = b"<html><body><p>Eine ganz normale Seite mit etwas Text.</p></body></html>"
    request = (
        b"WARC/1.0\r\nWARC-Type: request\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000000r>\r\nWARC-Target-URI: http://a.example/ok\r\n"
        b"Content-Type: application/http; msgtype=request\r\nContent-Length: 37\r\n\r\n"
        b"GET /ok HTTP/1.1\r\nHost: a.example\r\n\r\n\r\n\r\n"
    )
    return [
        (_warc_response("http://a.example/ok", page), None),
        (_warc_response("http://a.example/garbage", page, status_line="garbage \x00 here"), "bad_http_status_line"),
        # not a type name at all (a well-formed unknown name, `respnse`, is a record that is not a document: issue 16)
        (_warc_response("http://a.example/typo", page, warc_type="WARC-Type: re$ponse?\r\n"), "bad_warc_type"),
        (_warc_response("http://a.example/none", page, warc_type=""), "bad_warc_type"),
        (_warc_response("http://a.example/twice", page, warc_type="WARC-Type: response\r\nWARC-Type: junk\r\n"), "bad_warc_type"),
        (_warc_response("http://a.example/letters", page, status_line="HTTP/1.1 2OO OK"), "bad_http_status_line"),
        (_warc_response("http://a.example/short", page, status_line="HTTP/1.1 20"), "bad_http_status_line"),
        (_warc_response("http://a.example/missing", page, status="404 Not Found"), None),  # a real non-200: not damage
        (request, None),
        (_warc_response("http://a.example/last", page), None),
    ]


def _write_records(path: Path, records: list[bytes], gz: bool) -> list[int]:
    """The records as a WARC, one gzip member each when `gz`; their offsets."""
    units = [gzip.compress(r, mtime=0) for r in records] if gz else records
    path.write_bytes(b"".join(units))
    return [sum(len(u) for u in units[:i]) for i in range(len(units))]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_garbage_status_lines_and_bad_warc_types_are_reported_with_file_and_offset(tmp_path, gz):
    records = _damaged_records()
    path = tmp_path / ("made.warc.gz" if gz else "made.warc")
    offsets = _write_records(path, [r for r, _ in records], gz)
    skipped = Counter()
    docs, bad = read_all(path, skipped=skipped)
    assert [d.url for d in docs] == ["http://a.example/ok", "http://a.example/last"]
    assert [(b.path, b.offset, b.problem) for b in bad] == [
        (str(path), offset, problem) for offset, (_, problem) in zip(offsets, records) if problem
    ]
    assert skipped == {"response_not_200": 1, "request": 1}  # no "unknown", no garbage counted as non-200
    assert len(docs) + len(bad) + sum(skipped.values()) == len(records)
    by_problem = {b.detail: b for b in bad}
    assert any("'garbage \\x00 here'" in d for d in by_problem) and any("'re$ponse?'" in d for d in by_problem)
    assert [b.url for b in bad if b.problem == "bad_http_status_line"] == [
        "http://a.example/garbage",
        "http://a.example/letters",
        "http://a.example/short",
    ]


def test_ingest_stage_counts_each_damaged_or_cut_record_once(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    records = _damaged_records()
    offsets = _write_records(data / "a-made.warc.gz", [r for r, _ in records], gz=True)
    iana = IANA.read_bytes()
    (data / "b-cut.warc").write_bytes(iana[: iana.index(b"HTTP/1.1 200 OK") + 40])  # cut in the response's HTTP headers
    catalog_path = tmp_path / "catalog.yaml"
    catalog_path.write_text(
        "sources:\n"
        "  - {id: crawl, name: crawl, languages: [de], license: x, kind: warc, location: 'data/*',"
        " proposed_by: t, status: approved}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(catalog_path)
    config = RunConfig(catalog=catalog_path, output_dir=tmp_path / "out", workers=1)
    summary = run_ingest(catalog, list(catalog.entries), config, progress=False)

    errors = [json.loads(line) for line in (tmp_path / "out" / "stats" / "errors-ingest.jsonl").read_text().splitlines()]
    assert [(Path(e["path"]).name, e["offset"], e["problem"]) for e in errors] == [
        *(("a-made.warc.gz", offset, problem) for offset, (_, problem) in zip(offsets, records) if problem),
        ("b-cut.warc", 405, "truncated_record"),
    ]
    outcomes = Counter()
    for (_s, _l, _src, outcome), v in summary.counts.rows.items():
        outcomes[outcome] += v[0]
    assert outcomes == {
        "kept": 2,
        "bad_record_bad_http_status_line": 3,
        "bad_record_bad_warc_type": 3,
        "bad_record_truncated_record": 1,
        "not_document_response_not_200": 1,
        "not_document_request": 1,
    }
    assert sum(outcomes.values()) == len(records) + 1  # every record once (the cut file's warcinfo is not counted)
