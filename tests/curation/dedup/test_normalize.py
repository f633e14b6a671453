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


def test_one_pass_punctuation_and_space_rule_is_the_two_pass_one(near_dup_data):
    """The one-regex rule (runs of punctuation, symbols and whitespace → one space) gives the text of the two passes it
    replaced (punctuation runs → space, then whitespace runs → space), on every kind of run and on real multilingual text."""
    import pyarrow.compute as pc

    def two_pass(texts):
        x = pc.utf8_lower(pc.utf8_normalize(texts, "NFKC"))
        x = pc.replace_substring_regex(x, r"[\p{P}\p{S}]+", " ")
        return pc.utf8_trim_whitespace(pc.replace_substring_regex(x, r"\s+", " "))

    odd = ["", None, " a  b ", "\t\ta", "a\r\n", "x .. y", ". x", "x .", "a\u00a0\u00a0b", "a\u3000 b", "!!", "a\x0bb", "a\x1cb"]
    odd += ["«Ｔｅｓｔ»  —  ok", "(c) 2024\n\n© x", "a. b", "a .b", "a\t.\tb", "x\u2028y", "¿qué? ¡sí!", "3.14 + 2 = 5,14 €"]
    real = [t for pool in near_dup_data.load_pools().values() for t in pool]
    texts = pa.array(odd + real + ["\n".join(real[i : i + 5]) for i in range(0, len(real), 5)], pa.string())
    assert normalize_text(texts).to_pylist() == two_pass(texts).to_pylist()
