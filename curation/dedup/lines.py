"""Units of a text for line dedup (lines, paragraphs or sentences), their normalised hashes, and the text without some.

A text is cut into consecutive spans that cover it wholly, each unit with the separator after it, so removing units
leaves every other character as it was. A unit's hash is the 64-bit BLAKE2b of its normalised form (the exact-dedup
normalisation, digit runs as `0`: "© 2023 Example" and "(c) 2024 example" are one unit); a unit with nothing left
after normalisation (a blank or punctuation-only line) has no hash and is never removed.

`sentence` units are for text without line breaks, common for Chinese, Japanese and Thai pages: a sentence ends
after . ! ? … followed by whitespace, after 。！？ (no space needed), at a newline, and in Thai at a space between
Thai characters (Thai writes a space where other scripts end a sentence or clause).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from curation.dedup.normalize import exact_hashes, normalize_text, zero_digits

_SENTENCE_END = "|".join(
    (
        r"\n\s*",
        r"[.!?…]+['\"”’)\]»]*\s+",
        r"[。！？｡]+[」』”’）)】]*\s*",
        r"[।॥]+\s*",
        r"(?<=[\u0e00-\u0e7f])[^\S\n]+(?=[\u0e00-\u0e7f])",
    )
)

# unit → the separator after each unit (part of its span)
BREAKS: dict[str, re.Pattern[str]] = {
    "line": re.compile(r"\n"),
    "paragraph": re.compile(r"\n[^\S\n]*\n\s*"),
    "sentence": re.compile(_SENTENCE_END),
}


def spans(text: str, unit: str) -> list[tuple[int, int]]:
    """(start, end) of each unit of `text`, in order, covering it wholly."""
    bounds = [0]
    for m in BREAKS[unit].finditer(text):
        if m.end() > bounds[-1]:
            bounds.append(m.end())
    if bounds[-1] < len(text):
        bounds.append(len(text))
    return list(zip(bounds[:-1], bounds[1:]))


def units(text: str, unit: str) -> list[str]:
    return [text[a:b] for a, b in spans(text, unit)]


def unit_hashes(keys: Sequence[int], texts: Sequence[str | None], unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key, position, hash) of every unit of every text that has something left after normalisation."""
    doc_keys: list[int] = []
    positions: list[int] = []
    pieces: list[str] = []
    for key, text in zip(keys, texts):
        parts = units(text or "", unit)
        doc_keys.extend([key] * len(parts))
        positions.extend(range(len(parts)))
        pieces.extend(parts)
    if not pieces:
        empty = np.empty(0, dtype=np.int64)
        return empty, np.empty(0, dtype=np.int32), empty
    norm = zero_digits(normalize_text(pa.array(pieces, pa.string())))
    keep = np.asarray(pa.compute.utf8_length(norm).to_numpy(zero_copy_only=False)) > 0
    hashes = exact_hashes(None, norm.filter(pa.array(keep)))
    return np.asarray(doc_keys, dtype=np.int64)[keep], np.asarray(positions, dtype=np.int32)[keep], hashes


def without_units(text: str, drop: Sequence[int], unit: str) -> tuple[str, int]:
    """(`text` without the units at positions `drop`, whitespace trimmed at both ends when any was removed; units removed)."""
    gone = set(drop)
    parts = spans(text, unit)
    kept = "".join(text[a:b] for i, (a, b) in enumerate(parts) if i not in gone)
    removed = sum(1 for i in range(len(parts)) if i in gone)
    return (kept.strip() if removed else kept), removed
