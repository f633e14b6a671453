from curation.layout import Layout
from curation.report.signals import distribution, read_signals, signal_names, threshold_sweep


def test_signals_of_kept_and_removed_documents(audit_run):
    df = read_signals(Layout(audit_run))
    assert signal_names(df) == ["alpha_ratio", "mean_word_length", "words"]
    assert len(df) == 3 * (13 + 27)
    assert df.groupby(["lang", "removed"], observed=True).size().to_dict() == {
        ("en", False): 33,
        ("en", True): 6,
        ("fr", False): 48,
        ("fr", True): 33,
    }
    assert sorted(df[df["removed"]]["reason"].unique()) == ["low_alpha_ratio", "too_few_words"]
    d = distribution(df, "words", "fr", threshold=50.0, bins=10)
    assert d.count == 27 and sum(d.kept) == 16 and sum(d.removed) == 11 and len(d.edges) == 11
    assert d.edges[0] <= 50.0 <= d.edges[-1] and not d.log_x
    assert distribution(df, "words", "de") is None


def test_sweep_at_the_filter_threshold_matches_what_the_filter_removed(audit_run):
    df = read_signals(Layout(audit_run))
    sweep = threshold_sweep(df, "words", "fr", [10.0, 50.0, 1e9])
    assert sweep["below"].tolist() == [0, 11, 27]
    assert sweep["share_above"].tolist() == [1.0, 16 / 27, 0.0]


def test_sampling_by_id_is_deterministic(audit_run):
    a = read_signals(Layout(audit_run), max_docs=20)
    b = read_signals(Layout(audit_run), max_docs=20)
    assert a.equals(b) and 0 < len(a) < 3 * 40 and len(a) % 3 == 0


def test_no_filter_stage_gives_an_empty_frame(make_audit_run):
    df = read_signals(Layout(make_audit_run(("ingest",))))
    assert df.empty and list(df.columns) == ["id", "signal", "lang", "source", "value", "removed", "reason"]
