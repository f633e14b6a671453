"""`curation catalog ...` through typer's CliRunner: exit codes and output."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from curation.catalog import load_catalog
from curation.catalog.validate import validate_file
from curation.cli import app

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "catalog.yaml"
PLANTED = ROOT / "tests" / "data" / "catalog" / "planted_mistakes.yaml"
SAMPLE = ROOT / "samples" / "catalog.yaml"

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["catalog", *args])


def test_validate_real_catalog_exits_0():
    result = run("validate", "--catalog", str(CATALOG))
    assert result.exit_code == 0, result.output
    n = len(validate_file(CATALOG)[0])
    assert f"{CATALOG}: {n} entries, valid" in result.output


def test_validate_planted_catalog_exits_1_with_one_line_per_problem():
    result = run("validate", "--catalog", str(PLANTED))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(PLANTED) + ": entry")]
    assert len(lines) == 5
    assert f"{PLANTED}: entry 'ahotsak_eus': field 'kind': unknown kind 'web_crawl'" in lines[2]
    assert "5 problem(s)" in result.output


def test_validate_missing_file_exits_1(tmp_path):
    result = run("validate", "--catalog", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "file not found" in result.output


def test_list_filters_by_language_kind_and_status():
    result = run("list", "--catalog", str(CATALOG), "--lang", "sw", "--kind", "pseudo_crawl", "--status", "approved", "--ids")
    assert result.exit_code == 0, result.output
    ids = result.output.split()
    assert "www_bbc_com_swahili" in ids and "www_dw_com_sw" in ids
    assert "ar_arabench" not in ids
    hf = run("list", "--catalog", str(CATALOG), "--kind", "hf", "--lang", "zxx", "--ids").output.split()
    assert hf == ["code_github_no_gpl", "code_stackexchange"]


def test_list_table_shows_count():
    result = run("list", "--catalog", str(SAMPLE), "--kind", "jsonl")
    assert result.exit_code == 0
    n_all = len(load_catalog(SAMPLE).entries)
    n_jsonl = len(load_catalog(SAMPLE).select(kinds=["jsonl"]))
    assert f"{n_jsonl} of {n_all} entries" in result.output
    assert "ccnet_en_head" in run("list", "--catalog", str(SAMPLE), "--kind", "jsonl", "--ids").output.split()


def test_list_refuses_an_invalid_catalog():
    result = run("list", "--catalog", str(PLANTED))
    assert result.exit_code == 1
    assert "5 problem(s)" in result.output


def test_show_prints_the_entry_as_yaml():
    result = run("show", "ar_arabench", "--catalog", str(CATALOG))
    assert result.exit_code == 0, result.output
    entry = yaml.safe_load(result.output)[0]
    assert entry["location"] == "bigscience-catalogue-lm-data/lm_ar_arabench"
    assert entry["languages"] == ["ar"]


def test_show_unknown_id_exits_1():
    result = run("show", "no_such_source", "--catalog", str(CATALOG))
    assert result.exit_code == 1
    assert "no catalog entry with id 'no_such_source'" in result.output


def test_stats_counts_per_language_kind_license(tmp_path):
    result = run("stats", "--catalog", str(SAMPLE))
    assert result.exit_code == 0, result.output
    for text in (
        "entries per language",
        "entries per kind",
        "entries per license",
        "entries per license group",
        "entries per status",
        "jsonl",
        "LicenseRef-CommonCrawl-terms",  # licenses as SPDX ids: `Common Crawl terms of use` in the file
        "copyleft",
    ):
        assert text in result.output
    top = run("stats", "--catalog", str(CATALOG), "--top", "3")
    assert top.exit_code == 0 and "(top 3 of" in top.output


ADD = [
    "--id",
    "bbc_somali",
    "--name",
    "BBC Somali",
    "--lang",
    "so",
    "--license",
    "unknown",
    "--kind",
    "pseudo_crawl",
    "--location",
    "https://www.bbc.com/somali",
    "--proposed-by",
    "african-languages-wg",
    "--skip-filter",
    "adult",
    "--threshold",
    "quality.min_bytes=300",
]


def test_add_round_trip_keeps_comments_and_validates(tmp_path):
    path = tmp_path / "catalog.yaml"
    shutil.copy(SAMPLE, path)
    (tmp_path / "data").mkdir()
    before = path.read_text(encoding="utf-8")
    result = run("add", "--catalog", str(path), *ADD)
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: comments and existing text untouched
    entries, problems = validate_file(path)
    assert problems == []
    added = entries[-1]
    assert (added.id, added.languages, added.kind, added.status) == ("bbc_somali", ["so"], "pseudo_crawl", "proposed")
    assert added.filters == {"skip": ["adult"], "thresholds": {"quality": {"min_bytes": 300}}}
    shown = run("show", "bbc_somali", "--catalog", str(path))
    assert yaml.safe_load(shown.output)[0]["location"] == "https://www.bbc.com/somali"


def test_add_refuses_a_duplicate_id_and_leaves_the_file(tmp_path):
    path = tmp_path / "catalog.yaml"
    shutil.copy(SAMPLE, path)
    before = path.read_text(encoding="utf-8")
    args = [a if a != "bbc_somali" else "ccnet_en_head" for a in ADD]
    result = run("add", "--catalog", str(path), *args)
    assert result.exit_code == 1
    assert "entry 'ccnet_en_head': field 'id': duplicate id" in result.output
    assert path.read_text(encoding="utf-8") == before


def test_add_reports_every_problem_of_the_new_entry(tmp_path):
    path = tmp_path / "catalog.yaml"
    shutil.copy(SAMPLE, path)
    args = ["--id", "x", "--name", "X", "--lang", "hau", "--license", "", "--kind", "rss", "--location", "x", "--proposed-by", "Jane Doe"]
    result = run("add", "--catalog", str(path), *args)
    assert result.exit_code == 1
    fields = [line.split("field '")[1].split("'")[0] for line in result.output.splitlines() if "field '" in line]
    assert fields == ["languages.0", "license", "kind", "proposed_by"]


def test_add_dry_run_does_not_write(tmp_path):
    path = tmp_path / "catalog.yaml"
    shutil.copy(SAMPLE, path)
    before = path.read_text(encoding="utf-8")
    result = run("add", "--catalog", str(path), *ADD, "--dry-run")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.output)[0]["id"] == "bbc_somali"
    assert path.read_text(encoding="utf-8") == before


def test_add_to_an_empty_catalog(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text("# new catalog\nsources: []\n", encoding="utf-8")
    result = run("add", "--catalog", str(path), *ADD)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").startswith("# new catalog\nsources:\n  - id: bbc_somali\n")
    assert [e.id for e in validate_file(path)[0]] == ["bbc_somali"]


def test_add_to_the_real_catalog_appends_at_its_indent(tmp_path):
    path = tmp_path / "catalog.yaml"
    shutil.copy(CATALOG, path)
    before = path.read_text(encoding="utf-8")
    result = run("add", "--catalog", str(path), *ADD)
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before) :].startswith("- id: bbc_somali\n")
    entries, problems = validate_file(path)
    assert problems == [] and entries[-1].id == "bbc_somali"


def test_one_catalog_option_for_every_catalog_command_positional_path_deprecated():
    for args in (["validate"], ["list", "--ids"], ["stats"], ["show", "ccnet_en_head"]):
        result = run(*args, "-C", str(SAMPLE))
        assert result.exit_code == 0, (args, result.output)
        assert "deprecated" not in result.output
    legacy = run("validate", str(SAMPLE), "--no-lid-check")
    assert legacy.exit_code == 0 and f"deprecated; write --catalog {SAMPLE}" in legacy.stderr
    legacy_show = run("show", "ccnet_en_head", str(SAMPLE))
    assert legacy_show.exit_code == 0 and yaml.safe_load(legacy_show.stdout)[0]["id"] == "ccnet_en_head"
    both = run("stats", str(SAMPLE), "--catalog", str(CATALOG))
    assert both.exit_code == 2 and "give one with --catalog" in both.output


def test_format_json_on_every_catalog_command(tmp_path):
    import json

    listed = json.loads(run("list", "-C", str(SAMPLE), "--format", "json").stdout)
    assert [e["id"] for e in listed] == [e.id for e in load_catalog(SAMPLE).entries]
    shown = json.loads(run("show", "ccnet_en_head", "-C", str(SAMPLE), "--format", "json").stdout)
    assert shown["id"] == "ccnet_en_head" and shown["kind"] == "jsonl"
    valid = json.loads(run("validate", "-C", str(SAMPLE), "--format", "json", "--no-lid-check").stdout)
    assert valid == {"file": str(SAMPLE), "entries": 12, "valid": True, "problems": [], "warnings": []}
    planted = run("validate", "-C", str(PLANTED), "--format", "json", "--no-lid-check")
    assert planted.exit_code == 1
    assert [p["field"] for p in json.loads(planted.stdout)["problems"]] == ["languages.0", "id", "kind", "license", "location"]
    path = tmp_path / "catalog.yaml"
    shutil.copy(SAMPLE, path)
    added = json.loads(run("add", "-C", str(path), *ADD, "--format", "json").stdout)
    assert added["added"] is True and added["entry"]["id"] == "bbc_somali" and added["problems"] == []


def test_tables_are_not_wrapped_or_cut_when_piped():
    """CliRunner's stdout is not a terminal: a row stays one line however long its id and name."""
    result = run("list", "-C", str(CATALOG), "--kind", "hf")
    longest = max((e for e in load_catalog(CATALOG).entries if e.kind == "hf"), key=lambda e: len(e.id) + len(e.name))
    lines = [line for line in result.stdout.splitlines() if longest.id in line]
    assert len(lines) == 1 and longest.name in lines[0]
    assert max(len(line) for line in result.stdout.splitlines()) > 80
