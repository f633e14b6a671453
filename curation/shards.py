"""Parquet shards: written atomically, read as a stream of record batches.

A shard only ever appears under its final name once complete (temporary name,
then rename, as every write of `curation.atomic`), so a crash leaves either
nothing or a whole shard; its counts sit beside it in `<name>.stats.json`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation.atomic import temp_path as _tmp  # the shard writer's temporary file name
from curation.atomic import write_json_atomic
from curation.schema import DOCUMENT_SCHEMA

COMPRESSION = "zstd"
ROW_GROUP_ROWS = 2048


def sha256_file(path: Path) -> str:
    """Streaming sha256 of a file (checksums in manifests)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stats_path(shard: Path) -> Path:
    return shard.with_name(shard.name.removesuffix(".parquet") + ".stats.json")


class ShardWriter:
    """Streams batches into one shard; the file appears only on `close()`.

    Used as a context manager: an exception discards the temporary file, so a
    half-written shard never looks complete.
    """

    def __init__(self, path: Path, schema: pa.Schema = DOCUMENT_SCHEMA, row_group_rows: int = ROW_GROUP_ROWS):
        self.path = Path(path)
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.rows = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.path.parent.glob(f".{self.path.name}.tmp-*"):  # left by a killed run
            stale.unlink(missing_ok=True)
        self._tmp = _tmp(self.path)
        self._writer = pq.ParquetWriter(self._tmp, schema, compression=COMPRESSION)
        self._finished = False  # closed or aborted

    def write(self, table: pa.Table | pa.RecordBatch) -> None:
        if table.num_rows == 0:
            return
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        self._writer.write_table(table.cast(self.schema), row_group_size=self.row_group_rows)
        self.rows += table.num_rows

    def close(self, stats: Any | None = None) -> Path:
        self._writer.close()
        if stats is not None:
            write_json_atomic(stats_path(self.path), stats)
        os.replace(self._tmp, self.path)
        self._finished = True
        return self.path

    def abort(self) -> None:
        """Discard the unfinished shard; safe to call again, and a no-op once the shard is closed."""
        if self._finished:
            return
        self._writer.close()
        self._tmp.unlink(missing_ok=True)
        self._finished = True

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        elif not self._finished:
            self.close()


def write_shard(path: Path, table: pa.Table, stats: Any | None = None, schema: pa.Schema = DOCUMENT_SCHEMA) -> Path:
    with ShardWriter(path, schema) as writer:
        writer.write(table)
        return writer.close(stats)


def shard_order(path: Path) -> tuple:
    """Natural order: part-00001 before part-00001-001 before part-00002."""
    stem = path.name.removesuffix(".parquet")
    return (str(path.parent), [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", stem)])


def list_shards(directory: Path) -> list[Path]:
    """Completed shards below `directory`, in a stable order."""
    directory = Path(directory)
    if not directory.exists():
        return []
    return sorted((p for p in directory.rglob("*.parquet") if not p.name.startswith(".")), key=shard_order)


def read_batches(paths: Path | Sequence[Path], columns: Sequence[str] | None = None, batch_size: int = 4096) -> Iterator[pa.RecordBatch]:
    """Stream record batches from shards without loading a whole shard."""
    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    for path in paths:
        with pq.ParquetFile(path) as f:
            yield from f.iter_batches(batch_size=batch_size, columns=list(columns) if columns else None)


def read_table(paths: Path | Iterable[Path], columns: Sequence[str] | None = None) -> pa.Table:
    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    tables = [pq.read_table(p, columns=list(columns) if columns else None) for p in paths]
    return pa.concat_tables(tables) if tables else DOCUMENT_SCHEMA.empty_table()


def read_stats(shard: Path) -> Any:
    return json.loads(stats_path(shard).read_text(encoding="utf-8"))


def may_hold_documents(paths: Iterable[Path]) -> bool:
    """Whether any of these shards has rows, from the footers; an unreadable shard may (its stage reports it)."""
    for path in paths:
        try:
            if pq.ParquetFile(path).metadata.num_rows:
                return True
        except (OSError, pa.ArrowException):
            return True
    return False
