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

An unclosed quote: the csv module reads a quoted field on across line ends
until the next quote character, so one stray `"` swallows the following rows
(to the end of the file, or up to some later quote). When a row fails to parse
and the quoted field it failed in (or ended the file in) opened on an earlier
line than the one it failed on, that quote is taken as unclosed: the row is one
`unclosed_quote` bad record at the line the row starts on (the detail names the
line and column of the quote and the lines read again), and reading restarts on
the line after the quote, so the rows it swallowed are read again, each kept or
reported on its own. A row still inside quotes after `MAX_ROW_CHARS` characters
over several lines is treated the same way (memory stays bounded). So every
non-blank physical line ends up in exactly one document or one bad record; a
quote error on a single line (or after a properly closed multi-line field) is
`malformed_csv` for that row alone and reading goes on at the next line.
(A stray quote that happens to be closed by a quote at the end of a later line,
with the right number of fields, cannot be told from a real multi-line field
and is kept as one.)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sources.base import BadRecord, RawDocument, resolve_files
from sources.compressed import open_binary, stream_errors, stream_problem
from sources.fields import FIELD_OPTIONS, FieldMap, OptionsError, check_options, to_document
from sources.position import file_label

OPTIONS = FIELD_OPTIONS | {"delimiter": str, "quotechar": str, "header": bool, "columns": list, "encoding": str}

# bytes that are not valid in the encoding come through as lone surrogates (surrogateescape)
_ESCAPED = re.compile("[\udc80-\udcff]")

# a row spanning several lines that is still inside quotes beyond this many characters has an unclosed quote
MAX_ROW_CHARS = 64 << 20


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
            lines = _Lines(stream)
            rows = csv.reader(lines, delimiter=s["delimiter"], quotechar=s["quotechar"], strict=True)
            names = s["columns"]
            if s["header"]:
                lines.begin_row()
                try:
                    first = next(rows, None)
                except (csv.Error, _RowTooLong) as exc:
                    yield BadRecord(where, 1, "malformed_csv", f"the header row does not parse ({exc}); the file is not read")
                    return
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
                lines.begin_row()
                start = lines.number + 1
                try:
                    row = next(rows)
                except StopIteration:
                    break
                except (csv.Error, _RowTooLong) as exc:
                    yield _broken_row(lines, start, exc, s, where)
                    continue
                if not row:  # a blank line
                    continue
                if any(_ESCAPED.search(value) for value in row):
                    yield BadRecord(where, start, "undecodable_bytes", f"a field holds bytes that are not valid {s['encoding']}")
                    continue
                if len(row) <= text_index:
                    yield BadRecord(
                        where, start, "missing_text", f"row has {len(row)} fields; text column {fields.text!r} is field {text_index + 1}"
                    )
                    continue
                if len(row) != len(names):
                    yield BadRecord(where, start, "wrong_field_count", f"row has {len(row)} fields, the header {len(names)}")
                    continue
                yield to_document(dict(zip(names, row)), fields, where, start, label, "line")
    except stream_errors() as exc:
        yield BadRecord(where, start, stream_problem(exc), f"{type(exc).__name__}: {exc}")


class _RowTooLong(Exception):
    """A row still inside quotes after MAX_ROW_CHARS characters over several lines."""


class _Lines:
    """The physical lines fed to the csv reader: numbered, the current row's kept, and lines can be read again."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.pending: deque[str] = deque()  # lines to read again, before the stream's
        self.number = 0  # 1-based number of the last line handed out
        self.row: list[str] = []  # the lines of the row being parsed
        self.chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.pending.popleft() if self.pending else next(self.stream)
        self.number += 1
        self.row.append(line)
        self.chars += len(line)
        if len(self.row) > 1 and self.chars > MAX_ROW_CHARS:
            raise _RowTooLong(f"a row is still inside quotes after {self.chars} characters over {len(self.row)} lines")
        return line

    def begin_row(self) -> None:
        self.row, self.chars = [], 0

    def read_again(self, again: list[str], first: int) -> None:
        """Hand out `again` (lines numbered from `first`) before anything else."""
        self.pending.extendleft(reversed(again))
        self.number = first - 1


def _broken_row(lines: _Lines, start: int, exc: Exception, s: dict[str, Any], where: str) -> BadRecord:
    """The bad record for a row the csv reader refused; an unclosed quote's swallowed lines are read again."""
    row = lines.row
    last = start + len(row) - 1
    found = _last_quote(row, s["delimiter"], s["quotechar"])
    if found is None:
        return BadRecord(where, start, "malformed_csv", str(exc))
    index, column, inside = found
    quote_line = start + index
    if not inside and quote_line == last:  # a quote error within one line: this row only
        return BadRecord(where, start, "malformed_csv", str(exc))
    again = row[index + 1 :]
    if isinstance(exc, _RowTooLong):
        how = f"is still open after {lines.chars} characters"
    elif inside:
        how = "is never closed: the file ends inside it"
    else:
        how = f"is closed only on line {last}, which then does not parse ({exc})"
    detail = f"the quote opened on line {quote_line}, column {column + 1} {how}"
    if again:
        detail += f"; lines {quote_line + 1}-{quote_line + len(again)} are read again as rows"
        lines.read_again(again, quote_line + 1)
    return BadRecord(where, start, "unclosed_quote", detail)


def _last_quote(row: list[str], delimiter: str, quotechar: str) -> tuple[int, int, bool] | None:
    """Where the last quoted field of a refused row opened: (line index, column, still inside it at the end).

    Scans like the csv module (doublequote, strict) up to the character it refuses."""
    opened = None
    state = "start"
    for i, line in enumerate(row):
        j, n = 0, len(line)
        while j < n:
            c = line[j]
            if state == "quoted":
                k = line.find(quotechar, j)
                if k < 0:
                    break
                j, state = k + 1, "quote"
                continue
            if state == "quote":  # just after a quote inside a quoted field
                if c == quotechar:
                    state = "quoted"
                elif c == delimiter:
                    state = "start"
                elif c in "\r\n":
                    state = "start"
                else:
                    return opened[0], opened[1], False
            elif state == "start":
                if c == quotechar:
                    state, opened = "quoted", (i, j)
                elif c != delimiter:
                    state = "start" if c in "\r\n" else "field"
            elif c == delimiter or c in "\r\n":  # in an unquoted field
                state = "start"
            j += 1
    if opened is None:
        return None
    return opened[0], opened[1], state == "quoted"


def _allow_long_fields() -> None:
    """Documents are long: lift the csv module's 128 KiB field limit (process-wide)."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2
