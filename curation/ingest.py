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
from curation.crawl_routing import UNMATCHED, ingest_routed, plan_routed
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
    tasks, problems, routed = [], [], []
    for entry in entries:
        adapter = get_adapter(entry.kind)
        try:
            files = adapter.list_files(entry, catalog.root, config.ingest)
        except Exception as exc:  # a broken source is reported, the others still run
            problems.append({"source": entry.id, "problem": "unlistable_source", "detail": str(exc)})
            continue
        if entry.kind == "pseudo_crawl":  # read once per archive for all such sources
            routed.append((entry, files))
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
    tasks += plan_routed(routed, layout, config_hash, config.ingest.model_dump(mode="json"))
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


class SourceOutput:
    """One source's shards from one task, rotated at `max_docs_per_shard`, each with its stats file.

    A shard is opened when the first record for it arrives, so a full shard is not followed by
    an empty one; `close(always=True)` still writes an (empty) shard for a task that had nothing.
    """

    def __init__(self, source: str, declared: str | None, out_dir: Path, index: int, task_name: str, max_docs: int):
        self.source, self.declared, self.out_dir, self.index = source, declared, out_dir, index
        self.task_name, self.max_docs = task_name, max_docs
        self.chunk = -1
        self.writer: ShardWriter | None = None
        self.rows: list[dict] = []
        self.shard_counts = Counts()
        self.counts = Counts()  # over all shards
        self.outputs: list[str] = []
        self.errors: list[dict] = []

    def _open(self) -> None:
        if self.writer is None:
            self.chunk += 1
            self.shard_counts = Counts()
            self.writer = ShardWriter(self.out_dir / part_name(self.index, self.chunk))

    def count(self, lang: str | None, outcome: str, text: str = "", docs: int = 1) -> None:
        self._open()
        self.shard_counts.add(STAGE, lang, self.source, outcome, text, docs=docs)

    def bad(self, record: BadRecord) -> None:
        self.errors.append(
            {"source": self.source, "path": record.path, "offset": record.offset, "problem": record.problem, "detail": record.detail}
        )
        self.count(self.declared, f"bad_record_{record.problem}")

    def skipped(self, skipped: Counter) -> None:
        """Records that are not documents (WARC requests, metadata, non-HTML), by kind."""
        for kind, n in sorted(skipped.items()):
            self.count(self.declared, f"not_document_{re.sub(r'[^a-z0-9]+', '_', kind.lower()).strip('_')}", docs=n)

    def add(self, record: RawDocument, seen: set[str]) -> None:
        did = doc_id(self.source, record.native_id)
        lang = record.lang or self.declared
        if did in seen:  # the same native id twice in one file: keep the first, count the rest
            self.count(lang, "duplicate_native_id", record.text)
            return
        seen.add(did)
        self.count(lang, KEPT, record.text)
        self.rows.append(
            {"id": did, "source": self.source, "url": record.url, "text": record.text, "lang": lang, "meta": dump_meta(record.meta)}
        )
        if len(self.rows) >= BATCH_ROWS:
            self._flush()
        if self.writer.rows + len(self.rows) >= self.max_docs:
            self._finish()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write(documents_table(self.rows))
            self.rows.clear()

    def _finish(self) -> None:
        self._flush()
        path = self.writer.close({"stage": STAGE, "task": self.task_name, "counts": self.shard_counts.to_json()})
        self.outputs.append(str(path))
        self.counts.merge(self.shard_counts)
        self.writer = None

    def close(self, result: TaskResult, always: bool = False) -> None:
        """Finish the open shard and add this output to the task's result; errors go in the last
        shard's stats file, where `curation stats` finds them."""
        if always and self.chunk < 0:
            self._open()
        if self.writer is not None:
            self._finish()
        if self.outputs:
            last = stats_path(Path(self.outputs[-1]))
            data = json.loads(last.read_text(encoding="utf-8"))
            data["errors"] = self.errors
            write_json_atomic(last, data)
        result.outputs += self.outputs
        result.counts.merge(self.counts)
        result.errors += self.errors

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()


def ingest_file(task: Task) -> TaskResult:
    """Read a task's input files, in order, with the source's adapter and write their shard(s)."""
    if task.payload.get("routed"):
        return ingest_routed(task)
    entry = CatalogEntry.model_validate(task.payload["entry"])
    options = IngestConfig.model_validate(task.payload["options"])
    adapter = get_adapter(entry.kind)
    declared = entry.languages[0] if len(entry.languages) == 1 else None
    out = SourceOutput(entry.id, declared, Path(task.payload["out_dir"]), task.payload["index"], task.name, options.max_docs_per_shard)
    result = TaskResult(task=task.name)
    skipped: Counter = Counter()  # records that are not documents (WARC requests, metadata, ...)
    try:
        for record, seen in _task_records(adapter, task.inputs, entry, options, skipped):
            if isinstance(record, BadRecord):
                out.bad(record)
            else:
                out.add(record, seen)
        out.skipped(skipped)
        out.close(result, always=True)
    except BaseException:
        out.abort()
        raise
    return result


def _task_records(adapter, inputs, entry: CatalogEntry, options: IngestConfig, skipped: Counter) -> Iterator[tuple]:
    """(record, ids seen so far in its file) for each input file in turn."""
    for path in inputs:
        seen: set[str] = set()
        for record in _records(adapter, Path(path), entry, options, skipped):
            yield record, seen


def _records(adapter, path: Path, entry: CatalogEntry, options: IngestConfig, skipped: Counter) -> Iterator[RawDocument | BadRecord]:
    """The adapter's records. Adapters of archives (warc, wet) also count the records that are not documents."""
    counts_skipped = "skipped" in inspect.signature(adapter.read).parameters
    return guarded(adapter.read(path, entry, options, skipped) if counts_skipped else adapter.read(path, entry, options), path)


def guarded(records: Iterator[RawDocument | BadRecord], path: Path) -> Iterator[RawDocument | BadRecord]:
    """A failure that escapes a reader ends its file as one reported bad record, not the run."""
    try:
        yield from records
    except Exception as exc:
        yield BadRecord(str(path), None, "unreadable_file", f"{type(exc).__name__}: {exc}")


def run_ingest(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig, progress: bool = True) -> dict:
    tasks, problems = plan(catalog, entries, config)
    results = run_tasks(tasks, ingest_file, workers=config.workers, description="ingest", progress=progress, spark=config.spark_executor())
    layout = Layout(config.output_dir)
    _remove_stale(tasks, results, layout)
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


def _remove_stale(tasks: list[Task], results: list[TaskResult], layout: Layout) -> None:
    """Shards an earlier run left where this run wrote (files regrouped or gone, pages routed to
    another source): left in place, the next stages would read their documents twice."""
    produced = {Path(o).resolve() for r in results for o in r.outputs}
    produced |= {stats_path(p) for p in produced}
    dirs: set[Path] = set()
    for task in tasks:
        if task.payload.get("routed"):
            root = Path(task.payload["out_root"])
            dirs |= {root / e["id"] for e in task.payload["entries"]} | {root / UNMATCHED / task.payload["group"]}
        else:
            dirs.add(Path(task.payload["out_dir"]))
    unmatched = layout.ingested() / UNMATCHED
    if unmatched.is_dir() and any(t.payload.get("routed") for t in tasks):  # groups of an earlier configuration
        dirs |= set(unmatched.iterdir())
    for folder in dirs:
        if folder.is_dir():
            for path in folder.glob("part-*"):
                if path.resolve() not in produced:
                    path.unlink()
