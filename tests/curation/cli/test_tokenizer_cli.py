"""`curation tokenizer train` and `curation tokenize` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from curation.cli import app
from curation.layout import Layout

DATA = Path(__file__).resolve().parents[2] / "data" / "tokenizer"


def test_train_then_tokenize(deduped_dir, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text(f"output_dir: out\ntokenizer:\n  vocab_size: 1200\n  fertility_text: {DATA / 'heldout_sentences.tsv'}\n")
    runner = CliRunner()
    result = runner.invoke(app, ["tokenizer", "train", "-c", str(config), "--input", str(deduped_dir), "--alpha", "0.5"])
    assert result.exit_code == 0, result.output
    layout = Layout(tmp_path / "out")
    assert "tokenizer sample (α = 0.5, seed 0)" in result.output
    assert "fertility on held-out text" in result.output
    assert "(vocabulary 1,200," in result.output
    sampling = json.loads(layout.tokenizer_sampling().read_text())
    assert [r["lang"] for r in sampling["languages"]] == ["ru", "en", "de", "fr", "ar", "zh", "hi", "fi", "tr"]
    assert sampling["alpha"] == 0.5
    fertility = json.loads(layout.tokenizer_fertility().read_text())["languages"]
    assert sorted(fertility) == ["ar", "de", "en", "fi", "fr", "hi", "ru", "tr", "zh"]
    assert fertility["en"]["sentences"] == 105

    result = runner.invoke(app, ["tokenize", "-c", str(config), "--input", str(deduped_dir), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "tokenized1,025documentsinto" in "".join(result.output.split())
    manifest = json.loads(layout.token_manifest().read_text())
    assert manifest["tokenizer"]["vocab_size"] == 1200
    assert [d["name"] for d in manifest["datasets"] if d["split"] == "train"] == [f"{lang}_00000" for lang in sorted(fertility)]


def test_missing_tokenizer_is_a_clear_error(deduped_dir, tmp_path):
    result = CliRunner().invoke(app, ["tokenize", "--out", str(tmp_path), "--input", str(deduped_dir), "--no-progress"])
    assert result.exit_code == 1
    flat = "".join(result.output.split())  # rich wraps long lines anywhere
    assert "tokenizer/tokenizer.json:notokenizer(run`curationtokenizertrain`first" in flat


def test_dry_run_prints_the_resolved_sections(tmp_path):
    result = CliRunner().invoke(app, ["tokenizer", "train", "--out", str(tmp_path), "--vocab-size", "5000", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "vocab_size: 5000" in result.output and "alpha: 0.3" in result.output
