"""The WET adapter: Common Crawl's own text extracts (conversion records)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from curation.catalog import CatalogEntry
from sources import wet
from sources.base import BadRecord, RawDocument

ROOT = Path(__file__).resolve().parents[2]
WET = ROOT / "samples" / "data" / "web" / "cc-wet" / "whirlwind.warc.wet.gz"
FIXTURES = ROOT / "tests" / "data" / "web"
CONVERSION_OFFSET = 466  # the conversion record's gzip member in whirlwind.warc.wet.gz

ENTRY = CatalogEntry(id="wet", name="wet", languages=["an"], license="x", kind="wet", location="x", proposed_by="t")


def read_all(path: Path, skipped: Counter | None = None) -> tuple[list[RawDocument], list[BadRecord]]:
    out = list(wet.read(path, ENTRY, None, skipped))
    return [o for o in out if isinstance(o, RawDocument)], [o for o in out if isinstance(o, BadRecord)]


def test_conversion_record_becomes_a_document_with_cc_metadata():
    docs, bad = read_all(WET)
    assert bad == [] and len(docs) == 1
    doc = docs[0]
    assert doc.url == "https://an.wikipedia.org/wiki/Escopete"
    assert doc.native_id == "<urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d>"
    assert doc.text.startswith("Escopete - Biquipedia, a enciclopedia libre\nIr al contenido\nMenú principal")
    assert "\r" not in doc.text
    assert doc.lang is None  # CC's CLD2 guess is a hint in meta, not the document language
    assert doc.meta == {
        "url": "https://an.wikipedia.org/wiki/Escopete",
        "date": "2024-05-18T01:58:10Z",
        "crawl_id": "CC-MAIN-2024-22",
        "warc_record_id": "<urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d>",
        "refers_to": "<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>",
        "warc_file": "whirlwind.warc.wet.gz",
        "warc_offset": CONVERSION_OFFSET,
        "content_type": "text/plain",
        "identified_languages": "spa",
        "origin": {"file": "whirlwind.warc.wet.gz", "offset": CONVERSION_OFFSET, "id": "<urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d>"},
    }


def test_truncated_wet_reports_the_record(tmp_path):
    cut = tmp_path / "cut.warc.wet.gz"
    cut.write_bytes(WET.read_bytes()[:2000])
    docs, bad = read_all(cut)
    assert docs == []
    assert [(b.path, b.offset, b.problem) for b in bad] == [(str(cut), CONVERSION_OFFSET, "truncated_gzip")]


def test_malformed_wet_is_reported_record_by_record():
    docs, bad = read_all(FIXTURES / "cc_net_sample.warc.txt")
    assert docs == []
    assert [(b.offset, b.problem) for b in bad] == [
        (0, "broken_warc_header"),
        (617, "broken_warc_header"),
        (1310, "broken_warc_header"),
        (1959, "broken_warc_header"),
    ]


def _conversion(url: str, body: bytes) -> bytes:
    head = (
        "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{url[-1]}0000000-0000-0000-0000-000000000000>\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body + b"\r\n\r\n"


def test_empty_undecodable_and_mostly_clean_records(tmp_path):
    long_text = "Una pachina en aragonés con bels caracters. " * 20
    records = [
        _conversion("http://x.example/1", b"  \r\n "),
        _conversion("http://x.example/2", "Ça va très bien, merci à vous. Übermäßig schön.".encode("latin-1")),
        _conversion("http://x.example/3", long_text.encode("utf-8") + b"\xff"),
    ]
    offsets = [sum(len(r) for r in records[:i]) for i in range(len(records))]
    path = tmp_path / "made.warc.wet"
    path.write_bytes(b"".join(records))
    docs, bad = read_all(path)
    assert [(b.offset, b.problem) for b in bad] == [(offsets[0], "empty_payload"), (offsets[1], "undecodable_bytes")]
    assert len(docs) == 1
    assert docs[0].text == (long_text + "\ufffd").strip()
    assert docs[0].meta["replaced_bytes"] == 1


def test_other_record_types_are_counted_not_yielded():
    skipped = Counter()
    docs, bad = read_all(ROOT / "samples" / "data" / "web" / "cc" / "whirlwind.warc.gz", skipped)
    assert docs == [] and bad == []
    assert skipped == {"request": 1, "response": 1, "metadata": 1}
