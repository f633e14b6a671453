"""Provenance: every adapter keeps where a document was read in `meta["origin"]`: the file below the
location, the 1-based line (text formats), 1-based row (tables) or byte offset (archives), and the
record's own id when the source has one. Before, jsonl/csv/parquet/hf dropped both the id and the place."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from adapter_helpers import ROOT, make_entry, read_source

from curation.catalog import load_catalog
from curation.config import load_config
from curation.ingest.stage import run_ingest
from curation.layout import Layout
from curation.shards import list_shards, read_table
from sources.position import origin

PUD_FR = [json.loads(line) for line in (ROOT / "tests" / "data" / "report" / "pud_fr.jsonl").read_text(encoding="utf-8").splitlines()[:3]]


def _write(folder: Path, kind: str, records: list[dict]) -> str:
    """The records in the adapter's format, one file below `folder`; returns the file's name."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "jsonl":
        (folder / "docs.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        return "docs.jsonl"
    if kind == "csv":
        with open(folder / "docs.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
        return "docs.csv"
    pq.write_table(pa.Table.from_pylist(records), folder / "docs.parquet")
    return "docs.parquet"


# kind → (the unit of its position, position of the first, second and third record)
POSITIONS = {"jsonl": ("line", [1, 2, 3]), "csv": ("line", [2, 3, 4]), "parquet": ("row", [1, 2, 3])}


@pytest.mark.parametrize("kind", sorted(POSITIONS) + ["hf"])
def test_tabular_adapters_keep_file_position_and_the_records_own_id(tmp_path: Path, kind: str):
    name = _write(tmp_path / "data" / "fr", "jsonl" if kind == "hf" else kind, PUD_FR)
    docs, bad = read_source(make_entry(kind, "data"), tmp_path)
    assert bad == []
    unit, positions = POSITIONS.get(kind, ("row", [1, 2, 3]))
    assert [d.meta["origin"] for d in docs] == [{"file": f"fr/{name}", unit: p, "id": r["id"]} for p, r in zip(positions, PUD_FR)]


def test_a_configured_id_field_is_the_native_id_kept_in_origin(tmp_path: Path):
    records = [{"doc": f"fr-{i}", "body": r["text"]} for i, r in enumerate(PUD_FR)]
    _write(tmp_path / "data", "jsonl", records)
    docs, _ = read_source(make_entry("jsonl", "data/docs.jsonl", id_field="doc", text_field="body"), tmp_path)
    assert [d.meta["origin"] for d in docs] == [{"file": "docs.jsonl", "line": i + 1, "id": f"fr-{i}"} for i in range(3)]
    assert [d.native_id for d in docs] == ["fr-0", "fr-1", "fr-2"]


def test_without_an_id_field_the_position_is_the_id_and_origin_holds_no_id(tmp_path: Path):
    _write(tmp_path / "data", "parquet", [{"text": r["text"]} for r in PUD_FR])
    docs, _ = read_source(make_entry("parquet", "data"), tmp_path)
    assert [d.native_id for d in docs] == ["docs.parquet:1", "docs.parquet:2", "docs.parquet:3"]
    assert [d.meta["origin"] for d in docs] == [{"file": "docs.parquet", "row": i} for i in (1, 2, 3)]


def test_a_record_field_named_origin_is_kept_beside_the_adapters(tmp_path: Path):
    _write(tmp_path / "data", "jsonl", [PUD_FR[0] | {"origin": "Le Monde"}])
    docs, _ = read_source(make_entry("jsonl", "data"), tmp_path)
    assert docs[0].meta == {"record_origin": "Le Monde", "origin": {"file": "docs.jsonl", "line": 1, "id": "n01001"}}


def test_origin_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="origin unit must be one of line, row, offset, got 'page'"):
        origin("a.txt", "page", 3)


def test_ingested_shards_carry_origin_in_meta(tmp_path: Path):
    _write(tmp_path / "data", "jsonl", PUD_FR)
    (tmp_path / "catalog.yaml").write_text(
        "sources:\n  - {id: pud_fr, name: UD French PUD, languages: [fr], license: CC-BY-SA-3.0, kind: jsonl,\n"
        "     location: data/docs.jsonl, proposed_by: test, status: approved}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path / "catalog.yaml")
    cfg = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 1, "catalog": str(tmp_path / "catalog.yaml")})
    run_ingest(catalog, list(catalog.entries), cfg, progress=False)
    rows = read_table(list_shards(Layout(tmp_path / "out").ingested("pud_fr"))).to_pylist()
    got = sorted((json.loads(r["meta"])["origin"]["line"], json.loads(r["meta"])["origin"]["id"]) for r in rows)
    assert got == [(1, "n01001"), (2, "n01002"), (3, "n01003")]
