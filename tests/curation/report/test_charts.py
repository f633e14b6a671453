import re

from curation.report import charts


def test_bar_chart_draws_one_bar_per_item_and_is_deterministic():
    items = [("ingested", 27), ("after filters", 16), ("after dedup", 13)]
    svg = charts.bar_chart(items, "fr: documents", notes=["(100.0%)", "(59.3%)", "(48.1%)"])
    assert svg == charts.bar_chart(items, "fr: documents", notes=["(100.0%)", "(59.3%)", "(48.1%)"])
    widths = [float(w) for w in re.findall(r'<rect x="170" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [280.0, round(280 * 16 / 27, 1), round(280 * 13 / 27, 1)]
    assert ">16 (59.3%)</text>" in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_labels_are_escaped_and_redacted():
    svg = charts.bar_chart([("<b>jane.doe@example.org</b>", 3)], "title & more")
    assert "jane.doe" not in svg and "&lt;EMAIL&gt;" in svg and "<b>" not in svg
    assert "title &amp; more" in svg


def test_histogram_draws_the_threshold_only_inside_the_range():
    edges = [0.0, 25.0, 50.0, 75.0, 100.0]
    with_line = charts.histogram(edges, [1, 2, 0, 4], [3, 0, 0, 0], "words · fr", threshold=50.0)
    assert 'stroke-dasharray="5,3"' in with_line and "threshold 50" in with_line
    # 3 kept bars (the empty bin draws none) + 1 removed bar + 2 legend squares
    assert with_line.count("<rect") == 6
    outside = charts.histogram(edges, [1, 2, 0, 4], [3, 0, 0, 0], "words · fr", threshold=500.0)
    assert "stroke-dasharray" not in outside


def test_human_numbers():
    assert [charts.human(x) for x in (0, 7, 0.25, 1234, 2_500_000, 3e9)] == ["0", "7", "0.25", "1.23k", "2.5M", "3G"]


def test_threshold_label_stays_inside_near_the_right_edge():
    edges = [0.0, 0.5, 1.0]
    right = charts.histogram(edges, [1, 1], [0, 0], "s", threshold=1.0)
    assert 'text-anchor="end" font-family="sans-serif" font-size="11" fill="#c01818">threshold 1</text>' in right
    left = charts.histogram(edges, [1, 1], [0, 0], "s", threshold=0.0)
    assert 'text-anchor="start" font-family="sans-serif" font-size="11" fill="#c01818">threshold 0</text>' in left
