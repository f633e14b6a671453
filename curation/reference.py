"""Reference text: the per-language text a working group supplies (the run config's `reference`).

It trains the perplexity models (`curation.lm`) and the LID extension with its
thresholds (`curation.lid`); this module is the one reader of it.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path


class ReferenceTextError(ValueError):
    pass


def _open_text(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def read_reference(paths: Iterable[str | Path], lang: str, text_field: str = "text") -> Iterator[str]:
    """Documents from .txt (a line each), .jsonl[.gz] (`text_field`) or Parquet shards (rows of `lang`)."""
    for path in map(Path, paths):
        if not path.exists():
            raise ReferenceTextError(f"{path}: input not found")
        if path.is_dir():
            yield from read_reference(sorted(path.rglob("*.parquet")), lang, text_field)
            continue
        name = path.name.removesuffix(".gz")
        if name.endswith(".parquet"):
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            if text_field not in table.column_names:
                raise ReferenceTextError(f"{path}: no column {text_field!r}")
            texts = table.column(text_field).to_pylist()
            langs = table.column("lang").to_pylist() if "lang" in table.column_names else [lang] * len(texts)
            yield from (t for t, l in zip(texts, langs) if t and l == lang)
        elif name.endswith(".jsonl") or name.endswith(".json"):
            with _open_text(path) as f:
                for lineno, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                        text = record[text_field]
                    except (ValueError, KeyError, TypeError):
                        raise ReferenceTextError(f"{path}: line {lineno}: not a JSON object with a {text_field!r} field") from None
                    if record.get("lang", lang) == lang and isinstance(text, str):
                        yield text
        else:
            with _open_text(path) as f:
                yield from (line.rstrip("\n") for line in f)


def reference_documents(texts: Iterable[str], doc_chars: int, max_bytes: int | None = None) -> list[str]:
    """Consecutive non-empty lines joined (by newlines) into documents of at least `doc_chars` characters, up to
    `max_bytes` of text in all: what LID training and threshold derivation cut reference text into."""
    docs: list[str] = []
    lines: list[str] = []
    size = used = 0
    for text in texts:
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                continue
            lines.append(line)
            size += len(line)
            used += len(line.encode("utf-8"))
            if size >= doc_chars:
                docs.append("\n".join(lines))
                lines, size = [], 0
            if max_bytes is not None and used >= max_bytes:
                return docs + (["\n".join(lines)] if lines else [])
    return docs + (["\n".join(lines)] if lines else [])
