"""Common Crawl WET files → one document per `conversion` record (text already extracted by CC).

WET text is UTF-8 by construction; a record that does not decode cleanly is
decoded with replacement characters when they are rare, and reported as
`undecodable_bytes` when they are not. Damaged archives are handled as in
`sources.warc` (file and offset reported, reading resumes at the next record).

Meta: url, date (WARC-Date), crawl id (warcinfo `isPartOf`, else the path),
the WARC-Record-ID and WARC-Refers-To (the response it was converted from), and
CC's language guess `identified_languages` (WARC-Identified-Content-Language,
ISO 639-3, CLD2: a hint for auditors, not the document's `lang`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sources.base import BadRecord, RawDocument, resolve_files
from sources.html_text import MAX_REPLACED_SHARE
from sources.position import ORIGIN, file_label, origin
from sources.warc import crawl_payloads

OPTIONS: dict[str, type] = {"crawl_id": str}

list_files = resolve_files


def _conversion(rec: Any) -> bool | str:
    from fastwarc.warc import WarcRecordType

    if rec.record_type in (WarcRecordType.conversion, WarcRecordType.warcinfo):
        return True
    return str(rec.record_type)


def read(path: Path, entry: Any, options: Any = None, skipped: Counter | None = None) -> Iterator[RawDocument | BadRecord]:

    opts = entry.options if entry is not None else {}
    where = str(path)
    label = file_label(path, entry) if entry is not None else Path(path).name
    for item in crawl_payloads(path, _conversion, skipped, opts.get("crawl_id")):
        if isinstance(item, BadRecord):
            yield item
            continue
        item, crawl_id = item
        rec = item.record
        headers = rec.headers
        url = headers.get("WARC-Target-URI")
        replaced = 0
        try:
            text = item.data.decode("utf-8")
        except UnicodeDecodeError:
            text = item.data.decode("utf-8", "replace")
            replaced = text.count("\ufffd")
            if replaced > MAX_REPLACED_SHARE * max(len(text), 1):
                yield BadRecord(where, item.offset, "undecodable_bytes", f"{url}: {replaced} of {len(text)} characters are not UTF-8")
                continue
        text = text.replace("\r\n", "\n").strip()
        if not text:
            yield BadRecord(where, item.offset, "empty_payload", f"{url}: empty conversion record")
            continue
        meta = {
            "url": url,
            "date": headers.get("WARC-Date"),
            "crawl_id": crawl_id,
            "warc_record_id": rec.record_id,
            "refers_to": headers.get("WARC-Refers-To"),
            "warc_file": path.name,
            "warc_offset": item.offset,
            "content_type": headers.get("Content-Type"),
        }
        languages = headers.get("WARC-Identified-Content-Language")
        if languages:
            meta["identified_languages"] = languages
        if replaced:
            meta["replaced_bytes"] = replaced
        meta[ORIGIN] = origin(label, "offset", item.offset, rec.record_id)
        yield RawDocument(text=text, native_id=rec.record_id or url or f"{path.name}:{item.offset}", url=url, meta=meta)
