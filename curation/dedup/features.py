"""Per-document dedup keys, computed on executors over Arrow batches.

`features_fn` is the body of a `mapInArrow`: for each batch it returns the exact
hash of the normalised text, the normalised URL, the LSH band hashes (from a
vectorised MinHash over the whole batch) and line dedup's hashed units, each only
when a step of the job reads it (`Wanted`): a job of line dedup alone neither
normalises whole texts nor parses URLs. `jaccard_fn` verifies candidate pairs
by the true Jaccard of their shingle sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from curation.dedup.lines import UNITS_DDL, unit_lists
from curation.dedup.minhash import MinHasher, jaccard
from curation.dedup.normalize import exact_hashes, normalize_text, normalize_url, zero_digits

PASS_THROUGH = ("id", "source", "lang", "neg_priority", "neg_quality")

FEATURES_DDL = (
    "id string, source string, lang string, neg_priority int, neg_quality double, "
    "exact_hash long, url_norm string, has_sig boolean, bands array<long>"
)

JACCARD_DDL = "src long, dst long, jaccard double"


class Wanted(NamedTuple):
    """Which features a job reads (the others are null): `exact_hash` (exact dedup, the index), `url_norm` (url dedup,
    per-site line dedup, the index), MinHash bands (`near`), hashed units of line dedup (`unit`: its unit, or None)."""

    exact_hash: bool
    url_norm: bool
    near: bool
    unit: str | None


def features_ddl(wanted: Wanted) -> str:
    return FEATURES_DDL + (f", units {UNITS_DDL}" if wanted.unit else "")


def features_fn(hasher: MinHasher, wanted: Wanted) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            n = batch.num_rows
            if n == 0:
                continue
            text = batch.column("text")
            cols = {name: batch.column(name) for name in PASS_THROUGH}
            norm = normalize_text(text) if wanted.exact_hash or wanted.near else None
            cols["exact_hash"] = pa.array(exact_hashes(text, norm), pa.int64()) if wanted.exact_hash else pa.nulls(n, pa.int64())
            urls = batch.column("url").to_pylist() if wanted.url_norm else None
            cols["url_norm"] = pa.array([normalize_url(u) for u in urls], pa.string()) if urls else pa.nulls(n, pa.string())
            cols["has_sig"], cols["bands"] = _bands(hasher, text, batch.column("lang"), norm) if wanted.near else _no_bands(n)
            if wanted.unit:
                cols["units"] = unit_lists(text, wanted.unit)
            yield pa.RecordBatch.from_pydict(cols)

    return run


def _bands(hasher: MinHasher, text: pa.Array, lang: pa.Array, norm: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(has_sig, bands) of a batch: the LSH band hashes of its MinHash signatures."""
    sig, has = hasher.signatures(text, lang, zero_digits(norm))
    bands = hasher.band_hashes(sig)
    n = len(text)
    offsets = pa.array(np.arange(0, (n + 1) * hasher.bands, hasher.bands, dtype=np.int32))
    return pa.array(has), pa.ListArray.from_arrays(offsets, pa.array(bands.ravel()))


def _no_bands(n: int) -> tuple[pa.Array, pa.Array]:
    return pa.array(np.zeros(n, dtype=bool)), pa.nulls(n, pa.list_(pa.int64()))


def jaccard_fn(hasher: MinHasher) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            a = _sets_by_key(hasher, batch, "src", "text_a", "lang_a")
            b = _sets_by_key(hasher, batch, "dst", "text_b", "lang_b")
            values = [jaccard(x, y) for x, y in zip(a, b)]
            yield pa.RecordBatch.from_pydict(
                {"src": batch.column("src"), "dst": batch.column("dst"), "jaccard": pa.array(values, pa.float64())}
            )

    return run


def _sets_by_key(hasher: MinHasher, batch: pa.RecordBatch, key: str, text: str, lang: str) -> list[np.ndarray]:
    """Shingle sets of one side of the pairs, computed once per distinct document
    (a bucket's smallest key is the `src` of all its pairs)."""
    _, first, inverse = np.unique(batch.column(key).to_numpy(), return_index=True, return_inverse=True)
    take = pa.array(first)
    sets = hasher.shingle_sets(batch.column(text).take(take), batch.column(lang).take(take))
    return [sets[i] for i in inverse]
