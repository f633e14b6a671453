import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from curation.catalog import load_catalog
from curation.layout import Layout
from curation.report.html import build_report, write_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
THRESHOLDS = {"alpha_ratio": {"*": 0.6}, "words": {"fr": 50.0}}


class References(HTMLParser):
    """Every attribute that could make a browser fetch something, and every tag that loads a resource."""

    def __init__(self):
        super().__init__()
        self.refs, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "link", "img", "iframe", "object", "embed", "audio", "video", "source", "base", "use", "image"):
            self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "data", "action", "poster", "srcset", "background") and not (value or "").startswith(
                "#"
            ):
                self.refs.append((tag, name, value))


def external_references(html: str) -> list:
    parser = References()
    parser.feed(html)
    found = parser.refs + [(t, None, None) for t in parser.tags]
    found += [("css", "url", m) for m in re.findall(r"url\(([^)]*)\)", html)] + [
        ("css", "import", m) for m in re.findall(r"@import[^;]*", html)
    ]
    return found


def _report(run: Path, thresholds=THRESHOLDS) -> Path:
    return write_report(Layout(run), load_catalog(run.parent / "catalog.yaml"), thresholds)


def test_report_is_self_contained_and_has_every_section(audit_run):
    html = _report(audit_run).read_text(encoding="utf-8")
    assert external_references(html) == []
    for anchor in ("totals", "languages", "reasons", "signals", "duplicates", "tokens", "sources"):
        assert f'<h2 id="{anchor}">' in html
    # totals, reasons, 3 signals (en and fr under 100 documents share one panel), duplicates, token mix
    assert html.count("<svg") == 1 + 1 + 3 + 1 + 1
    assert "Counts reconcile" in html and "Not run yet" not in html
    assert "<td>pud_fr</td><td>UD French PUD</td><td>CC BY-SA 3.0</td>" in html
    fr = html[html.index('<details id="lang-fr">') :].split("</details>")[0]  # fr's own section
    assert '<td>dedup</td><td>exact_duplicate</td><td class="n">3</td><td class="n">18.8%</td>' in fr
    assert "<td>fr_00000</td><td>fr</td>" in html  # the blend beside the token counts
    # the threshold line is drawn where the panel's languages share one (alpha_ratio), not where they differ (words)
    assert html.count("threshold 0.6</text>") == 1 and html.count("threshold 50</text>") == 0
    assert '<td>words</td><td class="n">27</td><td class="n">50</td>' in fr  # fr's own threshold in its section


def test_report_bytes_are_deterministic(audit_run):
    first = _report(audit_run).read_bytes()
    assert _report(audit_run).read_bytes() == first
    assert build_report(Layout(audit_run), load_catalog(audit_run.parent / "catalog.yaml"), THRESHOLDS).encode() == first


def test_a_partial_run_says_what_is_missing(make_audit_run):
    html = build_report(Layout(make_audit_run(("ingest",))))
    assert "Not run yet (no statistics): filter, dedup, tokenize" in html
    assert "No run record (run.json)" in html
    assert "No signals: the filter stage has not run" in html
    assert "Not deduplicated yet" in html and "Not tokenized yet" in html
    assert "<td>ccnet_en</td><td>(not in catalog)</td><td>unknown</td>" in html
    assert external_references(html) == []


def _chromium(page: Path, out: Path, size=(1280, 2000)) -> tuple[Path, list[str]]:
    """Screenshot `page`; return the PNG and the URLs the page itself asked for (from Chromium's net log).

    Browser-internal requests (update checks) have no initiating origin; any request the page
    makes carries the page's origin. Host resolution is mapped to nothing, so nothing leaves the machine."""
    shot, netlog = out / "shot.png", out / "net.json"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={out / 'profile'}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--log-net-log={netlog}",
            f"--screenshot={shot}",
            f"--window-size={size[0]},{size[1]}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = [ev["params"] for ev in log["events"] if ev["type"] == start and "url" in ev.get("params", {})]
    return shot, [r["url"] for r in requests if r.get("initiator") != "not an origin"]


@pytest.mark.browser
def test_the_network_guard_catches_a_page_that_fetches(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><body><img src="http://example.org/x.png"></body></html>', encoding="utf-8")
    _, requested = _chromium(page, tmp_path, (400, 300))
    assert requested == ["http://example.org/x.png"]


@pytest.mark.browser
def test_chromium_renders_the_plots_offline(audit_run, tmp_path):
    from PIL import Image

    report = _report(audit_run)
    shot, requested = _chromium(report, tmp_path)
    assert requested == []
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200  # text, tables and charts, not a blank page
    count = {rgb: n for n, rgb in colours}
    assert count.get((0x3B, 0x6E, 0xA5), 0) > 5000  # kept bars and histograms
    assert count.get((0xE0, 0x82, 0x3D), 0) > 1000  # removed bars
    assert count.get((0xC0, 0x18, 0x18), 0) > 50  # a threshold line


def _layout_probe(page: Path, out: Path, ids: tuple[str, ...], size=(1280, 800)) -> dict:
    """Where the elements `ids` land in a window of `size`: a copy of the page with a script that writes their
    boxes into the DOM, which headless Chromium dumps (the report itself has no script)."""
    probe = out / "probe.html"
    script = (
        "<script>document.body.setAttribute('data-boxes', JSON.stringify(Object.fromEntries("
        + json.dumps(list(ids))
        + ".map(i => { const r = document.getElementById(i).getBoundingClientRect(); return [i, [r.top, r.bottom]]; }))));</script>"
    )
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", script + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={out / 'probe-profile'}",
            f"--window-size={size[0]},{size[1]}",
            "--dump-dom",
            probe.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return json.loads(re.search(r"data-boxes=\"([^\"]*)\"", dom).group(1).replace("&quot;", '"'))


@pytest.mark.browser
def test_the_top_of_the_page_shows_the_totals(audit_run, tmp_path):
    """Before: the page opened on a per-language table and a wall of per-language charts, no totals, no provenance."""
    from audit_helpers import record_run
    from PIL import Image

    record_run(audit_run)
    report = _report(audit_run)
    shot, requested = _chromium(report, tmp_path, (1280, 800))
    shutil.copy(shot, "/tmp/report-top.png")  # looked at by a person: header, provenance, totals table and chart
    assert requested == []
    boxes = _layout_probe(report, tmp_path, ("totals", "totals-table", "totals-chart"))
    assert boxes["totals"][0] < 200 and boxes["totals-table"][1] < 800 and boxes["totals-chart"][1] < 800  # all in the first screen
    top = Image.open(shot).convert("RGB").crop((0, int(boxes["totals-chart"][0]), 1280, int(boxes["totals-chart"][1])))
    kept = sum(n for n, rgb in top.getcolors(maxcolors=1 << 20) if rgb == (0x3B, 0x6E, 0xA5))
    assert kept > 2000  # the totals bars are drawn
