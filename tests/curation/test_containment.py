"""Catalog paths never escape the catalog's folder (issue 11, item 7): every path-like field of every
kind goes through one check (`sources.base.contained`), in `catalog validate` and again at read time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from curation.catalog import Catalog, CatalogEntry
from curation.catalog.validate import validate_file
from curation.config import RunConfig
from curation.ingest.stage import run_ingest
from curation.layout import Layout

WEB = Path(__file__).resolve().parents[1] / "data" / "web"
SECRET = "root:x:0:0:do-not-read"


def _entry(source_id: str, kind: str, location: str, **options) -> CatalogEntry:
    return CatalogEntry(
        id=source_id,
        name=source_id,
        languages=["en"],
        license="unknown",
        kind=kind,
        location=location,
        proposed_by="tests",
        status="approved",
        options=options,
    )


def _catalog_yaml(entries: list[str]) -> str:
    return "sources:\n" + "".join(entries)


def _crawl(source_id: str, archives: str) -> str:
    return (
        f"  - {{id: {source_id}, name: X, languages: [en], license: unknown, kind: pseudo_crawl,\n"
        f"     location: 'https://example.org/', proposed_by: tests, status: approved, options: {{archives: ['{archives}']}}}}\n"
    )


def test_validate_refuses_archives_outside_the_catalog_folder(tmp_path):
    path = tmp_path / "catalog" / "catalog.yaml"
    path.parent.mkdir()
    path.write_text(
        _catalog_yaml([_crawl("climbs", "../outside/*.warc.gz"), _crawl("absolute", "/etc/passwd"), _crawl("inside", "crawl/*.warc.gz")])
    )
    _entries, problems = validate_file(path)
    assert sorted((p.entry, p.field) for p in problems) == [("absolute", "options.archives"), ("climbs", "options.archives")]


def test_ingest_refuses_escaping_paths_without_opening_them(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(WEB / "example.warc.gz", outside / "a.warc.gz")
    (outside / "passwd").write_text(SECRET + "\n")
    root = tmp_path / "catalog"
    (root / "data").mkdir(parents=True)
    entries = (
        _entry("crawl_climbs", "pseudo_crawl", "https://example.org/", archives=["../outside/*.warc.gz"]),
        _entry("crawl_absolute", "pseudo_crawl", "https://example.org/", archives=[str(outside / "passwd")]),
        _entry("file_climbs", "jsonl", "../outside/passwd"),
        _entry("file_absolute", "text", str(outside / "passwd")),
    )
    config = RunConfig(output_dir=tmp_path / "out", workers=1)
    result = run_ingest(Catalog(root / "catalog.yaml", entries), list(entries), config, progress=False)
    assert result.counts.docs(outcome="kept") == 0
    assert sorted(e["source"] for e in result.errors) == sorted(e.id for e in entries)
    assert all(
        e["problem"] == "unlistable_source"
        and "escapes the catalog's root" in e["detail"]
        or "absolute paths are not allowed" in e["detail"]
        for e in result.errors
    )
    report = Layout(config.output_dir).errors("ingest").read_text(encoding="utf-8")
    assert SECRET not in report and all(json.loads(line) for line in report.splitlines())


def test_an_output_folder_inside_an_input_folder_is_refused(tmp_path, make_jsonl_source):
    catalog_path = make_jsonl_source()  # reads data/*.jsonl under tmp_path
    from curation.catalog import load_catalog

    catalog = load_catalog(catalog_path)
    for out in (tmp_path / "data" / "out", tmp_path / "data"):
        config = RunConfig(output_dir=out, workers=1)
        try:
            run_ingest(catalog, list(catalog.entries), config, progress=False)
        except ValueError as exc:
            assert "inside" in str(exc) and "'ccnet'" in str(exc) and "location" in str(exc)
        else:
            raise AssertionError(f"{out}: accepted")
    result = run_ingest(catalog, list(catalog.entries), RunConfig(output_dir=tmp_path / "out", workers=1), progress=False)
    assert result.counts.docs(outcome="kept") == 30  # beside the data, not inside it: fine
