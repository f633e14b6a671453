"""Open plain, gzip or zstandard files by their suffix, as a binary stream."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO


def open_binary(path: Path) -> BinaryIO:
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".zst") or name.endswith(".zstd"):
        import zstandard

        raw = open(path, "rb")
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))
    return open(path, "rb")
