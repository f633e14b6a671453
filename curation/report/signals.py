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
import pyarrow.compute as pc
import pyarrow.parquet as pq

from curation.layout import Layout
from curation.schema import signal_entries
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
    """Keep a document when a hash of its id falls under `rate`: uniform whatever the ids look like."""
    limit = int(rate * 2**32)
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(i.encode(), digest_size=4).digest(), "big") < limit for i in ids), dtype=bool, count=len(ids)
    )


def read_signals(layout: Layout, max_docs: int = DEFAULT_MAX_DOCS) -> pd.DataFrame:
    """One row per (document, signal): id, signal, lang, source, value, removed, reason.

    Rows come in shard order (deterministic); the string columns are categoricals (compact, fast to group).
    Non-finite values are dropped (a filter that could not measure says NaN).
    """
    shards = signal_shards(layout)
    total = sum(pq.ParquetFile(p).metadata.num_rows for p, _ in shards)
    rate = 1.0 if total <= max_docs else max_docs / total
    parts = []
    for path, removed in shards:
        names = set(pq.ParquetFile(path).schema_arrow.names)
        if "signals" not in names:
            continue
        cols = ["id", "lang", "source", "signals"] + (["reason"] if removed and "reason" in names else [])
        table = pq.read_table(path, columns=cols)
        if rate < 1.0:
            table = table.filter(pa.array(_keep_mask(table.column("id").to_pylist(), rate)))
        if table.num_rows == 0:
            continue
        rows, signal_names, signal_values = signal_entries(table.column("signals"))
        parents, n = pa.array(rows), len(rows)
        reason = table.column("reason").take(parents) if "reason" in cols else pa.nulls(n, pa.string())
        parts.append(
            pa.table(
                {
                    "id": table.column("id").take(parents),
                    "signal": signal_names,
                    "lang": pc.fill_null(table.column("lang").take(parents), "und"),
                    "source": table.column("source").take(parents),
                    "value": pc.cast(signal_values, pa.float64()),
                    "removed": pa.array(np.full(n, removed)),
                    "reason": reason,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else ("bool" if c == "removed" else "object")) for c in COLUMNS})
    table = pa.concat_tables(parts)
    table = table.filter(pc.fill_null(pc.is_finite(table.column("value")), False))
    for name in ("id", "signal", "lang", "source", "reason"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.dictionary_encode(table.column(name)))
    return table.to_pandas()


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
    return _distribution(part, signal, lang, threshold, bins)


def distributions(df: pd.DataFrame, thresholds=None, bins: int = 30) -> dict[tuple[str, str], Distribution]:
    """Every (signal, lang) distribution in one grouping pass, sorted by signal then language."""
    from curation.report.thresholds import threshold_of

    if df.empty:
        return {}
    return {
        (signal, lang): _distribution(part, signal, lang, threshold_of(thresholds, signal, lang), bins)
        for (signal, lang), part in df.groupby(["signal", "lang"], sort=True, observed=True)
    }


def _distribution(part: pd.DataFrame, signal: str, lang: str, threshold: float | None, bins: int) -> Distribution:
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
    return sorted(str(s) for s in df["signal"].unique()) if not df.empty else []


def threshold_sweep(df: pd.DataFrame, signal: str, lang: str, candidates: list[float]) -> pd.DataFrame:
    """For each candidate threshold, the share of documents below and above it (what a cut would remove)."""
    values = df[(df["signal"] == signal) & (df["lang"] == lang)]["value"].to_numpy()
    n = len(values)
    rows = []
    for t in candidates:
        below = int((values < t).sum())
        rows.append(
            {
                "threshold": float(t),
                "docs": n,
                "below": below,
                "share_below": below / n if n else 0.0,
                "above": n - below,
                "share_above": (n - below) / n if n else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["threshold", "docs", "below", "share_below", "above", "share_above"])
