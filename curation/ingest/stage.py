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
from collections.abc import Iterator
from pathlib import Path

from curation.catalog import Catalog, CatalogEntry, load_selection
from curation.config import IngestConfig, RunConfig, json_digest
from curation.ingest.crawl_routing import UNMATCHED, ingest_routed, plan_routed
from curation.ingest.source_output import NAME, SourceOutput, guarded
from curation.layout import Layout
from curation.redact import redact
from curation.runner import Task, TaskResult, remove_stale, run_tasks, shard_task
from curation.schema import SHARD_FORMAT
from curation.stage import Stage, StageResult
from sources import get_adapter
from sources.base import PATH_OPTIONS, BadRecord, RawDocument


def input_folders(entry: CatalogEntry, root: Path) -> list[tuple[str, Path]]:
    """(field, folder) of every local path an entry reads: the fixed part of its location and path options."""
    texts = [] if "://" in entry.location else [("location", entry.location)]
    for name in PATH_OPTIONS.get(entry.kind, ()):
        value = entry.options.get(name) or []
        texts += [(f"options.{name}", t) for t in ([value] if isinstance(value, str) else value)]
    return [(field, _fixed_folder(root, text)) for field, text in texts]


def _fixed_folder(root: Path, pattern: str) -> Path:
    """The part of a path or glob before its first wildcard, resolved under `root`."""
    return (Path(root) / re.split(r"[*?\[]", str(pattern), maxsplit=1)[0]).resolve()


def check_output_outside_inputs(entries: list[CatalogEntry], root: Path, config: RunConfig) -> None:
    """Refuse an output folder inside a folder a source reads: the next run would ingest its own outputs."""
    out = Path(config.output_dir).resolve()
    crawl = [("ingest.crawl_archives", _fixed_folder(root, a)) for a in config.ingest.crawl_archives]
    for entry in entries:
        for field, folder in input_folders(entry, root) + (crawl if entry.kind == "pseudo_crawl" else []):
            if out == folder or out.is_relative_to(folder):
                raise ValueError(
                    f"output folder {out} is inside {folder}, which source {entry.id!r} reads ({field}): "
                    "a run would read its own outputs as documents; write to a folder outside it (--out)"
                )


def plan(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig) -> tuple[list[Task], list[dict]]:
    """Tasks for every file of every selected entry, plus sources that could not be listed."""
    check_output_outside_inputs(entries, catalog.root, config)
    layout = Layout(config.output_dir)
    config_hash = f"{config.section_hash(STAGE.section)}:{SHARD_FORMAT}"  # a new shard format rewrites the shards
    tasks, problems, routed = [], [], []
    for entry in entries:
        adapter = get_adapter(entry.kind)
        try:
            files = adapter.list_files(entry, catalog.root, config.ingest)
        except Exception as exc:  # a broken source is reported, the others still run
            problems.append({"source": entry.id, "problem": "unlistable_source", "detail": redact(str(exc))})
            continue
        if entry.kind == "pseudo_crawl":  # read once per archive for all such sources
            routed.append((entry, files))
            continue
        entry_json = entry.model_dump(mode="json")
        for index, paths in group_files(files, config.ingest.task_bytes):
            name = f"{entry.id}.{index:05d}"
            tasks.append(
                shard_task(
                    layout,
                    NAME,
                    name,
                    paths,
                    f"{config_hash}:{json_digest(entry_json)}",
                    entry=entry_json,
                    index=index,
                    out_dir=str(layout.ingested(entry.id)),
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


def run_ingest(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig, progress: bool = True) -> StageResult:
    tasks, problems = plan(catalog, entries, config)
    results = run_tasks(tasks, ingest_file, workers=config.workers, description=NAME, progress=progress, spark=config.spark_executor())
    layout = Layout(config.output_dir)
    result = StageResult.of_tasks(results, problems)
    remove_stale(_written_folders(tasks, layout), result.outputs)
    errors_path = layout.errors(NAME)
    errors_path.parent.mkdir(parents=True, exist_ok=True)
    errors_path.write_text("".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in result.errors), encoding="utf-8")
    result.facts |= {"documents": result.counts.docs(outcome="kept"), "sources": len(entries), "bad records": len(result.errors)}
    return result


def _written_folders(tasks: list[Task], layout: Layout) -> set[Path]:
    """Every folder this run's tasks write shards into (pages routed elsewhere, regrouped files: stale there)."""
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
    return dirs


def failed_sources(entries: list[CatalogEntry], result: StageResult) -> dict[str, str]:
    """Source id → its first problem, for each selected source that yielded no document and has an error
    (unlistable, unreadable, every record bad). A source that is merely empty, with no error, is not failed."""
    kept = {r["source"] for r in result.counts.records() if r["outcome"] == "kept" and r["docs"]}
    first: dict[str, str] = {}
    for error in result.errors:
        source = error.get("source")
        if source and source not in kept:
            first.setdefault(source, " ".join(str(error.get(k)) for k in ("problem", "detail", "path") if error.get(k)))
    return {e.id: first[e.id] for e in entries if e.id in first}


class IngestFailed(RuntimeError):
    """Sources that yielded nothing because of an error: named each, so a run stops here, not at a later stage."""

    def __init__(self, failures: dict[str, str], errors_path: Path) -> None:
        self.failures = failures
        lines = "".join(f"\n  {source}: {problem}" for source, problem in failures.items())
        super().__init__(f"{len(failures)} source(s) yielded no document because of errors (details in {errors_path}):{lines}")


def run(config: RunConfig, progress: bool = True) -> StageResult:
    """The pipeline's ingest stage: raises `IngestFailed` after writing what the other sources gave."""
    catalog, entries = load_selection(config)
    result = run_ingest(catalog, entries, config, progress=progress)
    failures = failed_sources(entries, result)
    if failures:
        raise IngestFailed(failures, Layout(config.output_dir).errors(NAME))
    return result


STAGE = Stage(NAME, run, section="ingest", label="ingested", output=Layout.ingested)
