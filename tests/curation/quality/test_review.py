"""Human review loop: `curation inspect --stage filter:classifier --borderline --export review.tsv`, then
`curation quality train ... --labels review.tsv` (real model, real CCNet documents through the real filter stage)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
import yaml
from quality_helpers import REFERENCE_EN, crawl_pages, write_jsonl
from typer.testing import CliRunner

from curation.cli import app
from curation.config import QualityModelConfig, load_config
from curation.pipeline import run_pipeline
from curation.quality.documents import QualityDataError, escape_cell, read_documents, read_labels, unescape_cell
from curation.quality.review import COLUMNS, interleave_languages
from curation.quality.train import TrainingSet, train_classifier

ROOT = Path(__file__).resolve().parents[3]
EMAIL = "jane.doe@example.org"
runner = CliRunner()


@pytest.fixture(scope="module")
def run_config(tmp_path_factory) -> Path:
    """A run of the classifier filter (threshold mode, the model's own threshold) over CCNet documents that each
    carry a planted e-mail address."""
    tmp = tmp_path_factory.mktemp("review")
    ts = TrainingSet("en", list(read_documents(REFERENCE_EN)), crawl_pages(), inputs={"positive": [str(REFERENCE_EN)]})
    train_classifier(ts, QualityModelConfig(card_examples=0), tmp / "models" / "en", log=lambda m: None)
    lines = gzip.open(ROOT / "tests" / "data" / "core" / "cc_en_head-0091.jsonl.gz", "rt", encoding="utf-8").read().splitlines()
    (tmp / "data").mkdir()
    with open(tmp / "data" / "docs.jsonl", "w", encoding="utf-8") as out:
        for line in lines:  # each paragraph a document: some scored near the threshold, some far from it
            obj = json.loads(line)
            for i, para in enumerate(p for p in obj["text"].split("\n") if len(p) >= 80):
                text = f"Write to {EMAIL}\twith questions.\n{para}"
                out.write(json.dumps({"id": f"{obj['id']}-{i}", "text": text}, ensure_ascii=False) + "\n")
    (tmp / "catalog.yaml").write_text(
        "sources:\n"
        "  - {id: ccnet, name: CCNet, languages: [en], license: Common Crawl terms, kind: jsonl,\n"
        "     location: 'data/*.jsonl', proposed_by: test, status: approved}\n",
        encoding="utf-8",
    )
    cfg = {
        "catalog": str(tmp / "catalog.yaml"),
        "output_dir": str(tmp / "out"),
        "workers": 1,
        "filter": {"chain": ["classifier"], "params": {"classifier": {"models_dir": str(tmp / "models")}}},
    }
    (tmp / "run.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    run_pipeline(load_config(tmp / "run.yaml"), ["ingest", "filter"], progress=False)
    return tmp / "run.yaml"


def export(run_config: Path, path: Path, *extra: str) -> list[dict]:
    args = ["inspect", "--config", str(run_config), "--stage", "filter:classifier", "--borderline", "--export", str(path), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_export_is_borderline_redacted_and_deterministic(run_config, tmp_path):
    rows = export(run_config, tmp_path / "a.tsv", "-n", "12")
    again = export(run_config, tmp_path / "b.tsv", "-n", "12")
    assert (tmp_path / "a.tsv").read_bytes() == (tmp_path / "b.tsv").read_bytes()
    assert (tmp_path / "a.tsv").read_text(encoding="utf-8").split("\n", 1)[0].split("\t") == list(COLUMNS)
    assert len(rows) == len(again) == 12
    threshold = json.loads((run_config.parent / "models" / "en" / "metrics.json").read_text(encoding="utf-8"))["held_out"]["threshold"]
    assert {float(r["threshold"]) for r in rows} == {threshold} and {r["lang"] for r in rows} == {"en"}
    distances = [abs(float(r["score"]) - threshold) for r in rows]
    assert distances == sorted(distances)  # nearest the threshold first
    # nothing nearer the threshold was left out: the 12 are the 12 nearest of a larger export
    wider = export(run_config, tmp_path / "c.tsv", "-n", "40")
    assert [r["id"] for r in wider[:12]] == [r["id"] for r in rows]
    assert max(distances) <= min(abs(float(r["score"]) - threshold) for r in wider[12:])
    assert all(r["label"] == "" for r in rows)
    text = (tmp_path / "a.tsv").read_text(encoding="utf-8")
    assert EMAIL not in text and text.count("<EMAIL>") >= 12  # every document carries the planted address
    assert all(unescape_cell(r["text"]).startswith("Write to <EMAIL>\twith questions.\n") for r in rows)


def test_exported_file_trains_with_labels_counted(run_config, tmp_path):
    rows = export(run_config, tmp_path / "review.tsv", "-n", "6")
    labels = ["high", "0", "ad", "1", "", ""]
    with open(tmp_path / "review.tsv", "w", encoding="utf-8") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r, label in zip(rows, labels):
            f.write("\t".join(label if c == "label" else r[c] for c in COLUMNS) + "\n")
    read = read_labels(tmp_path / "review.tsv")
    assert [label for label, _ in read.rows] == ["high", "low", "ad", "high"] and read.unlabelled == 2
    negatives = write_jsonl(tmp_path / "crawl.jsonl", crawl_pages())
    out = tmp_path / "model"
    args = ["quality", "train", "--lang", "en", "--positive", str(REFERENCE_EN), "--negative", str(negatives), "--out", str(out)]
    result = runner.invoke(app, [*args, "--labels", str(tmp_path / "review.tsv")])
    assert result.exit_code == 0, result.output
    counts = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["class_counts"]
    assert counts["human_labels"] == {"high": 2, "low": 1, "ad": 1}
    assert counts["human_labels_used"] == 4 and counts["unlabelled_rows_skipped"] == 2
    card = (out / "model_card.md").read_text(encoding="utf-8")
    assert "human labels (training only): 4 used: 2 high, 1 low, 1 ad; 2 unlabelled review row(s) skipped" in card


def test_a_bad_label_names_file_line_and_value(tmp_path):
    path = tmp_path / "review.tsv"
    path.write_text("id\tlabel\ttext\na\thigh\tok\nb\tmaybe\tno\n", encoding="utf-8")
    with pytest.raises(QualityDataError, match=r"review.tsv: line 3: field 'label': 'maybe' is not one of high, low, ad, 1 \(high\) or 0"):
        read_labels(path)


def test_cells_round_trip():
    text = "a\\nb\tc\nd\re \\ f"
    assert "\t" not in escape_cell(text) and "\n" not in escape_cell(text)
    assert unescape_cell(escape_cell(text)) == text


def test_borderline_needs_the_classifier_stage(run_config, tmp_path):
    result = runner.invoke(app, ["inspect", "--config", str(run_config), "--stage", "quality", "--borderline"])
    assert result.exit_code == 2 and "filter:classifier" in result.output
    result = runner.invoke(app, ["inspect", "--config", str(run_config), "--stage", "classifier", "--borderline", "--lang", "fr"])
    assert result.exit_code == 2 and "'fr' has no classifier model" in result.output


def test_report_draws_each_models_threshold_in_one_classifier_chart(run_config):
    """Before: the classifier's min_score is unset (each model's own threshold), so the report drew no threshold."""
    from curation.layout import Layout
    from curation.report.html import build_report
    from curation.report.thresholds import thresholds_for

    config = load_config(run_config)
    threshold = json.loads((run_config.parent / "models" / "en" / "metrics.json").read_text(encoding="utf-8"))["held_out"]["threshold"]
    thresholds = thresholds_for(config)
    assert thresholds["quality_score"] == {"en": threshold}
    html = build_report(Layout(config.output_dir), thresholds=thresholds)
    part = html[html.index("quality_score: the quality classifier") :]
    part = part[: part.index("</table>")]
    assert part.count("<svg") == 1 and "removed by any filter" in part
    assert part.count('stroke="#c01818" stroke-width="2"/>') == 2  # en's threshold mark, and the legend's
    assert "quality_score · " not in html  # no per-language panels of the score besides the one chart


def test_every_language_takes_its_turn_in_the_sample():
    # en has many documents nearer its threshold than zu's nearest: zu still gets every other row
    candidates = [(0.001 * i, f"en-{i:03d}", "en") for i in range(50)] + [(0.3 + 0.01 * i, f"zu-{i}", "zu") for i in range(3)]
    got = interleave_languages(iter(candidates), 6)
    assert [c[1] for c in got] == ["en-000", "zu-0", "en-001", "zu-1", "en-002", "zu-2"]
    assert interleave_languages(iter(candidates), 6) == got  # deterministic, whatever the input order
    assert interleave_languages(iter(reversed(candidates)), 6) == got
