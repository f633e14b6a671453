"""Thresholds derived from data (`curation filter calibrate --derive`, `filter.thresholds_file`, the filter stage's
derivation from the run's reference text), on real text: UDHR Zulu as reference, Zulu Bible verses held out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from curation.catalog import CatalogEntry, load_catalog
from curation.cli import app
from curation.config import FilterConfig, load_config
from curation.filter_stage import build_chain, run_filter
from curation.filter_thresholds import FORMAT, FilterThresholdsError, Measured, derive, examples, measure, read_filter_thresholds
from curation.ingest.stage import run_ingest
from filters.quality import QualityHeuristics
from filters.wordlists import builtin_packs

ROOT = Path(__file__).resolve().parents[2]
LID_DATA = ROOT / "tests" / "data" / "lid"
SAMPLES = ROOT / "samples"
FILTER_CATALOG = ROOT / "tests" / "data" / "filters" / "catalog.yaml"


def tsv(path: Path, lang: str = "zu") -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [r["text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r["lang"] == lang]


@pytest.fixture(scope="module")
def zulu(tmp_path_factory) -> tuple[Path, list[str]]:
    """UDHR Zulu as a reference file (a line a paragraph); Bible verses, five a document, held out."""
    folder = tmp_path_factory.mktemp("zulu")
    reference = folder / "zu.txt"
    reference.write_text("\n".join(tsv(LID_DATA / "udhr_reference.tsv")) + "\n", encoding="utf-8")
    verses = tsv(LID_DATA / "bible_zu_heldout.tsv")
    held_out = [" ".join(verses[i : i + 5]) for i in range(0, len(verses) - 4, 5)]
    assert len(held_out) == 40
    return reference, held_out


def removal(f: QualityHeuristics, texts: list[str]) -> float:
    measured = measure([f], texts, "zu")
    return sum(f.decide(s, "zu") is not None for s in measured.signals) / len(texts)


def write_config(folder: Path, reference: Path, **extra) -> Path:
    data = {"catalog": str(FILTER_CATALOG), "output_dir": str(folder / "out"), "reference": {"zu": [str(reference)]}}
    data |= {"filter": {"chain": ["quality"]}} | extra
    path = folder / "run.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_zulu_derived_from_the_udhr_keeps_held_out_bible_text(zulu, tmp_path):
    reference, held_out = zulu
    builtin = QualityHeuristics()
    assert removal(builtin, held_out) > 0.7  # the stopword ratio of an agglutinative language against a word list
    config = write_config(tmp_path, reference)
    result = CliRunner().invoke(app, ["filter", "calibrate", "--config", str(config), "--derive", str(tmp_path / "t.json")])
    assert result.exit_code == 0, result.output
    assert "zu: quality.stopwords_min 0.1→" in result.output
    record = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert record["format"] == FORMAT and record["from"] == "reference" and record["sample"]["doc_chars"] == 500
    zu = record["languages"]["zu"]
    assert zu["documents"] >= 15 and zu["corpus_documents"] is None  # nothing ingested: no corpus figure
    stop = zu["filters"]["quality"]["stopwords_min"]
    assert stop["builtin"] == 0.1 and stop["value"] < 0.1 and stop["sample_removal"]["derived"] <= 0.05
    assert set(zu["filters"]["quality"]) == {"stopwords_min"}  # the other signals already pass Zulu
    derived = QualityHeuristics(derived=read_filter_thresholds(tmp_path / "t.json")["quality"])
    assert removal(derived, held_out) <= 0.05


def test_the_same_sample_gives_the_same_bytes(zulu, tmp_path):
    reference, _ = zulu
    config = write_config(tmp_path, reference)
    outputs = []
    for name in ("a.json", "b.json"):
        result = CliRunner().invoke(app, ["filter", "calibrate", "--config", str(config), "--derive", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    samples = {"zu": reference.read_text(encoding="utf-8").splitlines()}
    assert derive(["quality"], FilterConfig(), samples) == derive(["quality"], FilterConfig(), samples)


def test_never_stricter_than_the_built_in_value_from_reference_text():
    english = ["The cat sat on the mat and the dog lay by the door. " * 3 + f"It was day {i}." for i in range(20)]
    record = derive(["quality", "gopher"], FilterConfig(), {"en": english})
    for params in record["languages"]["en"]["filters"].values():
        for info in params.values():
            assert (info["value"] <= info["builtin"]) if info["direction"] == "min" else (info["value"] >= info["builtin"])
    # repeated text: word repetition loosened, the length signals (words, bytes, gopher_words) never derived
    assert "word_rep_max" in record["languages"]["en"]["filters"]["quality"]
    assert not {"min_words", "min_bytes"} & set(record["languages"]["en"]["filters"]["quality"])
    assert "min_doc_words" not in record["languages"]["en"]["filters"].get("gopher", {})


def test_corpus_rule_can_be_stricter():
    clean = [
        f"The people of the town {i} went to the market{',' * (i // 10 + (5 if i == 99 else 0))} and bought bread and fish for the family."
        for i in range(100)
    ]
    record = derive(["quality"], FilterConfig(), {"en": clean}, method="corpus")
    assert record["from"] == "corpus"
    quality = record["languages"]["en"]["filters"]["quality"]
    special = quality["special_max"]
    assert special["value"] < special["builtin"] and 0 < special["sample_removal"]["derived"] <= 0.05  # this corpus' own distribution
    assert "word_rep_max" not in quality  # no repetition anywhere: a threshold of 0 would sit on the bulk
    few = derive(["quality"], FilterConfig(), {"en": clean[:40]}, method="corpus")
    assert few["languages"]["en"]["filters"] == {}  # 40 documents cannot place a 5 % percentile with 90 % confidence


def test_thresholds_file_sits_between_the_packs_and_filter_params(tmp_path):
    pack = builtin_packs()["en"]["stopwords_min"]
    path = tmp_path / "t.json"
    entry = {"value": 0.05, "builtin": pack, "signal": "stopword_ratio", "direction": "min"}
    path.write_text(json.dumps({"format": FORMAT, "languages": {"en": {"filters": {"quality": {"stopwords_min": entry}}}}}))
    source = CatalogEntry.model_validate(load_catalog(FILTER_CATALOG).get("pud_news").model_dump())

    def en(**config) -> float:
        chain, _ = build_chain(source, FilterConfig(chain=["quality"], **config))
        return chain[0].params_for("en").stopwords_min

    assert en() == pack
    assert en(thresholds_file=path) == 0.05  # over the ROOTS pack
    assert en(thresholds_file=path, params={"quality": {"stopwords_min": 0.2}}) == 0.2  # filter.params wins
    assert en(thresholds_file=path, langs={"quality": {"en": {"stopwords_min": 0.3}}}) == 0.3  # filter.langs too
    chain, _ = build_chain(source, FilterConfig(chain=["quality"], thresholds_file=path))
    assert chain[0].params_for("de").stopwords_min == QualityHeuristics().params_for("de").stopwords_min  # other languages


def test_thresholds_file_path_is_rebased_and_shown_by_dry_run(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps({"format": FORMAT, "languages": {}}))
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump({"catalog": str(FILTER_CATALOG), "filter": {"thresholds_file": "t.json"}}))
    assert load_config(config).filter.thresholds_file == tmp_path / "t.json"
    result = CliRunner().invoke(app, ["filter", "--config", str(config), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "filter.thresholds_file (derived from data), filter.params" in result.output  # the precedence note
    assert f"# thresholds of quality, adult: {tmp_path / 't.json'} (filter.thresholds_file)" in result.output


@pytest.mark.parametrize(
    "content, field",
    [
        ({"format": "other"}, "field 'format'"),
        (
            {"format": FORMAT, "languages": {"en": {"filters": {"quality": {"stopwords_min": {"value": "x"}}}}}},
            "languages.en.filters.quality",
        ),
        ({"format": FORMAT, "languages": {"en": {"filters": {"langid": {"min_score": {"value": 0.1}}}}}}, "its own presets"),
    ],
)
def test_a_bad_file_is_named_with_its_field(tmp_path, content, field):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content))
    with pytest.raises(FilterThresholdsError, match=field) as info:
        read_filter_thresholds(path)
    assert str(path) in str(info.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FilterThresholdsError, match=f"filter thresholds {tmp_path / 'nope.json'}: No such file"):
        read_filter_thresholds(tmp_path / "nope.json")


def test_examples_are_redacted():
    from curation.filter_thresholds import candidates, derive_values

    texts = [f"Write to person{i}@example.org or call +33 6 12 34 56 {i:02d} about the meeting of the group." for i in range(10)]
    sample = measure([QualityHeuristics()], texts, "en")
    f = QualityHeuristics()
    cands = candidates([f], sample, "en", "reference")
    found = examples(cands, {i: c.builtin for i, c in enumerate(cands)}, Measured(texts, sample.signals), "en")
    assert found and all("@example.org" not in e["text"] and "<EMAIL>" in e["text"] for e in found)
    assert derive_values(cands, "reference", 0.05) == {}  # clean text: nothing to loosen


def test_the_filter_stage_derives_from_the_run_reference_and_keeps_zulu(tmp_path):
    """The sample's Zulu source: 80 documents of Bible verses, its reference text the UDHR (samples/run.yaml)."""
    data = {
        "catalog": str(SAMPLES / "catalog.yaml"),
        "output_dir": str(tmp_path / "out"),
        "sources": ["bible_zu"],
        "workers": 1,
        "reference": {"zu": [str(SAMPLES / "data" / "lm" / "zu.txt")]},
        "filter": {"chain": ["quality"]},
    }
    config = load_config(None, data)
    catalog = load_catalog(config.catalog)
    entries = catalog.select(ids=["bible_zu"])
    run_ingest(catalog, entries, config, progress=False)
    result = run_filter(catalog, entries, config, progress=False)
    assert result.facts["kept"] >= 72  # of 80; the built-in stopwords_min (0.1) kept 17
    origin = result.facts["thresholds of quality"]
    assert "derived from the run's reference text" in origin and "(derived: zu: quality.stopwords_min 0.1→" in origin
    record = json.loads((tmp_path / "out" / "thresholds" / "filters.json").read_text(encoding="utf-8"))
    assert record["languages"]["zu"]["corpus_documents"] == 80
    assert record["languages"]["zu"]["expected_removal"]["corpus"]["builtin"] > 0.7
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    cli = CliRunner().invoke(app, ["filter", "calibrate", "--config", str(tmp_path / "run.yaml"), "--derive", str(tmp_path / "cli.json")])
    assert cli.exit_code == 0, cli.output
    assert (tmp_path / "cli.json").read_bytes() == (tmp_path / "out" / "thresholds" / "filters.json").read_bytes()  # the run's file
    again = run_filter(catalog, entries, config, progress=False)
    assert "(resumed: zu:" in again.facts["thresholds of quality"] and again.facts["kept"] == result.facts["kept"]
    builtin = run_filter(catalog, entries, load_config(None, data | {"reference": {}}), progress=False)
    assert builtin.facts["kept"] <= 20 and "the built-in packs" in builtin.facts["thresholds of quality"]


def test_the_report_draws_the_derived_thresholds(tmp_path):
    from curation.report.thresholds import thresholds_for

    path = tmp_path / "t.json"
    entry = {"value": 0.002, "builtin": 0.1, "signal": "stopword_ratio", "direction": "min"}
    path.write_text(json.dumps({"format": FORMAT, "languages": {"zu": {"filters": {"quality": {"stopwords_min": entry}}}}}))
    config = load_config(None, {"catalog": str(FILTER_CATALOG), "filter": {"chain": ["quality"], "thresholds_file": str(path)}})
    drawn = thresholds_for(config)["stopword_ratio"]
    assert drawn["zu"] == 0.002 and drawn["*"] == 0.1
