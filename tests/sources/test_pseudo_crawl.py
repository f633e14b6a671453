"""Pseudo-crawl: seed sites picked out of crawl archives, ROOTS style."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.catalog import CatalogEntry, load_catalog
from curation.config import IngestConfig, RunConfig
from curation.ingest import run_ingest
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
    assert summary["errors"] == []
    shards = sorted((tmp_path / "out" / "ingested" / "pseudo_crawl_sample").glob("part-*.parquet"))
    urls = [u for s in shards for u in pq.read_table(s).column("url").to_pylist()]
    assert urls == ["http://06.live-radsport.ch/tippspiel/stats_140_petzi.html", "http://0900-hovenier.nl/gelderland/oosterbeek/"]
