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
    """`path` relative to the folder part of `entry.location` (its name if that fails)."""
    prefix = []
    for part in PurePath(entry.location).parts:
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
