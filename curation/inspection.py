"""Samples of removed or kept documents, with their signals, for an auditor to judge a filter.

Samples are chosen by a hash of (seed, document id): the same run and seed give the
same samples, spread uniformly over all shards. Every shown string (text, URL,
detail, metadata) is passed through the redactor (`curation.redact`, the PII filter's
patterns) first, with the document's language.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from curation.counts import KEPT
from curation.layout import Layout
from curation.redact import redact, redact_url, redact_value
from curation.schema import signals_of
from curation.shards import list_shards, shard_order


class InspectError(ValueError):
    """A selection that names nothing in this run; the message lists what exists."""


@dataclass(frozen=True)
class Sample:
    id: str
    source: str
    lang: str | None
    stage: str
    reason: str
    detail: str | None
    url: str | None
    signals: dict[str, float]
    meta: dict
    chars: int  # length of the whole document
    text: str  # redacted excerpt

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Selection:
    samples: list[Sample]
    matched: int  # documents matching the selection
    shards: int  # shards read


def removed_stages(layout: Layout) -> list[str]:
    root = layout.removed()
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.exists() else []


def _stage_folders() -> set[str]:
    """Folders under removed/ named after a stage; every other one belongs to a filter of the filter stage."""
    from curation.pipeline import counted_stages

    return {s.name for s in counted_stages()} - {"filter"}


def removed_shards(layout: Layout, stage: str) -> tuple[list[Path], str | None]:
    """Shards holding what `stage` removed, and the stage-column value to select (None: all of them).

    The filter stage writes `removed/<filter>/<source>/` (stage column `<filter>`); `filter` means
    the whole chain, `filter:<name>` or `<name>` one filter of it.
    """
    available = removed_stages(layout)
    stage_folders = _stage_folders()
    filter_dirs = [d for d in available if d not in stage_folders]
    if stage == "filter":
        folders, name = filter_dirs, None
    else:
        name = stage.removeprefix("filter:")
        folders = [d for d in available if d == name]
        if name not in stage_folders and "filter" in available and "filter" not in folders:
            folders.append("filter")
    if not folders:
        raise InspectError(
            f"no removed documents for stage {stage!r} under {layout.removed()}; "
            f"stages with removed documents: {', '.join(available) or 'none'}"
        )
    return sorted((p for d in folders for p in list_shards(layout.removed(d))), key=shard_order), name


def kept_shards(layout: Layout, stage: str) -> list[Path]:
    """Documents a stage kept: its output shards (tokenize keeps what dedup kept)."""
    from curation.pipeline import counted_stages, kept_documents

    counted = [s.name for s in counted_stages()]
    main = stage.split(":")[0]
    if main not in counted:
        try:
            from filters import FILTERS
        except ImportError:  # pragma: no cover - filters ship with the package
            FILTERS = {}
        if stage not in FILTERS:
            raise InspectError(f"unknown stage {stage!r}; kept documents exist for stages {', '.join(counted)} (or one filter)")
        main = "filter"
    return list_shards(kept_documents(main, layout))


def _sample_key(seed: int, doc_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}\x00{doc_id}".encode(), digest_size=8).digest(), "big")


def select(
    layout: Layout,
    stage: str,
    reason: str | None = None,
    lang: str | None = None,
    source: str | None = None,
    kept: bool = False,
    n: int = 5,
    seed: int = 0,
    chars: int = 600,
) -> Selection:
    """Up to `n` documents `stage` removed for `reason` (or kept, with `kept=True`), redacted."""
    if kept or reason == KEPT:
        shards = kept_shards(layout, stage)
        name = None
    else:
        shards, name = removed_shards(layout, stage)
    # pass 1, light columns only: which documents match, and the n with the smallest sample keys
    heap: list[tuple[int, str, int, int]] = []  # (-key, id, shard, row): a max-heap of the n smallest keys
    matched = 0
    for shard_index, path in enumerate(shards):
        names = set(pq.ParquetFile(path).schema_arrow.names)
        wanted = (("lang", lang), ("source", source), ("reason", None if kept else reason), ("stage", name))
        table = pq.read_table(path, columns=["id"] + [c for c, v in wanted if v is not None and c in names])
        mask = None
        for column, value in wanted:
            if value is None or column not in names:
                continue
            values = table.column(column)
            if column == "stage":  # `quality` and `filter:quality` name the same filter
                values = pc.replace_substring_regex(values, pattern="^filter:", replacement="")
            cond = pc.fill_null(pc.equal(values, pa.scalar(value)), False)
            mask = cond if mask is None else pc.and_(mask, cond)
        rows = pc.indices_nonzero(mask).to_pylist() if mask is not None else range(table.num_rows)
        ids = table.column("id").to_pylist()
        for row_index in rows:
            matched += 1
            item = (-_sample_key(seed, ids[row_index]), ids[row_index], shard_index, row_index)
            if len(heap) < n:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    # pass 2: read the chosen documents in full
    chosen = sorted(heap, key=lambda item: (-item[0], item[1]))
    by_shard: dict[int, list[int]] = {}
    for _, _, shard_index, row_index in chosen:
        by_shard.setdefault(shard_index, []).append(row_index)
    full = {}
    for shard_index, row_indices in by_shard.items():
        taken = pq.read_table(shards[shard_index]).take(pa.array(row_indices)).to_pylist()
        full |= {(shard_index, r): row for r, row in zip(row_indices, taken)}
    rows = [full[(shard_index, row_index)] for _, _, shard_index, row_index in chosen]
    return Selection([_sample(r, stage, chars) for r in rows], matched, len(shards))


def _sample(row: dict, stage: str, chars: int) -> Sample:
    text = row.get("text") or ""
    signals = dict(sorted(signals_of(row.get("signals")).items()))
    try:
        meta = json.loads(row["meta"]) if row.get("meta") else {}
    except ValueError:
        meta = {"meta": row["meta"]}
    lang = row.get("lang")
    return Sample(
        id=row["id"],
        source=redact(row["source"]),
        lang=lang,
        stage=redact(row.get("stage") or stage),
        reason=redact(row.get("reason") or KEPT),
        detail=redact(row["detail"], lang) if row.get("detail") else None,
        url=redact_url(row["url"], lang) if row.get("url") else None,
        signals=signals,
        meta=redact_value(meta, lang),
        chars=len(text),
        # redact the whole text before cutting, so a cut cannot split an address out of reach of the patterns
        text=redact(text, lang)[:chars],
    )


def format_text(selection: Selection, title: str) -> str:
    """A plain-text rendering for the terminal."""
    lines = [f"{title}: {len(selection.samples)} of {selection.matched:,} matching documents ({selection.shards} shards read)"]
    for i, s in enumerate(selection.samples, 1):
        lines.append("")
        lines.append(f"── {i}/{len(selection.samples)}  id {s.id}  source {s.source}  lang {s.lang}  stage {s.stage}  reason {s.reason}")
        if s.detail:
            lines.append(f"detail: {s.detail}")
        if s.url:
            lines.append(f"url: {s.url}")
        if s.signals:
            lines.append("signals: " + "  ".join(f"{k}={v:.4g}" for k, v in s.signals.items()))
        lines.append(f"text ({min(len(s.text), s.chars):,} of {s.chars:,} chars, redacted):")
        lines.extend("  " + line for line in s.text.splitlines() or [""])
    return "\n".join(lines) + "\n"


def format_json(selection: Selection) -> str:
    return "".join(json.dumps(s.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for s in selection.samples)
