"""The LID extension: trained in the test on a few KB of UDHR text per language, it identifies languages
lid.176 cannot output (Zulu on Bible verses, another domain), leaves the base model's languages alone,
and a GlotLID-style model plugs in through `model_path`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from curation.config import LidConfig
from curation.lid.train import lid_files, train_lid
from filters.base import Batch
from filters.langid import LanguageId
from filters.lid_thresholds import FORMAT, ThresholdsError, preset_thresholds, read_thresholds

DATA = Path(__file__).resolve().parents[2] / "data" / "lid"
FAST = LidConfig(epoch=25)


def rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def pud(lang: str, n: int) -> list[str]:
    """n documents of five UD PUD sentences of one language."""
    import gzip

    with gzip.open(DATA / "ud_pud_300.tsv.gz", "rt", encoding="utf-8") as f:
        sentences = [r[2] for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r[1] == lang]
    return [" ".join(sentences[i : i + 5]) for i in range(0, 5 * n, 5)]


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """UDHR reference text of zu, xh, ha, ig, yo, pcm, rn, rw and en (a few KB each), one file per language."""
    folder = tmp_path_factory.mktemp("lid")
    reference: dict[str, list[Path]] = {}
    for row in rows("udhr_reference.tsv"):
        path = folder / f"{row['lang']}.txt"
        with open(path, "a", encoding="utf-8") as f:
            f.write(row["text"] + "\n")
        reference[row["lang"]] = [path]
    train_lid(reference, FAST, folder / "out", log=lambda m: None)
    return folder / "out"


def langid(out: Path, **params) -> LanguageId:
    files = lid_files(out)
    f = LanguageId({"extension_path": str(files.model), "thresholds": str(files.thresholds)} | params)
    f.ensure_setup()
    return f


def kept_share(f: LanguageId, texts: list[str], declared: str) -> float:
    f.ensure_setup()
    batch = Batch(
        ids=[str(i) for i in range(len(texts))], sources=["s"] * len(texts), urls=[None] * len(texts), texts=texts,
        langs=[None] * len(texts), lang_scores=[None] * len(texts), signals=[{} for _ in texts], declared=[(declared,)] * len(texts),
    )  # fmt: skip
    scores = f.score(batch)
    kept = 0
    for i in range(len(texts)):
        signals = {name: column[i] for name, column in scores.signals.items() if column[i] is not None}
        kept += f.decide(signals, scores.langs[i]) is None
    return kept / len(texts)


def bible_zulu_documents() -> list[str]:
    verses = [r["text"] for r in rows("bible_zu_heldout.tsv")]
    return [" ".join(verses[i : i + 5]) for i in range(0, len(verses), 5)]


def test_extension_keeps_a_language_the_base_model_lacks_on_another_domain(trained):
    zulu = bible_zulu_documents()
    assert len(zulu) == 40
    assert kept_share(LanguageId(), zulu, "zu") == 0.0  # lid.176 alone: every Zulu document removed
    assert kept_share(langid(trained), zulu, "zu") >= 0.9


def test_extension_removes_other_languages_and_leaves_the_base_models_alone(trained):
    f = langid(trained)
    english, french = pud("en", 30), pud("fr", 30)
    assert kept_share(f, english, "zu") == 0.0  # en is a confuser of zu, and the extension knows English
    assert kept_share(f, french, "zu") == 0.0  # the base model is sure of French: the extension is not asked
    assert kept_share(f, english, "en") == 1.0
    assert kept_share(f, bible_zulu_documents(), "xh") <= 0.1  # the close pair is told apart


def test_removal_detail_names_both_models(trained):
    f = langid(trained)
    texts = pud("en", 1)
    batch = Batch(["0"], ["s"], [None], texts, [None], [None], [{}], [("zu",)])
    scores = f.score(batch)
    assert scores.details[0].startswith("top=en:") and " ext=en:" in scores.details[0]
    assert scores.signals["lid_ext_p"][0] is not None


def test_training_is_deterministic(tmp_path):
    reference = {}
    for lang in ("zu", "en"):
        path = tmp_path / f"{lang}.txt"
        path.write_text("".join(r["text"] + "\n" for r in rows("udhr_reference.tsv") if r["lang"] == lang), encoding="utf-8")
        reference[lang] = [path]
    cfg = LidConfig(epoch=5)
    a, b = train_lid(reference, cfg, tmp_path / "a", log=lambda m: None), train_lid(reference, cfg, tmp_path / "b", log=lambda m: None)
    assert a.model.read_bytes() == b.model.read_bytes()
    assert a.thresholds.read_bytes() == b.thresholds.read_bytes()


def test_thresholds_file_records_method_sample_and_rates(trained):
    data = json.loads(lid_files(trained).thresholds.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and "quantile" in data["method"]
    assert set(data["languages"]) == {"zu", "xh", "ha", "ig", "yo", "pcm", "rn", "rw", "en"}
    zu = data["languages"]["zu"]
    assert 0.2 <= zu["min_score"] <= 0.5 and zu["held_out_documents"] >= 2
    assert 0.0 <= zu["expected_removal"] <= 1.0 and zu["other_languages_kept"] <= 0.05
    meta = json.loads(lid_files(trained).meta.read_text(encoding="utf-8"))
    assert "en" in meta["languages"]["pcm"]["confusers"]  # lid.176 calls Nigerian Pidgin English


def test_presets_and_files(tmp_path):
    assert LanguageId({"thresholds": "roots"}).params_for("sw").min_score == 0.75
    derived = preset_thresholds("derived")
    assert LanguageId().params_for("sw").min_score == derived["sw"] < 0.75  # derived from held-out text: sw scores low
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"format": FORMAT, "languages": {"zul": {"min_score": 0.33}}}), encoding="utf-8")
    f = LanguageId({"thresholds": str(path)})
    assert f.params_for("zu").min_score == 0.33 and f.params_for("sw").min_score == derived["sw"]
    assert LanguageId({"thresholds": str(path)}, langs={"zu": {"min_score": 0.4}}).params_for("zu").min_score == 0.4
    path.write_text(json.dumps({"format": FORMAT, "languages": {"zu": {"min_score": 2}}}), encoding="utf-8")
    with pytest.raises(ThresholdsError, match=r"languages.zu.min_score must be a number in \[0, 1\]"):
        read_thresholds(path)
    with pytest.raises(ThresholdsError, match="neither a preset"):
        LanguageId({"thresholds": "rootz"})


def test_glotlid_style_model_plugs_in_through_model_path(tmp_path):
    """A fastText LID file labelled like GlotLID (`__label__zul_Latn`) is read with its labels normalised."""
    import fasttext

    lines = [
        f"__label__{'zul_Latn' if r['lang'] == 'zu' else 'eng_Latn'} {r['text']}"
        for r in rows("udhr_reference.tsv")
        if r["lang"] in ("zu", "en")
    ]
    data = tmp_path / "train.txt"
    data.write_text("\n".join(lines * 5) + "\n", encoding="utf-8")
    model = fasttext.train_supervised(input=str(data), minn=2, maxn=4, dim=16, epoch=25, lr=0.5, thread=1, seed=0, verbose=0)
    model.save_model(str(tmp_path / "glot.bin"))
    f = LanguageId({"model_path": str(tmp_path / "glot.bin")})
    assert f.output_labels() == {"zu", "en"}
    assert kept_share(f, bible_zulu_documents(), "zu") >= 0.9
