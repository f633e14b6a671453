"""The `signals` column: one stored type every consumer loads, read through the schema module's helpers."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.layout import Layout, part_name
from curation.report.signals import read_signals
from curation.schema import (
    DOCUMENT_SCHEMA,
    LEGACY_SIGNALS_TYPE,
    SIGNALS_TYPE,
    check_signals_type,
    documents_table,
    signal_entries,
    signals_of,
)
from curation.shards import write_shard

ROWS = [
    {"id": "a", "source": "s", "text": "eins", "lang": "de", "signals": {"words": 1.0, "alpha_ratio": 0.75}},
    {"id": "b", "source": "s", "text": "zwei", "lang": "de"},
    {"id": "c", "source": "s", "text": "drei", "lang": "de", "signals": {"words": 3.0}},
]
LEGACY_SCHEMA = DOCUMENT_SCHEMA.set(DOCUMENT_SCHEMA.get_field_index("signals"), pa.field("signals", LEGACY_SIGNALS_TYPE))


def legacy_table(rows: list[dict]) -> pa.Table:
    """A shard as format 1 wrote it: `signals` as map<string, double>."""
    columns = {name: [r.get(name) for r in rows] for name in LEGACY_SCHEMA.names}
    columns["signals"] = [sorted(r["signals"].items()) if r.get("signals") else None for r in rows]
    return pa.table(columns, schema=LEGACY_SCHEMA)


def test_signals_are_stored_as_name_value_structs_sorted_by_name():
    table = documents_table(ROWS)
    assert table.schema.field("signals").type == SIGNALS_TYPE
    assert not pa.types.is_map(SIGNALS_TYPE)
    assert table.column("signals").to_pylist() == [
        [{"name": "alpha_ratio", "value": 0.75}, {"name": "words", "value": 1.0}],
        None,
        [{"name": "words", "value": 3.0}],
    ]


@pytest.mark.parametrize("make", [documents_table, legacy_table], ids=["current", "format-1-map"])
def test_signals_of_reads_a_row_of_either_format_and_pandas_values(make):
    table = make(ROWS)
    assert [signals_of(v) for v in table.column("signals").to_pylist()] == [{"alpha_ratio": 0.75, "words": 1.0}, {}, {"words": 3.0}]
    assert signals_of(table.to_pandas()["signals"][0]) == {"alpha_ratio": 0.75, "words": 1.0}


@pytest.mark.parametrize("make", [documents_table, legacy_table], ids=["current", "format-1-map"])
def test_signal_entries_flattens_a_column_of_either_format_even_sliced(make):
    column = make(ROWS).column("signals")
    rows, names, values = signal_entries(column)
    assert (rows.tolist(), names.to_pylist(), values.to_pylist()) == ([0, 0, 2], ["alpha_ratio", "words", "words"], [0.75, 1.0, 3.0])
    rows, names, values = signal_entries(column.combine_chunks().slice(1))
    assert (rows.tolist(), names.to_pylist(), values.to_pylist()) == ([1], ["words"], [3.0])


def test_signal_entries_refuses_another_type():
    with pytest.raises(TypeError, match="a signals column must be list<item: struct<name: string, value: double>>.*got string"):
        signal_entries(pa.array(["words=1"]))


def test_a_format_1_shard_is_named_where_only_the_current_type_is_read(tmp_path: Path):
    new = write_shard(tmp_path / "new.parquet", documents_table(ROWS))
    old = tmp_path / "old.parquet"
    pq.write_table(legacy_table(ROWS), old)
    check_signals_type([new])
    with pytest.raises(ValueError, match=r"old\.parquet: column 'signals' is map<string, double>, not list<.*shard format 1"):
        check_signals_type([new, old])


def test_report_and_notebooks_read_format_1_shards_beside_current_ones(tmp_path: Path):
    layout = Layout(tmp_path)
    write_shard(layout.filtered("new") / part_name(0), documents_table([r | {"source": "new"} for r in ROWS]))
    old = layout.filtered("old") / part_name(0)
    old.parent.mkdir(parents=True)
    pq.write_table(legacy_table([r | {"source": "old", "id": "old-" + r["id"]} for r in ROWS]), old)
    df = read_signals(layout)
    got = sorted(zip(df["source"].astype(str), df["signal"].astype(str), df["value"]))
    assert got == sorted([(s, n, v) for s in ("new", "old") for n, v in (("alpha_ratio", 0.75), ("words", 1.0), ("words", 3.0))])
