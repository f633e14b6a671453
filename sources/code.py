"""Source code: a folder (or git checkout) of repositories, one document per file, or tables in the shape of
The Stack (Parquet or JSON Lines rows with `content`, `path`, `repo`, `license`).

Options:
  layout            `files` (default: a folder of repositories) or `table` (The Stack-shaped rows)
  content_field, path_field, repo_field, license_field, lang_field
                    the table's column names (defaults `content`, `path`, `repo`, `license`, none)
  max_file_bytes    a bigger file is skipped as `oversized` (default 1 MB, The Stack's limit)

Each document's `lang` is its programming language's tag (`zxx-x-python`, `sources.code_languages`),
found from the file name, then a `#!` line (a table's `lang_field`, when set and known, wins); its
`meta` holds `repo`, `path`, `license` (SPDX id) and `prog_lang`. Files that are not documents are
counted by reason in `skipped` (outcome `not_document_<reason>` at ingest): `vendored` (below
node_modules/, vendor/, third_party/ ...), `lock_file`, `generated` (by name: `*.min.js`, `*_pb2.py`,
`*.pb.go` ...; generated markers in the text are the code filter's), `oversized`, `binary` (a NUL byte
or bytes that are not UTF-8) and `not_code` (none of the 13 languages).

Repository and license (files layout): a file belongs to the nearest folder up to `location` holding a
LICENSE / COPYING file, whose license it takes (`sources.code_license`); without one, to the first
folder below `location`, with the catalog entry's license (or `unknown`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow.parquet as pq

from curation.catalog.licenses import normalise
from sources.base import BadRecord, RawDocument, resolve_files
from sources.code_languages import BY_TAG, ProgLang, detect
from sources.code_license import license_file, read_license
from sources.compressed import open_binary, stream_errors, stream_problem
from sources.fields import OptionsError, check_options
from sources.position import ORIGIN, file_label, origin

OPTIONS: dict[str, type] = {
    "layout": str,
    "content_field": str,
    "path_field": str,
    "repo_field": str,
    "license_field": str,
    "lang_field": str,
    "max_file_bytes": int,
}
LAYOUTS = ("files", "table")
MAX_FILE_BYTES = 1 << 20
BINARY_PROBE = 8000  # git's own heuristic: a NUL byte in the first 8000 bytes

VENDORED_FOLDERS = frozenset({"node_modules", "vendor", "vendors", "third_party", "thirdparty", "third-party", "bower_components", "Pods"})
LOCK_FILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "Cargo.lock",
        "Gemfile.lock",
        "composer.lock",
        "poetry.lock",
        "Pipfile.lock",
        "go.sum",
        "packages.lock.json",
        "flake.lock",
    }
)
GENERATED_SUFFIXES = (".min.js", ".min.mjs", "_pb2.py", "_pb2_grpc.py", ".pb.go", ".pb.cc", ".pb.h", ".g.cs", ".designer.cs", ".pb.rs")
GENERATED_MARKS = (".generated.", "_generated.")


def list_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    _settings(entry)
    return resolve_files(entry, root, options)


def _settings(entry: Any) -> dict[str, Any]:
    opts = check_options(entry, OPTIONS)
    layout = opts.setdefault("layout", "files")
    if layout not in LAYOUTS:
        raise OptionsError(f"source {entry.id!r}: option 'layout' must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    limit = opts.setdefault("max_file_bytes", MAX_FILE_BYTES)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise OptionsError(f"source {entry.id!r}: option 'max_file_bytes' must be a positive integer, got {limit!r}")
    defaults = {"content_field": "content", "path_field": "path", "repo_field": "repo", "license_field": "license"}
    for key, default in defaults.items():
        opts.setdefault(key, default)
    return opts


def skip_reason(path: str) -> str | None:
    """Why a file is no document, by its path alone: vendored, lock_file or generated."""
    parts = PurePosixPath(path).parts
    if any(p in VENDORED_FOLDERS for p in parts[:-1]):
        return "vendored"
    name = parts[-1] if parts else path
    if name in LOCK_FILES:
        return "lock_file"
    lowered = name.lower()
    if lowered.endswith(GENERATED_SUFFIXES) or any(m in lowered for m in GENERATED_MARKS):
        return "generated"
    return None


def decode(data: bytes) -> str | None:
    """The file's text, or None when it is binary (a NUL byte near the start, or not UTF-8)."""
    if b"\x00" in data[:BINARY_PROBE]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def read(path: Path, entry: Any, options: Any = None, skipped: Counter | None = None) -> Iterator[RawDocument | BadRecord]:
    opts = _settings(entry)
    skipped = skipped if skipped is not None else Counter()
    if opts["layout"] == "table":
        yield from _table(Path(path), entry, opts, skipped)
    else:
        yield from _file(Path(path), entry, opts, skipped)


def _file(path: Path, entry: Any, opts: dict[str, Any], skipped: Counter) -> Iterator[RawDocument | BadRecord]:
    label = file_label(path, entry)
    why = skip_reason(label)
    if why is None and path.stat().st_size > opts["max_file_bytes"]:
        why = "oversized"
    if why is not None:
        skipped[why] += 1
        return
    with open(path, "rb") as f:
        text = decode(f.read())
    lang = detect(label, text[:256]) if text is not None else None
    if text is None or lang is None or not text.strip():
        skipped["binary" if text is None else "not_code"] += 1
        return
    repo, license = _repository(path.parent, _top(path, label), _entry_license(entry))
    rel = path.relative_to(repo).as_posix() if path.is_relative_to(repo) else label
    meta = {ORIGIN: origin(label), "repo": repo.name, "path": rel, "license": license, "prog_lang": lang.name}
    yield RawDocument(text=text, native_id=label, meta=meta, lang=lang.tag)


def _top(path: Path, label: str) -> Path:
    """The folder of the label's first component (the first folder below `location`), or the file's own folder."""
    depth = len(PurePosixPath(label).parts)
    return path.parents[depth - 2] if depth >= 2 else path.parent


def _entry_license(entry: Any) -> str:
    return normalise(str(getattr(entry, "license", "") or "unknown"))


@lru_cache(maxsize=4096)
def _repository(folder: Path, top: Path, fallback: str) -> tuple[Path, str]:
    """(repository folder, SPDX license): the nearest folder from `folder` up to `top` with a license file."""
    current = folder
    while True:
        found = license_file(current)
        if found is not None:
            return current, read_license(found)
        if current == top or current == current.parent or not current.is_relative_to(top):
            return top, fallback
        current = current.parent


def _table(path: Path, entry: Any, opts: dict[str, Any], skipped: Counter) -> Iterator[RawDocument | BadRecord]:
    label = file_label(path, entry)
    for row_no, row in _rows(path, opts):
        if isinstance(row, BadRecord):
            yield row
            continue
        yield from _row_document(row, row_no, label, str(path), entry, opts, skipped)


def _row_document(row: dict, row_no: int, label: str, where: str, entry: Any, opts: dict, skipped: Counter) -> Iterator:
    content, file_path = row.get(opts["content_field"]), row.get(opts["path_field"])
    if not isinstance(content, str) or not isinstance(file_path, str) or not file_path:
        yield BadRecord(where, row_no, "missing_field", f"fields {opts['content_field']!r} and {opts['path_field']!r} must be strings")
        return
    why = skip_reason(file_path)
    if why is None and len(content.encode("utf-8", "surrogatepass")) > opts["max_file_bytes"]:
        why = "oversized"
    lang = (_named_lang(row.get(opts["lang_field"])) if opts.get("lang_field") else None) or detect(file_path, content[:256])
    if why is None and "\x00" in content[:BINARY_PROBE]:
        why = "binary"
    if why is None and (lang is None or not content.strip()):
        why = "not_code"
    if why is not None:
        skipped[why] += 1
        return
    repo = row.get(opts["repo_field"]) or ""
    license = _table_license(row.get(opts["license_field"]), entry)
    meta = {ORIGIN: origin(label, "row", row_no), "repo": str(repo), "path": file_path, "license": license, "prog_lang": lang.name}
    yield RawDocument(text=content, native_id=f"{repo}/{file_path}" if repo else f"{label}:{row_no}", meta=meta, lang=lang.tag)


def _named_lang(value: Any) -> ProgLang | None:
    """A table's language column: as The Stack writes it (`Python`, `C++`, `JavaScript`) or our subtag (`cpp`)."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    return next((lang for lang in BY_TAG.values() if key in (lang.name.lower(), lang.subtag)), None)


def _table_license(value: Any, entry: Any) -> str:
    """A row's license: a string, or The Stack's list of detected licenses (joined by OR: any of them applies)."""
    if isinstance(value, (list, tuple)) and value:
        return normalise(" OR ".join(str(v) for v in value)) if len(value) > 1 else normalise(str(value[0]))
    if isinstance(value, str) and value:
        return normalise(value)
    return _entry_license(entry)


def _rows(path: Path, opts: dict[str, Any]) -> Iterator[tuple[int, dict | BadRecord]]:
    """(1-based row or line, row) of a Parquet or JSON Lines table."""
    if path.name.endswith(".parquet"):
        columns = [opts[k] for k in ("content_field", "path_field", "repo_field", "license_field", "lang_field") if opts.get(k)]
        pf = pq.ParquetFile(path)
        names = [c for c in dict.fromkeys(columns) if c in pf.schema_arrow.names]
        row_no = 0
        for batch in pf.iter_batches(columns=names, batch_size=256):
            for row in batch.to_pylist():
                row_no += 1
                yield row_no, row
        return
    line_no = 0
    try:
        with open_binary(path) as f:
            for line_no, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except ValueError as exc:
                    yield line_no, BadRecord(str(path), line_no, "invalid_json", str(exc)[:200])
                    continue
                yield line_no, obj if isinstance(obj, dict) else BadRecord(str(path), line_no, "not_an_object", type(obj).__name__)
    except stream_errors() as exc:
        yield line_no + 1, BadRecord(str(path), line_no + 1, stream_problem(exc), f"{type(exc).__name__}: {exc}")
