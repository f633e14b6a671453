"""The one Arrow schema every stage reads and writes.

Keeping a single schema (plus three columns for removed documents) lets any stage
read any other stage's shards, and lets auditors open them with plain pyarrow.

`signals` is a list of `{name, value}` structs sorted by name: an open set of
signal names in a plain Parquet list of structs, which every consumer loads
(Hugging Face `datasets` has no type for an Arrow map; pandas and Spark read the
list as it is, tested here; polars and duckdb have native list-of-struct types).
Code reads it through `signals_of` (one row), `signal_entries` (a column) or
`spark_signal` (a Spark column), never by parsing it in place. Shards written
before SHARD_FORMAT 2 hold a `map<string, double>`: the two pyarrow readers
accept both; the ingest and filter stages key their resume markers by
SHARD_FORMAT, so the next run rewrites old shards; `check_signals_type` names a
file still in the old format where only the new one can be read (Spark dedup).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# 1: signals as map<string, double>; 2: signals as list<struct<name, value>>. Part of the ingest and filter resume keys.
SHARD_FORMAT = 2
SIGNAL_TYPE = pa.struct([pa.field("name", pa.string()), pa.field("value", pa.float64())])
SIGNALS_TYPE = pa.list_(SIGNAL_TYPE)
LEGACY_SIGNALS_TYPE = pa.map_(pa.string(), pa.float64())

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
                value = signal_list(value)
            columns[name].append(value)
    return pa.table(columns, schema=schema)


def signal_list(signals: Mapping[str, float] | None) -> list[dict[str, Any]]:
    """A document's signals as a shard stores them: `{name, value}` entries sorted by name."""
    return [{"name": name, "value": value} for name, value in sorted((signals or {}).items())]


def signals_of(value: Any) -> dict[str, float]:
    """A document's signals as a dict, from a row's `signals` value (pyarrow `to_pylist()`, pandas, `datasets`).

    Accepts both shard formats: a list of `{name, value}` (current) or of `(name, value)` pairs (a map, format 1).
    """
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    out = {}
    for item in value:
        if isinstance(item, Mapping):
            out[item["name"]] = item["value"]
        else:
            name, signal = item
            out[name] = signal
    return out


def signal_entries(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """(row index, name, value) of every signal in a `signals` column, flattened; both shard formats."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if isinstance(array, pa.MapArray):
        names, values = array.keys, array.items
    elif pa.types.is_list(array.type) and pa.types.is_struct(array.type.value_type):
        names, values = array.values.field("name"), array.values.field("value")
    else:
        raise TypeError(f"a signals column must be {SIGNALS_TYPE} (or {LEGACY_SIGNALS_TYPE}), got {array.type}")
    offsets = array.offsets.to_numpy()
    start, stop = int(offsets[0]), int(offsets[-1])
    rows = np.repeat(np.arange(len(array)), np.diff(offsets))
    return rows, names.slice(start, stop - start), values.slice(start, stop - start)


def check_signals_type(paths: Iterable[Path | str]) -> None:
    """Raise naming the first shard whose `signals` column is still a map (a shard of format 1)."""
    for path in paths:
        schema = pq.read_schema(path)
        if "signals" in schema.names and pa.types.is_map(schema.field("signals").type):
            raise ValueError(
                f"{path}: column 'signals' is map<string, double>, not {SIGNALS_TYPE}: the shard was written by an "
                "older version (shard format 1); rerun the stages before this one (`curation run` rewrites them) or delete the shard"
            )


def spark_signal(name: str):
    """The Spark column holding one signal's value of each document (null when not measured)."""
    from pyspark.sql import functions as F

    return F.aggregate(
        F.coalesce(F.col("signals"), F.array().cast("array<struct<name:string,value:double>>")),
        F.lit(None).cast("double"),
        lambda found, entry: F.when(entry["name"] == F.lit(name), entry["value"]).otherwise(found),
    )
