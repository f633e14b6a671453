"""The Megatron-LM indexed dataset format (`MMIDIDX`): a streaming writer and a zero-copy reader.

`.bin` holds the token ids back to back; `.idx` holds the header (`MMIDIDX\\x00\\x00`,
version 1 as <Q, the dtype code as <B), the sequence and document counts (<Q each),
then int32 sequence lengths, int64 byte pointers and int64 document indices. One
document is one sequence here, so the document indices are 0, 1, ..., n. This is the
layout megatron-core's `IndexedDataset` reads, written without importing it (and so
without torch).
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

from curation.atomic import atomic_path, temp_path

INDEX_HEADER = b"MMIDIDX\x00\x00"
INDEX_VERSION = 1
_FIXED = len(INDEX_HEADER) + 8 + 1 + 8 + 8  # 34 bytes before the arrays

# Megatron's DType codes
DTYPE_CODES: dict[np.dtype, int] = {
    np.dtype(np.uint8): 1,
    np.dtype(np.int8): 2,
    np.dtype(np.int16): 3,
    np.dtype(np.int32): 4,
    np.dtype(np.int64): 5,
    np.dtype(np.float64): 6,
    np.dtype(np.float32): 7,
    np.dtype(np.uint16): 8,
}
CODE_DTYPES = {code: dtype for dtype, code in DTYPE_CODES.items()}


class IndexedFormatError(ValueError):
    """A `.bin/.idx` pair that is not a valid Megatron indexed dataset (message names the file)."""


def token_dtype(vocab_size: int) -> np.dtype:
    """uint16 when every id fits (vocab ≤ 65,536), int32 otherwise: half the bytes for small vocabularies."""
    return np.dtype(np.uint16) if vocab_size <= 1 << 16 else np.dtype(np.int32)


def bin_path(prefix: str | Path) -> Path:
    return Path(f"{prefix}.bin")


def idx_path(prefix: str | Path) -> Path:
    return Path(f"{prefix}.idx")


def index_bytes(lengths: np.ndarray, dtype: np.dtype) -> bytes:
    """The whole `.idx` content for documents of these lengths (one sequence per document)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    n = len(lengths)
    if n and (lengths.min() < 0 or lengths.max() > np.iinfo(np.int32).max):
        raise ValueError("document lengths must be in [0, 2**31)")
    pointers = np.zeros(n, dtype=np.int64)
    if n > 1:
        np.cumsum(lengths[:-1] * dtype.itemsize, out=pointers[1:])
    head = INDEX_HEADER + struct.pack("<Q", INDEX_VERSION) + struct.pack("<B", DTYPE_CODES[dtype])
    head += struct.pack("<Q", n) + struct.pack("<Q", n + 1)
    return b"".join([head, lengths.astype("<i4").tobytes(), pointers.astype("<i8").tobytes(), np.arange(n + 1, dtype="<i8").tobytes()])


class IndexedWriter:
    """Appends documents to `<prefix>.bin`; `close()` writes `<prefix>.idx` and renames both into place.

    Until `close()`, both files exist only under temporary names, so an interrupted
    write never leaves a pair that looks complete.
    """

    def __init__(self, prefix: str | Path, dtype: np.dtype | type):
        self.prefix = Path(prefix)
        self.dtype = np.dtype(dtype)
        if self.dtype not in DTYPE_CODES:
            raise ValueError(f"unsupported token dtype {self.dtype}")
        self.prefix.parent.mkdir(parents=True, exist_ok=True)
        self._bin_tmp = temp_path(bin_path(self.prefix))
        self._bin = open(self._bin_tmp, "wb")
        self._lengths: list[np.ndarray] = []
        self._hash = hashlib.sha256()
        self.documents = 0
        self.tokens = 0
        self.sha256: dict[str, str] = {}  # of `.bin` and `.idx`, filled by close(): no second read for the manifest

    @property
    def bin_bytes(self) -> int:
        return self.tokens * self.dtype.itemsize

    def add_documents(self, tokens: np.ndarray, lengths: np.ndarray) -> None:
        """Documents given as their concatenated tokens plus each one's length."""
        tokens = np.asarray(tokens)
        lengths = np.asarray(lengths, dtype=np.int64)
        if int(lengths.sum()) != len(tokens):
            raise ValueError(f"lengths sum to {int(lengths.sum())} but {len(tokens)} tokens were given")
        if tokens.dtype != self.dtype:
            if len(tokens) and (tokens.min() < 0 or tokens.max() > np.iinfo(self.dtype).max):
                raise ValueError(f"token ids out of range for {self.dtype}")
            tokens = tokens.astype(self.dtype)
        data = tokens.astype(self.dtype.newbyteorder("<"), copy=False).tobytes()
        self._bin.write(data)
        self._hash.update(data)
        self._lengths.append(lengths)
        self.documents += len(lengths)
        self.tokens += len(tokens)

    def add_document(self, tokens: np.ndarray | list[int]) -> None:
        tokens = np.asarray(tokens, dtype=self.dtype)
        self.add_documents(tokens, np.array([len(tokens)], dtype=np.int64))

    def add_raw(self, raw: bytes | memoryview | np.ndarray, lengths: np.ndarray) -> None:
        """Documents copied as raw `.bin` bytes of this writer's dtype (merging datasets without decoding)."""
        lengths = np.asarray(lengths, dtype=np.int64)
        nbytes = memoryview(raw).nbytes
        if nbytes != int(lengths.sum()) * self.dtype.itemsize:
            raise ValueError(f"{nbytes} bytes do not hold {int(lengths.sum())} tokens of {self.dtype}")
        self._bin.write(raw)
        self._hash.update(raw)
        self._lengths.append(lengths)
        self.documents += len(lengths)
        self.tokens += int(lengths.sum())

    def close(self) -> Path:
        """Finish both files; returns the prefix."""
        self._bin.close()
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int64)
        index = index_bytes(lengths, self.dtype)
        self.sha256 = {"bin": self._hash.hexdigest(), "idx": hashlib.sha256(index).hexdigest()}
        with atomic_path(idx_path(self.prefix)) as idx_tmp:  # the `.idx` appears last: a pair is complete once it exists
            idx_tmp.write_bytes(index)
            os.replace(self._bin_tmp, bin_path(self.prefix))
        return self.prefix

    def abort(self) -> None:
        self._bin.close()
        self._bin_tmp.unlink(missing_ok=True)

    def __enter__(self) -> IndexedWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        elif not self._bin.closed:
            self.close()


class IndexedReader:
    """Memory-maps a dataset; `reader[i]` is document i's tokens as a read-only view (no copy)."""

    def __init__(self, prefix: str | Path):
        self.prefix = Path(prefix)
        ipath, bpath = idx_path(self.prefix), bin_path(self.prefix)
        for p in (ipath, bpath):
            if not p.exists():
                raise FileNotFoundError(f"{p}: missing (a Megatron dataset needs both .bin and .idx)")
        index = np.memmap(ipath, dtype=np.uint8, mode="r") if ipath.stat().st_size else np.zeros(0, np.uint8)
        if len(index) < _FIXED or bytes(index[: len(INDEX_HEADER)]) != INDEX_HEADER:
            raise IndexedFormatError(f"{ipath}: not a Megatron index (bad MMIDIDX header)")
        version, code, n_seq, n_doc = struct.unpack("<QBQQ", bytes(index[len(INDEX_HEADER) : _FIXED]))
        if version != INDEX_VERSION:
            raise IndexedFormatError(f"{ipath}: unsupported index version {version}")
        if code not in CODE_DTYPES:
            raise IndexedFormatError(f"{ipath}: unknown dtype code {code}")
        self.dtype = CODE_DTYPES[code]
        expected = _FIXED + n_seq * (4 + 8) + n_doc * 8
        if len(index) < expected:
            raise IndexedFormatError(f"{ipath}: truncated index ({len(index)} bytes, {expected} expected)")
        buf = index.data if len(index) else memoryview(b"")
        self.sizes = np.frombuffer(buf, dtype="<i4", count=n_seq, offset=_FIXED)
        self.pointers = np.frombuffer(buf, dtype="<i8", count=n_seq, offset=_FIXED + 4 * n_seq)
        self.document_indices = np.frombuffer(buf, dtype="<i8", count=n_doc, offset=_FIXED + 12 * n_seq)
        if n_doc == 0 or self.document_indices[0] != 0 or self.document_indices[-1] != n_seq:
            raise IndexedFormatError(f"{ipath}: document indices do not cover the {n_seq} sequences")
        self._index = index
        self.tokens = int(self.sizes.sum(dtype=np.int64))
        size = bpath.stat().st_size
        if size != self.tokens * self.dtype.itemsize:
            raise IndexedFormatError(
                f"{bpath}: {size} bytes, but the index describes {self.tokens} tokens of {self.dtype} "
                f"({self.tokens * self.dtype.itemsize} bytes)"
            )
        self._bin = np.memmap(bpath, dtype=self.dtype.newbyteorder("<"), mode="r") if size else np.zeros(0, self.dtype)
        self._starts = self.pointers // self.dtype.itemsize

    def __len__(self) -> int:
        """Number of documents."""
        return len(self.document_indices) - 1

    def sequence(self, i: int) -> np.ndarray:
        start = int(self._starts[i])
        return self._bin[start : start + int(self.sizes[i])]

    def __getitem__(self, i: int) -> np.ndarray:
        """Document i's tokens (its sequences are contiguous in `.bin`), a view on the memory map."""
        if not -len(self) <= i < len(self):
            raise IndexError(f"document {i} out of range for {self.prefix} ({len(self)} documents)")
        i %= len(self)
        first, last = int(self.document_indices[i]), int(self.document_indices[i + 1])
        if first == last:
            return self._bin[0:0]
        start = int(self._starts[first])
        end = int(self._starts[last - 1]) + int(self.sizes[last - 1])
        return self._bin[start:end]

    def raw(self, first_doc: int, last_doc: int) -> memoryview:
        """The `.bin` bytes of documents [first_doc, last_doc), for copying into another dataset."""
        if first_doc >= last_doc:
            return memoryview(b"")
        s0 = int(self.document_indices[first_doc])
        s1 = int(self.document_indices[last_doc]) - 1
        start = int(self.pointers[s0])
        end = int(self.pointers[s1]) + int(self.sizes[s1]) * self.dtype.itemsize
        return self._bin.view(np.uint8).data[start:end]

    def document_lengths(self) -> np.ndarray:
        """Tokens per document (equal to `sizes` when each document is one sequence)."""
        csum = np.concatenate([[0], np.cumsum(self.sizes, dtype=np.int64)])
        return csum[self.document_indices[1:]] - csum[self.document_indices[:-1]]

    def torch(self, i: int, pin_memory: bool = True) -> Any:
        """Document i as a torch tensor: shares the map's memory, or a pinned copy when a GPU can use it.

        Pinned (page-locked) memory needs an accelerator runtime; without one the
        tensor is returned unpinned rather than failing.
        """
        import warnings

        import torch

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # read-only map: torch warns, we never write
            tensor = torch.from_numpy(self[i])
        if pin_memory and torch.cuda.is_available():
            tensor = tensor.pin_memory()
        return tensor
