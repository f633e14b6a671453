"""Open plain, gzip or zstandard files by their suffix, as a binary stream.

A compressed stream that ends early raises `EOFError` (gzip does so itself; the
zstandard stream reader would silently stop at the cut, so frames are checked here).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 16


def open_binary(path: Path) -> BinaryIO:
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".zst") or name.endswith(".zstd"):
        return io.BufferedReader(_ZstdFrames(open(path, "rb")), buffer_size=_CHUNK)
    return open(path, "rb")


class _ZstdFrames(io.RawIOBase):
    """Decompress one or more concatenated zstd frames; a cut inside a frame raises EOFError."""

    def __init__(self, raw: BinaryIO) -> None:
        import zstandard

        self._zstd = zstandard
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._pending = b""
        self._pos = 0
        self._in_frame = False
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._pos >= len(self._pending) and not self._eof:
            chunk = self._raw.read(_CHUNK)
            if not chunk:
                self._eof = True
                if self._in_frame:
                    raise EOFError("zstd stream ended inside a frame (file truncated)")
                break
            self._feed(chunk)
        n = min(len(buffer), len(self._pending) - self._pos)
        buffer[:n] = memoryview(self._pending)[self._pos : self._pos + n]
        self._pos += n
        return n

    def _feed(self, chunk: bytes) -> None:
        out = []
        while chunk:
            self._in_frame = True
            out.append(self._obj.decompress(chunk))
            if self._obj.eof:  # frame complete; anything after it starts the next frame
                chunk = self._obj.unused_data
                self._obj = self._dctx.decompressobj()
                self._in_frame = False
            else:
                chunk = b""
        self._pending = self._pending[self._pos :] + b"".join(out)
        self._pos = 0

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def stream_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged plain/gzip/zstd stream can raise."""
    import zlib

    import zstandard

    return (EOFError, OSError, zlib.error, zstandard.ZstdError)


def stream_problem(exc: BaseException) -> str:
    """`truncated_stream` for a cut, `corrupt_stream` for damaged or mislabelled data."""
    return "truncated_stream" if isinstance(exc, EOFError) else "corrupt_stream"
