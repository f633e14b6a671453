"""Calibration: signal percentiles for one language on ingested documents, beside the thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.calibrate import PERCENTILES, calibrate
from curation.catalog import load_catalog
from curation.cli import app
from curation.config import load_config
from curation.ingest.stage import run_ingest

CATALOG = Path(__file__).resolve().parent.parent / "data" / "filters" / "catalog.yaml"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    out = tmp_path_factory.mktemp("calibrate") / "out"
    config = load_config(None, {"catalog": str(CATALOG), "output_dir": str(out), "workers": 1})
    catalog = load_catalog(config.catalog)
    run_ingest(catalog, catalog.select(), config, progress=False)
    return config, catalog


def test_percentiles_and_thresholds_for_french(ingested):
    config, catalog = ingested
    table = calibrate(catalog, catalog.select(), config, "fr", sample=1000, seed=0)
    # pud_news and pud_lenient declare fr: 25 French documents each
    assert table["documents"] == 50
    rows = {r["signal"]: r for r in table["signals"]}
    assert rows["words"]["threshold"] == 13 and rows["words"]["direction"] == "min"
    assert rows["word_rep"]["threshold"] == 0.13 and rows["flagged_ratio"]["threshold"] == 0.008
    assert rows["lang_score"]["filter"] == "langid" and rows["lang_score"]["threshold"] == 0.8
    for row in rows.values():
        values = [row["percentiles"][str(p)] for p in PERCENTILES]
        assert values == sorted(values)
        assert row["measured"] == 50
    # French news: nearly all stopword ratios far above the ROOTS minimum of 0.27
    assert rows["stopword_ratio"]["percentiles"]["5"] > 0.3
    assert rows["stopword_ratio"]["removed_share"] == 0.0
    # same sample, same numbers
    assert calibrate(catalog, catalog.select(), config, "fr", sample=1000, seed=0) == table


def test_the_sample_is_a_seeded_subset_of_all_candidates(ingested):
    config, catalog = ingested
    full = calibrate(catalog, catalog.select(), config, "fr", sample=1000, seed=0)
    small = [calibrate(catalog, catalog.select(), config, "fr", sample=5, seed=seed) for seed in (0, 1)]
    assert small[0]["candidates"] == full["candidates"] == full["sampled"] > 20  # every candidate counted, 4 × 5 sampled
    assert small[0]["sampled"] == 20 and small[0]["documents"] <= 5
    assert small[0] != small[1]  # another seed, another sample


def test_removed_share_matches_the_filter(ingested):
    config, catalog = ingested
    table = calibrate(catalog, catalog.select(), config, "en", sample=1000)
    words = next(r for r in table["signals"] if r["signal"] == "words")
    # the English docs: 25 + 25 PUD, 5 web, 10 CCNet; short PUD docs fall below the ROOTS minimum of 20
    assert table["documents"] == 65
    assert 0 < words["removed_share"] < 1


def test_cli_prints_table_and_json(ingested, tmp_path):
    config, _ = ingested
    target = tmp_path / "hi.json"
    result = CliRunner().invoke(
        app, ["filter", "calibrate", "--lang", "hi", "--catalog", str(CATALOG), "--out", str(config.output_dir), "--json", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "special_ratio" in result.output and "≤ 0.35" in result.output
    assert target.exists()


def test_unknown_language_is_a_clear_error(ingested):
    config, catalog = ingested
    with pytest.raises(ValueError, match="no ingested documents from sources declaring 'sw'"):
        calibrate(catalog, catalog.select(), config, "sw")
