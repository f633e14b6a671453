"""JSON Lines (plain, .gz, .zst): one document per line.

Entry options: `text_field` (default "text"), `id_field` (default "id", else the
line number), `url_field` (default "url"), `lang_field` (none by default), and
`meta_fields` (fields copied to meta; default: every other scalar field).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from sources.base import BadRecord, RawDocument, resolve_files
from sources.compressed import open_binary

list_files = resolve_files


def read(path: Path, entry: Any, options: Any = None) -> Iterator[RawDocument | BadRecord]:
    opts = entry.options
    text_field = opts.get("text_field", "text")
    id_field = opts.get("id_field", "id")
    url_field = opts.get("url_field", "url")
    lang_field = opts.get("lang_field")
    meta_fields = opts.get("meta_fields")
    where = str(path)
    line_no = 0
    try:
        with open_binary(path) as f:
            for line_no, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except UnicodeDecodeError as exc:
                    yield BadRecord(where, line_no, "undecodable_bytes", str(exc))
                    continue
                except ValueError as exc:
                    yield BadRecord(where, line_no, "invalid_json", str(exc)[:200])
                    continue
                if not isinstance(obj, dict):
                    yield BadRecord(where, line_no, "not_an_object", type(obj).__name__)
                    continue
                text = obj.get(text_field)
                if not isinstance(text, str):
                    yield BadRecord(where, line_no, "missing_text", f"field {text_field!r} absent or not a string")
                    continue
                if not text.strip():
                    yield BadRecord(where, line_no, "empty_payload", f"field {text_field!r} is empty")
                    continue
                native = obj.get(id_field)
                url = obj.get(url_field) if isinstance(obj.get(url_field), str) else None
                keys = meta_fields if meta_fields is not None else [k for k in obj if k not in (text_field, id_field, url_field)]
                meta = {k: obj[k] for k in keys if k in obj and isinstance(obj[k], (str, int, float, bool))}
                yield RawDocument(
                    text=text,
                    native_id=str(native) if native is not None else f"{path.name}:{line_no}",
                    url=url,
                    meta=meta,
                    lang=obj.get(lang_field) if lang_field else None,
                )
    except (OSError, EOFError) as exc:  # truncated gzip / zstd stream: keep what was read
        yield BadRecord(where, line_no + 1, "truncated_stream", f"{type(exc).__name__}: {exc}")
