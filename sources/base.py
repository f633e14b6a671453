"""What every adapter yields, and the file listing most adapters share.

An adapter module exposes two functions:

    list_files(entry, root, options) -> list[Path]   # the units the runner parallelises over
    read(path, entry, options) -> Iterator[RawDocument | BadRecord]

`read` knows its format and nothing else: no filtering, no writing. A record it
cannot read becomes a `BadRecord` with its file and offset, and reading goes on.
"""

from __future__ import annotations

import glob
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class RawDocument:
    text: str
    native_id: str  # the record's own id, or its url; unique within the source
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None  # only when the source itself states it


# a page whose extraction mode returned nothing and whose text the other library gave: counted by archive
# adapters in their `skipped` counter under this key, which is a note on a kept document, not a record outcome
EXTRACTION_FALLBACK = "extraction_fallback"
DOCUMENT_NOTES = frozenset({EXTRACTION_FALLBACK})


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


# the path-like fields of a catalog entry, by kind: each one stays inside the catalog's folder
PATH_OPTIONS = {"pseudo_crawl": ("archives",)}


def escape_problem(text: str) -> str | None:
    """Why a catalog path would leave the catalog's folder (None when it stays inside).

    Checked on the text, not on resolved files: external storage symlinked under the folder is fine."""
    if text.startswith("~"):
        return "home-relative paths are not allowed; use a path relative to the catalog's folder"
    if text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", text):
        return (
            "absolute paths are not allowed: the path escapes the catalog's root; use a path relative to "
            "the catalog's folder (symlink external storage into it)"
        )
    normal = posixpath.normpath(text.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return "escapes the catalog's root (too many '..'); paths must stay inside the catalog's folder"
    return None


def contained(entry: Any, field: str, text: str, root: Path) -> Path:
    """`root / text` for a path field of a catalog entry, refused when it would leave the catalog's folder
    (an absolute path is accepted only inside it: entries built in code, not read from a catalog file)."""
    text = str(text)
    if Path(text).is_absolute():
        inside = Path(os.path.normpath(text)).is_relative_to(os.path.normpath(os.path.abspath(root)))
        problem = None if inside else "escapes the catalog's root: paths must stay inside the catalog's folder"
    else:
        problem = escape_problem(text)
    if problem:
        raise SourceLocationError(f"source {entry.id!r}: field {field!r}: {text[:200]!r}: {problem}")
    return Path(root) / text


def resolve_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    """Files matched by a path, folder or glob `location`, relative to the catalog root, sorted."""
    base = contained(entry, "location", entry.location, root)
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
