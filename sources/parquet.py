"""Parquet: one document per row, streamed one row group at a time (`iter_batches`).

Options: the field options of `sources.fields` plus `batch_size` (rows per batch,
default 1024). Only the columns needed are read. Offsets are 1-based row numbers
in the file. A text column that is binary is decoded as UTF-8 per row. A row
group that cannot be decoded is reported with its first row and skipped; the
following row groups are still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sources.base import BadRecord, RawDocument, SourceLocationError, resolve_files
from sources.fields import FIELD_OPTIONS, FieldMap, OptionsError, check_options, to_document
from sources.position import file_label

OPTIONS = FIELD_OPTIONS | {"batch_size": int}


def list_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    """Files of the location, without Hadoop/Spark bookkeeping files (`_SUCCESS`, `_metadata`)."""
    _settings(entry)
    files = [f for f in resolve_files(entry, root, options) if not f.name.startswith("_")]
    if not files:
        raise SourceLocationError(
            f"source {entry.id!r}: location {entry.location!r} holds only bookkeeping files (names starting with '_')"
        )
    return files


def _settings(entry: Any) -> tuple[FieldMap, int]:
    opts = check_options(entry, OPTIONS)
    batch_size = opts.get("batch_size", 1024)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise OptionsError(f"source {entry.id!r}: option 'batch_size' must be a positive integer, got {batch_size!r}")
    return FieldMap.from_options(entry, opts), batch_size


def columns_to_read(schema: pa.Schema, fields: FieldMap) -> list[str]:
    """Top-level columns the field map needs (dotted names read their first part)."""
    names = schema.names
    wanted = [fields.text, fields.id, fields.url, fields.lang] + list(fields.meta if fields.meta is not None else names)
    out: list[str] = []
    for name in wanted:
        if name is None:
            continue
        top = name if name in names else name.split(".")[0]
        if top in names and top not in out:
            out.append(top)
    return out


def read(path: Path, entry: Any, options: Any = None) -> Iterator[RawDocument | BadRecord]:
    fields, batch_size = _settings(entry)
    where = str(path)
    label = file_label(path, entry)
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield BadRecord(where, None, "corrupt_file", f"{type(exc).__name__}: {exc}")
        return
    with pf:
        schema = pf.schema_arrow
        top_text = fields.text if fields.text in schema.names else fields.text.split(".")[0]
        if top_text not in schema.names:
            yield BadRecord(where, None, "missing_text_column", f"no column {fields.text!r}; columns: {', '.join(schema.names)}")
            return
        columns = columns_to_read(schema, fields)
        row = 0
        for group in range(pf.num_row_groups):
            group_rows = pf.metadata.row_group(group).num_rows
            end = row + group_rows
            try:
                for batch in _group_batches(pf, group, columns, batch_size):
                    for record in batch.to_pylist():
                        row += 1
                        yield to_document(record, fields, where, row, label, "row")
            except (OSError, pa.ArrowException) as exc:
                yield BadRecord(
                    where, row + 1, "corrupt_row_group", f"row group {group}: rows {row + 1}-{end} unreadable: {type(exc).__name__}: {exc}"
                )
                row = end


def _group_batches(pf: pq.ParquetFile, group: int, columns: list[str], batch_size: int) -> Iterator[pa.RecordBatch]:
    """Batches of one row group, decoded lazily so memory stays at one batch."""
    return pf.iter_batches(batch_size=batch_size, row_groups=[group], columns=columns, use_threads=False)
