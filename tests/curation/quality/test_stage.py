"""Stage `quality_model`: per language of the run's reference, positives its reference text, negatives the run's crawl."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import yaml
from quality_helpers import REFERENCE_EN, WARCS

from curation.config import load_config
from curation.layout import Layout
from curation.pipeline import run_pipeline
from curation.schema import signals_of
from curation.shards import list_shards

REFERENCE_ZU = REFERENCE_EN.parent / "zu.txt"  # UDHR Zulu: 59 lines, too little for a classifier


def make_run(tmp_path: Path, catalog: Path, chain: list[str]) -> Path:
    web = catalog.parent / "data" / "web"
    web.mkdir(exist_ok=True)
    for warc in WARCS:
        shutil.copy(warc, web / f"{warc.parent.name}-{warc.name}")
    with open(catalog, "a", encoding="utf-8") as f:
        f.write(
            "  - {id: crawl, name: Crawl, languages: [en, zh], license: CC terms, kind: warc,\n"
            "     location: 'data/web/*.warc.gz', proposed_by: test, status: approved}\n"
        )
    cfg = {
        "catalog": str(catalog),
        "output_dir": str(tmp_path / "out"),
        "reference": {"en": [str(REFERENCE_EN)], "zu": [str(REFERENCE_ZU)]},
        "filter": {"chain": chain},
        "quality_model": {"card_examples": 0},
    }
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return tmp_path / "run.yaml"


def test_stage_trains_reference_languages_and_skips_those_with_too_little_text(tmp_path, make_jsonl_source):
    config = load_config(make_run(tmp_path, make_jsonl_source(files=1), ["classifier"]))
    summaries = run_pipeline(config, ["ingest", "quality_model", "filter"], progress=False)
    facts = summaries[1].result.facts
    assert facts["models"].startswith("en (AUC ")
    assert facts["skipped, too little text"].startswith("zu (class 'high'")
    layout = Layout(config.output_dir)
    metrics = json.loads((layout.quality_models("en") / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["recipe"]["positives"] == "the run's reference text"
    assert metrics["recipe"]["negatives"].startswith("the run's crawl documents (sources of kind warc/wet/pseudo_crawl)")
    assert metrics["held_out"]["roc_auc"] >= 0.9
    assert not layout.quality_models("zu").exists()
    # the filter reads the run's models: CCNet English documents are scored, crawl pages (no language yet) are not
    kept = pq.read_table(list_shards(layout.filtered())).to_pylist()
    scored = {r["source"]: "quality_score" in signals_of(r["signals"]) for r in kept}
    assert scored == {"ccnet": True, "crawl": False}
    # a rerun resumes the job
    again = run_pipeline(config, ["quality_model"], progress=False)[0].result
    assert again.resumed == 1 and again.facts == facts


def test_stage_does_nothing_without_classifier_in_the_chain(tmp_path, make_jsonl_source):
    config = load_config(make_run(tmp_path, make_jsonl_source(files=1), ["quality"]))
    result = run_pipeline(config, ["quality_model"], progress=False)[0].result
    assert result.tasks == 0 and "nothing to train" in result.facts["quality_model"]
    assert not Layout(config.output_dir).quality_models().exists()


def test_the_negative_sample_is_bounded_and_independent_of_sharding(tmp_path):
    import pyarrow as pa

    from curation.quality.negatives import sample_documents

    rows = [{"id": f"page-{i}", "text": f"page {i}", "lang": None} for i in range(300)]

    def shards(folder: Path, cut: list[int]) -> Path:
        folder.mkdir()
        for n, (a, b) in enumerate(zip([0, *cut], [*cut, len(rows)])):
            pq.write_table(pa.Table.from_pylist(rows[a:b]), folder / f"part-{n:05d}.parquet")
        return folder

    one = sample_documents([shards(tmp_path / "one", [])], 50, seed=0)
    three = sample_documents([shards(tmp_path / "three", [7, 200])], 50, seed=0)
    assert one == three and len(one) == 50 and len(set(one)) == 50
    assert sample_documents([tmp_path / "one"], 50, seed=1) != one
    assert len(sample_documents([tmp_path / "one"], 1000, seed=0)) == 300
