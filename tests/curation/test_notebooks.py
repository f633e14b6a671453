import pytest
from audit_helpers import expected_blend_pct

from curation.notebooks import (
    language_table,
    load_signals,
    reasons_table,
    run_layout,
    signal_summary,
    source_table,
    stats_frame,
    sweep_table,
    token_table,
    what_if,
)


def test_tables_of_a_complete_run(audit_run, monkeypatch):
    monkeypatch.setenv("CURATION_OUT", str(audit_run))
    layout = run_layout()
    langs = language_table(layout)
    assert langs.loc["fr"].to_dict() == {
        "docs ingested": 27,
        "docs after filters": 16,
        "docs after dedup": 13,
        "docs tokenized": 13,
        "bytes final": 6276,
        "tokens": langs.loc["fr", "tokens"],
        "filtered out %": 40.74,
        "duplicate %": 18.75,
    }
    reasons = reasons_table(layout)
    assert reasons[reasons["reason"] == "too_few_words"][["lang", "docs", "share %"]].values.tolist() == [
        ["en", 1, 7.69],
        ["fr", 11, 40.74],
    ]
    assert source_table(layout, audit_run.parent / "catalog.yaml").loc["pud_fr", "license"] == "CC BY-SA 3.0"
    assert source_table(layout).loc["pud_fr", "license"] == "unknown"
    tokens = token_table(layout)
    assert (
        tokens["blend weight %"].to_dict() == expected_blend_pct(layout) and tokens["tokens"].sum() == stats_frame(layout)["tokens"].sum()
    )


def test_threshold_helpers_agree_with_the_filter(audit_run):
    signals = load_signals(run_layout(audit_run))
    summary = signal_summary(signals)
    assert summary.loc[("words", "fr"), "docs"] == 27 and summary.loc[("words", "fr"), "removed"] == 11
    # the filter removed fr documents below 50 words: the same cut removes the same documents
    table = what_if(signals, {"words": {"*": 50.0}}, {"words": "below"})
    assert table.loc["fr"].tolist() == [27, 11, 11, 40.74]
    assert table.loc["en", "would remove"] == 1 and table.loc["en", "removed by the filters"] == 2
    stricter = what_if(signals, {"words": {"*": 50.0}, "alpha_ratio": {"en": 0.6}}, {"words": "below", "alpha_ratio": "below"})
    assert stricter.loc["en", "would remove"] == 2 and stricter.loc["fr", "would remove"] == 11
    sweep = sweep_table(signals, "words", [50.0])
    assert sweep.loc[("fr", 50.0), "below"] == 11


def test_a_directory_without_statistics_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no statistics found"):
        run_layout(tmp_path)
