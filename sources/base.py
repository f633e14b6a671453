"""What every adapter yields, and the file listing most adapters share.

An adapter module exposes two functions:

    list_files(entry, root, options) -> list[Path]   # the units the runner parallelises over
    read(path, entry, options) -> Iterator[RawDocument | BadRecord]

`read` knows its format and nothing else: no filtering, no writing. A record it
cannot read becomes a `BadRecord` with its file and offset, and reading goes on.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol


@dataclass(frozen=True)
class RawDocument:
    text: str
    native_id: str  # the record's own id, or its url; unique within the source
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None  # only when the source itself states it


@dataclass(frozen=True)
class BadRecord:
    path: str
    offset: int | None  # byte offset (archives) or 1-based line/row number (text formats)
    problem: str  # snake_case kind, e.g. truncated_gzip, undecodable_bytes, empty_payload
    detail: str = ""
    url: str | None = None  # the page's, when the problem is one page's (archives)


class Adapter(Protocol):
    def list_files(self, entry: Any, root: Path, options: Any) -> list[Path]: ...

    def read(self, path: Path, entry: Any, options: Any) -> Iterator[RawDocument | BadRecord]: ...


class SourceLocationError(ValueError):
    """A catalog location that names no readable data."""


def resolve_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    """Files matched by a path, folder or glob `location`, relative to the catalog root, sorted."""
    location = Path(entry.location)
    base = location if location.is_absolute() else Path(root) / location
    if base.is_dir():
        files = sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith("."))
    elif any(ch in str(base) for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(str(base), recursive=True) if Path(p).is_file())
    elif base.is_file():
        files = [base]
    else:
        files = []
    if not files:
        raise SourceLocationError(f"source {entry.id!r}: location {entry.location!r} matches no file (resolved to {base})")
    return files
