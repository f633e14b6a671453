"""Charset choice and text extraction for HTML pages."""

from __future__ import annotations

import pytest

from sources.html_text import UndecodableHTML, decode_html, extract_text, meta_charset, python_codec


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("windows-1251", "cp1251"),
        ("Shift_JIS", "cp932"),
        ("euc-kr", "cp949"),
        ("utf8", "utf-8"),
        ("UTF-8", "utf-8"),
        ("koi8-r", "koi8-r"),
        ("no-such-charset", None),
        (None, None),
    ],
)
def test_labels_map_to_the_codecs_browsers_use(label, codec):
    assert python_codec(label) == codec


def test_meta_charset_forms():
    assert meta_charset(b'<html><head><meta charset="GBK"></head>') == "GBK"
    assert meta_charset(b'<META http-equiv="Content-Type" content="text/html; charset=iso-8859-1">') == "iso-8859-1"
    assert meta_charset(b"<html><body>charset=utf-8 in the text, not in a meta tag</body>") is None
    assert meta_charset(b" " * 5000 + b'<meta charset="koi8-r">') is None  # only the head is scanned


def test_gb2312_label_with_gbk_only_characters():
    page = "<html><body><p>朱镕基 总理 讲话</p></body></html>".encode("gbk")  # 镕 is in GBK, not in GB2312
    with pytest.raises(UnicodeDecodeError):
        page.decode("gb2312")
    decoded = decode_html(page, "gb2312")
    assert (decoded.charset, decoded.charset_from, decoded.declared) == ("gb18030", "http", "gb2312")
    assert "朱镕基" in decoded.html


def test_http_header_beats_meta_and_meta_beats_detection():
    page = '<meta charset="windows-1252"><p>Привет, мир</p>'.encode("cp1251")
    assert decode_html(page, "windows-1251").charset_from == "http"
    assert decode_html(page, None).charset == "cp1252"  # browsers believe the meta tag too


def test_valid_utf8_wins_over_a_wrong_single_byte_label():
    page = "<p>Grüße aus Köln</p>".encode()
    decoded = decode_html(page, "iso-8859-1")
    assert (decoded.charset, decoded.charset_from) == ("utf-8", "utf-8")
    assert "Grüße" in decoded.html


def test_undeclared_page_is_detected():
    page = ("<html><body><p>" + "Съешь же ещё этих мягких французских булок, да выпей чаю. " * 5 + "</p></body></html>").encode("cp1251")
    decoded = decode_html(page)
    assert decoded.charset_from == "detected" and decoded.declared is None
    assert "французских булок" in decoded.html


def test_bom_and_garbage():
    assert decode_html(b"\xef\xbb\xbf<p>\xc3\xa9t\xc3\xa9</p>", "windows-1252").html == "<p>été</p>"
    with pytest.raises(UndecodableHTML):
        decode_html(bytes([0x81, 0x98, 0xFF, 0xC3, 0x28, 0x8D, 0x90]) * 100, "utf-8")


def test_extractors_keep_main_text_and_drop_scripts():
    html = (
        "<html><head><title> Ein Titel </title><script>var x = 1;</script></head><body><nav>Menü</nav>"
        "<article><h1>Überschrift</h1><p>Dies ist ein ausreichend langer Absatz über die Stadt Köln und ihre Brücken, "
        "damit die Extraktion ihn als Hauptinhalt erkennt.</p></article></body></html>"
    )
    text, title = extract_text(html, "resiliparse")
    assert title == "Ein Titel"
    assert "Dies ist ein ausreichend langer Absatz über die Stadt Köln" in text and "var x" not in text
    text, title = extract_text(html, "trafilatura")
    assert "Dies ist ein ausreichend langer Absatz über die Stadt Köln" in text and "var x" not in text
    with pytest.raises(ValueError, match="unknown html extractor"):
        extract_text(html, "lynx")


def test_meta_utf16_means_utf8():
    page = '<meta charset="utf-16"><p>Grüße</p>'.encode()
    decoded = decode_html(page)
    assert (decoded.charset, decoded.html) == ("utf-8", '<meta charset="utf-16"><p>Grüße</p>')
