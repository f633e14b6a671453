"""Threshold calibration: each signal's percentiles for one language, beside the current thresholds.

ROOTS tuned 13 languages by hand from such distributions. Here a working group
runs `curation filter calibrate --lang xx` on ingested documents of sources that
declare xx; documents are language-identified first and only those detected as
xx are measured. The sample is deterministic (seeded), the scores are those of
the configured chain, and for each signal with a threshold the table shows the
share of the sample the current value would remove.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from curation.catalog import Catalog, CatalogEntry
from curation.config import RunConfig
from curation.layout import Layout
from curation.shards import list_shards, read_batches
from filters.base import Batch
from filters.langid import lang_matches

PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)


def _candidates(entries: list[CatalogEntry], config: RunConfig, lang: str, size: int, seed: int) -> tuple[list[dict], int]:
    """A seeded uniform sample (reservoir) of `size` documents from sources declaring `lang`, and how many there were.

    Streamed: memory holds the sample, not the sources.
    """
    layout = Layout(config.output_dir)
    rng = random.Random(seed)
    sample: list[dict] = []
    seen = 0
    for entry in entries:
        if entry.languages and "mul" not in entry.languages and not any(lang_matches(lang, d) for d in entry.languages):
            continue
        for shard in list_shards(layout.ingested(entry.id)):
            for rb in read_batches(shard, columns=["id", "source", "url", "text", "lang"]):
                for row in rb.to_pylist():
                    row["declared"] = tuple(entry.languages)
                    seen += 1
                    if len(sample) < size:
                        sample.append(row)
                    elif (slot := rng.randrange(seen)) < size:
                        sample[slot] = row
    rng.shuffle(sample)  # the reservoir keeps reading order while it fills; a prefix must be random too
    return sample, seen


def identified(entries: list[CatalogEntry], config: RunConfig, lang: str, sample: int = 5000, seed: int = 0) -> tuple[Batch, int, int]:
    """Up to `sample` ingested documents of sources declaring `lang`, identified as `lang` by the chain's langid (with
    the run's LID extension and thresholds) when it has one; with how many were sampled and how many there were."""
    from curation.filter_stage import build_filter, with_run_defaults

    docs, candidates = _candidates(entries, config, lang, sample * 4, seed)  # language identification keeps a share
    if not docs:
        raise ValueError(f"calibrate: no ingested documents from sources declaring {lang!r} under {Layout(config.output_dir).ingested()}")
    batch = Batch(
        ids=[d["id"] for d in docs],
        sources=[d["source"] for d in docs],
        urls=[d["url"] for d in docs],
        texts=[d["text"] for d in docs],
        langs=[d["lang"] for d in docs],
        lang_scores=[None] * len(docs),
        signals=[{} for _ in docs],
        declared=[d["declared"] for d in docs],
    )
    if "langid" not in config.filter.chain:
        return batch.take(range(min(sample, len(batch)))), len(docs), candidates
    langid = build_filter("langid", with_run_defaults(config))
    langid.ensure_setup()
    scores = langid.score(batch)
    batch.langs = list(scores.langs)
    for name, col in scores.signals.items():
        for i, value in enumerate(col):
            if value is not None:
                batch.signals[i][name] = float(value)
    keep = [i for i, l in enumerate(batch.langs) if l and lang_matches(l, lang)][:sample]
    return batch.take(keep), len(docs), candidates


def calibrate(
    catalog: Catalog, entries: list[CatalogEntry], config: RunConfig, lang: str, sample: int = 5000, seed: int = 0
) -> dict[str, Any]:
    """{"lang", "documents", "signals": [{signal, filter, param, direction, threshold, removed_share, percentiles}]}"""
    from curation.filter_stage import build_chain, with_run_defaults

    batch, sampled, candidates = identified(entries, config, lang, sample, seed)
    base_entry = next(e for e in entries if e.id == batch.sources[0]) if len(batch) else entries[0]
    chain, _ = build_chain(base_entry, with_run_defaults(config))
    values: dict[str, list[float]] = {}
    owners: dict[str, Any] = {}
    for f in chain:
        if f.name == "langid":
            for name in sorted({k for s in batch.signals for k in s}):
                values[name] = [s.get(name) for s in batch.signals]
                owners[name] = f
            continue
        f.ensure_setup()
        for name, col in f.score(batch).signals.items():
            values[name] = list(col)
            owners[name] = f
    if not len(batch):
        raise ValueError(f"calibrate: none of {sampled} documents was identified as {lang!r}")
    rows = []
    for name in sorted(values):
        if name.startswith("script:"):
            continue
        col = np.array([v for v in values[name] if v is not None], dtype=float)
        col = col[~np.isnan(col)]
        f = owners[name]
        param, direction = f.thresholds.get(name, (None, None))
        threshold = getattr(f.params_for(lang), param) if param else None
        removed = None
        if threshold is not None and col.size:
            removed = float(np.mean(col < threshold) if direction == "min" else np.mean(col > threshold))
        rows.append(
            {
                "signal": name,
                "filter": f.name,
                "param": param,
                "direction": direction,
                "threshold": threshold,
                "measured": int(col.size),
                "removed_share": None if removed is None else round(removed, 4),
                "percentiles": {str(p): round(float(np.percentile(col, p)), 4) for p in PERCENTILES} if col.size else {},
            }
        )
    return {"lang": lang, "documents": len(batch), "candidates": candidates, "sampled": sampled, "signals": rows}


def render(table: dict[str, Any]):
    from rich.table import Table

    t = Table(
        title=f"signals for {table['lang']}: {table['documents']} documents identified "
        f"in a sample of {table['sampled']} (of {table['candidates']} candidates)"
    )
    for col in ("signal", "filter", "threshold", "would remove", *(f"p{p}" for p in PERCENTILES)):
        t.add_column(col, justify="left" if col in ("signal", "filter") else "right")
    for row in table["signals"]:
        thr = "-" if row["threshold"] is None else f"{'≥' if row['direction'] == 'min' else '≤'} {row['threshold']:g}"
        rem = "-" if row["removed_share"] is None else f"{row['removed_share']:.1%}"
        t.add_row(row["signal"], row["filter"], thr, rem, *(f"{row['percentiles'].get(str(p), float('nan')):g}" for p in PERCENTILES))
    return t
