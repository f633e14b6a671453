from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.schema import DOCUMENT_SCHEMA, REMOVED_SCHEMA, doc_id, documents_table
from curation.shards import ShardWriter, list_shards, read_batches, read_stats, read_table, write_shard

ROWS = [
    {
        "id": doc_id("src", "a"),
        "source": "src",
        "url": "https://example.org/a",
        "text": "Grüße aus Köln",
        "lang": "de",
        "lang_score": 0.98,
        "meta": '{"title": "x"}',
        "signals": {"words": 3.0, "ratio": 0.5},
    },
    {"id": doc_id("src", "b"), "source": "src", "url": None, "text": "你好，世界", "lang": None, "meta": None},
]


def test_doc_id_is_stable_and_source_scoped():
    assert doc_id("src", "a") == doc_id("src", "a")
    assert doc_id("src", "a") != doc_id("other", "a")
    assert doc_id("s", "ab") != doc_id("sa", "b")  # the separator keeps fields apart
    assert len(doc_id("src", "a")) == 32


def test_write_then_read_round_trips(tmp_path: Path):
    path = write_shard(tmp_path / "part-00000.parquet", documents_table(ROWS), stats={"n": 2})
    table = read_table(path)
    assert table.schema.equals(DOCUMENT_SCHEMA)
    assert table.column("text").to_pylist() == ["Grüße aus Köln", "你好，世界"]
    assert table.column("signals")[0].as_py() == [{"name": "ratio", "value": 0.5}, {"name": "words", "value": 3.0}]  # sorted by name
    assert table.column("signals")[1].as_py() is None
    assert read_stats(path) == {"n": 2}
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_same_rows_give_same_bytes(tmp_path: Path):
    a = write_shard(tmp_path / "a.parquet", documents_table(ROWS))
    b = write_shard(tmp_path / "b.parquet", documents_table(ROWS))
    assert a.read_bytes() == b.read_bytes()


def test_failed_write_leaves_no_shard(tmp_path: Path):
    target = tmp_path / "part-00000.parquet"
    with pytest.raises(RuntimeError):
        with ShardWriter(target) as w:
            w.write(documents_table(ROWS))
            raise RuntimeError("crash mid-shard")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_abort_is_safe_after_close_and_when_repeated(tmp_path: Path):
    closed = ShardWriter(tmp_path / "closed.parquet")
    closed.write(documents_table(ROWS))
    closed.close()
    closed.abort()  # a closed shard stays
    assert read_table(tmp_path / "closed.parquet").num_rows == 2
    empty = ShardWriter(tmp_path / "empty.parquet")
    empty.abort()
    empty.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["closed.parquet"]


def test_stale_temporary_files_are_cleared_and_ignored(tmp_path: Path):
    stale = tmp_path / ".part-00000.parquet.tmp-99999"
    stale.write_bytes(b"half a shard")
    assert list_shards(tmp_path) == []
    write_shard(tmp_path / "part-00000.parquet", documents_table(ROWS))
    assert not stale.exists()
    assert list_shards(tmp_path) == [tmp_path / "part-00000.parquet"]


def test_read_batches_streams_in_bounded_batches(tmp_path: Path):
    rows = [dict(ROWS[0], id=doc_id("src", str(i))) for i in range(10)]
    path = write_shard(tmp_path / "p.parquet", documents_table(rows))
    sizes = [b.num_rows for b in read_batches(path, columns=["id"], batch_size=4)]
    assert sizes == [4, 4, 2]


def test_removed_schema_extends_document_schema():
    assert REMOVED_SCHEMA.names[: len(DOCUMENT_SCHEMA)] == DOCUMENT_SCHEMA.names
    assert REMOVED_SCHEMA.names[-3:] == ["stage", "reason", "detail"]
