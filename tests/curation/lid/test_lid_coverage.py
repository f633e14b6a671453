"""`catalog validate` names entries declaring languages the LID model cannot output (warnings, not problems)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from curation.catalog.validate import check_lid_coverage, validate_file
from curation.cli import app
from curation.lid.labels import model_labels, uncovered

ROOT = Path(__file__).resolve().parents[3]
CATALOG = ROOT / "catalog.yaml"


def entry(id_: str, languages: list[str], **extra) -> dict:
    return {
        "id": id_,
        "name": id_,
        "languages": languages,
        "license": "unknown",
        "kind": "jsonl",
        "location": f"data/{id_}.jsonl",
        "proposed_by": "lid working group",
        "status": "approved",
        **extra,
    }


def write_catalog(tmp_path: Path) -> Path:
    sources = [
        entry("zulu_news", ["zu"]),
        entry("hausa_and_english", ["en", "ha"]),
        entry("swahili_news", ["sw"]),  # lid.176 has sw
        entry("croatian_web", ["hr", "bs"]),
        entry("nynorsk_wiki", ["nn"]),
        entry("tagalog_forum", ["fil"]),  # lid.176 says tl
        entry("yoruba_skipped", ["yo", "ig"], filters={"skip": ["langid"]}),
        entry("code", ["zxx"]),
        entry("xhosa_rejected", ["xh"], status="rejected"),
    ]
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    return path


def test_lid176_labels_are_read_from_the_model():
    labels = model_labels()
    assert len(labels) == 176
    assert {"en", "hr", "sr", "sr-Latn", "no", "nn", "sw", "yo", "fil", "zh", "gsw"} <= labels
    assert uncovered(
        ["zu", "ha", "ig", "ln", "lg", "rn", "sn", "xh", "om", "ti", "pcm", "yo", "sw", "bs", "nb", "zh-Hant", "zxx"], labels
    ) == [
        "zu",
        "ha",
        "ig",
        "ln",
        "lg",
        "rn",
        "sn",
        "xh",
        "om",
        "ti",
        "pcm",
    ]
    assert model_labels() is model_labels()  # cached


def test_entries_with_languages_the_model_cannot_output_are_named(tmp_path):
    path = write_catalog(tmp_path)
    entries, problems = validate_file(path)
    assert problems == []
    warnings = check_lid_coverage(entries, model_labels(), "lid.176.ftz", str(path))
    assert [(w.entry, w.field) for w in warnings] == [("zulu_news", "languages"), ("hausa_and_english", "languages")]
    assert warnings[0].message.startswith("zu: the LID model lid.176.ftz cannot output it")
    assert warnings[1].message.startswith("ha: ")
    assert "filters: {skip: [langid]}" in warnings[0].message and "model_path" in warnings[0].message
    assert warnings[0].message.endswith("a run trains the extension on the built-in UDHR text of zu (lid.builtin_reference)")


def test_validate_prints_and_counts_warnings_and_still_exits_0(tmp_path):
    path = write_catalog(tmp_path)
    result = CliRunner().invoke(app, ["catalog", "validate", "--catalog", str(path)])
    assert result.exit_code == 0, result.output
    assert "entry 'zulu_news': field 'languages': zu: the LID model lid.176.ftz cannot output it" in result.output
    assert "9 entries, valid, 2 warning(s)" in result.output
    quiet = CliRunner().invoke(app, ["catalog", "validate", "--catalog", str(path), "--no-lid-check"])
    assert quiet.exit_code == 0 and "warning" not in quiet.output


def test_real_catalog_is_valid_and_its_uncovered_entries_are_counted():
    entries, problems = validate_file(CATALOG)
    assert problems == []
    warnings = check_lid_coverage(entries, model_labels(), "lid.176.ftz", str(CATALOG))
    named = {w.entry for w in warnings}
    print(f"\n{len(warnings)} of {len(entries)} catalog entries declare languages lid.176 cannot output")
    assert "www_bbc_com_swahili" not in named and len(warnings) >= 50


def test_an_unreadable_model_gives_a_note_not_a_failure(tmp_path):
    path = write_catalog(tmp_path)
    result = CliRunner().invoke(app, ["catalog", "validate", "--catalog", str(path), "--lid-model", str(tmp_path / "glotlid.bin")])
    assert result.exit_code == 0, result.output
    assert "note: LID coverage not checked" in result.output and "glotlid.bin" in result.output
    assert "warning" not in result.output
