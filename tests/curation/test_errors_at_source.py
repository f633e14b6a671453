"""Issue 13, item 6: mistakes are caught where they are made (catalog validate/add, --set at startup,
ingest naming each source that failed), not when a later stage trips over them."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from curation.catalog.validate import validate_file
from curation.cli import app

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "catalog.yaml"
SAMPLE = ROOT / "samples" / "catalog.yaml"
runner = CliRunner()

JSONL = {
    "id": "forum_sw",
    "name": "Swahili forum dump",
    "languages": ["sw"],
    "license": "CC-BY-4.0",
    "kind": "jsonl",
    "location": "data/forum.jsonl",
    "proposed_by": "african-languages-wg",
}


def problems(tmp_path: Path, *entries: dict) -> list[tuple[str, str, str]]:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": list(entries)}, sort_keys=False), encoding="utf-8")
    return [(p.entry, p.field, p.message) for p in validate_file(path)[1]]


def test_unknown_reader_option_of_the_kind_is_a_problem(tmp_path):
    found = problems(tmp_path, JSONL | {"options": {"text_feld": "body"}})
    assert [(e, f) for e, f, _ in found] == [("forum_sw", "options.text_feld")]
    assert "unknown option 'text_feld' for kind jsonl" in found[0][2] and "text_field" in found[0][2]


def test_a_list_option_written_as_a_string_is_a_problem(tmp_path):
    found = problems(tmp_path, JSONL | {"options": {"meta_fields": "title"}})
    assert found == [("forum_sw", "options.meta_fields", "'title' is a string but meta_fields is a list: write [title]")]
    crawl = JSONL | {"kind": "pseudo_crawl", "location": "https://www.bbc.com/somali", "options": {"prefixes": "https://bbc.com/x"}}
    assert [f for _, f, _ in problems(tmp_path, crawl)] == ["options.prefixes"]


def test_option_value_types_come_from_the_adapter(tmp_path):
    found = problems(tmp_path, JSONL | {"kind": "parquet", "location": "data/x.parquet", "options": {"batch_size": "big"}})
    assert found == [("forum_sw", "options.batch_size", "'big': expected an integer")]
    assert problems(tmp_path, JSONL | {"options": {"text_field": "body", "meta_fields": ["title"]}}) == []


def test_threshold_out_of_range_is_refused_by_the_filters_own_model(tmp_path):
    found = problems(tmp_path, JSONL | {"filters": {"thresholds": {"langid": {"min_score": 2}}}})
    assert [(e, f) for e, f, _ in found] == [("forum_sw", "filters.thresholds.langid.min_score")]
    assert "less than or equal to 1" in found[0][2]


def test_unknown_threshold_name_is_refused(tmp_path):
    found = problems(tmp_path, JSONL | {"filters": {"thresholds": {"quality": {"min_wrds": 20}}}})
    assert [(e, f) for e, f, _ in found] == [("forum_sw", "filters.thresholds.quality.min_wrds")]
    assert "unknown parameter 'min_wrds' of filter 'quality'" in found[0][2] and "min_words" in found[0][2]


def test_duplicate_location_is_an_error_naming_the_first_entry(tmp_path):
    hausa = {
        "id": "bbc_hausa",
        "name": "BBC Hausa news",
        "languages": ["ha"],
        "license": "unknown",
        "kind": "pseudo_crawl",
        "location": "http://bbc.com/hausa/",
        "proposed_by": "african-languages-wg",
    }
    found = problems(tmp_path, hausa | {"id": "www_bbc_com_hausa", "location": "https://www.bbc.com/hausa"}, hausa)
    assert [(e, f) for e, f, _ in found] == [("bbc_hausa", "location")]
    assert "duplicates the location of entry 'www_bbc_com_hausa'" in found[0][2]


def test_the_readme_add_example_adds_to_the_real_catalog(tmp_path):
    """The README's example once duplicated www_bbc_com_hausa; the command it shows must work as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("curation catalog add ", 1)[1].split("\ncuration catalog validate", 1)[0]
    import shlex

    args = shlex.split(command.replace("\\\n", " "))
    path = tmp_path / "catalog.yaml"
    shutil.copy(CATALOG, path)
    result = runner.invoke(app, ["catalog", "add", "--catalog", str(path), *args])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["catalog", "add", "--catalog", str(path), "--id", "bbc_somali_2", *args[2:]])
    assert again.exit_code == 1 and "duplicates the location of entry 'bbc_somali'" in again.output
    old_example = ["--id", "bbc_hausa", "--name", "BBC Hausa", "--lang", "ha", "--license", "unknown", "--kind", "pseudo_crawl"]
    old_example += ["--location", "https://www.bbc.com/hausa", "--proposed-by", "african-languages-wg"]
    refused = runner.invoke(app, ["catalog", "add", "--catalog", str(path), *old_example])
    assert refused.exit_code == 1 and "duplicates the location of entry 'www_bbc_com_hausa'" in refused.output


def test_near_duplicate_names_are_warnings_not_errors(tmp_path):
    from curation.catalog.validate import catalog_warnings

    path = tmp_path / "catalog.yaml"
    second = JSONL | {"id": "forum_sw_2", "name": "swahili FORUM-dump", "location": "data/other.jsonl"}
    path.write_text(yaml.safe_dump({"sources": [JSONL, second]}), encoding="utf-8")
    entries, found = validate_file(path)
    assert found == []
    warnings = catalog_warnings(entries, str(path))
    assert [(w.entry, w.field) for w in warnings] == [("forum_sw_2", "name")]
    result = runner.invoke(app, ["catalog", "validate", "--catalog", str(path), "--no-lid-check"])
    assert result.exit_code == 0 and "warning:" in result.output and "nearly duplicates entry 'forum_sw'" in result.output


def test_licenses_normalise_to_spdx_with_a_group():
    from curation.catalog.licenses import GROUPS, LICENSES, group, normalise

    assert normalise("cc-by-sa-4.0") == "CC-BY-SA-4.0" and group("cc-by-sa-4.0") == "copyleft"
    assert normalise("cc0-1.0 OR ogl-uk-3.0") == "CC0-1.0 OR OGL-UK-3.0" and group("cc0-1.0 OR ogl-uk-3.0") == "permissive"
    assert group("CC-BY-SA-3.0 AND CC-BY-NC-4.0") == "non-commercial"
    assert (normalise("CC BY-NC 4.0"), normalise("Apache 2.0")) == ("CC-BY-NC-4.0", "Apache-2.0")  # spaces for hyphens
    assert (
        normalise("Research only (non-commercial)") == "LicenseRef-research-only"
        and group("Research only (non-commercial)") == "non-commercial"
    )
    assert (normalise("unknown"), group("unknown")) == ("unknown", "unknown")
    assert (normalise("some words of our own"), group("some words of our own")) == ("unknown", "unknown")
    assert {lic.group for lic in LICENSES} == set(GROUPS)
    names = [n.casefold() for lic in LICENSES for n in (lic.spdx, *lic.aliases)]
    assert len(names) == len(set(names))  # one table, no name twice


def test_every_license_of_the_real_catalog_is_known_to_the_table():
    from curation.catalog.validate import catalog_warnings

    entries, _ = validate_file(CATALOG)
    assert [w for w in catalog_warnings(entries, str(CATALOG)) if w.field == "license"] == []


def test_catalog_stats_shows_spdx_ids_and_groups_as_json():
    result = runner.invoke(app, ["catalog", "stats", "--catalog", str(CATALOG), "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    from curation.catalog.licenses import GROUPS

    data = json.loads(result.stdout)
    assert set(data["license_group"]) == set(GROUPS)  # every group shown, an empty one as 0
    assert sum(data["license_group"].values()) == data["entries"] == 1073
    assert data["license"]["CC-BY-4.0"] == 22 and "cc-by-4.0" not in data["license"]
    assert data["license_group"]["unknown"] >= data["license"]["unknown"]


def test_set_typo_is_reported_at_startup_with_its_dotted_path(tmp_path):
    result = runner.invoke(
        app, ["run", "--set", "filter.langs.quality.de.min_wrds=15", "--out", str(tmp_path / "out"), "--stages", "ingest"]
    )
    assert result.exit_code == 2
    assert "--set filter.langs.quality.de.min_wrds: unknown parameter 'min_wrds' of filter 'quality'" in result.output
    assert "validation error" not in result.output  # not raw pydantic text
    assert not (tmp_path / "out").exists()  # no stage started
    out_of_range = runner.invoke(app, ["run", "--set", "filter.params.langid.min_score=2", "--dry-run"])
    assert out_of_range.exit_code == 2 and "--set filter.params.langid.min_score" in out_of_range.output


def test_ingest_exits_1_naming_each_source_that_failed(tmp_path, make_jsonl_source):
    catalog = make_jsonl_source(files=1)
    text = catalog.read_text(encoding="utf-8") + (
        "  - {id: missing_files, name: Missing, languages: [en], license: unknown, kind: jsonl,\n"
        "     location: 'nowhere/*.jsonl', proposed_by: test, status: approved}\n"
    )
    catalog.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", "--catalog", str(catalog), "--out", str(out), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "1 source(s) yielded no document" in result.output and "missing_files: unlistable_source" in result.output
    assert "ccnet:" not in result.output  # the source that worked is not named
    run = runner.invoke(app, ["run", "--set", f"catalog={catalog}", "--out", str(out), "--stages", "ingest,filter", "--no-progress"])
    assert run.exit_code == 1 and "missing_files: unlistable_source" in run.output and "stage 'ingest' failed" in run.output
