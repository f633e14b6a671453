"""The classifier's input files: documents (JSONL with `text`, or plain text a document a line) and labelled rows (TSV)."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

HIGH, LOW = "high", "low"
LABELS = (HIGH, LOW)


class QualityDataError(ValueError):
    pass


def _open_text(path: Path):
    return gzip.open(path, "rt", encoding="utf-8", newline="") if path.suffix == ".gz" else open(path, encoding="utf-8", newline="")


def is_jsonl(path: Path) -> bool:
    return path.name.removesuffix(".gz").endswith((".jsonl", ".json"))


def read_documents(path: str | Path, text_field: str = "text") -> Iterator[str]:
    """The non-empty documents of a file: a JSONL record's `text_field`, else a line of plain text."""
    path = Path(path)
    if not path.is_file():
        raise QualityDataError(f"{path}: input not found")
    with _open_text(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            if not is_jsonl(path):
                yield line.rstrip("\r\n")
                continue
            try:
                text = json.loads(line)[text_field]
            except (ValueError, KeyError, TypeError):
                raise QualityDataError(f"{path}: line {lineno}: not a JSON object with a {text_field!r} field") from None
            if not isinstance(text, str):
                raise QualityDataError(f"{path}: line {lineno}: field {text_field!r} is not a string")
            if text.strip():
                yield text


def read_labels(path: str | Path) -> list[tuple[str, str]]:
    """(label, text) rows of a TSV with a header naming `label` and `text` columns; rows with an empty label
    (not yet reviewed) are left out; a label other than high/low is an error naming the row."""
    path = Path(path)
    if not path.is_file():
        raise QualityDataError(f"{path}: input not found")
    with _open_text(path) as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"label", "text"} - set(reader.fieldnames or [])
        if missing:
            raise QualityDataError(f"{path}: header needs the columns {sorted(missing)} (found {reader.fieldnames})")
        rows = []
        for row in reader:
            label = (row.get("label") or "").strip().lower()
            if not label:
                continue
            if label not in LABELS:
                raise QualityDataError(f"{path}: line {reader.line_num}: field 'label': {label!r} is not one of {', '.join(LABELS)}")
            text = (row.get("text") or "").replace("\\n", "\n").replace("\\t", "\t")
            if text.strip():
                rows.append((label, text))
    return rows


def one_line(text: str) -> str:
    """A document as fastText reads it: one line, whitespace collapsed."""
    return " ".join(text.split())
