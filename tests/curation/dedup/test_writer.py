"""The shard writer run inside Spark tasks: the bytes depend only on the rows, not
on how Spark cut them into Arrow batches, and the vectorised counts equal
per-document counting."""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa

from curation.counts import KEPT, Counts
from curation.dedup.stage import NAME as STAGE
from curation.dedup.stage import _writer_fn
from curation.schema import REMOVED_SCHEMA, documents_table


def _rows(n: int) -> pa.Table:
    docs = documents_table(
        [
            {
                "id": f"d{i:04d}",
                "source": f"s{i % 2}",
                "text": f"Text {i} — naïve café " + "wörds " * (i % 300),
                "lang": ["de", "", None][i % 3],
            }
            for i in range(n)
        ]
    )
    kept = [i % 4 != 0 for i in range(n)]
    extra = {
        "kept": pa.array(kept),
        "group": pa.array([(d["lang"] or "und") if k else d["source"] for d, k in zip(docs.to_pylist(), kept)]),
        "part": pa.array([i % 2 for i in range(n)], pa.int32()),
        "stage": pa.array([STAGE] * n),
        "reason": pa.array([None if k else "near_duplicate" for k in kept], pa.string()),
        "detail": pa.array([None if k else json.dumps({"duplicate_of": "d0001"}) for k in kept], pa.string()),
    }
    table = docs
    for name, values in extra.items():
        table = table.append_column(name, values) if name not in table.column_names else table
    table = table.select(["kept", "group", "part", *REMOVED_SCHEMA.names])
    return table.sort_by([("kept", "ascending"), ("group", "ascending"), ("part", "ascending"), ("id", "ascending")])


def _write(tmp_path, table: pa.Table, batch_rows: int) -> tuple[dict[str, str], dict]:
    root = tmp_path / f"b{batch_rows}"
    out = list(_writer_fn(str(root), "line")(iter(table.to_batches(max_chunksize=batch_rows))))
    files = {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}
    counts = {
        path.split(str(root))[1]: json.loads(c)
        for b in out
        for path, c in zip(b.column("path").to_pylist(), b.column("counts").to_pylist())
    }
    return files, counts


def test_bytes_do_not_depend_on_batch_cuts_and_counts_match(tmp_path):
    table = _rows(5000)
    files, counts = _write(tmp_path, table, 5000)
    assert len(files) == 2 * len(counts) > 0  # a shard and its stats sidecar each
    for batch_rows in (1, 333, 2048):
        assert _write(tmp_path, table, batch_rows) == (files, counts), batch_rows
    expected = Counts()
    for r in table.to_pylist():
        expected.add(STAGE, r["lang"], r["source"], KEPT if r["kept"] else r["reason"], r["text"])
    total = Counts()
    for c in counts.values():
        total.merge(Counts.from_json(c))
    assert total.to_json() == expected.to_json()
