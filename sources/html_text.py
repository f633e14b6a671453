"""HTML bytes → text: pick the charset, decode, extract the main content.

Charset order follows browsers (WHATWG): the HTTP `Content-Type` charset, then a
`<meta>` charset in the page head, then detection (uchardet via resiliparse).
A declared charset is only trusted when it decodes the bytes cleanly; labels map
to the superset codecs browsers really use (gb2312 → gb18030, iso-8859-1 →
windows-1252, ...), so a "gb2312" page written with GBK characters does not
turn into mojibake.

Extraction (main content, title, declared language, boilerplate count, fallback between the
libraries) is `sources.html_extract`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# WHATWG label → the Python codec that decodes what browsers decode for it
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "gb18030": "gb18030",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "windows-949": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-user-defined": "cp1252",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}

_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-.:]{1,40})""", re.IGNORECASE)
_HEAD_BYTES = 4096
# more replacement characters than this share of the text: the bytes are not text in any charset we tried
MAX_REPLACED_SHARE = 0.01


class UndecodableHTML(ValueError):
    """No declared, detected or fallback charset decodes the bytes acceptably."""


@dataclass(frozen=True)
class Decoded:
    html: str
    charset: str  # the Python codec that decoded the page
    charset_from: str  # http | meta | detected | utf-8
    declared: str | None  # the charset the page declared (HTTP header first, then meta), as written
    replaced: int = 0  # bytes that decoded to U+FFFD (only when nothing decoded cleanly)


def python_codec(label: str | None) -> str | None:
    """The codec for a charset label, or None if Python does not know it."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if key in _SUPERSETS:
        return _SUPERSETS[key]
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def meta_charset(data: bytes) -> str | None:
    """The charset a `<meta charset>` or `<meta http-equiv content>` tag declares in the page head."""
    m = _META_CHARSET.search(data, 0, _HEAD_BYTES)
    return m.group(1).decode("ascii") if m else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, http_charset: str | None = None) -> Decoded:
    """Decode page bytes: declared charsets that decode cleanly, then detection, then UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data[3:].decode("utf-8", "replace"), "utf-8", "bom", http_charset or meta_charset(data))
    declared_meta = meta_charset(data)
    declared = http_charset or declared_meta
    is_ascii = data.isascii()
    tried: list[str] = []
    for origin, label in (("http", http_charset), ("meta", declared_meta)):
        codec = python_codec(label)
        if origin == "meta" and codec and codec.startswith("utf-16"):
            codec = "utf-8"  # WHATWG: a page that can state its charset in ASCII is not UTF-16
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        text = _strict(data, codec)
        if text is None:
            continue
        if codec != "utf-8" and not is_ascii and _strict(data, "utf-8") is not None:
            # bytes that are valid UTF-8 and not ASCII are UTF-8 whatever the label says
            return Decoded(data.decode("utf-8"), "utf-8", "utf-8", declared)
        return Decoded(text, codec, origin, declared)

    from resiliparse.parse.encoding import detect_encoding

    detected = python_codec(detect_encoding(data))
    for origin, codec in (("detected", detected), ("utf-8", "utf-8")):
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        text = _strict(data, codec)
        if text is not None:
            return Decoded(text, codec, origin, declared)

    codec = python_codec(declared) or detected or "utf-8"
    text = data.decode(codec, "replace")
    replaced = text.count("\ufffd")
    if replaced > MAX_REPLACED_SHARE * max(len(text), 1):
        raise UndecodableHTML(
            f"{replaced} of {len(text)} characters undecodable with {codec} (declared {declared!r}, detected {detected!r})"
        )
    return Decoded(text, codec, "detected" if codec == detected else "http", declared, replaced)


def extract_text(html: str, extractor: str = "cascade", url: str | None = None) -> tuple[str, str | None]:
    """Main-content text and page title of decoded HTML (`sources.html_extract.extract` gives the rest)."""
    from sources.html_extract import extract

    got = extract(html, extractor, url)
    return got.text, got.title
