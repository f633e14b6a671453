"""The extraction agreement benchmark (benchmarks/bench_extraction_agreement.py): pages read as the ingest reads them, scripts without spaces scored by character."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_extraction_agreement import agreement, extract_all, report, warc_pages  # noqa: E402

WEB = ROOT / "tests" / "data" / "web"


def test_unspaced_scripts_are_scored_by_character():
    # 3 of 5 characters shared: a whole-run token would score 0
    assert abs(agreement("图书馆开放", "图书馆关闭") - 0.6) < 1e-9
    assert agreement("Die Bibliothek öffnet", "die Bibliothek schließt") == 2 / 3
    assert agreement("", "") == 1.0


def test_warc_pages_are_the_html_responses_the_ingest_reads(capsys):
    pages = warc_pages([WEB / "example.warc.gz"])
    assert [page.url for page in pages] == ["http://example.com/"]
    extract_all(pages)
    assert set(pages[0].texts) >= {"cascade", "resiliparse", "trafilatura", "trafilatura_plain", "trafilatura_recall", "visible"}
    assert "Example Domain" in pages[0].texts["visible"] and pages[0].lang == "en"
    worst = report(pages, ["cascade", "resiliparse"])
    assert [page for _f1, page in worst] == pages and "all" in capsys.readouterr().out
