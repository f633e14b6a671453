from pathlib import Path

import pytest

from curation.config import ConfigError, load_config, parse_override


def test_defaults_without_a_file():
    cfg = load_config(None)
    assert cfg.workers == 2 and cfg.executor == "local" and cfg.ingest.html_extractor == "cascade"


def test_file_paths_are_relative_to_the_file_and_overrides_win(tmp_path: Path):
    (tmp_path / "run.yaml").write_text(
        "catalog: cat.yaml\noutput_dir: out\nworkers: 4\ningest:\n  max_docs_per_shard: 7\n"
        "tokenizer:\n  fertility_text: held.tsv\nreference:\n  en: en.txt\n  fr: [/abs/fr.txt]\n"
    )
    cfg = load_config(tmp_path / "run.yaml", {"workers": 1, "ingest.html_extractor": "trafilatura"})
    assert cfg.catalog == tmp_path / "cat.yaml"
    assert cfg.output_dir == tmp_path / "out"
    assert cfg.tokenizer.fertility_text == tmp_path / "held.tsv"
    assert cfg.reference == {"en": [tmp_path / "en.txt"], "fr": [Path("/abs/fr.txt")]}
    assert cfg.workers == 1
    assert cfg.ingest.max_docs_per_shard == 7 and cfg.ingest.html_extractor == "trafilatura"


def test_filter_parameters_naming_files_are_relative_to_the_file(tmp_path: Path):
    """Before: `filter.params.adult.domains_path: lists/adult.tar.gz` was read from the working directory."""
    (tmp_path / "run.yaml").write_text(
        "filter:\n"
        "  params:\n"
        "    adult: {domains_path: lists/adult.tar.gz, cache_dir: /abs/cache}\n"
        "    langid: {extension_path: lid/extension.bin, thresholds: derived, min_score: 0.5}\n"
        "    perplexity: {models_dir: ../models}\n"
        "    nonesuch: {model: x.bin}\n"
        "  langs:\n"
        "    classifier: {de: {model: models/q-de}}\n"
        "    langid: {sw: {thresholds: lid/thresholds.json}}\n"
    )
    with pytest.raises(ConfigError, match="unknown filter 'nonesuch'"):  # left as written for validation to name
        load_config(tmp_path / "run.yaml")
    (tmp_path / "run.yaml").write_text((tmp_path / "run.yaml").read_text().replace("    nonesuch: {model: x.bin}\n", ""))
    cfg = load_config(tmp_path / "run.yaml", {"filter.params.classifier.model": "cwd/model"})
    params, langs = cfg.filter.params, cfg.filter.langs
    assert params["adult"] == {"domains_path": str(tmp_path / "lists/adult.tar.gz"), "cache_dir": "/abs/cache"}
    assert params["langid"] == {"extension_path": str(tmp_path / "lid/extension.bin"), "thresholds": "derived", "min_score": 0.5}
    assert params["perplexity"] == {"models_dir": str(tmp_path.parent / "models")}
    assert params["classifier"] == {"model": "cwd/model"}  # a command-line value is the caller's, as written
    assert langs["classifier"]["de"]["model"] == str(tmp_path / "models/q-de")
    assert langs["langid"]["sw"]["thresholds"] == str(tmp_path / "lid/thresholds.json")


def test_unknown_and_invalid_fields_name_file_and_field(tmp_path: Path):
    path = tmp_path / "run.yaml"
    path.write_text("ingest:\n  max_docs_per_shrd: 7\nworkers: 0\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert f"{path}: field 'ingest.max_docs_per_shrd'" in message
    assert f"{path}: field 'workers'" in message


def test_override_values_are_read_as_yaml():
    assert parse_override("dedup.bands=14") == ("dedup.bands", 14)
    assert parse_override("langs=[fr, de]") == ("langs", ["fr", "de"])
    with pytest.raises(ConfigError):
        parse_override("no-equals-sign")


def test_section_hash_changes_only_with_its_section():
    a = load_config(None)
    b = load_config(None, {"workers": 5})
    c = load_config(None, {"ingest.max_docs_per_shard": 3})
    assert a.section_hash("ingest") == b.section_hash("ingest")
    assert a.section_hash("ingest") != c.section_hash("ingest")


def test_lm_reference_names_its_new_place(tmp_path: Path):
    path = tmp_path / "run.yaml"
    path.write_text("lm:\n  reference:\n    en: en.txt\n")
    with pytest.raises(ConfigError, match="top-level `reference`"):
        load_config(path)
