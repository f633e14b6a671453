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

from curation.atomic import atomic_path
from curation.counts import COUNT_FIELDS, KEPT, Counts
from curation.dedup import CUTTING_STEPS
from curation.layout import Layout
from curation.stage import Stage, StageResult

STATS_SCHEMA = pa.schema(
    [("stage", pa.string()), ("lang", pa.string()), ("source", pa.string()), ("outcome", pa.string())]
    + [(f, pa.int64()) for f in COUNT_FIELDS]
)

NAME = "stats"


def stats_files(layout: Layout) -> list[Path]:
    """Stats files of every shard of every counted stage (`pipeline.stats_roots`). A stage writes each
    count in exactly one of them: the filter stage keeps all of a shard's counts beside its kept
    shard (its removed shards carry none), the dedup job beside whichever shard holds the documents."""
    from curation.pipeline import stats_roots

    return sorted(p for root in stats_roots(layout) if root.exists() for p in root.rglob("*.stats.json"))


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
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def sources_losing(counts: Counts, stage: str, share: float = 0.5) -> dict[str, tuple[int, int]]:
    """Sources of which `stage` removed more than `share` of the documents it saw: source → (removed, seen).

    How a source whose language the language-ID model cannot output shows up (`filter:langid`)."""
    seen: dict[str, list[int]] = {}
    for (st, _lang, source, outcome), values in counts.rows.items():
        if st == stage:
            slot = seen.setdefault(source, [0, 0])
            slot[1] += values[0]
            if outcome != KEPT:
                slot[0] += values[0]
    return {src: (lost, total) for src, (lost, total) in sorted(seen.items()) if total and lost / total > share}


@dataclass(frozen=True)
class Mismatch:
    stage: str
    source: str
    expected: int  # documents kept by the previous stage
    found: int  # documents the stage accounted for (kept + removed)

    def __str__(self) -> str:
        return f"stage {self.stage!r}, source {self.source!r}: {self.found} documents accounted for, {self.expected} came in"


def reconcile(counts: Counts) -> list[Mismatch]:
    """For each counted stage: per source, kept + removed == what the stage it reads kept.

    A stage reads the stage it declares (`Stage.reads`), or the nearest one before that which
    this run counted. Compared per source (languages may change at language ID); bad records at
    ingest are not documents, so the chain starts from ingest's `kept`.
    """
    from curation.pipeline import counted_stages, stage_named

    by: dict[tuple[str, str], dict[str, int]] = {}
    for (stage, _lang, source, outcome), values in counts.rows.items():
        slot = by.setdefault((stage, source), {"in": 0, "kept": 0})
        slot["in"] += values[0]
        if outcome == KEPT:
            slot["kept"] += values[0]
    present = {s for s, _ in by}
    problems = []
    for stage in counted_stages():
        prev = stage.reads
        while prev is not None and prev not in present:
            prev = stage_named(prev).reads
        if stage.name not in present or prev is None:
            continue
        for source in sorted({src for (s, src) in by if s in (prev, stage.name)}):
            expected = by.get((prev, source), {"kept": 0})["kept"]
            found = by.get((stage.name, source), {"in": 0})["in"]
            if expected != found:
                problems.append(Mismatch(stage.name, source, expected, found))
    return problems


# text cut out of documents that stay (line dedup: `dedup:lines`) is counted under `<stage>:<step>` with this outcome
CUT = "removed"


def byte_mismatches(counts: Counts, stage: str = "dedup", before: str = "filter", cut_steps: tuple[str, ...] = CUTTING_STEPS) -> list[str]:
    """Per source: the bytes `before` kept == the bytes `stage` counted (kept + removed documents) + the bytes its
    `cut_steps` cut out of documents (`<stage>:<step>`, outcome `removed`). Empty when either stage is absent."""
    kept_before: dict[str, int] = {}
    after: dict[str, int] = {}
    cut_stages = {f"{stage}:{step}" for step in cut_steps}
    for (st, _lang, source, outcome), values in counts.rows.items():
        if st == before and outcome == KEPT:
            kept_before[source] = kept_before.get(source, 0) + values[1]
        elif st == stage or (st in cut_stages and outcome == CUT):
            after[source] = after.get(source, 0) + values[1]
    if not kept_before or not after:
        return []
    return [
        f"stage {stage!r}, source {source!r}: {after.get(source, 0):,} bytes accounted for, {kept_before.get(source, 0):,} came in"
        for source in sorted(set(kept_before) | set(after))
        if kept_before.get(source, 0) != after.get(source, 0)
    ]


def run(config, progress: bool = True) -> StageResult:
    """Write the run's statistics table; fail when the stages' counts do not reconcile."""
    layout = Layout(config.output_dir)
    path = write_stats(layout)
    counts = collect(layout)
    mismatches = [str(m) for m in reconcile(counts)] + byte_mismatches(counts)
    if mismatches:
        raise ValueError("counts do not reconcile: " + "; ".join(mismatches))
    return StageResult(outputs=[str(path)], facts={"table": str(path), "reconciled": True})


STAGE = Stage(NAME, run, output=lambda layout: layout.stats())
