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
import pyarrow.compute as pc

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
    if unit == "line":  # the spans `spans` finds, by str.split (3x faster than the pattern)
        parts = text.split("\n")
        return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return [text[a:b] for a, b in spans(text, unit)]


UNIT_TYPE = pa.struct([("pos", pa.int32()), ("hash", pa.int64()), ("first", pa.bool_())])
UNITS_DDL = "array<struct<pos:int,hash:long,first:boolean>>"


def unit_lists(texts: pa.Array, unit: str) -> pa.ListArray:
    """Per text, its hashed units as a list of (pos, hash, first) (`UNIT_TYPE`); `first`: the hash's first position in
    its text (a document counts once per hash). Made in the pass that computes the other document features, so the
    texts are read once for both."""
    doc, positions, hashes = _hashed_units(texts, unit)
    _, first_at = np.unique(np.stack([doc, hashes], axis=1), axis=0, return_index=True)
    first = np.zeros(len(doc), dtype=bool)
    first[first_at] = True
    offsets = np.concatenate([[0], np.cumsum(np.bincount(doc, minlength=len(texts)))]).astype(np.int32)
    values = pa.StructArray.from_arrays([pa.array(positions), pa.array(hashes), pa.array(first)], fields=list(UNIT_TYPE))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _hashed_units(texts: pa.Array, unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(index of the text, position, hash) of every unit with something left after normalisation, in text order."""
    doc, positions, pieces = _split(texts, unit)
    if not len(pieces):
        empty = np.empty(0, dtype=np.int64)
        return empty, np.empty(0, dtype=np.int32), empty
    norm = zero_digits(normalize_text(pieces))
    keep = np.asarray(pc.utf8_length(norm).to_numpy(zero_copy_only=False)) > 0
    hashes = exact_hashes(None, norm.filter(pa.array(keep)))
    return doc[keep], positions[keep], hashes


def _split(texts: pa.Array, unit: str) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """(index of the text, position, unit) of every unit of every text (a null text has none).

    Lines are cut by one Arrow split per batch: a line's piece lacks the newline its span ends with, which normalisation
    drops anyway (a newline is whitespace, composes with nothing in NFKC and is not punctuation), and the piece after a
    final newline is empty (no hash), so hashes and positions are those of `spans`. Other units: `spans` per text."""
    if unit == "line":
        parts = pc.split_pattern(texts, "\n")
        lengths = pc.fill_null(pc.list_value_length(parts), 0).to_numpy().astype(np.int64)
        starts = np.cumsum(lengths) - lengths
        doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        positions = (np.arange(len(doc), dtype=np.int64) - starts[doc]).astype(np.int32)
        return doc, positions, pc.list_flatten(parts)
    per_text = [units(text or "", unit) for text in texts.to_pylist()]
    doc = np.repeat(np.arange(len(per_text), dtype=np.int64), [len(p) for p in per_text])
    positions = np.concatenate([np.arange(len(p), dtype=np.int32) for p in per_text]) if per_text else np.empty(0, dtype=np.int32)
    return doc, positions, pa.array([piece for p in per_text for piece in p], pa.string())


def without_units(text: str, drop: Sequence[int], unit: str) -> tuple[str, int]:
    """(`text` without the units at positions `drop`, whitespace trimmed at both ends when any was removed; units removed)."""
    gone = set(drop)
    parts = units(text, unit)
    kept = "".join(part for i, part in enumerate(parts) if i not in gone)
    removed = sum(1 for i in range(len(parts)) if i in gone)
    return (kept.strip() if removed else kept), removed
