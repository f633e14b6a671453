"""Adult filter: UT1 domain and URL-prefix lists (bundled sample and the full 4.56 M list), URL words, text."""

from __future__ import annotations

import pytest

from curation.counts import Counts
from filters.adult import AdultContent, fetch_full_list, parent_domains, split_url
from filters.base import Batch, apply_filter


def batch(urls, texts=None, langs=None) -> Batch:
    n = len(urls)
    texts = texts or ["The minister said the new rail line would open next spring, on schedule."] * n
    return Batch(
        [f"d{i}" for i in range(n)], ["src"] * n, list(urls), texts, langs or ["en"] * n, [0.99] * n, [{} for _ in urls], [("en",)] * n
    )


@pytest.fixture(scope="module")
def bundled() -> AdultContent:
    f = AdultContent()
    f.ensure_setup()
    return f


def test_url_parsing():
    assert split_url("https://User@WWW.Example.COM:8080/a/b?q=1") == ("example.com", "example.com/a/b?q=1")
    assert split_url("example.org/path") == ("example.org", "example.org/path")
    assert parent_domains("a.b.example.com") == ["a.b.example.com", "b.example.com", "example.com"]


def test_bundled_lists_block_domain_subdomain_prefix_and_words(bundled):
    assert bundled.domain_count == 20_000
    urls = [
        "https://morbosos.es/galeria/1.html",  # listed domain (in the bundled 20 k sample)
        "http://www.videos.morbosos.es/index.php",  # its subdomain
        "http://moosejawnaturopathicclinic.ca/page-39212/photos",  # under a listed URL prefix
        "http://moosejawnaturopathicclinic.ca/page-39213",  # same host, not listed
        "https://blog.example.com/free-porn-videos",  # banned word in the URL
        "https://notmorbosos.es/",  # a different domain that ends like a listed one
        "https://en.wikipedia.org/wiki/Rail_transport",
        None,
    ]
    counts = Counts()
    b, removals = apply_filter(bundled, batch(urls), counts)
    got = {i: r for i, (r, _d) in removals}
    assert got == {0: "adult_url_domain", 1: "adult_url_domain", 2: "adult_url_prefix", 4: "adult_url_words"}
    assert dict(removals)[1][1] == "listed domain (UT1 adult) domain=morbosos.es"
    assert "adult_url_domain" not in b.signals[7]  # no URL: not measured
    assert counts.docs("filter:adult", "kept") == 4


def test_flagged_words_in_text_per_language(bundled):
    texts = [
        "Cette vidéo porno montre une baiseuse et encore une baiseuse, une vidéo porno gratuite.",
        "Le ministre a annoncé que la nouvelle ligne ouvrira au printemps prochain.",
        "这是一部三级片，这是一部三级片。",
        "这是关于竞争性市场的报告，性能很好。",  # 性 alone is part of ordinary words
    ]
    b, removals = apply_filter(bundled, batch([None] * 4, texts, ["fr", "fr", "zh", "zh"]), Counts())
    assert {i: r for i, (r, _d) in removals} == {0: "adult_flagged_words", 2: "adult_flagged_words"}
    assert b.signals[3]["adult_flagged_ratio"] == 0.0


def test_full_ut1_list(tmp_path):
    """Acceptance 4: the full list (4.56 M domains, 19.6 k URLs), from the datatrove 0.10.1 wheel on PyPI
    (or $CURATION_UT1_FULL), loaded through a memory-mapped hash cache."""
    path = fetch_full_list()
    f = AdultContent({"domains_path": str(path), "cache_dir": str(tmp_path)})
    f.ensure_setup()
    assert f.domain_count == 4_558_940
    assert len(f._urls) == 19_587  # 19,587 lines (the last without a newline)
    hosts = ["pornhub.com", "www.pornhub.com", "cdn.eu.pornhub.com", "xvideos.com", "en.wikipedia.org", "github.com", "example.com", "com"]
    assert f.blocked_domains(hosts) == ["pornhub.com", "pornhub.com", "pornhub.com", "xvideos.com", None, None, None, None]
    assert f.blocked_prefix(
        split_url(
            "http://0149614511.strimbat.fr/porno-anal-escort-granville-faire-sa-salope-baise-une-vache-video-gratuite-x-escort-girl-auxerre"
        )[1]
    )
    # a second load reads the cache
    g = AdultContent({"domains_path": str(path), "cache_dir": str(tmp_path)})
    g.ensure_setup()
    assert g.domain_count == f.domain_count and len(list(tmp_path.glob("adult-domains-*.npy"))) == 1
