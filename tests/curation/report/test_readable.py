"""A report a person reads top-down (issue 13, item 4): each failure the issue names, as a test."""

import json
import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from audit_helpers import record_run

from curation.catalog import load_catalog
from curation.counts import Counts
from curation.layout import Layout
from curation.report.datacard import write_datacards
from curation.report.facts import run_facts
from curation.report.fertility import read_fertility
from curation.report.html import build_report, section_signals
from curation.report.signals import MAX_OWN_PANELS, signal_views
from curation.run_record import read_run_record
from curation.stats import to_table


def _stats_only(root, rows) -> Layout:
    """A run folder holding only its statistics table: rows of (stage, lang, source, outcome, docs)."""
    counts = Counts()
    for stage, lang, source, outcome, docs in rows:
        counts.add(stage, lang, source, outcome, "x" * 10 * docs, docs=docs)
    layout = Layout(root)
    layout.stats().parent.mkdir(parents=True)
    pq.write_table(to_table(counts), layout.stats())
    return layout


def _chain(lang_at_ingest, lang_after, source, docs, removed=0):
    """A source's documents through every counted stage, relabelled at the filter stage."""
    return [
        ("ingest", lang_at_ingest, source, "kept", docs),
        ("filter", lang_after, source, "kept", docs - removed),
        ("dedup", lang_after, source, "kept", docs - removed),
        ("tokenize", lang_after, source, "kept", docs - removed),
    ] + ([("filter", lang_after, source, "too_few_words", removed)] if removed else [])


def test_provenance_in_the_header_and_totals_first(audit_run):
    record_run(audit_run)
    html = build_report(Layout(audit_run), load_catalog(audit_run.parent / "catalog.yaml"))
    record = read_run_record(audit_run)
    header = html[: html.index('<h2 id="totals">')]
    assert record.outputs_date() in header and f"curation <b>{record.version}</b>" in header
    assert record.config_hash in header and record.catalog.sha256[:16] in header
    assert html.index('<h2 id="totals">') < html.index('<h2 id="languages">') < html.index('<h2 id="signals">')
    totals = html[html.index('<h2 id="totals">') : html.index('<h2 id="languages">')]
    assert '<td>ingested</td><td class="n">40</td><td class="n">100.0%</td>' in totals  # en 13 + fr 27
    assert '<td>tokenized</td><td class="n">24</td><td class="n">60.0%</td>' in totals


def test_relabelling_never_gives_a_funnel_over_100_percent(tmp_path):
    """Before: 2 documents ingested as af, relabelled nl at language ID, made nl's funnel 200 %."""
    layout = _stats_only(
        tmp_path / "out", _chain("nl", "nl", "s_nl", 2) + _chain("af", "nl", "s_af", 2) + _chain("af", "af", "s_af2", 30, 3)
    )
    f = run_facts(layout)
    assert f.base("nl").docs == 4 and f.relabelled("nl") == 2 and f.relabelled("af") == -2
    html = build_report(layout)
    shares = [float(x) for x in re.findall(r">(\d+(?:\.\d+)?)%<", html)]
    assert shares and max(shares) <= 100.0
    write_datacards(layout)
    assert max(float(x) for x in re.findall(r"(\d+(?:\.\d+)?)%", layout.datacard("nl").read_text(encoding="utf-8"))) <= 100.0


def test_one_card_and_one_section_per_language_sh_is_sr_latn(tmp_path):
    """Before: `sh` and `sr-Latn` got two cards, both titled "Serbian (Latin)"."""
    layout = _stats_only(tmp_path / "out", _chain("sh", "sh", "hbs_web", 25) + _chain("sr-Latn", "sr-Latn", "sr_news", 5))
    paths = write_datacards(layout)
    assert paths == [layout.datacard("sr-Latn")]
    card = paths[0].read_text(encoding="utf-8")
    assert card.count("# Data card: Serbian (Latin) (`sr-Latn`)") == 1 and "| 30 |" in card
    html = build_report(layout)
    assert html.count('<details id="lang-sr-Latn">') == 1 and "lang-sh" not in html
    assert html.count("<td>sr-Latn</td><td>Serbian (Latin)</td>") == 1  # one row in the language table


def test_the_duplicates_chart_has_no_zero_rows(tmp_path):
    rows = []
    for lang, dups in (("de", 0), ("fr", 3), ("it", 0)):
        rows += [("ingest", lang, f"s_{lang}", "kept", 30), ("dedup", lang, f"s_{lang}", "kept", 30 - dups)]
        rows += [("dedup", lang, f"s_{lang}", "exact_duplicate", dups)] if dups else []
    html = build_report(_stats_only(tmp_path / "out", rows))
    section = html[html.index('<h2 id="duplicates">') : html.index('<h2 id="tokens">')]
    chart = section[section.index("<svg") : section.index("</svg>")]
    assert chart.count("<rect") == 1 and ">fr</text>" in chart
    assert "3 of 90 documents removed as duplicates (3.3%), in 1 of 3 languages" in section


def _signals(per_lang: dict[str, int], seed=0) -> pd.DataFrame:
    """A continuous signal, a 0/1 flag and a constant for `per_lang` documents of each language."""
    rng = np.random.default_rng(seed)
    rows = []
    for lang, n in per_lang.items():
        for i in range(n):
            doc = f"{lang}-{i}"
            rows += [(doc, "words", lang, "s", float(rng.integers(1, 400)), False, None)]
            rows += [(doc, "pii_email", lang, "s", float(i % 50 == 0), False, None), (doc, "adult_url_domain", lang, "s", 0.0, False, None)]
    return pd.DataFrame(rows, columns=["id", "signal", "lang", "source", "value", "removed", "reason"])


def test_charts_only_for_distributions_on_shared_scales_small_languages_grouped():
    """Before: ~1,300 histograms, single bars for 0/1 signals, each with its own scale, every language alone."""
    sizes = {f"l{i}": 150 + 10 * i for i in range(MAX_OWN_PANELS + 1)} | {"xa": 5, "xb": 7}
    views, flat = signal_views(_signals(sizes), {"words": {"*": 50.0}})
    assert [v.signal for v in views] == ["words"]
    assert sorted(s.signal for s in flat) == ["adult_url_domain", "pii_email"]
    panels = views[0].panels
    own = [p.label for p in panels[:-1]]
    assert own == [f"l{i}" for i in range(MAX_OWN_PANELS, 0, -1)]  # the largest, largest first
    assert panels[-1].label == "other 3 languages" and panels[-1].langs == ["l0", "xa", "xb"]
    html = section_signals(views, flat, None)
    assert html.count("<svg") == MAX_OWN_PANELS + 1
    top_labels = set(re.findall(r'<text x="40" y="32" text-anchor="end"[^>]*>([^<]+)</text>', html))
    assert len(top_labels) == 1  # one vertical scale for every panel of the signal
    assert "threshold 50</text>" in html and "Signals without a distribution" in html


def test_fertility_per_character_where_the_script_has_no_spaces(tmp_path):
    """Before: whitespace words only, so ja showed 73 tokens per "word"."""
    layout = Layout(tmp_path)
    layout.tokenizer_fertility().parent.mkdir(parents=True)
    figures = {"tokens": 100, "tokens_per_word": 73.0, "tokens_per_char": 0.8}
    langs = ["en", "ja", "th", "zh-Hant", "ko", "my", "ru"]
    layout.tokenizer_fertility().write_text(json.dumps({"languages": {lang: figures for lang in langs}}), encoding="utf-8")
    units = {x.lang: (x.per, x.value) for x in read_fertility(layout)}
    assert units == {
        "en": ("word", 73.0),
        "ja": ("character", 0.8),
        "ko": ("word", 73.0),
        "my": ("character", 0.8),
        "ru": ("word", 73.0),
        "th": ("character", 0.8),
        "zh-Hant": ("character", 0.8),
    }


def test_a_long_tailed_signal_keeps_its_logarithmic_axis_beside_a_zero_threshold():
    values = np.geomspace(20, 170_000, 300)
    df = pd.DataFrame({"id": [f"d{i}" for i in range(300)], "signal": "bytes", "lang": "en", "source": "s", "value": values})
    df = df.assign(removed=False, reason=None)
    views, _ = signal_views(df, {"bytes": {"*": 0.0}})
    assert views[0].log_x and round(views[0].edges[0], 6) == 20.0
