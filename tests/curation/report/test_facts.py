from curation.layout import Layout
from curation.report.facts import Duplicates, FilterStep, Reason, Totals, run_facts


def test_funnel_reasons_and_duplicates_of_a_complete_run(audit_run):
    f = run_facts(Layout(audit_run))
    assert f.present == ["ingest", "filter", "dedup", "tokenize"] and f.missing == []
    assert f.langs == ["en", "fr"] and f.sources == ["ccnet_en", "forum_en", "pud_fr"]
    docs = {lang: {s: t.docs for s, t in stages.items()} for lang, stages in f.funnel.items()}
    assert docs == {
        "en": {"ingest": 13, "filter": 11, "dedup": 11, "tokenize": 11},
        "fr": {"ingest": 27, "filter": 16, "dedup": 13, "tokenize": 13},
    }
    assert f.funnel["fr"]["ingest"] == Totals(27, 9485, 9182, 0)
    assert [(r.stage, r.lang, r.reason, r.docs) for r in f.reasons] == [
        ("filter", "en", "low_alpha_ratio", 1),
        ("filter", "en", "too_few_words", 1),
        ("ingest", "fr", "bad_record_invalid_json", 1),
        ("filter", "fr", "too_few_words", 11),
        ("dedup", "fr", "exact_duplicate", 3),
    ]
    assert f.filter_steps == [FilterStep("quality", "en", 13, 2, 0), FilterStep("quality", "fr", 27, 11, 0)]
    assert f.duplicates["fr"] == Duplicates("fr", 16, {"exact_duplicate": 3, "url_duplicate": 0, "near_duplicate": 0})
    assert round(f.duplicates["fr"].rate, 4) == 0.1875 and f.duplicates["en"].removed == 0
    assert sum(f.tokens_by("lang").values()) == sum(f.tokens_by("source").values()) > 0
    assert f.final("fr").docs == 13 and f.mismatches == []


def test_an_ingest_only_run_names_the_missing_stages(make_audit_run):
    f = run_facts(Layout(make_audit_run(("ingest",))))
    assert f.present == ["ingest"] and f.missing == ["filter", "dedup", "tokenize"]
    assert f.duplicates == {} and f.filter_steps == [] and f.tokens_by("lang") == {}
    assert [r for r in f.reasons if r.stage != "ingest"] == []
    assert Reason("ingest", "fr", "bad_record_invalid_json", 1, 0) in f.reasons
