"""The side table of a token dataset: which document (id, source, language, url) owns which tokens.

One row per document, in dataset order, with the document's first token offset; a
binary search on that column traces any token back to its document, and `shard` +
`shard_row` to the document shard it was read from (the shard's path below the
output folder, or its absolute path when the input lies outside it; the 0-based row).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from curation.shards import write_shard

DOC_TABLE_SCHEMA = pa.schema(
    [
        pa.field("doc", pa.int64(), nullable=False),  # index in the dataset (Megatron's document index)
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("lang", pa.string()),
        pa.field("url", pa.string()),
        pa.field("shard", pa.string(), nullable=False),  # the document shard it was read from
        pa.field("shard_row", pa.int64(), nullable=False),  # its 0-based row in that shard
        pa.field("token_offset", pa.int64(), nullable=False),  # first token, counted from the dataset's start
        pa.field("tokens", pa.int32(), nullable=False),  # including the end-of-document token
        pa.field("bytes", pa.int64(), nullable=False),  # UTF-8 bytes of the text
        pa.field("chars", pa.int64(), nullable=False),
    ]
)

PART_SCHEMA = pa.schema([f for f in DOC_TABLE_SCHEMA if f.name not in ("doc", "token_offset")])
PART_COLUMNS = tuple(PART_SCHEMA.names)


def shard_label(shard: Path, out_root: Path) -> str:
    """How the side table names a document shard: its path below the output folder (machine-independent), else absolute."""
    shard, root = Path(shard).resolve(), Path(out_root).resolve()
    return shard.relative_to(root).as_posix() if shard.is_relative_to(root) else str(shard)


def with_place(batch: pa.RecordBatch, shard: str, first_row: int) -> pa.RecordBatch:
    """A batch of a document shard (`first_row` its first row's index) with `shard`, `shard_row` and `url` (null if absent)."""
    n = batch.num_rows
    if "url" not in batch.schema.names:
        batch = batch.append_column("url", pa.nulls(n, pa.string()))
    batch = batch.append_column("shard", pa.array([shard] * n, pa.string()))
    return batch.append_column("shard_row", pa.array(np.arange(first_row, first_row + n, dtype=np.int64)))


def finish_table(part: pa.Table, token_base: int = 0, doc_base: int = 0) -> pa.Table:
    """Add `doc` and `token_offset` to rows holding PART_COLUMNS."""
    lengths = part.column("tokens").to_numpy().astype(np.int64)
    offsets = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=offsets[1:])
    added = {
        "doc": pa.array(np.arange(doc_base, doc_base + len(lengths), dtype=np.int64)),
        "token_offset": pa.array(offsets + token_base),
    }
    return pa.table({name: added[name] if name in added else part.column(name) for name in DOC_TABLE_SCHEMA.names}, schema=DOC_TABLE_SCHEMA)


def write_doc_table(path: Path, table: pa.Table) -> Path:
    return write_shard(path, table, schema=DOC_TABLE_SCHEMA)


def locate(doc_table: Path, token_offset: int) -> dict:
    """The document that holds token `token_offset` of a dataset, and the token's place inside it."""
    table = pq.read_table(doc_table)
    starts = table.column("token_offset").to_numpy()
    lengths = table.column("tokens").to_numpy()
    total = int(starts[-1] + lengths[-1]) if len(starts) else 0
    if not 0 <= token_offset < total:
        raise IndexError(f"{doc_table}: token {token_offset} is outside the dataset's {total} tokens")
    row = int(np.searchsorted(starts, token_offset, side="right")) - 1
    found = {name: table.column(name)[row].as_py() for name in ("doc", "id", "source", "lang", "url", "shard", "shard_row")}
    return found | {"offset_in_doc": token_offset - int(starts[row])}
