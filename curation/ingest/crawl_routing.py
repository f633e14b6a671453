"""Pseudo-crawl routing: each crawl archive is read once for all pseudo_crawl sources.

ROOTS' pseudo-crawl named ~600 seed sites; reading every archive once per site would read
the crawl 600 times. The pseudo_crawl entries of a run that search the same archives with
the same extraction settings form a group, and one task per archive routes each page to
the source whose seed it matches: a host + path seed before a domain seed, and a seed two
sources name goes to the first in catalog order, so every page lands in one source at
most. A source's pages from archive NNNNN are `ingested/<source>/part-NNNNN.parquet`
(written only for sources that got pages or page errors). Pages that match no seed, and
archive records that are not documents, are counted once per archive under the source
`pseudo_crawl_unmatched` (an empty shard in `ingested/pseudo_crawl_unmatched/<group>/`
holds those counts and the archive's own errors, such as a truncated file).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from curation.catalog import CatalogEntry
from curation.config import IngestConfig, json_digest
from curation.ingest.source_output import NAME, SourceOutput, guarded
from curation.runner import Task, TaskResult, shard_task
from sources.base import BadRecord
from sources.pseudo_crawl import SeedMatcher, seeds_of
from sources.warc import read_selected

UNMATCHED = "pseudo_crawl_unmatched"


def plan_routed(members: list[tuple[CatalogEntry, list[Path]]], layout, config_hash: str, options: dict) -> list[Task]:
    """One task per archive per group of entries sharing archives and extraction settings."""
    groups: dict[str, list[tuple[CatalogEntry, list[Path]]]] = {}
    for entry, files in members:
        key = json_digest(
            {"files": [str(f) for f in files], "extractor": entry.options.get("html_extractor"), "crawl_id": entry.options.get("crawl_id")}
        )
        groups.setdefault(key, []).append((entry, files))
    tasks = []
    for key, group in sorted(groups.items()):
        entries = [entry.model_dump(mode="json") for entry, _files in group]
        for index, path in enumerate(group[0][1]):
            tasks.append(
                shard_task(
                    layout,
                    NAME,
                    f"{UNMATCHED}.{key[:12]}.{index:05d}",
                    [path],
                    f"{config_hash}:{json_digest(entries)}",
                    routed=True,
                    entries=entries,
                    index=index,
                    group=key[:12],
                    out_root=str(layout.ingested()),
                    options=options,
                )
            )
    return tasks


def ingest_routed(task: Task) -> TaskResult:
    """Read one archive and write each group member's pages to its own shard(s)."""
    entries = [CatalogEntry.model_validate(e) for e in task.payload["entries"]]
    options = IngestConfig.model_validate(task.payload["options"])
    index, root = task.payload["index"], Path(task.payload["out_root"])
    owner: dict[str, CatalogEntry] = {}
    for entry in entries:
        for seed in seeds_of(entry):
            owner.setdefault(seed, entry)
    match = SeedMatcher(list(owner))

    def output(source: str, declared: str | None, out_dir: Path) -> SourceOutput:
        return SourceOutput(source, declared, out_dir, index, task.name, options.max_docs_per_shard)

    outputs = {e.id: output(e.id, e.languages[0] if len(e.languages) == 1 else None, root / e.id) for e in entries}
    unmatched = output(UNMATCHED, None, root / UNMATCHED / task.payload["group"])
    seen: dict[str, set[str]] = {e.id: set() for e in entries}
    skipped: Counter = Counter()
    path = Path(task.inputs[0])
    result = TaskResult(task=task.name)
    try:
        for record in guarded(read_selected(path, entries[0], options, skipped, select=match), path):
            if isinstance(record, BadRecord):
                seed = match(record.url) if record.url else None
                (outputs[owner[seed].id] if seed else unmatched).bad(record)
            else:
                source = owner[record.meta["seed"]].id
                outputs[source].add(record, seen[source])
        unmatched.skipped(skipped)
        for out in outputs.values():
            out.close(result)
        unmatched.close(result, always=True)
    except BaseException:
        for out in [*outputs.values(), unmatched]:
            out.abort()
        raise
    return result
