from typer.testing import CliRunner

from curation.cli import app
from curation.layout import Layout


def test_report_writes_the_page_and_a_card_per_language(audit_run):
    result = CliRunner().invoke(app, ["report", "--out", str(audit_run), "--catalog", str(audit_run.parent / "catalog.yaml")])
    assert result.exit_code == 0, result.output
    layout = Layout(audit_run)
    assert f"report: {layout.report()}" in result.stdout
    assert f"data card: {layout.datacard('fr')}" in result.stdout
    assert layout.stats().exists() and "CC BY-SA 3.0" in layout.report().read_text(encoding="utf-8")


def test_report_without_a_catalog_still_writes_and_says_why(audit_run, tmp_path):
    result = CliRunner().invoke(app, ["report", "--out", str(audit_run), "--catalog", str(tmp_path / "nope.yaml"), "--no-datacards"])
    assert result.exit_code == 0, result.output
    assert "catalog not available, licenses shown as unknown" in result.output
    assert not Layout(audit_run).datacard("fr").exists()
    assert "Catalog not available, licenses unknown" in Layout(audit_run).report().read_text(encoding="utf-8")


def test_report_on_an_empty_directory_fails_clearly(tmp_path):
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no statistics under" in result.output
