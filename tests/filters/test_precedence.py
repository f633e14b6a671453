"""Filter parameter precedence, lowest to highest: built-in defaults, built-in per-language packs,
the run's `filter.params`, the run's `filter.langs`, the catalog entry's `filters`.

`en` has a ROOTS pack (quality min_words 20); `de` has none (the default, 10).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from curation.catalog import CatalogEntry, load_catalog
from curation.cli import app
from curation.config import FilterConfig, load_config
from curation.filter_stage import build_chain, effective_parameters
from filters import get_filter_class
from filters.lid_thresholds import preset_thresholds
from filters.quality import QualityHeuristics
from filters.wordlists import builtin_packs

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tests" / "data" / "filters" / "catalog.yaml"
SAMPLE = ROOT / "samples" / "run.yaml"
PACKED, UNPACKED = "en", "de"


def entry(filters: dict | None = None) -> CatalogEntry:
    """A real catalog entry, with `filters` as its per-source overrides."""
    base = load_catalog(CATALOG).get("pud_news")
    return CatalogEntry.model_validate(base.model_dump() | {"filters": filters or {}})


def chain_params(name: str, lang: str, params=None, langs=None, source=None):
    """`lang`'s parameters of filter `name`, built the way the filter stage builds it for a source."""
    config = FilterConfig(chain=[name], params={name: params or {}}, langs={name: langs or {}})
    filters = {"thresholds": {name: source}} if source else {}
    chain, _ = build_chain(entry(filters), config)
    return chain[0].params_for(lang)


def test_each_level_wins_over_the_levels_below():
    assert PACKED in builtin_packs() and UNPACKED not in builtin_packs()
    four = {"min_words": 4}
    ladder = [  # (filter.params, filter.langs, the catalog entry's thresholds) → min_words of en, de
        ({}, {}, {}, {PACKED: 20, UNPACKED: 10}),  # 2 over 1: the ROOTS pack over the default
        ({"min_words": 3}, {}, {}, {PACKED: 3, UNPACKED: 3}),  # 3 over 2: run-wide over the pack
        ({"min_words": 3}, {PACKED: four, UNPACKED: four}, {}, {PACKED: 4, UNPACKED: 4}),  # 4 over 3
        ({"min_words": 3}, {PACKED: four, UNPACKED: four}, {"min_words": 5}, {PACKED: 5, UNPACKED: 5}),  # 5 over 4
    ]
    for params, langs, source, expected in ladder:
        got = {lang: chain_params("quality", lang, params, langs, source).min_words for lang in expected}
        assert got == expected, (params, langs, source)
    # `filters.pii` is the pii filter's policy at the same top level
    config = FilterConfig(chain=["pii"], params={"pii": {"policy": "keep"}}, langs={"pii": {PACKED: {"policy": "keep"}}})
    pii = build_chain(entry({"pii": "drop"}), config)[0][0]
    assert pii.params_for(PACKED).policy == "drop" and pii.params_for(UNPACKED).policy == "drop"


def test_lower_levels_show_through_where_higher_ones_are_silent():
    """Each level sets a different parameter; every one of them is visible."""
    for lang, pack_stopwords in ((PACKED, 0.3), (UNPACKED, 0.1)):
        p = chain_params(
            "quality",
            lang,
            params={"char_rep_max": 0.5},  # level 3
            langs={lang: {"special_max": 0.6}},  # level 4
            source={"min_words": 7},  # level 5
        )
        assert p.word_rep_n == 5  # level 1: nobody else sets it
        assert p.stopwords_min == pack_stopwords  # level 2 for en; level 1 for de
        assert (p.char_rep_max, p.special_max, p.min_words) == (0.5, 0.6, 7), lang
    other = chain_params("quality", "fr", params={"char_rep_max": 0.5}, langs={PACKED: {"special_max": 0.6}})
    assert (other.char_rep_max, other.special_max, other.min_words) == (0.5, 0.34, 13)  # fr's pack shows where the run is silent


def test_a_regional_variant_falls_back_to_its_language_then_the_defaults():
    f = QualityHeuristics({"flagged_max": 0.05}, {"zh": {"special_max": 0.6}})
    zh_hant = f.params_for("zh-Hant")
    assert (zh_hant.flagged_max, zh_hant.special_max, zh_hant.char_rep_n) == (0.05, 0.6, 3)  # run-wide, run for zh, zh's pack
    assert f.params_for("xx-Latn") == f.defaults and f.defaults.flagged_max == 0.05


@pytest.mark.parametrize(
    "name, param, value",
    [("quality", "min_words", 3), ("langid", "min_score", 0.5), ("adult", "flagged_max", 0.05), ("gopher", "min_avg_word_length", 2)],
)
def test_run_wide_values_beat_every_builtin_pack(name, param, value):
    f = get_filter_class(name)({param: value})
    assert f.languages() and all(getattr(f.params_for(lang), param) == value for lang in f.languages())


def test_resume_keys_follow_the_effective_parameters():
    run_wide = QualityHeuristics({"min_words": 3}).config_key()
    assert run_wide != QualityHeuristics().config_key()
    assert run_wide["langs"][PACKED]["min_words"] == 3 and run_wide["defaults"]["min_words"] == 3
    config = FilterConfig(chain=["quality"])
    per_source = build_chain(entry({"thresholds": {"quality": {"min_words": 5}}}), config)[0][0].config_key()
    assert per_source["langs"][PACKED]["min_words"] == 5 and per_source["defaults"]["min_words"] == 5


def test_effective_parameters_of_the_run_and_of_the_sources_that_differ():
    config = load_config(None, {"catalog": str(CATALOG), "filter.params": {"quality": {"min_words": 3}}})
    catalog = load_catalog(config.catalog)
    effective = effective_parameters(catalog, catalog.select(statuses=config.statuses), config)
    assert list(effective["run"]) == ["langid", "quality", "adult", "code", "license", "secrets"]  # the default chain
    assert effective["run"]["quality"]["langs"][PACKED]["min_words"] == 3
    assert effective["run"]["quality"]["defaults"]["min_words"] == 3
    assert sorted(effective["sources"]) == ["code_snippets", "pud_lenient"]  # pud_news and the others are the run's
    lenient = effective["sources"]["pud_lenient"]
    assert lenient["skipped"] == ["quality"] and list(lenient["filters"]) == ["langid"]
    assert {p["min_score"] for p in lenient["filters"]["langid"]["langs"].values()} == {0.3}


def dry_run(*args: str) -> dict:
    """The sample config's dry run into an empty output folder: no stage outputs (derived thresholds) of an earlier run."""
    empty = ["--set", f"output_dir={tempfile.mkdtemp(prefix='dry-run-out-')}"]
    result = CliRunner().invoke(app, ["run", str(SAMPLE), "--dry-run", "--stages", "filter", *empty, *args])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(result.stdout)  # the config, then the parameters: one YAML document


def test_dry_run_prints_the_effective_parameters():
    shown = dry_run()["filter_parameters"]
    chain = ["langid", "quality", "classifier", "perplexity", "adult", "code", "license", "secrets", "pii"]
    assert list(shown) == chain  # samples/run.yaml's chain
    assert shown["quality"]["defaults"]["min_words"] == 10 and shown["quality"]["langs"][PACKED]["min_words"] == 20
    assert UNPACKED not in shown["quality"]["langs"]  # no parameters of its own: the defaults
    assert shown["langid"]["langs"]["zh"] == {"min_score": preset_thresholds("derived")["zh"]}  # the default preset

    shown = dry_run("--set", "filter.params.quality.min_words=3", "--set", "filter.langs={quality: {de: {min_words: 4}}}")
    quality = shown["filter_parameters"]["quality"]
    assert quality["defaults"]["min_words"] == 3 and "min_words" not in quality["langs"][PACKED]  # en: 3, like the defaults
    assert quality["langs"][UNPACKED] == {"min_words": 4}

    by_source = dry_run("--set", f"catalog={CATALOG}")["filter_parameters_by_source"]
    assert by_source["pud_lenient"] == {"skipped": ["quality"], "langid": {"defaults": {"min_score": 0.3}}}


def test_dry_run_output_is_deterministic():
    first = CliRunner().invoke(app, ["run", str(SAMPLE), "--dry-run"])
    second = CliRunner().invoke(app, ["run", str(SAMPLE), "--dry-run"])
    assert first.exit_code == 0 and first.stdout == second.stdout and "filter_parameters:" in first.stdout
