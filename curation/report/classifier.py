"""The quality classifier in the report: one chart, a row per language, its `quality_score` distribution with the
threshold the filter judged it by (each model's own held-out threshold unless the run set `min_score`).

One chart for every language keeps the report small: the largest MAX_ROWS languages get a row each, the
others one row together (drawn without a threshold unless they share one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from curation.report import charts
from curation.report.markup import e, table
from curation.report.thresholds import threshold_of

SIGNAL = "quality_score"
BINS = 20
MAX_ROWS = 24


@dataclass(frozen=True)
class ScoreRow:
    label: str
    count: int
    kept: list[int]
    removed: list[int]
    threshold: float | None
    median: float

    @property
    def removed_share(self) -> float:
        return sum(self.removed) / self.count if self.count else 0.0


def _row(label: str, part: pd.DataFrame, threshold: float | None) -> ScoreRow:
    values, removed = part["value"].to_numpy(), part["removed"].to_numpy(dtype=bool)
    edges = np.linspace(0.0, 1.0, BINS + 1)
    kept_counts, _ = np.histogram(values[~removed], bins=edges)
    removed_counts, _ = np.histogram(values[removed], bins=edges)
    return ScoreRow(
        label, len(values), [int(c) for c in kept_counts], [int(c) for c in removed_counts], threshold, float(np.median(values))
    )


def score_rows(signals: pd.DataFrame, thresholds: Mapping[str, Mapping[str, float]] | None) -> list[ScoreRow]:
    """The classifier's rows, largest language first (ties by code), the rest together last."""
    part = signals[signals["signal"] == SIGNAL] if not signals.empty else signals
    if part.empty:
        return []
    by_lang = {str(lang): p for lang, p in part.groupby("lang", observed=True) if len(p)}
    order = sorted(by_lang, key=lambda lang: (-len(by_lang[lang]), lang))
    rows = [_row(lang, by_lang[lang], threshold_of(thresholds, SIGNAL, lang)) for lang in order[:MAX_ROWS]]
    rest = order[MAX_ROWS:]
    if rest:
        shared = {threshold_of(thresholds, SIGNAL, lang) for lang in rest}
        rows.append(_row(f"{len(rest)} others", pd.concat([by_lang[lang] for lang in rest]), shared.pop() if len(shared) == 1 else None))
    return rows


def section(signals: pd.DataFrame, thresholds: Mapping[str, Mapping[str, float]] | None) -> str:
    """The report's classifier part: the chart and a table (documents, threshold, median, removed share)."""
    rows = score_rows(signals, thresholds)
    if not rows:
        return ""
    chart = charts.histogram_rows(
        [(r.label, r.kept, r.removed, r.threshold, f"n={r.count:,}, {100 * r.removed_share:.1f}% removed") for r in rows],
        f"{SIGNAL} (P(high)) per language, with the threshold",
    )
    body = table(
        ["language", "docs scored", "threshold", "median", "removed by any filter"],
        [
            [r.label, r.count, "–" if r.threshold is None else r.threshold, round(r.median, 3), f"{100 * r.removed_share:.1f}%"]
            for r in rows
        ],
        numeric={1, 2, 3, 4},
    )
    return (
        f"<h3>{e(SIGNAL)}: the quality classifier</h3><p>The classifier's score per language, on one axis (0 to 1), each row "
        "scaled to its own largest bin; the red mark is the threshold the filter judged by (the model's held-out threshold "
        "unless the run sets <code>min_score</code>; none in Pareto mode). Removed counts every filter's removals.</p>"
        f'<div class="charts">{chart}</div>' + body
    )
