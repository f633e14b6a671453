"""`curation run --stages ingest,filter` (and `curation filter`) trains the LID extension the chain reads before
filtering: without it every document of a language lid.176 lacks would be removed, silently."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from curation.config import load_config
from curation.pipeline import run_pipeline
from curation.shards import list_shards

DATA = Path(__file__).resolve().parents[2] / "data" / "lid"


def rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def zulu_run(tmp_path: Path) -> Path:
    """A run whose one source is Zulu Bible verses (five a document) and whose reference text is UDHR Zulu and Xhosa."""
    (tmp_path / "data").mkdir()
    verses = [r["text"] for r in rows("bible_zu_heldout.tsv")]
    docs = [{"id": f"zu-{i}", "text": " ".join(verses[i : i + 5])} for i in range(0, len(verses), 5)]
    (tmp_path / "data" / "zu.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    reference: dict[str, list[str]] = {}
    for row in rows("udhr_reference.tsv"):
        if row["lang"] in ("zu", "xh"):
            with open(tmp_path / f"{row['lang']}.txt", "a", encoding="utf-8") as f:
                f.write(row["text"] + "\n")
            reference[row["lang"]] = [f"{row['lang']}.txt"]
    (tmp_path / "catalog.yaml").write_text(
        "sources:\n"
        "  - {id: bible_zu, name: Zulu verses, languages: [zu], license: CC0-1.0, kind: jsonl,\n"
        "     location: data/zu.jsonl, proposed_by: test, status: approved}\n",
        encoding="utf-8",
    )
    config = {
        "catalog": "catalog.yaml",
        "output_dir": "out",
        "workers": 1,
        "reference": reference,
        "lid": {"epoch": 25},
        "filter": {"chain": ["langid"]},
    }
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path / "run.yaml"


def test_filter_without_the_lid_stage_trains_the_extension_first_and_keeps_the_language(tmp_path):
    config = load_config(zulu_run(tmp_path))
    summaries = run_pipeline(config, ["ingest", "filter"], progress=False)
    facts = summaries[-1].result.facts
    assert facts["models trained first"] == "lid"
    assert (tmp_path / "out" / "lid" / "extension.bin").exists()
    kept = pq.read_table(list_shards(tmp_path / "out" / "filtered")).num_rows
    assert kept >= 0.9 * 40  # lid.176 alone keeps none of these 40 documents (test_extension)

    again = run_pipeline(config, ["filter"], progress=False)[0].result
    assert "models trained first" not in again.facts  # current models: nothing to train
    assert again.tasks == again.resumed  # same models: every shard resumes
