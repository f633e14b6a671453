"""A run where every document is filtered out finishes (issue 11, item 5): the tokenizer and tokenize
stages say there is nothing to do, no earlier token manifest survives, stats and report say so."""

from __future__ import annotations

from typer.testing import CliRunner

from curation.cli import app
from curation.layout import Layout


def test_everything_filtered_out_still_gives_stats_and_a_report(tmp_path, make_jsonl_source):
    catalog = make_jsonl_source()
    out = tmp_path / "out"
    layout = Layout(out)
    layout.tokens().mkdir(parents=True)
    layout.token_manifest().write_text('{"totals": {"docs": 99, "tokens": 999}}')  # an earlier run's
    (layout.tokens() / "en_00000.bin").write_bytes(b"\0" * 8)
    args = [
        "run",
        "--out",
        str(out),
        "--no-progress",
        "--stages",
        "ingest,filter,tokenizer,tokenize,stats,report",
        "--set",
        f"catalog={catalog}",
        "--set",
        "filter.chain=[quality]",
        "--set",
        "filter.params.quality.min_words=100000",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not layout.token_manifest().exists() and not (layout.tokens() / "en_00000.bin").exists()
    assert not layout.tokenizer_file().exists()
    log = layout.logs().joinpath("run.log").read_text()
    assert "kept: 0, removed: 30" in log and "not trained: no documents" in log
    assert layout.stats().exists() and layout.report().exists()
