"""`curation lm train`: SentencePiece + KenLM from reference text; natural text scores below shuffled text."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.lm.normalize import normalize_line
from curation.lm.train import LmTrainError, model_paths, train_language_model
from curation.reference import ReferenceTextError, read_reference
from filters.perplexity import document_perplexity

pytestmark = pytest.mark.kenlm

SAMPLES = Path(__file__).resolve().parents[3] / "samples"

REFERENCE = SAMPLES / "data" / "lm"


def _split(lang: str) -> tuple[list[str], list[str]]:
    lines = (REFERENCE / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return lines[:900], lines[900:]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    models = tmp_path_factory.mktemp("models")
    held_out = {}
    for lang in ("en", "fr", "de"):
        train, held_out[lang] = _split(lang)
        source = models / f"{lang}-train.txt"
        source.write_text("\n".join(train) + "\n", encoding="utf-8")
        train_language_model(lang, [source], models, log=lambda m: None)
    return models, held_out


def _shuffled(text: str, rng: random.Random) -> str:
    words = text.split()
    rng.shuffle(words)
    return " ".join(words)


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_natural_text_scores_lower_than_shuffled_words(trained, lang):
    import kenlm
    import sentencepiece as spm

    models, held_out = trained
    paths = model_paths(models, lang)
    sp = spm.SentencePieceProcessor(model_file=str(paths.sp_model))
    lm = kenlm.Model(str(paths.kenlm_model))
    rng = random.Random(7)
    docs = [" ".join(held_out[lang][i : i + 4]) for i in range(0, 100, 4)]  # 25 unseen documents
    natural = [document_perplexity(sp, lm, d) for d in docs]
    shuffled = [document_perplexity(sp, lm, _shuffled(d, rng)) for d in docs]
    assert all(n < s for n, s in zip(natural, shuffled)), list(zip(natural, shuffled))
    assert sum(natural) / len(natural) * 1.3 < sum(shuffled) / len(shuffled)


def test_model_files_and_metadata(trained):
    models, _ = trained
    paths = model_paths(models, "en")
    meta = json.loads(paths.meta.read_text())
    assert meta["lang"] == "en" and meta["lines"] == 900 and meta["order"] == 5
    assert paths.kenlm_model.read_bytes()[:8] == b"mmap lm "  # KenLM binary, not ARPA
    assert not list(models.glob("lm-en-*"))  # temporary folder removed


def test_training_is_deterministic(trained, tmp_path):
    models, _ = trained
    train, _ = _split("en")
    source = tmp_path / "en-train.txt"
    source.write_text("\n".join(train) + "\n", encoding="utf-8")
    again = train_language_model("en", [source], tmp_path, log=lambda m: None)
    assert again.sp_model.read_bytes() == model_paths(models, "en").sp_model.read_bytes()
    assert again.kenlm_model.read_bytes() == model_paths(models, "en").kenlm_model.read_bytes()


def test_reads_jsonl_rows_of_the_language(tmp_path):
    path = tmp_path / "ref.jsonl"
    rows = [{"text": "Bonjour le monde", "lang": "fr"}, {"text": "Hello world", "lang": "en"}, {"text": "Salut\nça va", "lang": "fr"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    assert list(read_reference([path], "fr")) == ["Bonjour le monde", "Salut\nça va"]
    path.write_text('{"text": "ok"}\nnot json\n')
    with pytest.raises(ReferenceTextError, match=r"ref.jsonl: line 2: not a JSON object with a 'text' field"):
        list(read_reference([path], "fr"))


def test_too_little_text_is_a_clear_error(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("one line\n\n")
    with pytest.raises(LmTrainError, match=r"language 'xx': only 1 non-empty lines"):
        train_language_model("xx", [path], tmp_path / "m", log=lambda m: None)


def test_normalize_line_folds_case_accents_digits_punctuation():
    assert normalize_line("  Élève  Nº 12 — “Été”  ") == 'eleve no 00 - "ete"'
    assert normalize_line("हिन्दी 2024") == "हिन्दी 0000"  # Indic vowel signs are kept


def test_cli_trains_a_model(tmp_path):
    source = tmp_path / "es.txt"
    source.write_text("\n".join(_split("es")[0][:300]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["lm", "train", "--lang", "es", "--input", str(source), "--models-dir", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / "es.arpa.bin").exists() and (tmp_path / "m" / "es.sp.model").exists()
    result = CliRunner().invoke(app, ["lm", "train", "--lang", "es", "--input", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert "missing.txt: input not found" in " ".join(result.output.split())
