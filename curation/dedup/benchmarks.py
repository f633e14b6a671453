"""Evaluation sets named in the run config (`dedup.decontaminate.benchmarks`), read as items.

A benchmark is a name and one or more files: JSONL (`.jsonl`, `.jsonl.gz`), Parquet (`.parquet`)
or plain text (`.txt`, `.txt.gz`: one item a line). An item's text is the record's
`text_fields` that it has, joined by a newline (a list of strings, such as answer choices,
counts as its lines); its id is the record's `id_field`, else `<file name>:<record number>`.
Items come in a fixed order (benchmarks by name, then files, then records), so the index
built from them, and every decision taken with it, is the same on every run.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq


class BenchmarkError(ValueError):
    """A benchmark file that cannot be read as items: the message names the file, the record and the field."""


@dataclass(frozen=True)
class Item:
    benchmark: str
    id: str
    text: str


def load_items(benchmarks: Mapping[str, Sequence[Path]], text_fields: Sequence[str], id_field: str | None) -> list[Item]:
    """Every item of every benchmark, in a deterministic order."""
    items: list[Item] = []
    for name in sorted(benchmarks):
        for path in benchmarks[name]:
            path = Path(path)
            if not path.is_file():
                raise BenchmarkError(f"{path}: benchmark {name!r}: no such file (dedup.decontaminate.benchmarks.{name})")
            for number, record in _records(path):
                text = record if isinstance(record, str) else _item_text(record, text_fields, path, number)
                item_id = _item_id(record, id_field, path, number)
                items.append(Item(name, item_id, text))
    return items


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    """(record number from 1, record: a dict, or the line of a text file)."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        for number, row in enumerate(pq.read_table(path).to_pylist(), 1):
            yield number, row
        return
    opener = gzip.open if name.endswith(".gz") else open
    stem = name.removesuffix(".gz")
    if not stem.endswith((".jsonl", ".txt")):
        raise BenchmarkError(f"{path}: unknown benchmark format (expected .jsonl, .jsonl.gz, .parquet, .txt or .txt.gz)")
    with opener(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if stem.endswith(".txt"):
                yield number, line
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BenchmarkError(f"{path}: record {number}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise BenchmarkError(f"{path}: record {number}: a JSON object expected, got {type(record).__name__}")
            yield number, record


def _item_text(record: dict, fields: Sequence[str], path: Path, number: int) -> str:
    parts = []
    for field in fields:
        value = record.get(field)
        if value is None:
            continue
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts.extend(value)
        else:
            raise BenchmarkError(
                f"{path}: record {number}: field {field!r} must be a string or a list of strings, got {type(value).__name__}"
            )
    if not parts:
        raise BenchmarkError(f"{path}: record {number}: none of the text fields {list(fields)} (dedup.decontaminate.text_fields)")
    return "\n".join(parts)


def _item_id(record: Any, id_field: str | None, path: Path, number: int) -> str:
    if isinstance(record, dict) and id_field and record.get(id_field) is not None:
        return str(record[id_field])
    return f"{path.name}:{number}"
