from audit_helpers import expected_blend_pct

from curation.catalog import load_catalog
from curation.layout import Layout
from curation.report.datacard import write_datacards


def test_a_card_per_language_with_the_run_facts(audit_run):
    layout = Layout(audit_run)
    paths = write_datacards(layout, load_catalog(audit_run.parent / "catalog.yaml"), {"words": {"fr": 50.0}})
    assert paths == [layout.datacard("en"), layout.datacard("fr")]
    fr = layout.datacard("fr").read_text(encoding="utf-8")
    assert "\n---\n\n# Data card: French (`fr`)\n" in fr
    assert "| pud_fr | UD French PUD | CC BY-SA 3.0 | 27 | 16 | 13 | 13 |" in fr
    assert "| after filters | 16 | 59.3% | 7,752 | 81.7% |" in fr
    assert "| filter | too_few_words | 11 | 1,733 |" in fr
    assert "3 of 16 documents removed as duplicates (18.8%)" in fr
    assert "| words | 27 | 50 | 15 | 59 | 100 |" in fr
    assert f"blend weight {expected_blend_pct(Layout(audit_run))['fr']:.1f}%" in fr and "Not run yet" not in fr
    en = layout.datacard("en").read_text(encoding="utf-8")
    assert "| forum_en | Community forum | CC BY 4.0 | 3 | 1 | 1 | 1 |" in en
    assert "0 of 11 documents removed as duplicates (0.0%)" in en
    # same run, same bytes
    before = [p.read_bytes() for p in paths]
    write_datacards(layout, load_catalog(audit_run.parent / "catalog.yaml"), {"words": {"fr": 50.0}})
    assert [p.read_bytes() for p in paths] == before


def test_cards_of_an_ingest_only_run_say_what_is_missing(make_audit_run):
    layout = Layout(make_audit_run(("ingest",)))
    write_datacards(layout)
    fr = layout.datacard("fr").read_text(encoding="utf-8")
    assert "> **Not run yet:** filter, dedup, tokenize." in fr
    assert "| 27 | 9,485 | 9,182 | not tokenized yet |" in fr
    assert "| pud_fr | (not in catalog) | unknown | 27 |" in fr
    assert "Filters not run yet." in fr and "Not deduplicated yet." in fr and "Not tokenized yet." in fr


def test_cards_carry_hub_front_matter_the_hub_library_reads(audit_run):
    from huggingface_hub import DatasetCard

    layout = Layout(audit_run)
    write_datacards(layout, load_catalog(audit_run.parent / "catalog.yaml"))
    fr = DatasetCard(layout.datacard("fr").read_text(encoding="utf-8")).data.to_dict()
    assert fr["language"] == ["fr"] and fr["license"] == "cc-by-sa-3.0" and fr["size_categories"] == ["n<1K"]
    assert fr["task_categories"] == ["text-generation"] and fr["pretty_name"].startswith("French (fr)")
    en = DatasetCard(layout.datacard("en").read_text(encoding="utf-8")).data.to_dict()
    # ccnet_en's "Common Crawl terms of use" is no SPDX id: `other`, named
    assert en["license"] == ["cc-by-4.0", "other"] and en["license_name"] == "Common Crawl terms of use"


def test_hub_license_ids_keep_unknown_explicit():
    from curation.report.hub_card import hub_licenses, size_category

    assert hub_licenses(["unknown", "CC-BY-SA-3.0 AND CC-BY-SA-4.0", "CC0-1.0"]) == (
        ["cc-by-sa-3.0", "cc-by-sa-4.0", "cc0-1.0", "unknown"],
        [],
    )
    assert hub_licenses(["MIT OR Apache-2.0"]) == (["other"], ["MIT OR Apache-2.0"])
    assert [size_category(n) for n in (0, 999, 1000, 250_000)] == ["n<1K", "n<1K", "1K<n<10K", "100K<n<1M"]
