"""One statistics table for the whole run, built from the shards' stats files.

Every stage writes `<shard>.stats.json` beside each output shard with its counts;
this module gathers them into `stats/stats.parquet` (stage × lang × source ×
outcome → docs, bytes, chars, tokens), which the CLI, the report and the
notebooks all read, and checks that the stages reconcile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from curation.counts import COUNT_FIELDS, KEPT, Counts
from curation.layout import Layout

STATS_SCHEMA = pa.schema(
    [("stage", pa.string()), ("lang", pa.string()), ("source", pa.string()), ("outcome", pa.string())]
    + [(f, pa.int64()) for f in COUNT_FIELDS]
)

# main stages in pipeline order: each one's input is the previous one's `kept`
MAIN_STAGES = ("ingest", "filter", "dedup", "tokenize")


def stats_files(layout: Layout) -> list[Path]:
    """Stats files of every shard. A stage writes each count in exactly one of them: the filter
    stage keeps all of a shard's counts beside its kept shard (its removed shards carry none),
    the dedup job beside whichever shard holds the documents."""
    roots = [layout.ingested(), layout.filtered(), layout.removed(), layout.deduped(), layout.tokens()]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*.stats.json"))


def collect(layout: Layout) -> Counts:
    total = Counts()
    for path in stats_files(layout):
        data = json.loads(path.read_text(encoding="utf-8"))
        total.merge(Counts.from_json(data.get("counts", [])))
    return total


def to_table(counts: Counts) -> pa.Table:
    records = counts.to_json()
    return pa.Table.from_pylist(records, schema=STATS_SCHEMA)


def write_stats(layout: Layout) -> Path:
    """Aggregate and write `stats/stats.parquet` (sorted rows: same counts, same bytes)."""
    table = to_table(collect(layout))
    path = layout.stats()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)
    return path


def read_stats_table(layout: Layout) -> pa.Table:
    return pq.read_table(layout.stats())


@dataclass(frozen=True)
class Mismatch:
    stage: str
    source: str
    expected: int  # documents kept by the previous stage
    found: int  # documents the stage accounted for (kept + removed)

    def __str__(self) -> str:
        return f"stage {self.stage!r}, source {self.source!r}: {self.found} documents accounted for, {self.expected} came in"


def reconcile(counts: Counts) -> list[Mismatch]:
    """For each main stage after the first: per source, kept + removed == what the previous stage kept.

    Compared per source (languages may change at language ID); bad records at ingest are
    not documents, so the chain starts from ingest's `kept`.
    """
    by: dict[tuple[str, str], dict[str, int]] = {}
    for (stage, _lang, source, outcome), values in counts.rows.items():
        slot = by.setdefault((stage, source), {"in": 0, "kept": 0})
        slot["in"] += values[0]
        if outcome == KEPT:
            slot["kept"] += values[0]
    present = [s for s in MAIN_STAGES if any(k[0] == s for k in by)]
    problems = []
    for prev, stage in zip(present, present[1:]):
        sources = sorted({src for (s, src) in by if s in (prev, stage)})
        for source in sources:
            expected = by.get((prev, source), {"kept": 0})["kept"]
            found = by.get((stage, source), {"in": 0})["in"]
            if expected != found:
                problems.append(Mismatch(stage, source, expected, found))
    return problems
