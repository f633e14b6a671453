"""The real catalog, the planted-mistakes fixture, and one test per validation rule."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from curation.catalog import CatalogError, load_catalog
from curation.catalog.validate import Problem, validate_file

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "catalog.yaml"
PLANTED = ROOT / "tests" / "data" / "catalog" / "planted_mistakes.yaml"

GOOD = {
    "id": "bbc_hausa",
    "name": "BBC Hausa",
    "languages": ["ha"],
    "license": "unknown",
    "kind": "pseudo_crawl",
    "location": "https://www.bbc.com/hausa",
    "proposed_by": "african-languages-wg",
    "status": "proposed",
}


def write(tmp_path: Path, *entries: dict, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"sources": list(entries)}, sort_keys=False), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, **changes) -> list[tuple[str, str, str]]:
    entry = {k: v for k, v in {**GOOD, **changes}.items() if v is not ...}
    _, problems = validate_file(write(tmp_path, entry))
    return [(p.entry, p.field, p.message) for p in problems]


# ------------------------------------------------------------ the real catalog


def test_real_catalog_validates_with_at_least_450_entries():
    entries, problems = validate_file(CATALOG)
    assert problems == []
    assert len(entries) >= 450
    assert len(entries) == len({e.id for e in entries})


def test_real_catalog_covers_the_bigscience_lists():
    catalog = load_catalog(CATALOG)
    kinds = Counter(e.kind for e in catalog.entries)
    assert kinds["hf"] >= 450  # ROOTS catalogue datasets
    assert kinds["pseudo_crawl"] >= 600  # the 605 + 9 seeds (3 with no URL dropped)
    provenance = [p for e in catalog.entries for p in e.provenance]
    assert sum(p.startswith("seeds_batch1#") for p in provenance) == 602
    assert sum(p.startswith("seeds_batch2#") for p in provenance) == 9
    # a pseudo-crawl seed and its ROOTS output are one entry, not two
    mawdoo3 = [e for e in catalog.entries if "roots:lm_ar_pseudocrawl-filtered_595_mawdoo3_com" in e.provenance]
    assert len(mawdoo3) == 1 and mawdoo3[0].kind == "pseudo_crawl" and mawdoo3[0].languages[0] == "ar"
    assert catalog.get("www_bbc_com_swahili").location == "https://www.bbc.com/swahili"
    assert catalog.get("ar_arabench").location == "bigscience-catalogue-lm-data/lm_ar_arabench"
    assert catalog.get("ar_arabench").size_bytes == 7837368


def test_real_catalog_carries_training_v2_decisions():
    catalog = load_catalog(CATALOG)
    code = catalog.get("code_github_no_gpl")
    assert code.languages == ["zxx"]
    assert code.filters["skip"] == ["langid", "quality", "perplexity", "adult"]
    assert catalog.get("fr_bloom").status == "rejected"  # "Bad quality" in training_v2.csv
    assert catalog.get("ar_arabench").filters == {"thresholds": {"quality": {"min_bytes": 300}}}


def test_real_catalog_has_no_emails_or_contact_fields():
    text = CATALOG.read_text(encoding="utf-8")
    assert re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text) is None
    assert "redacted" not in text and "contact" not in text.lower()


def test_real_catalog_is_sorted_by_id():
    ids = [e["id"] for e in yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["sources"]]
    assert ids == sorted(ids)


# ------------------------------------------------------------ planted mistakes


def test_planted_catalog_gives_exactly_five_problems_naming_entry_and_field():
    entries, problems = validate_file(PLANTED)
    assert [(p.entry, p.field) for p in problems] == [
        ("www_bbc_com_swahili", "languages.0"),
        ("ar_arabench", "id"),
        ("ahotsak_eus", "kind"),
        ("eu_wikipedia", "license"),
        ("cc_en_head_local", "location"),
    ]
    assert all(p.file == str(PLANTED) for p in problems)
    assert "unknown language code 'swahili'" in problems[0].message
    assert "duplicate id" in problems[1].message and "#1" in problems[1].message
    assert "unknown kind 'web_crawl'" in problems[2].message
    assert "missing license" in problems[3].message
    assert "escapes the catalog's root" in problems[4].message
    assert [e.id for e in entries] == ["ar_arabench", "code_github_no_gpl"]


def test_problem_str_names_file_entry_and_field():
    p = Problem("c.yaml", "x", "kind", "unknown kind 'y'")
    assert str(p) == "c.yaml: entry 'x': field 'kind': unknown kind 'y'"


def test_load_catalog_raises_with_every_problem():
    with pytest.raises(CatalogError) as info:
        load_catalog(PLANTED)
    assert len(info.value.problems) == 5


# ------------------------------------------------------------ one test per rule


def test_good_entry_has_no_problem(tmp_path):
    assert problems_of(tmp_path) == []


@pytest.mark.parametrize("bad", ["BBC_Hausa", "bbc hausa", "_bbc", "bbc-", "x" * 101, "bbç"])
def test_id_must_be_a_slug(tmp_path, bad):
    assert [(f, m.split(":")[0]) for _, f, m in problems_of(tmp_path, id=bad)] == [("id", f"{bad!r} is not a slug")]


def test_duplicate_id_is_reported_on_the_second_entry(tmp_path):
    _, problems = validate_file(write(tmp_path, GOOD, {**GOOD, "name": "again"}))
    assert [(p.entry, p.field, p.index) for p in problems] == [("bbc_hausa", "id", 1)]


@pytest.mark.parametrize(
    "tag, message",
    [
        ("hausa", "unknown language code 'hausa' (not valid BCP-47)"),
        ("hau", "'hau' is not in normalised form; write 'ha'"),
        ("zh-cn", "'zh-cn' is not in normalised form; write 'zh-CN'"),
        ("iw", "'iw' is not in normalised form; write 'he'"),
        ("und", "'und' (undetermined) is not allowed: name the language, or 'zxx' for no linguistic content"),
    ],
)
def test_languages_must_be_normalised_bcp47(tmp_path, tag, message):
    assert problems_of(tmp_path, languages=["ha", tag]) == [("bbc_hausa", "languages.1", message)]


@pytest.mark.parametrize("tags", [["zh-Hans"], ["es-419"], ["zxx"], ["sr-Latn"], ["nic"]])
def test_valid_language_tags_pass(tmp_path, tags):
    assert problems_of(tmp_path, languages=tags) == []


def test_languages_must_not_be_empty_or_repeated(tmp_path):
    assert [f for _, f, _ in problems_of(tmp_path, languages=[])] == ["languages"]
    assert problems_of(tmp_path, languages=["ha", "ha"]) == [("bbc_hausa", "languages.1", "'ha' is listed twice")]


def test_license_is_required_and_unknown_has_one_spelling(tmp_path):
    assert [f for _, f, _ in problems_of(tmp_path, license=...)] == ["license"]
    assert [f for _, f, _ in problems_of(tmp_path, license="  ")] == ["license"]
    assert problems_of(tmp_path, license="Unknown") == [
        ("bbc_hausa", "license", "'Unknown': write exactly 'unknown' when the license is not established")
    ]
    assert problems_of(tmp_path, license="cc-by-4.0") == []


def test_kind_must_be_a_known_adapter(tmp_path):
    assert [(f, m.split(";")[0]) for _, f, m in problems_of(tmp_path, kind="rss")] == [("kind", "unknown kind 'rss'")]


def test_status_must_be_one_of_three(tmp_path):
    assert [f for _, f, _ in problems_of(tmp_path, status="accepted")] == ["status"]


@pytest.mark.parametrize(
    "kind, location, ok",
    [
        ("jsonl", "data/*.jsonl.gz", True),
        ("jsonl", "data/../other/x.jsonl", True),
        ("jsonl", "../x.jsonl", False),
        ("jsonl", "data/../../x.jsonl", False),
        ("jsonl", "/data/x.jsonl", False),
        ("jsonl", "~/x.jsonl", False),
        ("parquet", "https://example.org/x.parquet", False),
        ("warc", "https://data.commoncrawl.org/crawl-data/x.warc.gz", True),
        ("wet", "s3://commoncrawl/crawl-data/x.wet.gz", True),
        ("warc", "archives/**/*.warc.gz", True),
        ("warc", "/mnt/x.warc.gz", False),
        ("hf", "bigscience-catalogue-lm-data/lm_ar_arabench", True),
        ("hf", "hf_cache/my_dataset", True),
        ("hf", "../outside", False),
        ("pseudo_crawl", "https://www.bbc.com/hausa", True),
        ("pseudo_crawl", "www.bbc.com/hausa", False),
        ("pseudo_crawl", "ftp://www.bbc.com/", False),
    ],
)
def test_location_rules_per_kind(tmp_path, kind, location, ok):
    found = problems_of(tmp_path, kind=kind, location=location)
    assert (found == []) is ok
    if not ok:
        assert [f for _, f, _ in found] == ["location"]


def test_homepage_must_be_http_url(tmp_path):
    assert problems_of(tmp_path, homepage="https://www.bbc.com/hausa") == []
    assert [f for _, f, _ in problems_of(tmp_path, homepage="www.bbc.com")] == ["homepage"]


@pytest.mark.parametrize("who", ["Jane Doe", "Amadou Hampâté Bâ", "contact wg-hausa@example.org"])
def test_proposed_by_refuses_people_and_emails(tmp_path, who):
    assert [f for _, f, _ in problems_of(tmp_path, proposed_by=who)] == ["proposed_by"]


@pytest.mark.parametrize(
    "who", ["african-languages-wg", "Data Sourcing WG", "BigScience Data Governance Group", "a university or research institution"]
)
def test_proposed_by_accepts_groups(tmp_path, who):
    assert problems_of(tmp_path, proposed_by=who) == []


def test_filters_allow_list(tmp_path):
    ok = {
        "skip": ["langid", "adult"],
        "pii": "drop",
        "thresholds": {"quality": {"min_bytes": 300}, "perplexity": {"max_perplexity": 1500.5}},
    }
    assert problems_of(tmp_path, filters=ok) == []
    assert [f for _, f, _ in problems_of(tmp_path, filters={"dedup": False})] == ["filters.dedup"]
    assert [f for _, f, _ in problems_of(tmp_path, filters={"skip": ["toxicity"]})] == ["filters.skip"]
    assert [f for _, f, _ in problems_of(tmp_path, filters={"pii": "mask"})] == ["filters.pii"]
    assert [f for _, f, _ in problems_of(tmp_path, filters={"thresholds": {"quality": {"min_bytes": "300"}}})] == [
        "filters.thresholds.quality.min_bytes"
    ]
    assert [f for _, f, _ in problems_of(tmp_path, filters={"thresholds": {"qualty": {"min_bytes": 300}}})] == ["filters.thresholds.qualty"]


def test_unknown_field_is_an_error_naming_it(tmp_path):
    found = problems_of(tmp_path, licence="cc-by-4.0")
    assert [(e, f) for e, f, _ in found] == [("bbc_hausa", "licence")]
    assert found[0][2].startswith("unknown field 'licence'")


def test_entry_without_id_is_named_by_position(tmp_path):
    _, problems = validate_file(write(tmp_path, GOOD, {k: v for k, v in GOOD.items() if k != "id"}))
    assert [(p.entry, p.field) for p in problems] == [("#2", "id")]


def test_file_level_problems(tmp_path):
    assert [(p.entry, p.field, p.message) for p in validate_file(tmp_path / "none.yaml")[1]] == [("-", "-", "file not found")]
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [\n", encoding="utf-8")
    assert validate_file(bad)[1][0].message.startswith("not valid YAML")
    bad.write_text("entries: []\n", encoding="utf-8")
    assert [(p.field, p.message) for p in validate_file(bad)[1]] == [("sources", "expected a mapping with a 'sources' list")]


def test_select_filters_by_language_kind_and_status():
    catalog = load_catalog(CATALOG)
    sw_crawls = catalog.select(langs=["sw"], kinds=["pseudo_crawl"], statuses=["approved"])
    assert "www_bbc_com_swahili" in {e.id for e in sw_crawls}
    assert all("sw" in e.languages and e.kind == "pseudo_crawl" and e.status == "approved" for e in sw_crawls)


# ------------------------------------------------------------ conversion helpers


def _builder():
    spec = importlib.util.spec_from_file_location("build_catalog", ROOT / "scripts" / "build_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_conversion_language_mapping():
    b = _builder()
    assert [b.roots_lang(x) for x in ["indic-hi", "nigercongo-sw", "zhs", "zht", "code", "nigercongo", "zh-cn"]] == [
        "hi",
        "sw",
        "zh-Hans",
        "zh-Hant",
        "zxx",
        "nic",
        "zh-CN",
    ]
    # real cc-metrics histogram shape: primary language of each CLD2 key, >= 20% share
    assert b.cld2_languages('{"spa":700,"eng,spa":250,"cat":50}') == ["es", "en"]
    assert b.uniq_langs(["nic", "sw", "swa", None, "und"]) == ["sw"]


def test_conversion_license_and_people_scrubbing():
    b = _builder()
    assert b.norm_license("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International") == "cc-by-nc-sa-4.0"
    assert b.norm_license("CC BY-SA 3.0") == "cc-by-sa-3.0"
    assert b.norm_license("") == "unknown"
    assert b.scrub_people("A news corpus. It was founded by Jane Doe in 2001. Text is CC.") == "A news corpus. Text is CC."
    assert b.scrub_people("Published by the British Library.") == "Published by the British Library."
    assert b.scrub_uid("swahili_news_dataset_by_jane_doe") == "swahili_news_dataset"
