"""The ingest stage: catalog entries → `ingested/<source>/part-NNNNN.parquet`.

One task per input file of a source, or per run of consecutive small files up to
`ingest.task_bytes` together (NNNNN is the index of the task's first file in the
sorted listing); a task with more documents than `max_docs_per_shard` continues into
`part-NNNNN-001.parquet`, and so on.
"""

from __future__ import annotations

import inspect
import json
import re
from collections import Counter
from pathlib import Path
from typing import Iterator

from curation.catalog import Catalog, CatalogEntry
from curation.config import IngestConfig, RunConfig, json_digest
from curation.counts import KEPT, Counts
from curation.layout import Layout, part_name
from curation.runner import Task, TaskResult, merge_counts, run_tasks, shard_task
from curation.schema import doc_id, documents_table, dump_meta
from curation.shards import ShardWriter, stats_path, write_json_atomic
from sources import get_adapter
from sources.base import BadRecord, RawDocument

STAGE = "ingest"
BATCH_ROWS = 1024


def plan(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig) -> tuple[list[Task], list[dict]]:
    """Tasks for every file of every selected entry, plus sources that could not be listed."""
    layout = Layout(config.output_dir)
    config_hash = config.section_hash("ingest")
    tasks, problems = [], []
    for entry in entries:
        adapter = get_adapter(entry.kind)
        try:
            files = adapter.list_files(entry, catalog.root, config.ingest)
        except Exception as exc:  # a broken source is reported, the others still run
            problems.append({"source": entry.id, "problem": "unlistable_source", "detail": str(exc)})
            continue
        entry_json = entry.model_dump(mode="json")
        for index, paths in group_files(files, config.ingest.task_bytes):
            name = f"{entry.id}.{index:05d}"
            tasks.append(
                shard_task(
                    layout, STAGE, name, paths, f"{config_hash}:{json_digest(entry_json)}",
                    entry=entry_json, index=index, out_dir=str(layout.ingested(entry.id)),
                    options=config.ingest.model_dump(mode="json"),
                )
            )
    return tasks, problems


def group_files(files: list, limit: int) -> list[tuple[int, list]]:
    """(index of the first file, files) per task: consecutive files, together at most `limit` bytes."""
    groups: list[tuple[int, list]] = []
    total = 0
    for index, path in enumerate(files):
        try:
            size = Path(path).stat().st_size
        except (OSError, TypeError):
            size = limit  # not a local file: a task of its own
        if not groups or total + size > limit:
            groups.append((index, []))
            total = 0
        groups[-1][1].append(path)
        total += size
    return groups


def ingest_file(task: Task) -> TaskResult:
    """Read a task's input files, in order, with the source's adapter and write their shard(s)."""
    entry = CatalogEntry.model_validate(task.payload["entry"])
    options = IngestConfig.model_validate(task.payload["options"])
    out_dir = Path(task.payload["out_dir"])
    index = task.payload["index"]
    adapter = get_adapter(entry.kind)
    declared = entry.languages[0] if len(entry.languages) == 1 else None

    result = TaskResult(task=task.name)
    chunk = 0
    shard_counts = Counts()
    writer: ShardWriter | None = ShardWriter(out_dir / part_name(index, chunk))
    rows: list[dict] = []

    def flush() -> None:
        if rows:
            writer.write(documents_table(rows))
            rows.clear()

    def finish() -> None:
        flush()
        path = writer.close({"stage": STAGE, "task": task.name, "counts": shard_counts.to_json()})
        result.outputs.append(str(path))
        result.counts.merge(shard_counts)

    skipped: Counter = Counter()  # records that are not documents (WARC requests, metadata, ...)
    try:
        for record, seen in _task_records(adapter, task.inputs, entry, options, skipped):
            if writer is None:  # the previous shard is full: the next one starts with this record
                chunk += 1
                shard_counts = Counts()
                writer = ShardWriter(out_dir / part_name(index, chunk))
            if isinstance(record, BadRecord):
                result.errors.append(
                    {"source": entry.id, "path": record.path, "offset": record.offset, "problem": record.problem, "detail": record.detail}
                )
                shard_counts.add(STAGE, declared, entry.id, f"bad_record_{record.problem}")
                continue
            did = doc_id(entry.id, record.native_id)
            if did in seen:  # the same native id twice in one file: keep the first, count the rest
                shard_counts.add(STAGE, record.lang or declared, entry.id, "duplicate_native_id", record.text)
                continue
            seen.add(did)
            lang = record.lang or declared
            rows.append(
                {"id": did, "source": entry.id, "url": record.url, "text": record.text, "lang": lang, "meta": dump_meta(record.meta)}
            )
            shard_counts.add(STAGE, lang, entry.id, KEPT, record.text)
            if len(rows) >= BATCH_ROWS:
                flush()
            if writer.rows + len(rows) >= options.max_docs_per_shard:
                finish()
                writer = None
        if skipped and writer is None:  # counts of non-documents need a shard's stats file
            chunk += 1
            shard_counts = Counts()
            writer = ShardWriter(out_dir / part_name(index, chunk))
        for kind, n in sorted(skipped.items()):
            shard_counts.add(STAGE, declared, entry.id, f"not_document_{re.sub(r'[^a-z0-9]+', '_', kind.lower()).strip('_')}", docs=n)
        if writer is not None:
            finish()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    # errors go in the last shard's stats file, where `curation stats` finds them
    last = stats_path(Path(result.outputs[-1]))
    data = json.loads(last.read_text(encoding="utf-8"))
    data["errors"] = result.errors
    write_json_atomic(last, data)
    return result


def _task_records(adapter, inputs, entry: CatalogEntry, options: IngestConfig, skipped: Counter) -> Iterator[tuple]:
    """(record, ids seen so far in its file) for each input file in turn."""
    for path in inputs:
        seen: set[str] = set()
        for record in _records(adapter, Path(path), entry, options, skipped):
            yield record, seen


def _records(adapter, path: Path, entry: CatalogEntry, options: IngestConfig, skipped: Counter) -> Iterator[RawDocument | BadRecord]:
    """The adapter's records; a failure that escapes it ends this file as one reported bad record.

    Adapters of archives (warc, wet, pseudo_crawl) also count the records that are not documents."""
    counts_skipped = "skipped" in inspect.signature(adapter.read).parameters
    try:
        yield from adapter.read(path, entry, options, skipped) if counts_skipped else adapter.read(path, entry, options)
    except Exception as exc:
        yield BadRecord(str(path), None, "unreadable_file", f"{type(exc).__name__}: {exc}")


def run_ingest(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig, progress: bool = True) -> dict:
    tasks, problems = plan(catalog, entries, config)
    results = run_tasks(tasks, ingest_file, workers=config.workers, description="ingest", progress=progress, spark=config.spark_executor())
    layout = Layout(config.output_dir)
    errors = [e for r in results for e in r.errors] + problems
    errors_path = layout.errors(STAGE)
    errors_path.parent.mkdir(parents=True, exist_ok=True)
    errors_path.write_text("".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in errors), encoding="utf-8")
    return {
        "tasks": len(tasks),
        "skipped": sum(r.skipped for r in results),
        "counts": merge_counts(results),
        "errors": errors,
        "errors_path": str(errors_path),
    }
