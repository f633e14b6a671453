import pandas as pd
import pytest
from audit_helpers import expected_blend_pct, record_run

from curation.notebooks import (
    language_table,
    load_signals,
    reasons_table,
    run_layout,
    signal_summary,
    source_table,
    starting_threshold,
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
    assert source_table(layout).loc["pud_fr", "license"] == "unknown"  # no run record, no catalog given
    record_run(audit_run)  # the run's own catalog, from run.json: no environment variable needed
    assert source_table(layout).loc["pud_fr", "license"] == "CC BY-SA 3.0"
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


def test_the_explorer_opens_on_a_threshold_that_removes_something():
    """Before: the first signal by name at its median; a flag that is 0 almost everywhere (adult_flagged_ratio) removed nothing."""
    rows = [(f"d{i}", "adult_flagged_ratio", "en", "s", 0.0 if i % 20 else 0.02, False, None) for i in range(100)]
    rows += [(f"d{i}", "words", "en", "s", float(i), False, None) for i in range(100)]
    signals = pd.DataFrame(rows, columns=["id", "signal", "lang", "source", "value", "removed", "reason"])
    signal, threshold, side = starting_threshold(signals)
    assert (signal, side) == ("words", "below") and threshold == 49.5
    assert what_if(signals, {signal: {"*": threshold}}, {signal: side}).loc["en", "would remove"] == 50


def test_the_explorer_takes_the_side_the_runs_filter_removes(audit_run):
    record_run(audit_run)  # the default config's chain: quality's thresholds (e.g. words, a minimum)
    layout = run_layout(audit_run)
    signals = load_signals(layout)
    signal, threshold, side = starting_threshold(signals, layout)
    assert what_if(signals, {signal: {"*": threshold}}, {signal: side})["would remove"].sum() > 0
