"""Rehydration (FineWeb-2): upsample documents by how many copies they had before dedup.

Dedup keeps `dup_cluster_size` (the survivor and its exact, URL and near copies) as a signal of
every survivor. `tokenize.rehydrate` maps ranges of that size to a weight, e.g. {"2-5": 2, "6-": 0.5}:
the tokenizer puts the documents of each range in datasets of their own (`<group>@dup2-5_NNNNN`),
and the train blend gives such a dataset `weight` times the share its tokens would have in its
group, as if each of its documents were there `weight` times. A group's share of the blend (its
bytes^α) is unchanged: rehydration redistributes within a language (or source), not between them.
Documents of no range, and documents without the signal (size 1), keep weight 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.schema import signal_entries

SIGNAL = "dup_cluster_size"
MARK = "@dup"  # between a group and its size range in a dataset name: never in a group name (`safe_name`)
_RANGE = re.compile(r"^\s*(\d+)\s*(?:(-)\s*(\d*)\s*)?$")


class RehydrationError(ValueError):
    pass


@dataclass(frozen=True)
class Tier:
    label: str  # the range as configured, without spaces: "2-5", "6-", "1"
    low: int
    high: int | None  # None: no upper bound
    weight: float

    def holds(self, size: int) -> bool:
        return size >= self.low and (self.high is None or size <= self.high)


def parse_tiers(spec: Mapping[str, float]) -> list[Tier]:
    """The ranges of `tokenize.rehydrate`, sorted; an error names a malformed or overlapping range."""
    tiers = []
    for key, weight in spec.items():
        m = _RANGE.match(str(key))
        if not m:
            raise RehydrationError(f'tokenize.rehydrate: {key!r} is not a cluster-size range ("2-5", "6-" or "3")')
        low = int(m.group(1))
        high = None if m.group(2) and not m.group(3) else int(m.group(3) or low)
        if low < 1 or (high is not None and high < low):
            raise RehydrationError(f"tokenize.rehydrate: {key!r} is empty or starts below 1")
        if not weight > 0:
            raise RehydrationError(f"tokenize.rehydrate.{key}: the weight must be > 0, got {weight}")
        label = f"{low}-" if high is None else (str(low) if high == low else f"{low}-{high}")
        tiers.append(Tier(label, low, high, float(weight)))
    tiers.sort(key=lambda t: t.low)
    for a, b in zip(tiers, tiers[1:]):
        if a.high is None or a.high >= b.low:
            raise RehydrationError(f"tokenize.rehydrate: ranges {a.label} and {b.label} overlap")
    return tiers


def cluster_sizes(signals: pa.Array | pa.ChunkedArray, rows: int) -> np.ndarray:
    """Each document's `dup_cluster_size` signal (1 where absent)."""
    sizes = np.ones(rows, dtype=np.int64)
    if signals is None:
        return sizes
    row, names, values = signal_entries(signals)
    mine = pc.equal(names, SIGNAL).to_numpy(zero_copy_only=False)
    sizes[row[mine]] = values.to_numpy(zero_copy_only=False)[mine].astype(np.int64)
    return sizes


def tier_suffixes(sizes: np.ndarray, tiers: list[Tier]) -> list[str]:
    """The dataset-name suffix of each document: `@dup<range>` for a document in a range, else ""."""
    out = [""] * len(sizes)
    for tier in tiers:
        hit = (sizes >= tier.low) & (sizes <= (tier.high if tier.high is not None else np.iinfo(np.int64).max))
        for i in np.flatnonzero(hit).tolist():
            out[i] = MARK + tier.label
    return out


def split_group(key: str) -> tuple[str, str | None]:
    """(group, range label or None) of a dataset group key such as `en@dup2-5`."""
    group, mark, label = key.partition(MARK)
    return group, (label if mark else None)
