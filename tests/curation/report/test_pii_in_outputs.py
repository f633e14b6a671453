"""Acceptance: a planted e-mail address and phone number appear in no report, stats file,
data card, log or inspection output (document shards hold the text itself, by design)."""

import pyarrow.parquet as pq
from typer.testing import CliRunner

from curation.cli import app
from curation.layout import Layout
from curation.shards import list_shards

DOCUMENT_ROOTS = ("ingested", "filtered", "removed", "deduped")


def test_planted_pii_reaches_no_auditor_output(audit_run, planted_pii):
    email, phone = planted_pii
    layout = Layout(audit_run)
    # the planted values really are in the documents
    texts = " ".join(str(r) for p in list_shards(layout.removed()) + list_shards(layout.filtered()) for r in pq.read_table(p).to_pylist())
    assert email in texts and phone in texts

    runner = CliRunner()
    outputs = []
    for args in (
        ["stats", "--out", str(audit_run), "--by", "stage,lang,source,outcome", "--format", "json"],
        ["report", "--out", str(audit_run), "--catalog", str(audit_run.parent / "catalog.yaml")],
        ["inspect", "--out", str(audit_run), "--stage", "filter", "-n", "50"],
        ["inspect", "--out", str(audit_run), "--stage", "filter", "-n", "50", "-f", "json", "--chars", "100000"],
        ["inspect", "--out", str(audit_run), "--stage", "ingest", "--kept", "-n", "50", "--chars", "100000"],
        ["inspect", "--out", str(audit_run), "--stage", "dedup", "--kept", "-n", "50", "-f", "json", "--chars", "100000"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
    assert "<EMAIL>" in outputs[3] and "<PHONE>" in outputs[3]

    files = [p for p in audit_run.rglob("*") if p.is_file() and p.relative_to(audit_run).parts[0] not in DOCUMENT_ROOTS]
    assert layout.report() in files and layout.datacard("en") in files and layout.stats() in files
    for path in files:
        content = str(pq.read_table(path).to_pylist()) if path.suffix == ".parquet" else path.read_text(encoding="utf-8", errors="replace")
        outputs.append(content)
    # stats files beside the document shards are auditor outputs too
    outputs += [p.read_text(encoding="utf-8") for root in DOCUMENT_ROOTS for p in (audit_run / root).rglob("*.stats.json")]
    for text in outputs:
        assert email not in text and phone not in text and "555-0134" not in text and "4155550134" not in text
