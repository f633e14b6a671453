"""Signal distributions read from the shards: what each filter measured, per document.

Both the kept (`filtered/`) and the removed (`removed/<filter>/`) documents carry
their signals, so a distribution shows the whole population a threshold cut.
Large runs are sampled by document id (a hash prefix), which is uniform and
deterministic: the same shards always give the same sample.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from curation.layout import Layout
from curation.shards import list_shards

COLUMNS = ("id", "signal", "lang", "source", "value", "removed", "reason")
DEFAULT_MAX_DOCS = 200_000


def signal_shards(layout: Layout) -> list[tuple[Path, bool]]:
    """(shard, removed?) for every shard whose documents went through the filters."""
    shards = [(p, False) for p in list_shards(layout.filtered())]
    root = layout.removed()
    if root.exists():
        # removed/<filter>/ (one folder per filter) or removed/filter/; the other stages' folders carry no new signals
        for stage_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in ("ingest", "dedup", "tokenize")):
            shards += [(p, True) for p in list_shards(stage_dir)]
    return shards


def _keep_mask(ids: list[str], rate: float) -> np.ndarray:
    limit = int(rate * 2**32)
    out = np.empty(len(ids), dtype=bool)
    for i, doc_id in enumerate(ids):
        try:
            h = int(doc_id[:8], 16)
        except ValueError:
            h = int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=4).digest(), "big")
        out[i] = h < limit
    return out


def read_signals(layout: Layout, max_docs: int = DEFAULT_MAX_DOCS) -> pd.DataFrame:
    """One row per (document, signal): id, signal, lang, source, value, removed, reason.

    Non-finite values are dropped (a filter that could not measure says NaN).
    """
    shards = signal_shards(layout)
    total = sum(pq.ParquetFile(p).metadata.num_rows for p, _ in shards)
    rate = 1.0 if total <= max_docs else max_docs / total
    frames = []
    for path, removed in shards:
        names = set(pq.ParquetFile(path).schema_arrow.names)
        if "signals" not in names:
            continue
        cols = ["id", "lang", "source", "signals"] + (["reason"] if removed and "reason" in names else [])
        table = pq.read_table(path, columns=cols)
        if rate < 1.0:
            table = table.filter(pa.array(_keep_mask(table.column("id").to_pylist(), rate)))
        sig = table.column("signals").combine_chunks()
        if len(sig) == 0:
            continue
        offsets = sig.offsets.to_numpy()
        parents = pa.array(np.repeat(np.arange(len(sig)), np.diff(offsets)))
        start, stop = int(offsets[0]), int(offsets[-1])
        flat_keys = sig.keys.slice(start, stop - start)
        flat_vals = sig.items.slice(start, stop - start)
        frame = pd.DataFrame(
            {
                "id": table.column("id").take(parents).to_numpy(zero_copy_only=False),
                "signal": flat_keys.to_numpy(zero_copy_only=False),
                "lang": table.column("lang").take(parents).fill_null("und").to_numpy(zero_copy_only=False),
                "source": table.column("source").take(parents).to_numpy(zero_copy_only=False),
                "value": flat_vals.to_numpy(zero_copy_only=False).astype("float64"),
                "removed": removed,
                "reason": table.column("reason").take(parents).to_numpy(zero_copy_only=False) if "reason" in cols else None,
            }
        )
        frames.append(frame[np.isfinite(frame["value"])])
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else ("bool" if c == "removed" else "object")) for c in COLUMNS})
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values(["signal", "lang", "source", "value", "id"], kind="mergesort", ignore_index=True)


@dataclass(frozen=True)
class Distribution:
    signal: str
    lang: str
    edges: list[float]
    kept: list[int]
    removed: list[int]
    log_x: bool
    count: int
    quantiles: dict[str, float]  # p01 ... p99


QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def bin_edges(values: np.ndarray, threshold: float | None = None, bins: int = 30) -> tuple[np.ndarray, bool]:
    """Edges spanning the values and the threshold; logarithmic for wide positive ranges."""
    lo, hi = float(values.min()), float(values.max())
    if threshold is not None and math.isfinite(threshold):
        lo, hi = min(lo, threshold), max(hi, threshold)
    if lo > 0 and hi / lo > 1000:
        return np.logspace(math.log10(lo), math.log10(hi), bins + 1), True
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, bins + 1), False


def distribution(df: pd.DataFrame, signal: str, lang: str, threshold: float | None = None, bins: int = 30) -> Distribution | None:
    part = df[(df["signal"] == signal) & (df["lang"] == lang)]
    if part.empty:
        return None
    values = part["value"].to_numpy()
    removed = part["removed"].to_numpy(dtype=bool)
    edges, log_x = bin_edges(values, threshold, bins)
    kept_counts, _ = np.histogram(values[~removed], bins=edges)
    removed_counts, _ = np.histogram(values[removed], bins=edges)
    qs = np.quantile(values, QUANTILES)
    return Distribution(
        signal=signal,
        lang=lang,
        edges=[float(e) for e in edges],
        kept=[int(c) for c in kept_counts],
        removed=[int(c) for c in removed_counts],
        log_x=log_x,
        count=len(values),
        quantiles={f"p{int(round(q * 100)):02d}": float(v) for q, v in zip(QUANTILES, qs)},
    )


def signal_names(df: pd.DataFrame) -> list[str]:
    return sorted(df["signal"].unique().tolist()) if not df.empty else []


def threshold_sweep(df: pd.DataFrame, signal: str, lang: str, candidates: list[float]) -> pd.DataFrame:
    """For each candidate threshold, the share of documents below and above it (what a cut would remove)."""
    values = df[(df["signal"] == signal) & (df["lang"] == lang)]["value"].to_numpy()
    n = len(values)
    rows = []
    for t in candidates:
        below = int((values < t).sum())
        rows.append({"threshold": float(t), "docs": n, "below": below, "share_below": below / n if n else 0.0,
                     "above": n - below, "share_above": (n - below) / n if n else 0.0})
    return pd.DataFrame(rows, columns=["threshold", "docs", "below", "share_below", "above", "share_above"])
