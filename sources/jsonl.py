"""JSON Lines (plain, .gz, .zst): one document per line, read line by line.

Options: the field options of `sources.fields` (`text_field`, `id_field`,
`url_field`, `lang_field`, `meta_fields`). Without an id field a document's
native id is `<file below location>:<line>`. Bad lines (invalid JSON, bytes that
are not UTF-8, no text, empty text) are reported with their 1-based line number;
a compressed stream cut short or corrupt ends the file with one reported record
after every complete line before it was read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sources.base import BadRecord, RawDocument, resolve_files
from sources.compressed import open_binary, stream_errors, stream_problem
from sources.fields import FIELD_OPTIONS, FieldMap, check_options, to_document
from sources.position import file_label

OPTIONS = FIELD_OPTIONS
# a \uD800-\uDFFF escape: half of a pair, or a lone surrogate that no UTF-8 writer accepts
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def list_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    FieldMap.from_options(entry, check_options(entry, OPTIONS))
    return resolve_files(entry, root, options)


def read(path: Path, entry: Any, options: Any = None) -> Iterator[RawDocument | BadRecord]:
    fields = FieldMap.from_options(entry, check_options(entry, OPTIONS))
    where = str(path)
    label = file_label(path, entry)
    line_no = 0
    try:
        with open_binary(path) as f:
            for line_no, raw in enumerate(f, start=1):
                if raw.isspace() or not raw:
                    continue
                try:
                    line = raw.decode("utf-8")  # strict: also refuses UTF-8-encoded surrogates
                except UnicodeDecodeError as exc:
                    yield BadRecord(where, line_no, "undecodable_bytes", str(exc))
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield BadRecord(where, line_no, "invalid_json", str(exc)[:200])
                    continue
                if not isinstance(obj, dict):
                    yield BadRecord(where, line_no, "not_an_object", f"a JSON {type(obj).__name__}, not an object")
                    continue
                if b"\\u" in raw and _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(obj):
                    yield BadRecord(where, line_no, "undecodable_bytes", "a \\u escape encodes a lone surrogate (not valid Unicode)")
                    continue
                yield to_document(obj, fields, where, line_no, label, "line")
    except stream_errors() as exc:  # cut or damaged gzip/zstd stream: what was read before is kept
        yield BadRecord(where, line_no + 1, stream_problem(exc), f"{type(exc).__name__}: {exc} (after line {line_no})")


def _has_lone_surrogate(obj: Any) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
