"""A file read once per version: a function of a file's path, cached by the resolved path, its modification time and
its size, so a file rewritten in place is read again and an unchanged one never twice."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def per_file_version(maxsize: int = 16) -> Callable[[Callable[[Path], T]], Callable[[str | Path], T]]:
    """Decorate `read(path) -> value`; calling the result stats the file (OSError when it is missing) and reads it only
    when this version has not been read."""

    def wrap(read: Callable[[Path], T]) -> Callable[[str | Path], T]:
        @functools.lru_cache(maxsize)
        def versioned(path: str, mtime_ns: int, size: int) -> T:
            return read(Path(path))

        @functools.wraps(read)
        def cached(path: str | Path) -> T:
            resolved = Path(path).resolve()
            stat = resolved.stat()
            return versioned(str(resolved), stat.st_mtime_ns, stat.st_size)

        return cached

    return wrap
