"""WARC web-crawl archives (Common Crawl and other crawlers) → one document per HTML page.

Only `response` records with HTTP status 200 and an HTML payload become
documents; requests, metadata, revisits, non-HTML and non-200 responses, and
well-formed record types the reader does not know (`unknown`, WARC/0.18's) are
not documents and are only counted by type (pass a `Counter` as `skipped`).
Bytes are decoded by `sources.html_text` (charset declared → detected) and
extracted by `sources.html_extract` (mode `options.html_extractor`; a page one
library gives nothing for is extracted by the other, counted in `skipped` as
`extraction_fallback`, a note on a kept document, not a record outcome).

Lenient where old and odd crawlers are (issue 16): HTTP headers ending lines in
a bare LF parse; a payload with a missing or non-HTML Content-Type is sniffed
(`<!doctype html`, `<html`, `<head`, `<body` at its start), never sniffed for
image, audio, video and font types; a Content-Encoding that does not match the
bytes (a page declared gzip but stored plain) gives the raw body; WARC/0.18
records read like WARC/1.x ones.

Damage is reported per record, with the file and the record's byte offset (the
gzip member's offset in a `.warc.gz`), and reading goes on after it:
- `truncated_gzip`: the file ends inside a gzip member (or a record is shorter
  than its Content-Length, `truncated_record` in an uncompressed file);
- `corrupt_gzip`: bytes that do not decompress;
- `broken_warc_header`: a record whose WARC header does not parse;
- `bad_warc_type`: a WARC header that parses but whose WARC-Type is missing,
  not a record type, or given twice;
- `bad_http_status_line`: a `response` record whose HTTP status line is not
  `HTTP/x.y NNN ...` (garbage, missing, a code that is not three digits);
- `undecodable_bytes` / `empty_payload`: a page that no charset decodes, or
  with no visible text (an empty body, markup only);
- `no_main_text`: a page with visible text that neither library extracts any
  of (menus and footers only); `extraction_error`: the extractors failed.
After a broken member the reader resynchronises at the next gzip member (or
`WARC/x.y` line) that starts a WARC record, so one bad record costs one record.

Every record has exactly one outcome: a document, a count in `skipped`, or one
bad record (warcinfo records are read for the crawl id and not counted). A
record is counted as not-a-document only once it is there whole, so a file cut
inside a record (its WARC or HTTP headers included) gives that record one
`truncated_*` report and nothing else; a cut after a record's content (in its
closing CRLF CRLF or its gzip trailer) loses nothing and, like a cut between
records, is not reported.
(Offsets are exact for per-record gzip members, Common Crawl's layout, and for
uncompressed files; in a file gzipped as one member they are approximate.)

Entry options: `html_extractor` (overrides the run config), `crawl_id` (else
the warcinfo `isPartOf`, else a `CC-MAIN-YYYY-WW` in the path, else the file name).
"""

from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sources.base import EXTRACTION_FALLBACK, BadRecord, RawDocument, resolve_files
from sources.html_extract import DEFAULT_MODE, Extraction, ExtractionFailed, extract
from sources.html_text import Decoded, UndecodableHTML, decode_html
from sources.position import ORIGIN, file_label, origin

# entry option name -> value type (the catalog validator reads this table)
OPTIONS: dict[str, type] = {"html_extractor": str, "crawl_id": str}
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# content types never sniffed for HTML; any other (missing, text/plain, octet-stream, ...) is sniffed
_NEVER_HTML = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_HTML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL
)
_SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b\x08"
_OTHER_MAGIC = (b"\x28\xb5\x2f\xfd", b"\x04\x22\x4d\x18")  # zstd, lz4 frames
_CRAWL_IN_PATH = re.compile(r"CC-MAIN-\d{4}-\d{2}")
_SCAN_CHUNK = 1 << 16

list_files = resolve_files


# ---------------------------------------------------------------- record stream


@dataclass(frozen=True)
class Payload:
    offset: int  # byte offset of the record (its gzip member in a .gz file)
    record: Any  # fastwarc WarcRecord, headers parsed
    data: bytes  # the record's payload (HTTP body for HTTP records), transfer/content encodings undone


def iter_payloads(
    path: Path,
    want: Callable[[Any], bool | str],
    skipped: Counter | None = None,
) -> Iterator[Payload | BadRecord]:
    """Payloads of the records `want` accepts; damage becomes BadRecords and reading resumes after it.

    Records `want` refuses are counted in `skipped` by their type (or by the
    reason `want` returns when it returns a string).
    """
    reported: set[int | None] = set()
    for item in _payloads(path, want, skipped):
        if isinstance(item, BadRecord):
            if item.offset in reported:  # a retry that failed at the same place: one damage, one report
                continue
            reported.add(item.offset)
        yield item


def _payloads(path: Path, want: Callable[[Any], bool | str], skipped: Counter | None) -> Iterator[Payload | BadRecord]:
    from fastwarc.warc import ArchiveIterator

    where = str(path)
    size = path.stat().st_size
    with open(path, "rb") as f:
        magic = f.read(4)
        gz = magic[:3] == _GZIP_MAGIC
        # other compressions (zstd, lz4): fastwarc reads them, but damage stops the file instead of resyncing
        plain = not gz and magic in (b"WARC", b"")
        if not (gz or plain or magic in _OTHER_MAGIC):
            if size < 3 and _GZIP_MAGIC.startswith(magic):
                yield BadRecord(where, 0, "truncated_gzip", f"the file ends inside the first gzip header ({size} bytes)")
                return
            if size < 4 and b"WARC".startswith(magic):
                yield BadRecord(where, 0, "truncated_record", f"the file ends inside the first WARC header ({size} bytes)")
                return
            yield BadRecord(where, 0, "broken_warc_header", f"not a WARC file: it starts with {magic!r}")
            return
        start: int | None = 0
        previous = -1
        while start is not None and start < size:
            if start <= previous:  # never read the same stretch twice
                start = _resume(f, previous + 1, gz, size) if gz or plain else None
                continue
            previous = start
            last: int | None = None  # offset of the last record read whole in this round
            truncated: int | None = None
            try:
                if start == 0:
                    records = ArchiveIterator(where, parse_http=False, auto_decode="none", fsspec_args=False)
                else:
                    f.seek(start)
                    records = ArchiveIterator(f, parse_http=False, auto_decode="none", fsspec_args=False)
                for rec in records:
                    offset = rec.stream_pos
                    rec.parse_http(quirks_mode=True)  # HTTP headers ending lines in a bare LF (old crawlers) parse too
                    broken = _unparsable(rec)
                    if broken:
                        problem, why = broken
                        raise _Broken(problem, offset, why or _unparsable_why(f, offset, plain))
                    damage = _damaged(rec)
                    verdict = True if damage else want(rec)
                    if damage or verdict is not True:
                        # counted (or reported) only once the whole record is there: a cut record is one truncation
                        got = rec.reader.consume()
                        if got < rec.content_length:
                            yield BadRecord(
                                where,
                                offset,
                                "truncated_gzip" if gz else "truncated_record",
                                f"the record has {got} of {rec.content_length} bytes after its headers",
                            )
                            truncated = offset
                            break
                        last = offset
                        if damage:
                            yield BadRecord(where, offset, *damage)
                        elif skipped is not None:
                            skipped[verdict if isinstance(verdict, str) else str(rec.record_type)] += 1
                        continue
                    data = rec.reader.read()
                    if len(data) < rec.content_length:
                        yield BadRecord(
                            where,
                            offset,
                            "truncated_gzip" if gz else "truncated_record",
                            f"payload has {len(data)} of {rec.content_length} bytes",
                        )
                        truncated = offset
                        break
                    last = offset
                    yield Payload(offset, rec, _decoded_body(rec, data))
            except _Broken as exc:
                # (in a file gzipped as one member the offset is no member start: nothing to learn there)
                damage = _damage_at(f, exc.offset, gz, size) if plain or (gz and _at_member(f, exc.offset)) else None
                why = {"corrupt_gzip": "the gzip member does not decompress", None: exc.detail}.get(
                    damage, "the file ends inside this record"
                )
                yield BadRecord(where, exc.offset, damage or exc.problem, why)
                start = _resume(f, exc.offset + 1, gz, size) if gz or plain else None
                continue
            except OSError as exc:
                problem = "corrupt_gzip" if "decompress" in str(exc).lower() else "broken_warc_header"
                if not (gz or plain):
                    yield BadRecord(where, last, problem, f"{exc} (after the record at offset {last}); rest of the file not read")
                    return
                bad = _end_of(f, last, gz, size) if last is not None else start
                problem = _damage_at(f, bad, gz, size) or problem  # the bytes say more than fastwarc's message
                why = f"{exc}" + (f" (after the record at offset {last})" if last is not None else "")
                if problem.startswith("truncated"):
                    why = f"the file ends inside this record ({why})"
                yield BadRecord(where, bad, problem, why)
                # retry at `bad` when it lies past the last good record (a sound member may follow a broken one)
                start = _resume(f, max(bad, (last if last is not None else start) + 1), gz, size)
                continue
            if not (gz or plain):
                return
            if truncated is not None:  # usually the end of the file; if not, go on after the cut record
                start = _resume(f, truncated + 1, gz, size)
                continue
            # the iterator stopped quietly: make sure it stopped at the end of the file
            tail = _check_tail(f, last if last is not None else start, gz, size, whole=last is not None)
            if tail is not None:
                problem, bad = tail
                why = {"trailing_data": "data after the last record", "corrupt_gzip": "the gzip member does not decompress"}
                yield BadRecord(where, bad, problem, why.get(problem, "the file ends inside a record"))
                start = _resume(f, bad + 1, gz, size)
                continue
            return


class _Broken(Exception):
    def __init__(self, problem: str, offset: int, detail: str) -> None:
        super().__init__(detail)
        self.problem, self.offset, self.detail = problem, offset, detail


_TYPE_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}$")
_STATUS_LINE = re.compile(r"HTTP/\d+(\.\d+)? +\d{3}( |$)", re.IGNORECASE)


def _unparsable(rec: Any) -> tuple[str, str] | None:
    """(problem, detail) for a WARC header fastwarc could not make sense of, where its idea of the
    record's length cannot be trusted either (reading resynchronises after it): no numeric
    Content-Length (a header cut short), a WARC-Type value running over several lines (LF line
    ends), or more than one WARC-Type. An empty detail: ask `_unparsable_why`."""
    from fastwarc.warc import WarcRecordType

    if not (rec.headers.get("Content-Length") or "").strip().isdigit():
        return "broken_warc_header", ""
    types = rec.headers.get_multiple("WARC-Type")
    if len(types) > 1:
        return "bad_warc_type", f"the record has {len(types)} WARC-Type fields: {', '.join(repr(t[:40]) for t in types[:5])}"
    if rec.record_type == WarcRecordType.unknown and types and ("\n" in types[0] or "\r" in types[0]):
        return "broken_warc_header", ""
    return None


def _damaged(rec: Any) -> tuple[str, str, str | None] | None:
    """(problem, detail, url) for a record whose header parsed but names no record type or holds no HTTP
    status line: a damaged record, reported, not a record that is not a document."""
    from fastwarc.warc import WarcRecordType

    kind = rec.record_type
    url = rec.headers.get("WARC-Target-URI")
    if kind in (WarcRecordType.unknown, WarcRecordType.no_type):
        value = rec.headers.get("WARC-Type")
        if value is None:
            return "bad_warc_type", "the record has no WARC-Type", None
        if kind == WarcRecordType.no_type:  # the value is there under a field name the reader does not match
            name = next((k for k, _v in rec.headers if k.lower() == "warc-type"), "WARC-Type")
            return "bad_warc_type", f"WARC-Type {value!r} given as field {name!r}, which the reader does not recognise", None
        if _TYPE_TOKEN.match(value):  # a well-formed type the reader does not know (`unknown`, WARC/0.18's): not a document
            return None
        return "bad_warc_type", f"WARC-Type {value[:100]!r} is not a WARC record type", None
    if kind == WarcRecordType.response and rec.is_http:
        line = rec.http_headers.status_line
        if line is None or rec.http_headers.status_code is None or not _STATUS_LINE.match(line):
            shown = repr(line[:100]) if line else "missing"
            return "bad_http_status_line", f"{url}: HTTP status line {shown}", url
    return None


def _unparsable_why(f: Any, offset: int, plain: bool) -> str:
    if plain:
        f.seek(offset)
        if re.match(rb"WARC/1\.[01]\n", f.read(9)):
            return "record without a parsable WARC header: header lines end in LF, the WARC format requires CRLF"
    return "record without a parsable WARC header"


def _at_member(f: Any, offset: int) -> bool:
    f.seek(offset)
    return f.read(3) == _GZIP_MAGIC


def _undo_encodings(rec: Any, data: bytes) -> bytes:
    """Undo HTTP chunked transfer and gzip/deflate/br content encodings (CC stores most bodies plain)."""
    if not rec.is_http or not data:
        return data
    from fastwarc.stream_io import BrotliReader, ChunkedReader, GzipReader

    headers = rec.http_headers
    if (headers.get("Transfer-Encoding") or "").lower().strip() == "chunked":
        data = _read_all(ChunkedReader(io.BytesIO(data)))
    encoding = (headers.get("Content-Encoding") or "").lower().strip()
    if encoding in ("gzip", "x-gzip"):
        data = _read_all(GzipReader(io.BytesIO(data)))
    elif encoding == "deflate":
        data = _read_all(GzipReader(io.BytesIO(data), zlib=True))
    elif encoding == "br":
        data = _read_all(BrotliReader(io.BytesIO(data)))
    return data


def _decoded_body(rec: Any, data: bytes) -> bytes:
    """The body with its encodings undone; the raw body when they do not match the bytes (a page
    declared `Content-Encoding: gzip` but stored plain, as crawlers that decoded it often do)."""
    try:
        return _undo_encodings(rec, data)
    except OSError:
        return data


def _read_all(reader: Any) -> bytes:
    return b"".join(iter(lambda: reader.read(_SCAN_CHUNK), b""))


def _members(f: Any, offset: int, size: int) -> Iterator[tuple[int, str | None]]:
    """Walk gzip members from `offset`: (member start, None) for a whole member, else (start, problem) and stop."""
    pos = offset
    while pos < size:
        f.seek(pos)
        head = f.read(3)
        if head != _GZIP_MAGIC:
            yield pos, "truncated_gzip" if len(head) < 3 and _GZIP_MAGIC.startswith(head) else "corrupt_gzip"
            return
        f.seek(pos)
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        consumed = 0
        try:
            while not d.eof:
                chunk = f.read(_SCAN_CHUNK)
                if not chunk:
                    yield pos, "truncated_gzip"
                    return
                d.decompress(chunk)
                consumed += len(chunk)
        except zlib.error:
            yield pos, "corrupt_gzip"
            return
        yield pos, None
        pos = pos + consumed - len(d.unused_data)


def _plain_record_end(f: Any, offset: int, size: int) -> int | None:
    """End of the uncompressed WARC record at `offset` (header, Content-Length bytes, CRLF CRLF)."""
    f.seek(offset)
    head = f.read(1 << 16)
    stop = head.find(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head[:stop]) if stop >= 0 else None
    if m is None:
        return None
    return offset + stop + 4 + int(m.group(1)) + 4


def _end_of(f: Any, offset: int, gz: bool, size: int) -> int:
    """Where the unit (gzip member / plain record) holding the record at `offset` ends."""
    if gz:
        for start, problem in _members(f, offset, size):
            return start if problem else _next_member_start(f, start, size)
        return size
    end = _plain_record_end(f, offset, size)
    return min(end, size) if end is not None else offset


def _next_member_start(f: Any, start: int, size: int) -> int:
    f.seek(start)
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    consumed = 0
    while not d.eof:
        chunk = f.read(_SCAN_CHUNK)
        if not chunk:
            return size
        d.decompress(chunk)
        consumed += len(chunk)
    return start + consumed - len(d.unused_data)


def _damage_at(f: Any, offset: int, gz: bool, size: int) -> str | None:
    """truncated_* / corrupt_gzip when the unit at `offset` is cut off or does not decompress."""
    if gz:
        for _, problem in _members(f, offset, size):
            return problem
        return None
    end = _plain_record_end(f, offset, size)
    if end is None:
        return "truncated_record" if _header_cut(f, offset, size) else None
    return "truncated_record" if end > size else None


def _header_cut(f: Any, offset: int, size: int) -> bool:
    """The plain file ends inside the WARC header that starts at `offset`."""
    if offset >= size or size - offset > 1 << 16:
        return False
    f.seek(offset)
    rest = f.read(size - offset)
    # a CRLF header cut short: no blank line yet, no bare LF (LF-only headers are broken, not cut)
    return b"\r\n\r\n" not in rest and _starts_like_warc(rest) and re.search(rb"(?<!\r)\n", rest) is None


def _check_tail(f: Any, offset: int, gz: bool, size: int, whole: bool = False) -> tuple[str, int] | None:
    """After a quiet stop at the record at `offset`: (problem, offset) if the file does not end there.

    `whole`: the record at `offset` was read whole, so a cut in its closing CRLF CRLF or gzip trailer
    loses nothing (like a cut between records) and is not reported: that record has had its outcome."""
    if gz:
        f.seek(offset)
        if f.read(3) != _GZIP_MAGIC:  # records not aligned on members (one big member): walk from the start
            offset, whole = 0, False
        first = True
        for start, problem in _members(f, offset, size):
            if problem:
                if first and whole and problem == "truncated_gzip" and _only_trailer_cut(f, start, True, size):
                    return None
                return problem, start
            if not first:
                return "trailing_data", start
            first = False
        return None
    end = _plain_record_end(f, offset, size)
    if end is None:
        if offset >= size:
            return None
        return ("truncated_record" if _header_cut(f, offset, size) else "broken_warc_header"), offset
    if end > size:
        if whole and _only_trailer_cut(f, offset, False, size):
            return None
        return "truncated_record", offset
    f.seek(end)
    rest = f.read(size - end) if size - end <= 1 << 16 else f.read(1 << 16) + b"x"
    return ("trailing_data", end) if rest.strip() else None


def _starts_like_warc(data: bytes) -> bool:
    """`data` begins with a WARC version line, or with a piece of one (a file cut inside it)."""
    return data.startswith((b"WARC/1.", b"WARC/0.")) or (len(data) < 7 and b"WARC/1.".startswith(data))


def _only_trailer_cut(f: Any, offset: int, gz: bool, size: int) -> bool:
    """The unit at `offset` (gzip member / plain record) holds a whole record and the file ends
    inside what closes it: its CRLF CRLF, or its gzip member's trailer. Streamed: the header
    (first 64 KiB), the length and the last bytes are all it needs."""
    f.seek(offset)
    d = zlib.decompressobj(16 + zlib.MAX_WBITS) if gz else None
    head, tail, total = b"", b"", 0
    while True:
        chunk = f.read(_SCAN_CHUNK)
        if not chunk:
            break
        if d is not None:
            try:
                chunk = d.decompress(chunk)
            except zlib.error:
                return False
        if len(head) < _SCAN_CHUNK:
            head += chunk[: _SCAN_CHUNK - len(head)]
        tail = (tail + chunk)[-4:]
        total += len(chunk)
    if d is not None and d.eof:  # the member is whole: the cut is elsewhere
        return False
    stop = head.find(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:[ \t]*(\d+)", head[:stop]) if stop >= 0 else None
    if m is None:
        return False
    closing = total - (stop + 4 + int(m.group(1)))  # bytes after the content: a piece of CRLF CRLF
    return 0 <= closing <= 4 and b"\r\n\r\n".startswith(tail[len(tail) - closing :] if closing else b"")


def _resume(f: Any, offset: int, gz: bool, size: int) -> int | None:
    """The first offset ≥ `offset` where a readable WARC record starts (gzip member or `WARC/1.` line)."""
    pos = offset
    needle = _GZIP_MAGIC if gz else b"WARC/"
    while pos < size:
        f.seek(pos)
        window = f.read(1 << 20)
        if not window:
            return None
        hit = window.find(needle)
        if hit < 0:
            pos += max(len(window) - len(needle), 1)
            continue
        cand = pos + hit
        if _starts_record(f, cand, gz):
            return cand
        pos = cand + 1
    return None


def _starts_record(f: Any, offset: int, gz: bool) -> bool:
    f.seek(offset)
    if not gz:
        if offset > 0:
            f.seek(offset - 1)
            if f.read(1) != b"\n":
                return False
        return re.match(rb"WARC/[01]\.\d", f.read(8)) is not None
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        head = d.decompress(f.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith((b"WARC/1.", b"WARC/0."))


# ---------------------------------------------------------------- documents


def crawl_id_from_path(path: Path) -> str:
    m = _CRAWL_IN_PATH.search(str(path))
    if m:
        return m.group(0)
    name = path.name
    for suffix in (".gz", ".zst", ".warc", ".wet"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def warcinfo_fields(data: bytes) -> dict[str, str]:
    """`key: value` lines of a warcinfo record."""
    fields = {}
    for line in data.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return fields


def html_response(rec: Any) -> bool | str:
    """True for a 200 HTML response; otherwise the skip reason (or False for warcinfo, handled apart)."""
    from fastwarc.warc import WarcRecordType

    kind = rec.record_type
    if kind == WarcRecordType.warcinfo:
        return True
    if kind == WarcRecordType.unknown:  # a well-formed type the reader does not know: counted under its own name
        return (rec.headers.get("WARC-Type") or "unknown").strip().lower()
    if kind != WarcRecordType.response:
        return str(kind)
    if not rec.is_http:
        return "response_not_http"
    if rec.http_headers.status_code != 200:
        return "response_not_200"
    if declared_mime(rec).startswith(_NEVER_HTML):
        return "response_not_html"
    return True  # an HTML type, or a missing or other one: the payload is sniffed (`looks_like_html`)


def declared_mime(rec: Any) -> str:
    """The payload's type as the HTTP header (else the crawler's identification) states it, lower-cased."""
    return (rec.http_content_type or rec.headers.get("WARC-Identified-Payload-Type") or "").lower()


def looks_like_html(data: bytes) -> bool:
    """The payload starts like an HTML page (`<!doctype html`, `<html`, `<head`, `<body`, after a BOM, blanks or comments)."""
    return _HTML_START.match(data[:_SNIFF_BYTES]) is not None


def read(path: Path, entry: Any, options: Any = None, skipped: Counter | None = None) -> Iterator[RawDocument | BadRecord]:
    """HTML pages of one WARC file as documents."""
    return read_selected(path, entry, options, skipped, select=None, label=file_label(path, entry))


def crawl_payloads(
    path: Path, want: Callable[[Any], bool | str], skipped: Counter | None, crawl_id: str | None = None
) -> Iterator[tuple[Payload, str] | BadRecord]:
    """Wanted payloads with the crawl id in force: `crawl_id` if given, else the last warcinfo's
    `isPartOf`, else one read from the file name. warcinfo records are consumed here."""
    from fastwarc.warc import WarcRecordType

    current = crawl_id or crawl_id_from_path(path)
    for item in iter_payloads(path, want, skipped):
        if isinstance(item, BadRecord):
            yield item
        elif item.record.record_type == WarcRecordType.warcinfo:
            current = crawl_id or warcinfo_fields(item.data).get("isPartOf") or current
        else:
            yield item, current


def read_selected(
    path: Path,
    entry: Any,
    options: Any,
    skipped: Counter | None,
    select: Callable[[str], str | None] | None,
    label: str | None = None,
) -> Iterator[RawDocument | BadRecord]:
    """Documents of the pages whose URL `select` matches (all when None): shared with pseudo_crawl.

    `select(url)` returns the seed the URL matched (kept in meta as `seed`) or None. `label` names the
    file in `meta.origin` (default: its name; a pseudo_crawl archive is shared by sources whose
    `location` is a seed, not a folder).
    """
    from fastwarc.warc import WarcRecordType

    opts = entry.options if entry is not None else {}
    extractor = opts.get("html_extractor") or getattr(options, "html_extractor", DEFAULT_MODE)
    where = str(path)
    label = label or Path(path).name

    def want(rec: Any) -> bool | str:
        verdict = html_response(rec)
        if verdict is True and select is not None and rec.record_type == WarcRecordType.response:
            if select(rec.headers.get("WARC-Target-URI") or "") is None:
                return "not_selected"
        return verdict

    for item in crawl_payloads(path, want, skipped, opts.get("crawl_id")):
        if isinstance(item, BadRecord):
            yield item
            continue
        item, crawl_id = item
        rec = item.record
        url = rec.headers.get("WARC-Target-URI")
        if not item.data.strip():
            yield BadRecord(where, item.offset, "empty_payload", f"{url}: empty HTTP body", url)
            continue
        if declared_mime(rec) not in HTML_TYPES and not looks_like_html(item.data):
            if skipped is not None:  # a missing or wrong Content-Type and no HTML in the payload either
                skipped["response_not_html"] += 1
            continue
        try:
            decoded = decode_html(item.data, rec.http_charset)
        except UndecodableHTML as exc:
            yield BadRecord(where, item.offset, "undecodable_bytes", f"{url}: {exc}", url)
            continue
        try:
            got = extract(decoded.html, extractor, url)
        except ExtractionFailed as exc:  # neither library gave text from a page with visible text: reported, never lost silently
            yield BadRecord(where, item.offset, exc.problem, f"{url}: {exc}"[:500], url)
            continue
        except Exception as exc:  # the page does not even parse: one page's error, not the file's
            yield BadRecord(where, item.offset, "extraction_error", f"{url}: {extractor}: {type(exc).__name__}: {exc}"[:500], url)
            continue
        if not got.text:
            yield BadRecord(where, item.offset, "empty_payload", f"{url}: the page has no visible text", url)
            continue
        if got.fallback and skipped is not None:
            skipped[EXTRACTION_FALLBACK] += 1
        meta = page_meta(rec, item, path, crawl_id, decoded, got, extractor)
        if decoded.declared:
            meta["declared_charset"] = decoded.declared
        if decoded.replaced:
            meta["replaced_bytes"] = decoded.replaced
        if rec.headers.get("WARC-Truncated"):  # the crawler cut the page (CC: at 1 MiB); the text is partial
            meta["warc_truncated"] = rec.headers.get("WARC-Truncated")
        if select is not None:
            meta["seed"] = select(url or "")
        meta[ORIGIN] = origin(label, "offset", item.offset, rec.record_id)
        yield RawDocument(text=got.text, native_id=rec.record_id or url or f"{path.name}:{item.offset}", url=url, meta=meta)


def page_meta(rec: Any, item: Payload, path: Path, crawl_id: str, decoded: Decoded, got: Extraction, mode: str) -> dict[str, Any]:
    """What a page's document keeps about it: where it came from, how it was decoded and extracted."""
    meta = {
        "url": rec.headers.get("WARC-Target-URI"),
        "date": rec.headers.get("WARC-Date"),
        "crawl_id": crawl_id,
        "warc_record_id": rec.record_id,
        "warc_file": path.name,
        "warc_offset": item.offset,
        "content_type": rec.http_content_type,
        "charset": decoded.charset,
        "charset_from": decoded.charset_from,
        "extractor": got.extractor,  # the library whose text this is
        "extraction_mode": mode,
        "boilerplate_chars": got.boilerplate_chars,  # visible characters of the page not kept
    }
    if got.fallback:
        meta["extraction_fallback"] = got.fallback  # the mode that returned nothing; `extractor` gave the text
    if got.title:
        meta["title"] = got.title
    if got.declared_lang:
        meta["html_lang"] = got.declared_lang
    content_language = rec.http_headers.get("Content-Language") if rec.is_http else None
    if content_language and content_language.strip():
        meta["content_language"] = content_language.strip()
    return meta
