"""CSV / TSV (plain, .gz, .zst): one document per row, streamed with the csv module.

Options: the field options of `sources.fields`, plus
  delimiter  default "," ("\\t" for files named *.tsv*)
  quotechar  default '"'
  header     default true: the first row names the columns
  columns    column names when the file has no header row (then `header: false`)
  encoding   default utf-8

Offsets are the 1-based line on which a row starts (the header is line 1). A row
whose text column is missing, a row with a different number of fields than the
header, undecodable bytes and malformed quoting are reported and skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from pathlib import Path
from typing import Any, Iterator

from sources.base import BadRecord, RawDocument, resolve_files
from sources.compressed import open_binary, stream_errors, stream_problem
from sources.fields import FIELD_OPTIONS, FieldMap, OptionsError, check_options, to_document
from sources.position import file_label

OPTIONS = FIELD_OPTIONS | {"delimiter", "quotechar", "header", "columns", "encoding"}

# bytes that are not valid in the encoding come through as lone surrogates (surrogateescape)
_ESCAPED = re.compile("[\udc80-\udcff]")


def list_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    _settings(entry, Path("x.csv"))
    return resolve_files(entry, root, options)


def _settings(entry: Any, path: Path) -> dict[str, Any]:
    opts = check_options(entry, OPTIONS)
    tsv = ".tsv" in path.name.lower()
    delimiter = opts.get("delimiter", "\t" if tsv else ",")
    quotechar = opts.get("quotechar", '"')
    for key, value in (("delimiter", delimiter), ("quotechar", quotechar)):
        if not isinstance(value, str) or len(value) != 1:
            raise OptionsError(f"source {entry.id!r}: option {key!r} must be one character, got {value!r}")
    header = opts.get("header", True)
    columns = opts.get("columns")
    if not isinstance(header, bool):
        raise OptionsError(f"source {entry.id!r}: option 'header' must be true or false, got {header!r}")
    if columns is not None and (not isinstance(columns, list) or not all(isinstance(c, str) for c in columns)):
        raise OptionsError(f"source {entry.id!r}: option 'columns' must be a list of names, got {columns!r}")
    if not header and not columns:
        raise OptionsError(f"source {entry.id!r}: a file without a header row needs option 'columns'")
    encoding = opts.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise OptionsError(f"source {entry.id!r}: option 'encoding': unknown codec {encoding!r}") from None
    return {
        "delimiter": delimiter,
        "quotechar": quotechar,
        "header": header,
        "columns": columns,
        "encoding": encoding,
        "fields": FieldMap.from_options(entry, opts),
    }


def read(path: Path, entry: Any, options: Any = None) -> Iterator[RawDocument | BadRecord]:
    path = Path(path)
    s = _settings(entry, path)
    fields: FieldMap = s["fields"]
    where = str(path)
    label = file_label(path, entry)
    _allow_long_fields()
    start = 1
    try:
        with open_binary(path) as binary:
            stream = io.TextIOWrapper(binary, encoding=s["encoding"], errors="surrogateescape", newline="")
            rows = csv.reader(stream, delimiter=s["delimiter"], quotechar=s["quotechar"], strict=True)
            names = s["columns"]
            if s["header"]:
                first = next(rows, None)
                if first is None:
                    yield BadRecord(where, 1, "empty_payload", "the file has no header row")
                    return
                if first and first[0].startswith("\ufeff"):
                    first[0] = first[0][1:]
                names = names or first
            if fields.text not in names:
                yield BadRecord(where, 1, "missing_text_column", f"no column {fields.text!r}; columns: {', '.join(names)}")
                return
            text_index = names.index(fields.text)
            while True:
                start = rows.line_num + 1
                try:
                    row = next(rows)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield BadRecord(where, start, "malformed_csv", str(exc))
                    continue
                if not row:  # a blank line
                    continue
                if any(_ESCAPED.search(value) for value in row):
                    yield BadRecord(where, start, "undecodable_bytes", f"a field holds bytes that are not valid {s['encoding']}")
                    continue
                if len(row) <= text_index:
                    yield BadRecord(where, start, "missing_text", f"row has {len(row)} fields; text column {fields.text!r} is field {text_index + 1}")
                    continue
                if len(row) != len(names):
                    yield BadRecord(where, start, "wrong_field_count", f"row has {len(row)} fields, the header {len(names)}")
                    continue
                yield to_document(dict(zip(names, row)), fields, where, start, f"{label}:{start}")
    except stream_errors() as exc:
        yield BadRecord(where, start, stream_problem(exc), f"{type(exc).__name__}: {exc}")


def _allow_long_fields() -> None:
    """Documents are long: lift the csv module's 128 KiB field limit (process-wide)."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2
