from audit_helpers import expected_blend_pct

from curation.catalog import load_catalog
from curation.layout import Layout
from curation.report.datacard import write_datacards


def test_a_card_per_language_with_the_run_facts(audit_run):
    layout = Layout(audit_run)
    paths = write_datacards(layout, load_catalog(audit_run.parent / "catalog.yaml"), {"words": {"fr": 50.0}})
    assert paths == [layout.datacard("en"), layout.datacard("fr")]
    fr = layout.datacard("fr").read_text(encoding="utf-8")
    assert fr.startswith("# Data card: French (`fr`)\n")
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
