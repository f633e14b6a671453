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
