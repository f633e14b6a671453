from curation.counts import Counts


def test_counts_merge_and_serialise_exactly():
    a = Counts()
    a.add("ingest", "fr", "s1", "kept", "été")
    a.add("ingest", None, "s1", "bad_record_truncated_gzip")
    b = Counts()
    b.add("ingest", "fr", "s1", "kept", "hiver")
    merged = Counts.from_json(a.to_json()).merge(b)
    assert merged.rows[("ingest", "fr", "s1", "kept")] == [2, len("été".encode()) + 5, 3 + 5, 0]
    assert merged.rows[("ingest", "und", "s1", "bad_record_truncated_gzip")] == [1, 0, 0, 0]
    assert merged.docs(outcome="kept") == 2
    assert merged.docs(stage="ingest") == 3
    assert [r["outcome"] for r in merged.to_json()] == ["kept", "bad_record_truncated_gzip"]
