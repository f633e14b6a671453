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
from curation.report.facts import language_key
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
    df = table.to_pandas()
    codes = {str(lang): language_key(str(lang)) for lang in df["lang"].cat.categories}
    if any(k != v for k, v in codes.items()):  # `sh` and `sr-Latn` are one language
        df["lang"] = df["lang"].astype(str).map(codes).astype("category")
    return df


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


# a language gets its own chart of a signal from this many measured documents (at most MAX_OWN_PANELS
# languages, the largest); the others share one chart
MIN_DOCS_OWN_PANEL = 100
MAX_OWN_PANELS = 6
# a signal is drawn only when it has a distribution: 3+ distinct values, its most common one under this share
MAX_MODE_SHARE = 0.9


@dataclass(frozen=True)
class Panel:
    """One chart of a signal: a language, or the smaller languages together; bars are shares of its documents."""

    label: str
    langs: list[str]
    kept: list[float]
    removed: list[float]
    count: int
    threshold: float | None
    quantiles: dict[str, float]


@dataclass(frozen=True)
class SignalView:
    """Every chart of one signal on one scale: the same bins (x) and the same maximum share (y)."""

    signal: str
    edges: list[float]
    log_x: bool
    ymax: float
    panels: list[Panel]


@dataclass(frozen=True)
class FlatSignal:
    """A signal without a distribution worth a chart (0/1 flags, constants, almost always one value)."""

    signal: str
    docs: int
    distinct: int
    mode: float
    mode_share: float
    removed: int


def has_distribution(values: np.ndarray) -> bool:
    uniques, counts = np.unique(values, return_counts=True)
    return len(uniques) >= 3 and counts.max() / len(values) < MAX_MODE_SHARE


def signal_views(df: pd.DataFrame, thresholds=None, bins: int = 30) -> tuple[list[SignalView], list[FlatSignal]]:
    """Per signal (sorted): shared-scale panels when it has a distribution, else one summary row."""
    views, flat = [], []
    if df.empty:
        return views, flat
    for signal, part in df.groupby("signal", sort=True, observed=True):
        values = part["value"].to_numpy()
        if has_distribution(values):
            views.append(_view(str(signal), part, thresholds, bins))
        else:
            uniques, counts = np.unique(values, return_counts=True)
            flat.append(
                FlatSignal(
                    str(signal),
                    len(values),
                    len(uniques),
                    float(uniques[counts.argmax()]),
                    counts.max() / len(values),
                    int(part["removed"].sum()),
                )
            )
    return views, flat


def _groups(part: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(label, languages) of a signal's panels: the largest languages alone, the rest together."""
    sizes = part.groupby("lang", observed=True).size().sort_values(ascending=False, kind="stable")
    own = [str(lang) for lang, n in sizes.items() if n >= MIN_DOCS_OWN_PANEL][:MAX_OWN_PANELS]
    rest = sorted(str(lang) for lang in sizes.index if str(lang) not in own)
    groups = [(lang, [lang]) for lang in own]
    if len(rest) == 1:
        groups.append((rest[0], rest))
    elif rest:
        groups.append((f"{'other' if own else 'all'} {len(rest)} languages", rest))
    return groups


def _view(signal: str, part: pd.DataFrame, thresholds, bins: int) -> SignalView:
    groups = _groups(part)
    drawn = {label: _group_threshold(thresholds, signal, langs) for label, langs in groups}
    values = part["value"].to_numpy()
    # the axis spans the values and the thresholds drawn; a threshold of 0 does not turn a long-tailed
    # positive signal (bytes, words, perplexity) from a logarithmic axis into a linear one
    wide = values.min() > 0 and values.max() / values.min() > 1000
    lines = [t for t in drawn.values() if t is not None and (t > 0 or not wide)]
    edges, log_x = bin_edges(np.concatenate([values, lines]) if lines else values, None, bins)
    panels = []
    for label, langs in groups:
        sel = part[part["lang"].isin(langs)]
        v, removed = sel["value"].to_numpy(), sel["removed"].to_numpy(dtype=bool)
        kept_counts, _ = np.histogram(v[~removed], bins=edges)
        removed_counts, _ = np.histogram(v[removed], bins=edges)
        qs = np.quantile(v, QUANTILES)
        panels.append(
            Panel(
                label=label,
                langs=langs,
                kept=[float(c) / len(v) for c in kept_counts],
                removed=[float(c) / len(v) for c in removed_counts],
                count=len(v),
                threshold=drawn[label],
                quantiles={f"p{int(round(q * 100)):02d}": float(x) for q, x in zip(QUANTILES, qs)},
            )
        )
    ymax = max((k + r for p in panels for k, r in zip(p.kept, p.removed)), default=0.0)
    return SignalView(signal, [float(e) for e in edges], log_x, ymax, panels)


def _group_threshold(thresholds, signal: str, langs: list[str]) -> float | None:
    """The threshold drawn on a panel: the one its languages share (none when they differ)."""
    from curation.report.thresholds import threshold_of

    found = {threshold_of(thresholds, signal, lang) for lang in langs}
    return found.pop() if len(found) == 1 else None


def language_quantiles(df: pd.DataFrame, signals: list[str], langs: list[str]) -> dict[str, tuple[dict, dict]]:
    """lang → ({signal: {p05, p50, p95}}, {signal: documents measured}) for the given signals and languages."""
    part = df[df["signal"].isin(signals) & df["lang"].isin(langs)]
    out: dict[str, tuple[dict, dict]] = {}
    if part.empty:
        return out
    grouped = part.groupby(["lang", "signal"], observed=True, sort=True)["value"]
    table = grouped.quantile([0.05, 0.5, 0.95]).unstack()
    sizes = grouped.size()
    for (lang, signal), row in table.iterrows():
        q, n = out.setdefault(str(lang), ({}, {}))
        q[str(signal)] = {"p05": float(row[0.05]), "p50": float(row[0.5]), "p95": float(row[0.95])}
        n[str(signal)] = int(sizes[(lang, signal)])
    return out
