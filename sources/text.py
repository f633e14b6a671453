"""Plain text: a file or a folder of files (plain, .gz, .zst).

Options:
  unit             `file` (default: one document per file), `paragraph` (blocks
                   separated by blank lines) or `line` (one document per non-empty line)
  encoding         default utf-8; any Python codec (utf-16/32 only with unit `file`)
  max_file_bytes   largest file read as one document (default 64 MiB); a bigger one
                   is reported as `oversized_file` (set `unit: paragraph` or `line`)
  lang_from_folder true: the first folder below `location` names the document's language
                   (location `text`, file `text/is/a.txt` → `is`), for sources laid out
                   one folder per language; files directly in `location` get none

Native ids: the file's path below `location`, plus `:<first line>` for paragraphs
and lines. Undecodable bytes and empty documents are reported with their 1-based
line number; in `file` mode a file with a bad byte is one bad record.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sources.base import BadRecord, RawDocument, resolve_files
from sources.compressed import open_binary, stream_errors, stream_problem
from sources.fields import OptionsError, check_options
from sources.position import ORIGIN, file_label, origin

OPTIONS: dict[str, type] = {"unit": str, "encoding": str, "lang_from_folder": bool, "max_file_bytes": int}
MAX_FILE_BYTES = 64 << 20  # a bigger "document" is a dump: read it by paragraph or line
UNITS = ("file", "paragraph", "line")


def list_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    _settings(entry)
    return resolve_files(entry, root, options)


def _settings(entry: Any) -> tuple[str, str, bool, int]:
    opts = check_options(entry, OPTIONS)
    unit = opts.get("unit", "file")
    if unit not in UNITS:
        raise OptionsError(f"source {entry.id!r}: option 'unit' must be one of {', '.join(UNITS)}, got {unit!r}")
    encoding = opts.get("encoding", "utf-8")
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise OptionsError(f"source {entry.id!r}: option 'encoding': unknown codec {encoding!r}") from None
    if unit != "file" and name.startswith(("utf-16", "utf-32")):
        raise OptionsError(f"source {entry.id!r}: encoding {encoding!r} splits lines only with unit 'file'")
    by_folder = opts.get("lang_from_folder", False)
    if not isinstance(by_folder, bool):
        raise OptionsError(f"source {entry.id!r}: option 'lang_from_folder' must be true or false, got {by_folder!r}")
    limit = opts.get("max_file_bytes", MAX_FILE_BYTES)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise OptionsError(f"source {entry.id!r}: option 'max_file_bytes' must be a positive integer, got {limit!r}")
    return unit, name, by_folder, limit


def read(path: Path, entry: Any, options: Any = None) -> Iterator[RawDocument | BadRecord]:
    unit, encoding, by_folder, limit = _settings(entry)
    label = file_label(path, entry)
    lang = label.split("/")[0] if by_folder and "/" in label else None
    if unit == "file":
        yield from _whole_file(Path(path), label, encoding, lang, limit)
    else:
        yield from _blocks(Path(path), label, encoding, lang, by_line=unit == "line")


def _whole_file(path: Path, label: str, encoding: str, lang: str | None, limit: int) -> Iterator[RawDocument | BadRecord]:
    where = str(path)
    try:
        with open_binary(path) as f:
            data = f.read(limit + 1)  # bounded: a mislabelled dump must not fill the memory
    except stream_errors() as exc:  # a cut-off document is not a document
        yield BadRecord(where, None, stream_problem(exc), f"{type(exc).__name__}: {exc}")
        return
    if len(data) > limit:
        yield BadRecord(where, None, "oversized_file", f"more than {limit:,} bytes for one document; set unit: paragraph or line")
        return
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield BadRecord(where, line, "undecodable_bytes", f"{encoding}: {exc.reason} at byte {exc.start}")
        return
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        yield BadRecord(where, 1, "empty_payload", "the file holds no text")
        return
    yield RawDocument(text=text, native_id=label, meta={ORIGIN: origin(label)}, lang=lang)


def _blocks(path: Path, label: str, encoding: str, lang: str | None, by_line: bool) -> Iterator[RawDocument | BadRecord]:
    """Lines, or paragraphs (runs of non-blank lines), streamed; a bad line spoils only its block.

    At a broken stream the paragraph being read is dropped (it may be cut short).
    """
    where = str(path)
    block: list[str] = []
    start = 0
    bad: BadRecord | None = None
    line_no = 0

    def emit() -> Iterator[RawDocument | BadRecord]:
        if bad is not None:
            yield bad
        elif block:
            yield RawDocument(text="\n".join(block), native_id=f"{label}:{start}", meta={ORIGIN: origin(label, "line", start)}, lang=lang)

    try:
        with open_binary(path) as f:
            for line_no, raw in enumerate(f, start=1):
                try:
                    line = raw.decode(encoding).rstrip("\r\n")
                except UnicodeDecodeError as exc:
                    line = None
                    problem = BadRecord(where, line_no, "undecodable_bytes", f"{encoding}: {exc.reason} at byte {exc.start} of the line")
                if line_no == 1 and line and line.startswith("\ufeff"):
                    line = line[1:]
                if by_line:
                    if line is None:
                        yield problem
                    elif line.strip():
                        yield RawDocument(
                            text=line, native_id=f"{label}:{line_no}", meta={ORIGIN: origin(label, "line", line_no)}, lang=lang
                        )
                    continue
                if line is not None and not line.strip():
                    yield from emit()
                    block, bad = [], None
                    continue
                if not block and bad is None:
                    start = line_no
                if line is None:
                    bad = bad or problem
                else:
                    block.append(line)
            yield from emit()
    except stream_errors() as exc:  # the block being read when the stream broke is dropped with it
        yield BadRecord(where, line_no + 1, stream_problem(exc), f"{type(exc).__name__}: {exc} (after line {line_no})")
