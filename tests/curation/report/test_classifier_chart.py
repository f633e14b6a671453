"""The report's quality-classifier chart: one SVG, a row per language, each with its own threshold."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from curation.report.classifier import MAX_ROWS, score_rows, section


def scores(counts: dict[str, int]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for lang, n in counts.items():
        for i, v in enumerate(rng.beta(2, 2, n)):
            rows.append(
                {
                    "id": f"{lang}-{i}",
                    "signal": "quality_score",
                    "lang": lang,
                    "source": "s",
                    "value": float(v),
                    "removed": v < 0.5,
                    "reason": None,
                }
            )
    return pd.DataFrame(rows)


def test_one_chart_a_row_per_language_with_its_threshold():
    df = scores({"en": 300, "zh": 120, "de": 40})
    html = section(df, {"quality_score": {"en": 0.5, "zh": 0.8}})
    assert html.count("<svg") == 1
    marks = re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" stroke="#c01818"', html)
    # en at 0.5 and zh at 0.8 on the 350-px axis starting at x=90; de has no threshold (legend mark last)
    assert [float(x) for x in marks[:2]] == [90 + 350 * 0.5, 90 + 350 * 0.8] and len(marks) == 3
    rows = score_rows(df, {"quality_score": {"en": 0.5}})
    assert [(r.label, r.count) for r in rows] == [("en", 300), ("zh", 120), ("de", 40)]
    assert sum(rows[0].kept) + sum(rows[0].removed) == 300 and rows[0].removed_share == (df[df.lang == "en"].value < 0.5).mean()
    assert section(df, None) == section(df, None)  # same data, same bytes


def test_many_languages_share_one_row():
    counts = {f"l{i:02d}": 50 - i for i in range(MAX_ROWS + 6)}
    rows = score_rows(scores(counts), {"quality_score": {"*": 0.4}})
    assert len(rows) == MAX_ROWS + 1 and rows[-1].label == "6 others" and rows[-1].threshold == 0.4
    assert len(section(scores(counts), None)) < 60_000  # the chart stays small
