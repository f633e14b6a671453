"""Pseudo-crawl: seed sites picked out of crawl archives, ROOTS style."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.catalog import CatalogEntry, load_catalog
from curation.config import IngestConfig, RunConfig
from curation.ingest.stage import run_ingest
from sources import pseudo_crawl
from sources.base import BadRecord, RawDocument, SourceLocationError
from sources.pseudo_crawl import SeedError, SeedMatcher

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
WARCFILE = SAMPLES / "data" / "web" / "cc" / "warcfile.warc.gz"

SWAHILI = "https://www.bbc.com/swahili"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.bbc.com/swahili", SWAHILI),
        ("http://bbc.com/swahili/habari-53", SWAHILI),  # scheme and www. do not matter
        ("https://WWW.BBC.COM:443/swahili?page=2", SWAHILI),
        ("https://www.bbc.com/swahilinews", None),  # prefixes match at segment boundaries
        ("https://www.bbc.com/igbo", None),
        ("https://news.bbc.com/swahili", None),  # a seed with a path names one host
        ("https://bbc.co.uk/sport", "bbc.co.uk"),
        ("https://www.bbc.co.uk/", "bbc.co.uk"),
        ("http://sport.news.bbc.co.uk/x", "bbc.co.uk"),  # a bare domain takes its subdomains
        ("http://notbbc.co.uk/", None),
        ("http://bbc.co.uk.evil.example/", None),
        ("https://example.org/docs/a/b", "https://example.org/docs/"),
        ("https://example.org/docs", None),  # a prefix ending in / matches below it only
        ("not a url", None),
        ("", None),
    ],
)
def test_seed_matching_rules(url, expected):
    match = SeedMatcher([SWAHILI, "bbc.co.uk", "https://example.org/docs/"])
    assert match(url) == expected


def test_path_seed_wins_over_domain_seed():
    match = SeedMatcher(["bbc.com", SWAHILI])
    assert match("https://www.bbc.com/swahili/x") == SWAHILI
    assert match("https://www.bbc.com/news") == "bbc.com"


@pytest.mark.parametrize("seed", ["not a url", "ftp://example.org/x", "", "localhost"])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(SeedError):
        SeedMatcher([seed])


def entry(location: str, **options) -> CatalogEntry:
    return CatalogEntry(
        id="pc", name="pc", languages=["de"], license="x", kind="pseudo_crawl", location=location, proposed_by="t", options=options
    )


def read_all(e: CatalogEntry, skipped: Counter | None = None) -> list[RawDocument]:
    out = list(pseudo_crawl.read(WARCFILE, e, IngestConfig(), skipped))
    assert not [o for o in out if isinstance(o, BadRecord)]
    return out


def test_selects_the_pages_of_the_seed_sites():
    skipped = Counter()
    docs = read_all(entry("x", prefixes=["http://06.live-radsport.ch/tippspiel", "0900-hovenier.nl"]), skipped)
    assert [(d.url, d.meta["seed"]) for d in docs] == [
        ("http://06.live-radsport.ch/tippspiel/stats_140_petzi.html", "http://06.live-radsport.ch/tippspiel"),
        ("http://0900-hovenier.nl/gelderland/oosterbeek/", "0900-hovenier.nl"),
    ]
    assert "Persönliche" in docs[0].text
    assert skipped == {"request": 17, "metadata": 16, "not_selected": 14}
    assert docs[1].meta["origin"] == {"file": "warcfile.warc.gz", "offset": 125552, "id": docs[1].native_id}  # as the warc adapter


def test_bare_domain_location_takes_subdomains():
    docs = read_all(entry("https://live-radsport.ch"))
    assert [d.url for d in docs] == [
        "http://06.live-radsport.ch/fahrerstatistik_801/Anthony_Ravard.html",
        "http://06.live-radsport.ch/tippspiel/stats_140_petzi.html",
    ]


def test_archives_come_from_the_entry_or_the_run_config(tmp_path):
    root = SAMPLES
    own = entry(SWAHILI, archives=["data/web/cc/*.warc.gz"])
    assert [p.name for p in pseudo_crawl.list_files(own, root, IngestConfig())] == ["warcfile.warc.gz", "whirlwind.warc.gz"]
    run_level = IngestConfig(crawl_archives=["data/web/cc/warcfile.warc.gz"])
    assert [p.name for p in pseudo_crawl.list_files(entry(SWAHILI), root, run_level)] == ["warcfile.warc.gz"]
    with pytest.raises(SourceLocationError, match="needs archives"):
        pseudo_crawl.list_files(entry(SWAHILI), root, IngestConfig())
    with pytest.raises(SourceLocationError, match="match no file"):
        pseudo_crawl.list_files(entry(SWAHILI, archives=["nothing/*.warc.gz"]), root, IngestConfig())
    with pytest.raises(SeedError):
        pseudo_crawl.list_files(entry("not a url", archives=["data/web/cc/*.warc.gz"]), root, IngestConfig())


def test_sample_catalog_entry_through_the_ingest_stage(tmp_path):
    catalog = load_catalog(SAMPLES / "catalog.yaml")
    config = RunConfig(catalog=SAMPLES / "catalog.yaml", output_dir=tmp_path / "out", workers=1)
    summary = run_ingest(catalog, [catalog.get("pseudo_crawl_sample")], config, progress=False)
    assert summary.errors == []
    shards = sorted((tmp_path / "out" / "ingested" / "pseudo_crawl_sample").glob("part-*.parquet"))
    urls = [u for s in shards for u in pq.read_table(s).column("url").to_pylist()]
    assert urls == ["http://06.live-radsport.ch/tippspiel/stats_140_petzi.html", "http://0900-hovenier.nl/gelderland/oosterbeek/"]


def crawl_entry(source_id: str, *seeds: str) -> CatalogEntry:
    return CatalogEntry(
        id=source_id,
        name=source_id,
        languages=["de"],
        license="x",
        kind="pseudo_crawl",
        location=seeds[0],
        proposed_by="t",
        options={"prefixes": list(seeds), "archives": ["data/web/cc/*.warc.gz"]},
    )


def ingest_urls(out: Path, entries: list[CatalogEntry], monkeypatch) -> tuple[dict, dict[str, list[str]], int]:
    """(summary, source → URLs ingested, archive reads) of an ingest of the entries."""
    import curation.ingest.crawl_routing as routing

    reads = []
    real = routing.read_selected
    monkeypatch.setattr(routing, "read_selected", lambda path, *a, **k: reads.append(path) or real(path, *a, **k))
    catalog = load_catalog(SAMPLES / "catalog.yaml")
    summary = run_ingest(catalog, entries, RunConfig(catalog=SAMPLES / "catalog.yaml", output_dir=out, workers=1), progress=False)
    urls = {
        d.name: [u for s in sorted(d.glob("part-*.parquet")) for u in pq.read_table(s).column("url").to_pylist()]
        for d in sorted((out / "ingested").iterdir())
        if d.name != "pseudo_crawl_unmatched"
    }
    return summary, urls, len(reads)


def test_each_archive_is_read_once_and_each_page_routed_to_one_source(tmp_path, monkeypatch):
    sites = crawl_entry("sites", "live-radsport.ch", "0900-hovenier.nl")  # domain seeds
    tippspiel = crawl_entry("tippspiel", "http://06.live-radsport.ch/tippspiel")  # a path seed within them
    summary, urls, reads = ingest_urls(tmp_path / "out", [sites, tippspiel], monkeypatch)
    assert reads == 2  # two archives, two sources: each archive read once
    assert urls == {
        "sites": ["http://06.live-radsport.ch/fahrerstatistik_801/Anthony_Ravard.html", "http://0900-hovenier.nl/gelderland/oosterbeek/"],
        "tippspiel": ["http://06.live-radsport.ch/tippspiel/stats_140_petzi.html"],  # the more specific seed wins
    }
    counts = summary.counts
    assert counts.docs(outcome="kept") == 3
    # what matched no seed, and what is not a document, is counted once, not once per source
    unmatched = {o: v[0] for (_s, _l, src, o), v in counts.rows.items() if src == "pseudo_crawl_unmatched"}
    assert unmatched["not_document_not_selected"] == 16 - 3 + 1  # 16 + 1 HTML responses, 3 of them matched
    assert unmatched["not_document_request"] == 17 + 1
    assert {src for (_s, _l, src, _o) in counts.rows} == {"sites", "tippspiel", "pseudo_crawl_unmatched"}


def test_a_source_that_no_longer_gets_pages_keeps_no_stale_shard(tmp_path, monkeypatch):
    out = tmp_path / "out"
    sites = crawl_entry("sites", "live-radsport.ch")
    _, urls, _ = ingest_urls(out, [sites], monkeypatch)
    assert len(urls["sites"]) == 2
    # two path seeds now take both of its pages: its shards from these archives go
    more = [
        crawl_entry("tipp", "http://06.live-radsport.ch/tippspiel"),
        crawl_entry("fahrer", "http://06.live-radsport.ch/fahrerstatistik_801"),
    ]
    _, urls, _ = ingest_urls(out, [sites, *more], monkeypatch)
    assert urls["sites"] == [] and len(urls["tipp"]) == len(urls["fahrer"]) == 1
    assert not list((out / "ingested" / "sites").glob("part-*"))


def _response(url: str, status_line: str = "HTTP/1.1 200 OK", warc_type: str = "WARC-Type: response\r\n") -> bytes:
    body = b"<html><body><p>Eine ganz normale Seite mit etwas Text.</p></body></html>"
    http = f"{status_line}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    head = (
        f"WARC/1.0\r\n{warc_type}WARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{url.rsplit('/', 1)[-1]:0>12}-0000-0000-0000-000000000000>\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + http + b"\r\n\r\n", mtime=0)


def test_damaged_records_are_reported_once_by_the_routed_ingest(tmp_path):
    members = [
        _response("http://seed.example/a"),
        _response("http://seed.example/b", status_line="garbage"),  # a page of the seed site: that source's error
        _response("http://other.example/c", status_line="HTTP/1.1 OK"),  # matches no seed: the archive's error
        # a well-formed record type the reader does not know: not a page, counted by the archive (issue 16)
        _response("http://seed.example/d", warc_type="WARC-Type: respnse\r\n"),
        _response("http://other.example/e"),
    ]
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "made.warc.gz").write_bytes(b"".join(members))
    offsets = [sum(len(m) for m in members[:i]) for i in range(len(members))]
    catalog_path = tmp_path / "catalog.yaml"
    catalog_path.write_text(
        "sources:\n"
        "  - {id: seed, name: seed, languages: [de], license: x, kind: pseudo_crawl, location: 'http://seed.example/',"
        " proposed_by: t, status: approved, options: {archives: ['crawl/*.warc.gz']}}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(catalog_path)
    summary = run_ingest(
        catalog, list(catalog.entries), RunConfig(catalog=catalog_path, output_dir=tmp_path / "out", workers=1), progress=False
    )
    assert sorted((e["source"], e["offset"], e["problem"]) for e in summary.errors) == [
        ("pseudo_crawl_unmatched", offsets[2], "bad_http_status_line"),
        ("seed", offsets[1], "bad_http_status_line"),
    ]
    outcomes = Counter()
    for (_s, _l, src, outcome), v in summary.counts.rows.items():
        outcomes[src, outcome] += v[0]
    assert outcomes == {
        ("seed", "kept"): 1,
        ("seed", "bad_record_bad_http_status_line"): 1,
        ("pseudo_crawl_unmatched", "bad_record_bad_http_status_line"): 1,
        ("pseudo_crawl_unmatched", "not_document_respnse"): 1,
        ("pseudo_crawl_unmatched", "not_document_not_selected"): 1,
    }
