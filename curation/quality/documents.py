"""The classifier's input files: documents (JSONL with `text`, or plain text a document a line) and labelled rows (TSV)."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HIGH, LOW, AD = "high", "low", "ad"
LABELS = (HIGH, LOW)  # the two classes every model has
CLASSES = (HIGH, LOW, AD)  # what a reviewer may label: `ad` (Yuan 1.0's advertising class) is a third class
LABEL_ALIASES = {"1": HIGH, "0": LOW}


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


@dataclass(frozen=True)
class Labels:
    """A review file's labelled rows, and how many rows were left unlabelled (not reviewed: skipped)."""

    rows: list[tuple[str, str]]  # (label, text), label one of CLASSES
    unlabelled: int = 0


def parse_label(value: str) -> str | None:
    """A reviewer's label as a class: high/low/ad, 1 (high) or 0 (low); None for an empty cell; ValueError otherwise."""
    label = value.strip().lower()
    if not label:
        return None
    label = LABEL_ALIASES.get(label, label)
    if label not in CLASSES:
        raise ValueError(label)
    return label


def read_labels(path: str | Path) -> Labels:
    """The rows of a TSV with a header naming `label` and `text` columns (the file `curation inspect --borderline
    --export` writes); rows with an empty label (not yet reviewed) are counted and left out; any other label than
    high, low, ad, 1 or 0 is an error naming the file, line and value."""
    path = Path(path)
    if not path.is_file():
        raise QualityDataError(f"{path}: input not found")
    with _open_text(path) as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"label", "text"} - set(reader.fieldnames or [])
        if missing:
            raise QualityDataError(f"{path}: header needs the columns {sorted(missing)} (found {reader.fieldnames})")
        rows, unlabelled = [], 0
        for row in reader:
            try:
                label = parse_label(row.get("label") or "")
            except ValueError:
                raise QualityDataError(
                    f"{path}: line {reader.line_num}: field 'label': {(row.get('label') or '').strip()!r} is not one of "
                    f"{', '.join(CLASSES)}, 1 (high) or 0 (low)"
                ) from None
            if label is None:
                unlabelled += 1
                continue
            text = unescape_cell(row.get("text") or "")
            if text.strip():
                rows.append((label, text))
    return Labels(rows, unlabelled)


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def escape_cell(text: str) -> str:
    """A text as one TSV cell (no quoting): backslash, newline, tab and carriage return written as \\\\, \\n, \\t, \\r."""
    return re.sub(r"[\\\n\t\r]", lambda m: _ESCAPES[m.group()], text)


def unescape_cell(cell: str) -> str:
    """`escape_cell` undone; a backslash before any other character is kept as it is."""
    return re.sub(r"\\([\\ntr])", lambda m: _UNESCAPES[m.group(1)], cell)


def one_line(text: str) -> str:
    """A document as fastText reads it: one line, whitespace collapsed."""
    return " ".join(text.split())
