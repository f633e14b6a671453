"""The one Arrow schema every stage reads and writes.

Keeping a single schema (plus three columns for removed documents) lets any stage
read any other stage's shards, and lets auditors open them with plain pyarrow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

SIGNALS_TYPE = pa.map_(pa.string(), pa.float64())

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("lang", pa.string()),
        pa.field("lang_score", pa.float32()),
        pa.field("meta", pa.string()),
        pa.field("signals", SIGNALS_TYPE),
    ]
)

REMOVED_SCHEMA = (
    DOCUMENT_SCHEMA.append(pa.field("stage", pa.string(), nullable=False))
    .append(pa.field("reason", pa.string(), nullable=False))
    .append(pa.field("detail", pa.string()))
)


def doc_id(source: str, native_id: str) -> str:
    """Stable id from the catalog source id and the record's own id (or url).

    Stable across runs and machines, so dedup survivors and token offsets can be
    traced back to the same document after any rerun.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(source.encode("utf-8"))
    h.update(b"\x00")
    h.update(native_id.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def dump_meta(meta: Mapping[str, Any] | None) -> str | None:
    """Canonical JSON (sorted keys) so equal metadata gives equal bytes."""
    if not meta:
        return None
    return json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str)


def documents_table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema = DOCUMENT_SCHEMA) -> pa.Table:
    """Build a table from row dicts; missing optional columns become null."""
    columns: dict[str, list] = {name: [] for name in schema.names}
    for row in rows:
        for name in schema.names:
            value = row.get(name)
            if name == "signals" and isinstance(value, Mapping):
                value = sorted(value.items())
            columns[name].append(value)
    return pa.table(columns, schema=schema)
