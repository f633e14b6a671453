"""Issue 16: WARC quirks of old and odd crawlers, rebuilt record by record, each giving its document or its
named outcome; extraction fallback between the libraries, counted; what a page's document keeps about it."""

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

# a Japanese page as a 2009 crawl (ClueWeb09) stored it: EUC-JP, declared in the HTTP header
JA_TEXT = "東京の天気は明日も晴れの予報です。気象庁によると、週末にかけて気温が上がり、各地で夏日となる見込みです。"
JA_PAGE = (
    '<html lang="ja"><head><title>天気予報</title></head><body><div id="nav"><a href="/">ホーム</a> <a href="/news">ニュース</a></div>'
    f"<article><h1>明日の天気</h1><p>{JA_TEXT}</p><p>{JA_TEXT}</p></article><div id='footer'>著作権 2009</div></body></html>"
).encode("euc-jp")
DE_TEXT = "Tickets für das Heimspiel gegen den FC Beispiel gibt es ab Montag in der Geschäftsstelle und an der Abendkasse."


def record(http: bytes, *, version: str = "WARC/1.0", warc_type: str = "response", url: str = "http://example.jp/", n: int = 1) -> bytes:
    content_type = "application/http; msgtype=response" if warc_type in ("response", "request") else "text/plain"
    head = (
        f"{version}\r\nWARC-Type: {warc_type}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2009-01-13T18:05:19Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def http(body: bytes, headers: str = "Content-Type: text/html", eol: bytes = b"\r\n") -> bytes:
    lines = ["HTTP/1.1 200 OK", *[h for h in headers.split("\n") if h]]
    return eol.join(line.encode() for line in lines) + eol + eol + body


def read(
    tmp_path: Path, *records: bytes, extractor: str = "cascade", gz: bool = False
) -> tuple[list[RawDocument], list[BadRecord], Counter]:
    path = tmp_path / ("made.warc.gz" if gz else "made.warc")
    path.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records) if gz else b"".join(records))
    entry = CatalogEntry(id="web", name="web", languages=["ja"], license="x", kind="warc", location="x", proposed_by="t")
    skipped: Counter = Counter()
    out = list(warc.read(path, entry, IngestConfig(html_extractor=extractor), skipped))
    return [o for o in out if isinstance(o, RawDocument)], [o for o in out if isinstance(o, BadRecord)], skipped


@pytest.mark.parametrize("gz", [False, True])
def test_clueweb_page_with_lf_http_headers_and_a_gzip_encoding_it_does_not_have(tmp_path, gz):
    """Bare-LF HTTP headers (fastwarc's strict parse found no Content-Type: `not_document_response_not_html`) and
    `Content-Encoding: gzip` over plain bytes (the decoder raised): the page is one clean Japanese document."""
    headers = "Content-Type: text/html; charset=EUC-JP\nContent-Encoding: gzip\nContent-Language: ja"
    docs, bad, skipped = read(tmp_path, record(http(JA_PAGE, headers, eol=b"\n")), gz=gz)
    assert bad == [] and skipped == {}
    (doc,) = docs
    assert JA_TEXT in doc.text and "\ufffd" not in doc.text
    assert (doc.meta["charset"], doc.meta["charset_from"], doc.meta["declared_charset"]) == ("euc_jp", "http", "euc-jp")
    assert (doc.meta["title"], doc.meta["html_lang"], doc.meta["content_language"]) == ("天気予報", "ja", "ja")


def test_a_real_gzip_content_encoding_is_still_undone(tmp_path):
    docs, bad, _ = read(
        tmp_path, record(http(gzip.compress(JA_PAGE, mtime=0), "Content-Type: text/html; charset=EUC-JP\nContent-Encoding: gzip"))
    )
    assert bad == [] and JA_TEXT in docs[0].text


@pytest.mark.parametrize("headers", ["", "Content-Type: text/plain", "Content-Type: application/octet-stream"])
def test_missing_or_wrong_content_type_is_sniffed(tmp_path, headers):
    body = b"\xef\xbb\xbf  <!-- served by a CMS -->\n<!DOCTYPE html><html><body><p>" + DE_TEXT.encode() + b"</p></body></html>"
    docs, bad, skipped = read(tmp_path, record(http(body, headers)))
    assert bad == [] and skipped == {} and DE_TEXT in docs[0].text


@pytest.mark.parametrize(
    ("headers", "body"),
    [("Content-Type: text/plain", DE_TEXT.encode()), ("", b"User-agent: *\nDisallow: /"), ("Content-Type: image/png", b"<html>")],
)
def test_payloads_that_are_not_html_stay_not_documents(tmp_path, headers, body):
    docs, bad, skipped = read(tmp_path, record(http(body, headers)))
    assert docs == [] and bad == [] and skipped == {"response_not_html": 1}


def test_warc_0_18_records_read_like_warc_1(tmp_path):
    docs, bad, _ = read(tmp_path, record(http(JA_PAGE, "Content-Type: text/html; charset=EUC-JP"), version="WARC/0.18"))
    assert bad == [] and JA_TEXT in docs[0].text


@pytest.mark.parametrize("gz", [False, True])
def test_well_formed_unknown_record_types_are_not_documents_not_broken_headers(tmp_path, gz):
    page = record(http(JA_PAGE, "Content-Type: text/html; charset=EUC-JP"), n=4)
    others = [record(b"payload", warc_type="unknown", n=i) for i in (1, 2, 3)]
    docs, bad, skipped = read(tmp_path, *others, page, gz=gz)
    assert bad == [] and skipped == {"unknown": 3} and len(docs) == 1


def test_a_garbage_record_type_is_still_a_bad_warc_type(tmp_path):
    docs, bad, _ = read(tmp_path, record(b"payload", warc_type="respo nse!"))
    assert docs == [] and [b.problem for b in bad] == ["bad_warc_type"]


def page(inner: str) -> bytes:
    return http(f"<html><head><title>Verein</title></head><body>{inner}</body></html>".encode(), "Content-Type: text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("extractor", "inner", "used"),
    [
        ("cascade", f"<div class='nav'><p>{DE_TEXT}</p></div>", "trafilatura"),  # resiliparse drops a nav-classed div
        ("resiliparse", f"<div class='nav'><p>{DE_TEXT}</p></div>", "trafilatura"),
        ("trafilatura", f"<div class='comments'><p>{DE_TEXT}</p></div>", "resiliparse"),  # trafilatura drops comments
    ],
)
def test_an_empty_extraction_on_a_page_with_text_falls_back_to_the_other_library(tmp_path, extractor, inner, used):
    docs, bad, skipped = read(tmp_path, record(http(b"", ""), n=1), record(page(inner), n=2), extractor=extractor)
    (doc,) = docs
    assert DE_TEXT in doc.text
    assert (doc.meta["extractor"], doc.meta["extraction_fallback"], doc.meta["extraction_mode"]) == (used, extractor, extractor)
    assert skipped == {"extraction_fallback": 1}
    assert [b.problem for b in bad] == ["empty_payload"]  # the empty body: no visible text at all


def test_a_page_neither_library_extracts_is_reported_with_its_offset(tmp_path):
    first = record(page(f"<p>{DE_TEXT}</p>"), n=1)
    docs, bad, skipped = read(tmp_path, first, record(page(f"<footer><p>{DE_TEXT}</p></footer>"), n=2))
    assert len(docs) == 1 and skipped == {}
    assert [(b.offset, b.problem) for b in bad] == [(len(first), "no_main_text")]
    assert "visible characters" in bad[0].detail


def test_document_meta_keeps_title_declared_language_and_removed_boilerplate(tmp_path):
    docs, _, _ = read(tmp_path, record(http(JA_PAGE, "Content-Type: text/html; charset=EUC-JP")))
    meta = docs[0].meta
    assert (meta["title"], meta["html_lang"], meta["extraction_mode"]) == ("天気予報", "ja", "cascade")
    assert "content_language" not in meta
    assert "ホーム" not in docs[0].text and meta["boilerplate_chars"] >= len("ホーム ニュース著作権 2009")


def test_ingest_counts_fallbacks_apart_from_outcomes_and_still_reconciles(tmp_path):
    (tmp_path / "web").mkdir()
    records = [record(page(f"<p>{DE_TEXT}</p>"), n=1), record(page(f"<div class='nav'><p>{DE_TEXT} Zwei.</p></div>"), n=2)]
    (tmp_path / "web" / "a.warc").write_bytes(b"".join(records))
    catalog_path = tmp_path / "catalog.yaml"
    catalog_path.write_text(
        "sources:\n  - {id: web, name: web, languages: [de], license: x, kind: warc, location: web, proposed_by: t, status: approved}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(catalog_path)
    config = RunConfig(catalog=catalog_path, output_dir=tmp_path / "out", workers=1)
    result = run_ingest(catalog, list(catalog.entries), config, progress=False)
    rows = {(stage, outcome): v[0] for (stage, _lang, _src, outcome), v in result.counts.rows.items()}
    assert rows == {("ingest", "kept"): 2, ("ingest:notes", "extraction_fallback"): 1}
    from curation.stats import reconcile

    assert reconcile(result.counts) == []
    metas = [json.loads(m) for m in pq.read_table(result.outputs[0], columns=["meta"]).column("meta").to_pylist()]
    assert sorted(m.get("extraction_fallback", "-") for m in metas) == ["-", "cascade"]
