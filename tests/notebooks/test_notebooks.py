"""The auditor notebooks run top to bottom against a sample run, so they never rot."""

import re
from pathlib import Path

import nbformat
import pytest
from audit_helpers import expected_blend_pct, record_run
from nbclient import NotebookClient

from curation.layout import Layout

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[2]


def _execute(name: str, run: Path, monkeypatch) -> list[dict]:
    monkeypatch.setenv("CURATION_OUT", str(run))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(run.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    return outputs


def _html_tables(outputs: list[dict]) -> list[str]:
    return [o["data"]["text/html"] for o in outputs if o.output_type == "execute_result" and "text/html" in o.get("data", {})]


def _row_labels(table_html: str) -> list[str]:
    body = table_html.split("<tbody>", 1)[1]
    return re.findall(r"<tr>\s*<th>([^<]+)</th>", body)


def test_stats_by_language_shows_the_per_language_table(audit_run, monkeypatch, planted_pii):
    record_run(audit_run)  # licenses come from the run's own catalog (run.json), no environment variable
    outputs = _execute("stats_by_language.ipynb", audit_run, monkeypatch)
    tables = _html_tables(outputs)
    assert len(tables) == 4  # languages, reasons, sources, tokens
    languages = tables[0]
    assert _row_labels(languages) == ["en", "fr"]
    assert "docs after dedup" in languages and "duplicate %" in languages
    assert re.search(r"<th>fr</th>\s*<td>27</td>\s*<td>16</td>\s*<td>13</td>\s*<td>13</td>", languages)
    assert "too_few_words" in tables[1] and "exact_duplicate" in tables[1]
    assert "CC BY-SA 3.0" in tables[2] and _row_labels(tables[2]) == ["ccnet_en", "forum_en", "pud_fr"]
    assert f"{expected_blend_pct(Layout(audit_run))['fr']:.2f}" in tables[3]  # fr blend weight
    everything = str(outputs)
    assert "stages not run yet: none" in everything and "curation 0." in everything  # the run's provenance
    assert planted_pii[0] not in everything and planted_pii[1] not in everything


def test_threshold_explorer_shows_distributions_and_what_a_threshold_removes(audit_run, monkeypatch):
    outputs = _execute("threshold_explorer.ipynb", audit_run, monkeypatch)
    tables = _html_tables(outputs)
    assert len(tables) == 3  # signal summary, sweep, what-if
    assert "alpha_ratio" in tables[0] and re.findall(r"<th>(en|fr)</th>", tables[0])
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 2 and all("threshold" in o["data"]["image/svg+xml"] for o in svgs)  # one histogram per language
    assert _row_labels(tables[2]) == ["en", "fr"] and "would remove" in tables[2]
    would_remove = [int(n) for n in re.findall(r"<td>(\d+)</td>\s*<td>[\d.]+</td>\s*</tr>", tables[2])]
    assert would_remove and sum(would_remove) > 0  # it opens on a cut that removes something


def test_an_ingest_only_run_still_executes(make_audit_run, monkeypatch):
    run = make_audit_run(("ingest",))
    outputs = _execute("threshold_explorer.ipynb", run, monkeypatch)
    assert "no signal (filters not run yet)" in str(outputs)
    tables = _html_tables(_execute("stats_by_language.ipynb", run, monkeypatch))
    assert _row_labels(tables[0]) == ["en", "fr"] and "docs ingested" in tables[0] and "docs after dedup" not in tables[0]
