"""A task's output for one source at ingest: shards rotated at a size, counts and errors beside them.

Shared by the per-file ingest tasks and the pseudo-crawl routing tasks (one archive, many sources).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from curation.atomic import write_json_atomic
from curation.counts import KEPT, Counts
from curation.layout import part_name
from curation.redact import redact
from curation.runner import TaskResult
from curation.schema import doc_id, documents_table, dump_meta
from curation.shards import ShardWriter, stats_path
from sources.base import DOCUMENT_NOTES, BadRecord, RawDocument

NAME = "ingest"
BATCH_ROWS = 1024


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
        self.shard_counts.add(NAME, lang, self.source, outcome, text, docs=docs)

    def bad(self, record: BadRecord) -> None:
        self.errors.append(error_record(self.source, record))
        self.count(self.declared, f"bad_record_{record.problem}")

    def skipped(self, skipped: Counter) -> None:
        """Records that are not documents (WARC requests, metadata, non-HTML), by kind; notes on kept documents
        (`extraction_fallback`) go under the sub-stage `ingest:notes`, outside the stage's outcomes."""
        for kind, n in sorted(skipped.items()):
            if kind in DOCUMENT_NOTES:
                self._open()
                self.shard_counts.add(f"{NAME}:notes", self.declared, self.source, kind, docs=n)
                continue
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
        path = self.writer.close({"stage": NAME, "task": self.task_name, "counts": self.shard_counts.to_json()})
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


def error_record(source: str, record: BadRecord) -> dict:
    """A bad record as auditors see it (stats files, `stats/errors-ingest.jsonl`): its location and
    detail redacted, since both may quote a page URL or text with an e-mail, phone number or IP."""
    return {
        "source": source,
        "path": redact(record.path),
        "offset": record.offset,
        "problem": record.problem,
        "detail": redact(record.detail),
    }


def guarded(records: Iterator[RawDocument | BadRecord], path: Path) -> Iterator[RawDocument | BadRecord]:
    """A failure that escapes a reader ends its file as one reported bad record, not the run."""
    try:
        yield from records
    except Exception as exc:
        yield BadRecord(str(path), None, "unreadable_file", f"{type(exc).__name__}: {exc}")
