"""Every document shard loads in Hugging Face `datasets`, as users load Parquet: `load_dataset("parquet")`, streaming too.

`datasets` has no type for an Arrow map, so shards that stored `signals` as map<string, double>
failed to load at all; the list of {name, value} structs loads and keeps every signal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.layout import Layout
from curation.schema import signals_of
from curation.shards import list_shards, read_table

FOLDERS = ("filtered", "deduped", "removed")


def _expected(shards: list[Path]) -> dict[str, dict[str, float]]:
    """id → signals, read with pyarrow through the schema helper."""
    table = read_table(shards)
    return {i: signals_of(s) for i, s in zip(table.column("id").to_pylist(), table.column("signals").to_pylist())}


@pytest.mark.parametrize("folder", FOLDERS)
def test_shards_load_with_datasets_load_dataset_and_streaming(audit_run: Path, tmp_path: Path, folder: str):
    import datasets

    shards = list_shards(getattr(Layout(audit_run), folder)())
    assert shards, f"the small run wrote no {folder}/ shard"
    expected = _expected(shards)
    assert any(expected.values()), f"no document in {folder}/ carries signals: the test would prove nothing"
    files = [str(p) for p in shards]

    ds = datasets.load_dataset("parquet", data_files=files, split="train", cache_dir=str(tmp_path / "hf"))
    assert ds.num_rows == len(expected)
    assert ds.features["signals"] == datasets.List({"name": datasets.Value("string"), "value": datasets.Value("float64")})
    assert {r["id"]: signals_of(r["signals"]) for r in ds} == expected
    words = next(s["words"] for s in expected.values() if "words" in s)
    assert words in {signals_of(r["signals"]).get("words") for r in ds}

    streamed = datasets.load_dataset("parquet", data_files=files, split="train", streaming=True)
    assert {r["id"]: signals_of(r["signals"]) for r in streamed} == expected
    if folder == "removed":
        assert {"stage", "reason", "detail"} <= set(ds.column_names)
