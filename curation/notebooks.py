"""Helpers the auditor notebooks import, so the notebooks stay a few short cells.

They read only the statistics and the shards of a run directory (the `CURATION_OUT`
environment variable, else `./out`), and the run's own record (`run.json`: its config,
catalog and version), and return pandas DataFrames that display as tables. Everything
shown passes through the same facts and redactor as the report.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from curation.config import RunConfig
from curation.layout import Layout
from curation.pipeline import stage_labels
from curation.redact import redact
from curation.report.facts import RunFacts, Totals, load_counts, run_facts
from curation.report.signals import QUANTILES, distribution, has_distribution, read_signals, signal_names, threshold_sweep
from curation.report.thresholds import directions_for
from curation.report.tokens import read_token_manifest
from curation.run_record import read_run_record

__all__ = [
    "run_layout",
    "provenance",
    "run_config",
    "starting_threshold",
    "facts",
    "missing_stages",
    "stats_frame",
    "language_table",
    "reasons_table",
    "source_table",
    "token_table",
    "load_signals",
    "signal_names",
    "signal_summary",
    "histogram",
    "sweep_table",
    "what_if",
]


def run_layout(path: str | Path | None = None) -> Layout:
    """The run to audit: `path`, else $CURATION_OUT, else ./out; fails clearly when it has no statistics."""
    root = Path(path or os.environ.get("CURATION_OUT") or "out")
    layout = Layout(root)
    if not load_counts(layout).rows:
        raise FileNotFoundError(f"{root}: no statistics found; run a stage first or set CURATION_OUT to a run directory")
    return layout


def run_config(layout: Layout) -> RunConfig | None:
    """The config the run recorded in `run.json` (None when its stages were run one by one)."""
    record = read_run_record(layout.root)
    return record.run_config(layout.root) if record else None


def provenance(layout: Layout) -> str:
    record = read_run_record(layout.root)
    return record.summary() if record else "no run record (run.json): config, catalog and version unknown"


def starting_threshold(signals: pd.DataFrame, layout: Layout | None = None) -> tuple[str | None, float | None, str]:
    """(signal, threshold, "below"/"above") for the explorer to open on: a signal with a distribution (those the
    run's filters cut first), at its median, on the side its filter removes, so the first view removes something."""
    directions = directions_for(run_config(layout)) if layout is not None and run_config(layout) else {}
    names = sorted(signal_names(signals), key=lambda s: (s not in directions, s))
    first = None
    for name in names:
        values = signals[signals["signal"] == name]["value"].to_numpy()
        if not has_distribution(values):
            continue
        median, side = float(np.median(values)), directions.get(name, "below")
        first = first or (name, median, side)
        if ((values < median) if side == "below" else (values > median)).any():
            return name, median, side
    if first:
        return first
    return (names[0], float(signals[signals["signal"] == names[0]]["value"].median()), "below") if names else (None, None, "below")


def facts(layout: Layout) -> RunFacts:
    return run_facts(layout)


def missing_stages(layout: Layout) -> list[str]:
    return run_facts(layout).missing


def stats_frame(layout: Layout) -> pd.DataFrame:
    """The whole statistics table: stage × lang × source × outcome → docs, bytes, chars, tokens."""
    records = load_counts(layout).to_json()
    return pd.DataFrame(records, columns=["stage", "lang", "source", "outcome", "docs", "bytes", "chars", "tokens"])


def language_table(layout: Layout) -> pd.DataFrame:
    """One row per language: documents after each stage run, final bytes and tokens, removal and duplicate rates."""
    f = run_facts(layout)
    rows = []
    for lang in f.langs:
        funnel = f.funnel.get(lang, {})
        ingested = funnel.get("ingest", Totals()).docs
        row = {"lang": lang}
        row |= {f"docs {stage_labels()[s]}": funnel.get(s, Totals()).docs for s in f.present}
        row["bytes final"] = f.final(lang).bytes
        if "tokenize" in f.present:
            row["tokens"] = funnel.get("tokenize", Totals()).tokens
        if "filter" in f.present:
            row["filtered out %"] = round(100 * (1 - funnel.get("filter", Totals()).docs / ingested), 2) if ingested else 0.0
        if "dedup" in f.present:
            d = f.duplicates.get(lang)
            row["duplicate %"] = round(100 * d.rate, 2) if d else 0.0
        rows.append(row)
    return pd.DataFrame(rows).set_index("lang") if rows else pd.DataFrame()


def reasons_table(layout: Layout) -> pd.DataFrame:
    """Removed documents by language, stage and reason, with the share of what entered that stage."""
    f = run_facts(layout)
    entering: dict[tuple[str, str], int] = {}
    for (stage, lang, _src, _o), v in f.counts.rows.items():
        entering[(lang, stage)] = entering.get((lang, stage), 0) + v[0]
    rows = [
        {
            "lang": r.lang,
            "stage": r.stage,
            "reason": r.reason,
            "docs": r.docs,
            "bytes": r.bytes,
            "share %": round(100 * r.docs / entering[(r.lang, r.stage)], 2),
        }
        for r in f.reasons
    ]
    return pd.DataFrame(rows, columns=["lang", "stage", "reason", "docs", "bytes", "share %"])


def source_table(layout: Layout, catalog_path: str | Path | None = None) -> pd.DataFrame:
    """One row per source: license (from the catalog: `catalog_path`, else the run's own from `run.json`) and
    documents after each stage."""
    f = run_facts(layout)
    entries = {}
    if catalog_path is None:
        config = run_config(layout)
        catalog_path = config.catalog if config else None
    if catalog_path:
        from curation.catalog import load_catalog

        entries = {e.id: e for e in load_catalog(catalog_path).entries}
    rows = []
    for src in f.sources:
        funnel = f.source_funnel.get(src, {})
        en = entries.get(src)
        row = {"source": src, "license": redact(en.license) if en else "unknown"}
        row |= {f"docs {stage_labels()[s]}": funnel.get(s, Totals()).docs for s in f.present}
        rows.append(row)
    return pd.DataFrame(rows).set_index("source") if rows else pd.DataFrame()


def token_table(layout: Layout) -> pd.DataFrame:
    """Tokens per language with the blend weight beside (empty when not tokenized yet)."""
    f = run_facts(layout)
    mix = read_token_manifest(layout)
    by_lang = (mix.by_lang if mix else {}) or f.tokens_by("lang")
    blend = mix.blend_by_lang() if mix else {}
    total = sum(by_lang.values())
    rows = [
        {
            "lang": lang,
            "tokens": n,
            "token share %": round(100 * n / total, 2) if total else 0.0,
            "blend weight %": round(100 * blend[lang], 2) if lang in blend else np.nan,
        }
        for lang, n in by_lang.items()
    ]
    return pd.DataFrame(rows, columns=["lang", "tokens", "token share %", "blend weight %"]).set_index("lang")


def load_signals(layout: Layout, max_docs: int = 200_000) -> pd.DataFrame:
    """Per (document, signal) values of kept and removed documents (sampled by id above `max_docs`)."""
    return read_signals(layout, max_docs)


def signal_summary(signals: pd.DataFrame) -> pd.DataFrame:
    """Quantiles of each signal per language, and how many of the measured documents were removed."""
    if signals.empty:
        return pd.DataFrame()
    grouped = signals.groupby(["signal", "lang"], observed=True)
    table = grouped["value"].quantile(list(QUANTILES)).unstack()
    table.columns = [f"p{int(round(q * 100)):02d}" for q in QUANTILES]
    table.insert(0, "removed", grouped["removed"].sum().astype(int))
    table.insert(0, "docs", grouped.size())
    return table


def histogram(signals: pd.DataFrame, signal: str, lang: str, threshold: float | None = None, bins: int = 30):
    """The report's histogram (kept / removed, threshold line) as an SVG for the notebook."""
    from IPython.display import SVG

    from curation.report.charts import histogram as svg_histogram

    d = distribution(signals, signal, lang, threshold, bins)
    if d is None:
        raise ValueError(f"no values of signal {signal!r} for language {lang!r}")
    return SVG(data=svg_histogram(d.edges, d.kept, d.removed, f"{signal} · {lang} (n={d.count:,})", threshold, d.log_x))


def sweep_table(signals: pd.DataFrame, signal: str, candidates: list[float] | None = None) -> pd.DataFrame:
    """Share of documents below / above each candidate threshold, per language (quantiles by default)."""
    frames = []
    for lang in sorted(signals[signals["signal"] == signal]["lang"].unique()):
        values = signals[(signals["signal"] == signal) & (signals["lang"] == lang)]["value"]
        cands = candidates or sorted({round(float(v), 6) for v in values.quantile([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])})
        frames.append(threshold_sweep(signals, signal, lang, cands).assign(lang=lang))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).set_index(["lang", "threshold"])


def what_if(signals: pd.DataFrame, thresholds: Mapping[str, Mapping[str, float]], remove: Mapping[str, str]) -> pd.DataFrame:
    """Per language: documents the given thresholds would remove, beside what the filters removed.

    `thresholds` is `{signal: {lang or "*": value}}`; `remove` says per signal whether documents
    `"below"` or `"above"` the value go. A document goes if any signal removes it.
    """
    rows = []
    for lang in sorted(signals["lang"].unique()):
        part = signals[signals["lang"] == lang]
        docs = part["id"].nunique()
        removed_now = part[part["removed"]]["id"].nunique()
        gone: set[str] = set()
        for signal, per_lang in thresholds.items():
            t = per_lang.get(lang, per_lang.get("*"))
            if t is None:
                continue
            s = part[part["signal"] == signal]
            hit = s["value"] < t if remove.get(signal, "below") == "below" else s["value"] > t
            gone |= set(s[hit]["id"])
        rows.append(
            {
                "lang": lang,
                "docs": docs,
                "removed by the filters": removed_now,
                "would remove": len(gone),
                "would remove %": round(100 * len(gone) / docs, 2) if docs else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["lang", "docs", "removed by the filters", "would remove", "would remove %"]).set_index("lang")
