"""`report.html`: one self-contained page for auditors.

Styles and charts are inline (no script, no stylesheet link, no image, no font
fetched), so the file opens offline and can be archived or mailed as it is. Every
displayed string goes through the redactor. Same statistics and shards give the
same bytes: no timestamps, no absolute paths, sorted keys everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path

import pandas as pd

from curation.atomic import write_text_atomic
from curation.catalog import Catalog
from curation.ingest.crawl_routing import UNMATCHED
from curation.layout import Layout
from curation.pipeline import stage_labels
from curation.redact import redact
from curation.report import charts
from curation.report.facts import RunFacts, Totals, run_facts
from curation.report.signals import distributions, read_signals
from curation.report.thresholds import threshold_of
from curation.report.tokens import TokenMix, read_token_manifest

CSS = """
body{font-family:sans-serif;margin:24px auto;max-width:1200px;color:#222;line-height:1.4}
h1{font-size:24px}h2{font-size:19px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:32px}
h3{font-size:15px;margin-bottom:4px}
table{border-collapse:collapse;margin:8px 0 16px 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}td.n,th.n{text-align:right}
th{background:#eef2f7}.missing{color:#a05a00;background:#fff6e5;padding:6px 10px;border-left:4px solid #e0a040}
.ok{color:#1d6b1d}.bad{color:#b01010;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:12px}
nav a{margin-right:12px}svg{background:#fff;border:1px solid #e3e3e3}
"""


def e(value: object) -> str:
    """Escape for HTML after redacting: the only way text reaches the page."""
    return escape(redact(str(value)), quote=True)


def num(n: float) -> str:
    """Integers with separators; floats with 4 significant digits, never in exponent form above 1000."""
    if isinstance(n, int):
        return f"{n:,}"
    return f"{n:,.0f}" if abs(n) >= 1000 else f"{n:.4g}"


def pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f}%" if b else "–"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int] | None = None) -> str:
    numeric = numeric if numeric is not None else set()
    head = "".join(f'<th class="n">{e(h)}</th>' if i in numeric else f"<th>{e(h)}</th>" for i, h in enumerate(header))
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{escape(num(v)) if isinstance(v, (int, float)) else e(v)}</td>' if i in numeric else f"<td>{e(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def missing(text: str) -> str:
    return f'<p class="missing">{e(text)}</p>'


def section_overview(f: RunFacts) -> str:
    parts = ['<h2 id="overview">Overview</h2>']
    parts.append(f"<p>Stages with statistics: <b>{e(', '.join(f.present) or 'none')}</b>.</p>")
    if f.missing:
        parts.append(missing(f"Not run yet (no statistics): {', '.join(f.missing)}. Their sections below say so."))
    stages = f.present
    header = ["language"] + [f"docs {stage_labels()[s]}" for s in stages] + ["bytes final", "tokens"]
    rows = []
    for lang in f.langs:
        funnel = f.funnel.get(lang, {})
        final = f.final(lang)
        tokens = funnel.get("tokenize", Totals()).tokens if "tokenize" in stages else "–"
        rows.append([lang] + [funnel.get(s, Totals()).docs for s in stages] + [final.bytes, tokens])
    parts.append(table(header, rows, numeric=set(range(1, len(header)))))
    if f.mismatches:
        parts.append('<p class="bad">Counts do not reconcile:</p><ul>' + "".join(f"<li>{e(m)}</li>" for m in f.mismatches) + "</ul>")
    else:
        parts.append('<p class="ok">Counts reconcile: every stage accounts for every document the previous stage kept.</p>')
    return "".join(parts)


def section_funnel(f: RunFacts) -> str:
    parts = [
        '<h2 id="funnel">Funnel per language</h2>',
        "<p>Documents, bytes and tokens kept after each stage (share of what was ingested).</p>",
    ]
    if not f.present:
        return "".join(parts) + missing("No statistics found: run a stage first (e.g. `curation ingest`).")
    charts_html = []
    rows = []
    for lang in f.langs:
        funnel = f.funnel.get(lang, {})
        base = funnel.get("ingest", Totals())
        items = [(stage_labels()[s], funnel.get(s, Totals()).docs) for s in f.present]
        notes = [f"({pct(v, base.docs)})" if base.docs else "" for _, v in items]
        charts_html.append(charts.bar_chart(items, f"{lang}: documents kept per stage", notes=notes, width=460))
        for s in f.present:
            t = funnel.get(s, Totals())
            rows.append([lang, s, t.docs, pct(t.docs, base.docs), t.bytes, pct(t.bytes, base.bytes), t.tokens if s == "tokenize" else "–"])
    parts.append(f'<div class="charts">{"".join(charts_html)}</div>')
    parts.append(table(["language", "stage", "docs", "docs %", "bytes", "bytes %", "tokens"], rows, numeric={2, 3, 4, 5, 6}))
    return "".join(parts)


def section_reasons(f: RunFacts) -> str:
    parts = ['<h2 id="reasons">Removal reasons per language</h2>']
    if not f.reasons:
        note = "No document was removed." if "filter" in f.present or "dedup" in f.present else "No filter or dedup statistics yet."
        return "".join(parts) + missing(note)
    charts_html = []
    for lang in f.langs:
        rs = [r for r in f.reasons if r.lang == lang]
        if rs:
            charts_html.append(
                charts.bar_chart(
                    [(f"{r.stage}: {r.reason}", r.docs) for r in rs],
                    f"{lang}: documents removed by reason",
                    width=560,
                    colour=charts.REMOVED_COLOUR,
                )
            )
    parts.append(f'<div class="charts">{"".join(charts_html)}</div>')
    entering = {(lang, s): sum(v[0] for k, v in f.counts.rows.items() if k[0] == s and k[1] == lang) for lang in f.langs for s in f.present}
    parts.append(
        table(
            ["language", "stage", "reason", "docs", "share of stage input", "bytes"],
            ([r.lang, r.stage, r.reason, r.docs, pct(r.docs, entering.get((r.lang, r.stage), 0)), r.bytes] for r in f.reasons),
            numeric={3, 4, 5},
        )
    )
    if f.filter_steps:
        parts.append("<h3>Each filter of the chain</h3>")
        parts.append(
            table(
                ["language", "filter", "docs in", "removed", "removed %", "rewritten"],
                ([s.lang, s.name, s.docs_in, s.removed, pct(s.removed, s.docs_in), s.rewritten] for s in f.filter_steps),
                numeric={2, 3, 4, 5},
            )
        )
    return "".join(parts)


def section_signals(df: pd.DataFrame, thresholds: Mapping[str, Mapping[str, float]] | None) -> str:
    parts = [
        '<h2 id="signals">Quality signal distributions</h2>',
        "<p>What the filters measured on every document (kept in blue, removed in orange), per language; "
        "the dashed red line is the threshold in force for that language.</p>",
    ]
    if df.empty:
        return "".join(parts) + missing("No signals: the filter stage has not run (or its shards carry no signals).")
    by_signal: dict[str, list] = {}
    for (signal, lang), d in distributions(df, thresholds).items():
        by_signal.setdefault(signal, []).append((lang, d, threshold_of(thresholds, signal, lang)))
    qnames = ["p01", "p05", "p25", "p50", "p75", "p95", "p99"]
    for signal, per_lang in by_signal.items():
        svgs = [
            charts.histogram(d.edges, d.kept, d.removed, f"{signal} · {lang} (n={d.count:,})", threshold=t, log_x=d.log_x)
            for lang, d, t in per_lang
        ]
        rows = [[lang, d.count, "–" if t is None else t] + [d.quantiles[k] for k in qnames] for lang, d, t in per_lang]
        parts.append(f'<h3>{e(signal)}</h3><div class="charts">{"".join(svgs)}</div>')
        parts.append(table(["language", "docs", "threshold"] + qnames, rows, numeric=set(range(1, 3 + len(qnames)))))
    return "".join(parts)


def section_duplicates(f: RunFacts) -> str:
    parts = ['<h2 id="duplicates">Duplicates</h2>']
    if "dedup" not in f.present:
        return "".join(parts) + missing("Not deduplicated yet: no dedup statistics.")
    kinds = sorted(
        {k for d in f.duplicates.values() for k, v in d.by_kind.items() if v} | {"exact_duplicate", "near_duplicate"},
        key=lambda k: (k not in ("exact_duplicate", "url_duplicate", "near_duplicate"), k),
    )
    rows = [[lang, d.docs_in] + [d.by_kind.get(k, 0) for k in kinds] + [f"{100 * d.rate:.1f}%"] for lang, d in f.duplicates.items()]
    items = [(lang, d.removed) for lang, d in f.duplicates.items()]
    notes = [f"({100 * d.rate:.1f}%)" for d in f.duplicates.values()]
    parts.append(charts.bar_chart(items, "duplicate documents removed per language", notes=notes, colour=charts.REMOVED_COLOUR))
    parts.append(table(["language", "docs in"] + kinds + ["duplicate rate"], rows, numeric=set(range(1, len(kinds) + 3))))
    return "".join(parts)


def section_tokens(f: RunFacts, mix: TokenMix | None) -> str:
    parts = ['<h2 id="tokens">Final token mix</h2>']
    stats_lang = f.tokens_by("lang")
    if mix is None and not stats_lang:
        return "".join(parts) + missing("Not tokenized yet: no token manifest and no tokenize statistics.")
    if mix is None:
        parts.append(missing("No token manifest (tokens/manifest.json): counts below come from the tokenize statistics; no blend weights."))
        mix = TokenMix()
    for p in mix.problems:
        parts.append(missing(p))
    if mix.tokenizer:
        parts.append(f"<p>Tokenizer: <code>{e(mix.tokenizer)}</code></p>")
    by_lang = mix.by_lang or stats_lang
    by_source = mix.by_source or f.tokens_by("source")
    blend = mix.blend_by_lang()
    total = sum(by_lang.values())
    items = [(lang, n / total if total else 0.0, blend.get(lang) if blend else None) for lang, n in by_lang.items()]
    parts.append(charts.paired_bars(items, "token share per language beside the blend weight", legend=("token share", "blend weight")))
    parts.append(
        table(
            ["language", "tokens", "token share", "blend weight"],
            ([lang, n, pct(n, total), f"{100 * blend[lang]:.1f}%" if lang in blend else "–"] for lang, n in by_lang.items()),
            numeric={1, 2, 3},
        )
    )
    stotal = sum(by_source.values())
    parts.append("<h3>Tokens per source</h3>")
    parts.append(table(["source", "tokens", "token share"], ([s, n, pct(n, stotal)] for s, n in by_source.items()), numeric={1, 2}))
    if mix.blend:
        wtotal = sum(b.weight for b in mix.blend)
        parts.append("<h3>Blend (weights per dataset, as given to the trainer)</h3>")
        parts.append(
            table(
                ["dataset", "language", "weight", "normalised"],
                ([b.dataset, b.lang or "–", b.weight, pct(b.weight, wtotal)] for b in mix.blend),
                numeric={2, 3},
            )
        )
    return "".join(parts)


def section_sources(f: RunFacts, catalog: Catalog | None, catalog_problem: str | None) -> str:
    parts = ['<h2 id="sources">Sources</h2>']
    if catalog_problem:
        parts.append(missing(f"Catalog not available, licenses unknown: {catalog_problem}"))
    if f.langid_losses:
        lost = ", ".join(f"{src} ({n_lost:,} of {n:,})" for src, (n_lost, n) in f.langid_losses.items())
        parts.append(
            missing(
                f"Language ID removed more than half of these sources' documents: {lost}. "
                "Check that the model can output their declared languages (`curation catalog validate`)."
            )
        )
    entries = {en.id: en for en in catalog.entries} if catalog else {}
    header = (
        ["source", "name", "license", "kind", "languages"] + [f"docs {stage_labels()[s]}" for s in f.present] + ["bytes final", "tokens"]
    )
    rows = []
    for src in sorted(set(f.sources) | ({en.id for en in catalog.entries if en.status == "approved"} if catalog else set())):
        en = entries.get(src)
        funnel = f.source_funnel.get(src, {})
        final = funnel.get(f.final_stage(), Totals()) if f.present else Totals()
        if src == UNMATCHED:
            name, license_, kind = "(pseudo-crawl pages matching no seed, records that are not documents)", "–", "pseudo_crawl"
        else:
            name, license_, kind = (en.name, en.license, en.kind) if en else ("(not in catalog)", "unknown", "–")
        rows.append(
            [src, name, license_, kind, ", ".join(en.languages) if en else "–"]
            + [funnel.get(s, Totals()).docs for s in f.present]
            + [final.bytes, funnel.get("tokenize", Totals()).tokens if "tokenize" in f.present else "–"]
        )
    parts.append(table(header, rows, numeric=set(range(5, len(header)))))
    return "".join(parts)


def build_report(
    layout: Layout,
    catalog: Catalog | None = None,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    catalog_problem: str | None = None,
    signals: pd.DataFrame | None = None,
) -> str:
    """The page; `signals` (from `read_signals`) may be passed when the caller already read them."""
    f = run_facts(layout)
    mix = read_token_manifest(layout)
    nav = "".join(
        f'<a href="#{a}">{t}</a>'
        for a, t in (
            ("overview", "Overview"),
            ("funnel", "Funnel"),
            ("reasons", "Removals"),
            ("signals", "Signals"),
            ("duplicates", "Duplicates"),
            ("tokens", "Tokens"),
            ("sources", "Sources"),
        )
    )
    body = [
        f"<h1>Curation report: {e(f.name)}</h1>",
        f"<nav>{nav}</nav>",
        section_overview(f),
        section_funnel(f),
        section_reasons(f),
        section_signals(read_signals(layout) if signals is None else signals, thresholds),
        section_duplicates(f),
        section_tokens(f, mix),
        section_sources(f, catalog, catalog_problem),
        "<p><small>Every text on this page passed through the PII redactor (e-mails, phones, IPs, card numbers, IBANs).</small></p>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Curation report: {e(f.name)}</title><style>{CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_report(
    layout: Layout, catalog: Catalog | None = None, thresholds=None, catalog_problem: str | None = None, signals: pd.DataFrame | None = None
) -> Path:
    path = layout.report()
    write_text_atomic(path, build_report(layout, catalog, thresholds, catalog_problem, signals))
    return path
