"""Atomic writes: a file (or folder) appears under its final name only once complete.

The content goes to a temporary name in the same folder, `.<name>.tmp-<pid>`, which
is then renamed over the final name; a failure removes it instead. The leading dot
keeps it out of every listing of finished files (`list_shards`, Spark's readers), and
the `.tmp-` part lets a later run recognise what a killed run left behind.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def temp_path(path: str | Path) -> Path:
    """The temporary name `path` is written under before it is renamed into place."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def remove_stale_temps(path: str | Path) -> None:
    """Delete what killed writers of `path` left: its temporary files or folders, whatever their process id."""
    path = Path(path)
    for stale in path.parent.glob(f".{path.name}.tmp-*"):
        _remove(stale)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path` (its folder is created); rename it to `path` when the block
    succeeds, remove it when the block raises."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        yield tmp
    except BaseException:
        _remove(tmp)
        raise
    os.replace(tmp, path)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | Path, text: str) -> None:
    """`text` as UTF-8."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json_atomic(path: str | Path, data: Any) -> None:
    """Deterministic JSON: sorted keys, one space of indent, non-ASCII kept, final newline."""
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
