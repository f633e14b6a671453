"""Built-in reference text: a declared language lid.176 cannot identify, with no reference text in the run, trains
the extension on the UDHR (assembled at setup into filters/data/udhr/), so its source is not emptied."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from curation.config import load_config
from curation.lid.builtin_reference import UDHR, run_reference, udhr_tag, unidentifiable
from curation.lid.labels import model_labels
from curation.pipeline import run_pipeline
from curation.shards import list_shards

DATA = Path(__file__).resolve().parents[2] / "data" / "lid"
MIN_CHARS = 4000


def test_udhr_file_names_become_language_tags():
    names = ("zul", "hau_NG", "srp_latn", "cmn_hant", "aka_asante", "swh", "007")
    assert [udhr_tag(n) for n in names] == ["zu", "ha", "sr-Latn", "zh-Hant", "ak", "sw", None]
    assert udhr_tag("por_BR", keep_region=True) == "pt-BR"  # the LID benchmark's documents keep the region


def test_languages_lid176_lacks_or_cannot_identify_need_reference():
    labels = model_labels()
    # ha: no label; so and yo: labels, but lid.176 removes every held-out UDHR document of them, and 15 % of Swahili's
    # (derived preset: more than the 10 % a language may lose)
    assert unidentifiable(["en", "ha", "so", "yo", "sw", "fr", "de", "zxx", "mul"], labels, default_model=True) == ["ha", "so", "sw", "yo"]
    assert unidentifiable(["ha", "so"], labels, default_model=False) == ["ha"]  # another base model: only what it lacks


def test_run_reference_adds_udhr_text_only_where_the_run_names_none(tmp_path):
    assert UDHR.exists(), "filters/data/udhr/udhr2.zip is assembled by `make setup` (scripts/assemble_data.py)"
    own = {"ha": [tmp_path / "my-hausa.txt"]}
    reference, missing = run_reference(["ha", "so", "chr", "en"], own, model_labels(), True, tmp_path / "builtin", MIN_CHARS)
    assert reference["ha"] == own["ha"]  # the working group's text wins
    assert reference["so"] == [tmp_path / "builtin" / "so.txt"] and "en" not in reference
    assert missing == ["chr"]  # Cherokee: a few lines of UDHR, too little to train on and hold out
    somali = reference["so"][0]
    stamp = somali.stat().st_mtime_ns
    run_reference(["so"], {}, model_labels(), True, tmp_path / "builtin", MIN_CHARS)
    assert somali.stat().st_mtime_ns == stamp  # unchanged text is not rewritten: the stage's resume key holds
    named, _ = run_reference(["so"], {}, model_labels(), True, None, MIN_CHARS)
    assert named == {"so": []} and not (tmp_path / "other").exists()


def yoruba_run(tmp_path: Path, builtin: bool) -> Path:
    with open(DATA / "udhr_reference.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    yoruba = [r["text"] for r in rows if r["lang"] == "yo" and len(r["text"]) > 100]
    lines = "".join(json.dumps({"id": f"yo-{i}", "text": text}, ensure_ascii=False) + "\n" for i, text in enumerate(yoruba))
    for copy in ("yo", "yo-copy"):
        (data / f"{copy}.jsonl").write_text(lines, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(
        "sources:\n"
        "  - {id: yoruba, name: Yoruba text, languages: [yo], license: public domain, kind: jsonl,\n"
        "     location: data/yo.jsonl, proposed_by: test, status: approved}\n"
        "  - {id: hausa, name: Hausa text, languages: [ha], license: public domain, kind: jsonl,\n"
        "     location: data/yo-copy.jsonl, proposed_by: test, status: approved}\n",
        encoding="utf-8",
    )
    name = "on" if builtin else "off"
    config = {"catalog": "catalog.yaml", "output_dir": f"out-{name}", "workers": 1, "filter": {"chain": ["langid"]}}
    config["lid"] = {"epoch": 25, "builtin_reference": builtin}
    (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path / f"{name}.yaml"


def kept_sources(out: Path) -> list[str]:
    return pq.read_table(list_shards(out / "filtered"), columns=["source"]).column("source").to_pylist()


def test_a_source_in_a_language_lid176_cannot_identify_survives_without_reference_text(tmp_path):
    """Mechanism, not accuracy (these Yoruba documents are UDHR paragraphs, the text the extension trains on;
    benchmarks/eval_lid_heldout.py measures on other text): the run names no reference, the stage adds the UDHR's
    Yoruba and Hausa, and the Yoruba source keeps its documents while the Hausa source (the same Yoruba text) loses them."""
    off = run_pipeline(load_config(yoruba_run(tmp_path, builtin=False)), ["ingest", "filter"], progress=False)
    assert kept_sources(tmp_path / "out-off") == [] and "models trained first" not in off[-1].result.facts  # lid.176 alone
    on = run_pipeline(load_config(yoruba_run(tmp_path, builtin=True)), ["ingest", "filter"], progress=False)
    assert on[-1].result.facts["models trained first"] == "lid"
    facts = json.loads((tmp_path / "out-on" / "lid" / "extension.json").read_text(encoding="utf-8"))
    assert sorted(facts["languages"]) == ["ha", "yo"]
    kept = kept_sources(tmp_path / "out-on")
    assert set(kept) == {"yoruba"} and len(kept) >= 0.9 * on[0].result.facts["documents"] / 2  # each source holds half
