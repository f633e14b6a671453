import pyarrow as pa

from curation.dedup.normalize import exact_hashes, normalize_text, normalize_url


def test_normalize_text_nfkc_case_punct_space():
    out = normalize_text(pa.array(["Ｈｅｌｌｏ,   World!\n\nÇa va?", "ﬁne — “quoted”", None])).to_pylist()
    assert out == ["hello world ça va", "fine quoted", None]


def test_exact_hash_equal_for_surface_variants_only():
    h = exact_hashes(pa.array(["The cat sat.", "the  CAT sat!!", "Ｔｈｅ cat sat", "The cat sat down."]))
    assert h[0] == h[1] == h[2]
    assert h[0] != h[3]


def test_normalize_url_same_page_across_crawls():
    variants = [
        "https://www.Example.org/news/a/",
        "http://example.org/news/a?utm_source=feed",
        "http://example.org:80/news//a#comments",
        "example.org/news/a",
    ]
    assert {normalize_url(u) for u in variants} == {"example.org/news/a"}
    assert normalize_url("https://example.org/news/a?b=2&a=1") == "example.org/news/a?a=1&b=2"
    assert normalize_url("https://example.org:8080/x") == "example.org:8080/x"
    assert normalize_url("https://example.org/news/b") != normalize_url("https://example.org/news/a")
    assert normalize_url(None) is None
    assert normalize_url("http://[bad") is None
