"""Machine-independent names for a source's files, used in fallback native ids.

Ids must not change when the same data sits in another folder or on another
machine, so a file is named by its path below the entry's `location`, never by
its absolute path.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any

_GLOB = set("*?[")


def file_label(path: Path, entry: Any) -> str:
    """`path` relative to the folder part of `entry.location` (its name if that fails, or without an entry)."""
    prefix = []
    for part in PurePath(entry.location).parts if entry is not None else ():
        if _GLOB & set(part):
            break
        if part != ".":
            prefix.append(part)
    parts = Path(path).parts
    if prefix and ".." not in prefix:
        k = len(prefix)
        for end in range(len(parts) - 1, k - 1, -1):
            if list(parts[end - k : end]) == prefix:
                return "/".join(parts[end:])
    return Path(path).name


ORIGIN = "origin"  # the meta key every adapter fills: where the document was read
UNITS = ("line", "row", "offset")  # 1-based line (text formats), 1-based row (tables), byte offset (archives)


def origin(file: str, unit: str | None = None, position: int | None = None, native_id: Any = None) -> dict[str, Any]:
    """`{"file": ..., <unit>: position, "id": native id}`: the record's place in the source, for `meta["origin"]`.

    `file` is the machine-independent `file_label`; `id` is the record's own id as the source wrote it,
    left out when the source has none (the id is then the position).
    """
    if unit is not None and unit not in UNITS:
        raise ValueError(f"origin unit must be one of {', '.join(UNITS)}, got {unit!r}")
    found: dict[str, Any] = {"file": file}
    if unit is not None and position is not None:
        found[unit] = position
    if native_id is not None:
        found["id"] = native_id
    return found


def with_origin(meta: dict[str, Any], where: dict[str, Any]) -> dict[str, Any]:
    """`meta` with `origin` set; a record field of that name is kept as `record_origin`."""
    if ORIGIN in meta:
        meta["record_origin"] = meta.pop(ORIGIN)
    meta[ORIGIN] = where
    return meta
