"""Hugging Face `datasets`: a dataset saved on disk, local data files, or a hub id.

`location` is one of:
  - a folder written by `save_to_disk` (a Dataset or a DatasetDict): each of the
    split's Arrow files is a unit, read memory-mapped (`Dataset.from_file`);
  - data files (a file, folder or glob): each file is a unit, read with
    `load_dataset(<format>, data_files=..., streaming=True)`;
  - a hub id (`owner/name`): needs a network; `load_dataset` downloads it into the
    HF cache and its Arrow files become the units. Offline (HF_HUB_OFFLINE=1 or
    HF_DATASETS_OFFLINE=1, or no route to the hub) it fails at once, naming the source.

Options: the field options of `sources.fields`, plus `split` (default: `train`,
or the only split) and `format` (json, csv, parquet, text, arrow: the builder for
data files; default from the file suffix). Offsets are 1-based row numbers in a unit.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sources.base import BadRecord, RawDocument, SourceLocationError, contained, resolve_files
from sources.fields import FIELD_OPTIONS, FieldMap, OptionsError, check_options, to_document
from sources.position import file_label

OPTIONS = FIELD_OPTIONS | {"split": str, "format": str}
FORMATS = ("json", "csv", "parquet", "text", "arrow")
_SUFFIX_FORMAT = {
    ".jsonl": "json",
    ".json": "json",
    ".ndjson": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".txt": "text",
    ".arrow": "arrow",
}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_BATCH = 1000


class HubUnavailable(SourceLocationError):
    """A hub id named where the hub cannot be reached."""


def list_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    opts = _settings(entry)
    base = contained(entry, "location", entry.location, root)
    if saved_dataset(base):
        return _saved_units(entry, base, opts.get("split"))
    if base.exists() or any(ch in str(base) for ch in "*?["):
        files = resolve_files(entry, root, options)
        for path in files:
            _format(entry, path, opts)
        return files
    if _HUB_ID.match(entry.location):  # no such path: read it as owner/name on the hub
        return _hub_units(entry, entry.location, opts.get("split"), base)
    raise SourceLocationError(f"source {entry.id!r}: location {entry.location!r} is neither a path (resolved to {base}) nor a hub id")


def _settings(entry: Any) -> dict[str, Any]:
    opts = check_options(entry, OPTIONS)
    FieldMap.from_options(entry, opts)
    fmt = opts.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise OptionsError(f"source {entry.id!r}: option 'format' must be one of {', '.join(FORMATS)}, got {fmt!r}")
    split = opts.get("split")
    if split is not None and not isinstance(split, str):
        raise OptionsError(f"source {entry.id!r}: option 'split' must be a split name, got {split!r}")
    return opts


def saved_dataset(path: Path) -> bool:
    """A folder written by `Dataset.save_to_disk` or `DatasetDict.save_to_disk`."""
    return path.is_dir() and ((path / "state.json").is_file() or (path / "dataset_dict.json").is_file())


def _pick_split(entry: Any, splits: list[str], split: str | None) -> str:
    if split is None:
        if "train" in splits or len(splits) != 1:
            split = "train"
        else:
            split = splits[0]
    if split not in splits:
        raise SourceLocationError(f"source {entry.id!r}: no split {split!r}; splits: {', '.join(splits)} (set option 'split')")
    return split


def _saved_units(entry: Any, base: Path, split: str | None) -> list[Path]:
    import datasets

    loaded = datasets.load_from_disk(str(base))
    if isinstance(loaded, datasets.DatasetDict):
        loaded = loaded[_pick_split(entry, list(loaded), split)]
    elif split is not None and loaded.split is not None and str(loaded.split) != split:
        raise SourceLocationError(f"source {entry.id!r}: the saved dataset is split {loaded.split!s}, not {split!r}")
    files = [Path(f["filename"]) for f in loaded.cache_files]
    if not files:
        raise SourceLocationError(f"source {entry.id!r}: the saved dataset at {base} has no Arrow files")
    return files


def _format(entry: Any, path: Path, opts: dict[str, Any]) -> str:
    if opts.get("format"):
        return opts["format"]
    suffixes = [s.lower() for s in Path(path).suffixes if s.lower() not in (".gz", ".zst", ".bz2", ".xz")]
    fmt = _SUFFIX_FORMAT.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise OptionsError(f"source {entry.id!r}: cannot tell the format of {path.name}; set option 'format' ({', '.join(FORMATS)})")
    return fmt


def _offline() -> str | None:
    """Why the hub cannot be reached, or None when it may be."""
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on"):
            return f"{var}={os.environ[var]} is set"
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy")):
        return None  # through a proxy: let the download itself say what fails
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = endpoint.hostname or "huggingface.co", endpoint.port or (443 if endpoint.scheme != "http" else 80)
    try:
        with socket.create_connection((host, port), timeout=3):
            return None
    except Exception as exc:  # no DNS, no route, refused, or a sandbox forbidding it
        return f"no connection to {host}:{port} ({type(exc).__name__}: {exc})"


def _hub_units(entry: Any, hub_id: str, split: str | None, local: Path) -> list[Path]:
    why = _offline()
    if why is not None:
        raise HubUnavailable(
            f"source {entry.id!r}: location {hub_id!r} is no local path ({local} does not exist), so it names a "
            f"Hugging Face Hub dataset, and the hub is not reachable offline ({why}). Where a network exists, run "
            f"`datasets.load_dataset({hub_id!r}).save_to_disk(DIR)` and set this entry's location to DIR."
        )
    import datasets

    try:
        builder = datasets.load_dataset_builder(hub_id)
        splits = list(builder.info.splits or {}) or ["train"]
        loaded = datasets.load_dataset(hub_id, split=_pick_split(entry, splits, split))
    except SourceLocationError:
        raise
    except Exception as exc:
        raise SourceLocationError(f"source {entry.id!r}: cannot load hub dataset {hub_id!r}: {type(exc).__name__}: {exc}") from exc
    return [Path(f["filename"]) for f in loaded.cache_files]


def read(path: Path, entry: Any, options: Any = None) -> Iterator[RawDocument | BadRecord]:
    opts = _settings(entry)
    fields = FieldMap.from_options(entry, opts)
    path = Path(path)
    where = str(path)
    label = file_label(path, entry)
    row = 0
    try:
        for record in _rows(entry, path, opts):
            row += 1
            yield to_document(record, fields, where, row, label, "row")
    except Exception as exc:  # datasets stops at the first bad row of a data file: report where
        yield BadRecord(where, row + 1, "unreadable_rows", f"{type(exc).__name__}: {exc}"[:500])


def _rows(entry: Any, path: Path, opts: dict[str, Any]) -> Iterator[dict[str, Any]]:
    import datasets

    fmt = _format(entry, path, opts)
    if fmt == "arrow":  # a saved dataset's shard: memory-mapped, batch by batch
        ds = datasets.Dataset.from_file(str(path))
        for batch in ds.with_format("arrow").iter(batch_size=_BATCH):
            yield from batch.to_pylist()
        return
    streamed = datasets.load_dataset(fmt, data_files=str(path), split="train", streaming=True)
    yield from streamed
