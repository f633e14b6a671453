"""An exclusive lock on an output folder: two runs writing one folder would corrupt each other
(one removes the other's temporary files), so the second stops at once and says who holds it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path


class OutputLocked(RuntimeError):
    """Another process is writing this output folder."""


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another process"
    return f"pid {info.get('pid')} on {info.get('host')} (`{info.get('command')}`, since {info.get('since')})"


@contextlib.contextmanager
def output_lock(output_dir: str | Path) -> Iterator[Path]:
    """Hold the output folder's lock file (flock: released by the kernel even after kill -9) while writing it."""
    from curation.layout import Layout

    folder = Path(output_dir)
    path = Layout(folder).lock()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLocked(
                f"{folder.resolve()} is being written by {_holder(path)}; wait for it to finish, or write to another folder (--out)"
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(["curation", *sys.argv[1:]])[:300],
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
