"""`report.html`: one self-contained page an auditor reads top-down.

Order: where the run came from (run.json), the run's totals, then every language (an overview table,
then one collapsible section per language), removals, signals, duplicates, tokens and sources.
Charts only where there is a distribution, on shared scales; small languages grouped.

Styles and charts are inline (no script, no stylesheet link, no image, no font fetched), so the file
opens offline and can be archived or mailed as it is. Every displayed string goes through the
redactor. Same statistics, shards and run record give the same bytes: no clock read, sorted keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from curation.atomic import write_text_atomic
from curation.catalog import Catalog
from curation.ingest.crawl_routing import UNMATCHED
from curation.layout import Layout
from curation.pipeline import stage_labels
from curation.report import charts, classifier
from curation.report.contamination import section_contamination
from curation.report.facts import RunFacts, Totals, run_facts
from curation.report.fertility import Fertility, read_fertility
from curation.report.languages import language_sections
from curation.report.line_dedup import section_line_dedup
from curation.report.markup import details, e, missing, pct, table
from curation.report.signals import language_quantiles, read_signals, signal_views
from curation.report.tokens import TokenMix, read_token_manifest
from curation.run_record import RunRecordError, read_run_record

# e (and the other pieces) stay importable from here
__all__ = ["build_report", "write_report", "e", "table", "section_sources"]

CSS = """
body{font-family:sans-serif;margin:24px auto;max-width:1200px;color:#222;line-height:1.4}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:32px}
h3{font-size:15px;margin-bottom:4px}h4{font-size:13px;margin:10px 0 2px 0}
table{border-collapse:collapse;margin:8px 0 16px 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}td.n,th.n{text-align:right}
th{background:#eef2f7}.missing{color:#a05a00;background:#fff6e5;padding:6px 10px;border-left:4px solid #e0a040}
.ok{color:#1d6b1d}.bad{color:#b01010;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:12px}
nav a{margin-right:12px}svg{background:#fff;border:1px solid #e3e3e3}
.prov{font-size:13px;color:#444;margin:0 0 8px 0}.prov code{background:#f3f3f3;padding:0 3px}
details{border:1px solid #ddd;border-radius:3px;padding:4px 10px;margin:4px 0}summary{cursor:pointer}
.totals{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
"""

SECTIONS = (
    ("totals", "Totals"),
    ("languages", "Languages"),
    ("reasons", "Removals"),
    ("signals", "Signals"),
    ("duplicates", "Duplicates"),
    ("tokens", "Tokens"),
    ("sources", "Sources"),
)
# the token chart shows this many languages, the largest, and the rest as one bar
TOKEN_CHART_LANGS = 15


def provenance(layout: Layout) -> str:
    """Date, version, config and catalog of the run, from `run.json`; a note when there is none.

    The date is when the outputs were made, not when the last (perhaps only resuming) run started: a rerun that
    changes nothing gives the same page."""
    try:
        record = read_run_record(layout.root)
    except RunRecordError as exc:
        return missing(f"Run record unreadable: {exc}")
    if record is None:
        return missing("No run record (run.json): stages were run one by one, so the config, catalog and version are not known.")
    catalog = record.catalog
    parts = [
        f"Outputs of <b>{e(record.outputs_date())}</b>",
        f"curation <b>{e(record.version)}</b>",
        f"config <code>{e(record.config_hash)}</code>",
        f"catalog <code>{e(Path(catalog.path).name)}</code> sha256 <code>{e((catalog.sha256 or 'unreadable')[:16])}</code>",
        f"stages run: {e(', '.join(record.requested))}",
    ]
    html = f'<p class="prov">{" · ".join(parts)}</p>'
    if catalog.changed_since():
        html += missing(f"The catalog {catalog.path} changed since this run read it: licenses below are today's.")
    return html


def section_totals(f: RunFacts) -> str:
    parts = ['<h2 id="totals">Totals</h2>']
    if not f.present:
        return "".join(parts) + missing("No statistics found: run a stage first (e.g. `curation ingest`).")
    first = f.total(f.present[0])
    rows, items, notes = [], [], []
    for s in f.present:
        t = f.total(s)
        rows.append(
            [stage_labels()[s], t.docs, pct(t.docs, first.docs), t.bytes, pct(t.bytes, first.bytes), t.tokens if s == "tokenize" else "–"]
        )
        items.append((stage_labels()[s], t.docs))
        notes.append(f"({pct(t.docs, first.docs)})")
    langs = f"{len(f.langs):,} languages, {len(f.sources):,} sources"
    parts.append(f"<p>Documents, bytes and tokens of the whole run after each stage ({e(langs)}).</p>")
    chart = charts.bar_chart(items, "documents kept after each stage, all languages", notes=notes, width=520)
    tbl = table(["after", "docs", "docs %", "bytes", "bytes %", "tokens"], rows, numeric={1, 2, 3, 4, 5})
    parts.append(f'<div class="totals"><div id="totals-table">{tbl}</div><div id="totals-chart">{chart}</div></div>')
    if f.missing:
        parts.append(missing(f"Not run yet (no statistics): {', '.join(f.missing)}. Their sections below say so."))
    if f.mismatches:
        parts.append('<p class="bad">Counts do not reconcile:</p><ul>' + "".join(f"<li>{e(m)}</li>" for m in f.mismatches) + "</ul>")
    else:
        parts.append('<p class="ok">Counts reconcile: every stage accounts for every document the previous stage kept.</p>')
    return "".join(parts)


def section_languages(f: RunFacts, signals: pd.DataFrame, views, mix: TokenMix | None, fertility: list[Fertility], thresholds) -> str:
    parts = ['<h2 id="languages">Languages</h2>']
    if not f.langs:
        return "".join(parts) + missing("No statistics found: run a stage first (e.g. `curation ingest`).")
    quantiles = language_quantiles(signals, [v.signal for v in views], f.langs) if not signals.empty else {}
    parts.append(language_sections(f, quantiles, mix, fertility, thresholds))
    return "".join(parts)


def section_reasons(f: RunFacts) -> str:
    parts = ['<h2 id="reasons">Removals</h2>']
    if not f.reasons:
        note = "No document was removed." if "filter" in f.present or "dedup" in f.present else "No filter or dedup statistics yet."
        return "".join(parts) + missing(note)
    by_reason: dict[tuple[str, str], int] = {}
    for r in f.reasons:
        by_reason[(r.stage, r.reason)] = by_reason.get((r.stage, r.reason), 0) + r.docs
    rank = {s: i for i, s in enumerate(f.present)}
    ordered = sorted(by_reason.items(), key=lambda kv: (rank.get(kv[0][0], 99), -kv[1], kv[0][1]))
    entering = {s: sum(t.get(s, Totals()).docs for t in f.entering.values()) for s in f.present}
    parts.append("<p>Documents removed, all languages (per language: the Languages section).</p>")
    parts.append(
        charts.bar_chart(
            [(f"{s}: {r}", n) for (s, r), n in ordered],
            "documents removed by reason, all languages",
            width=560,
            colour=charts.REMOVED_COLOUR,
        )
    )
    parts.append(
        table(
            ["stage", "reason", "docs", "share of stage input"],
            ([s, r, n, pct(n, entering.get(s, 0))] for (s, r), n in ordered),
            numeric={2, 3},
        )
    )
    if f.filter_steps:
        steps: dict[str, list[int]] = {}
        for st in f.filter_steps:
            acc = steps.setdefault(st.name, [0, 0, 0])
            acc[0], acc[1], acc[2] = acc[0] + st.docs_in, acc[1] + st.removed, acc[2] + st.rewritten
        parts.append("<h3>Each filter of the chain</h3>")
        parts.append(
            table(
                ["filter", "docs in", "removed", "removed %", "rewritten"],
                ([n, a, b, pct(b, a), c] for n, (a, b, c) in steps.items()),
                numeric={1, 2, 3, 4},
            )
        )
    return "".join(parts)


def section_signals(views, flat, thresholds: Mapping[str, Mapping[str, float]] | None, signals: pd.DataFrame | None = None) -> str:
    parts = [
        '<h2 id="signals">Quality signal distributions</h2>',
        "<p>What the filters measured (kept in blue, removed in orange), as shares of each panel's documents; every panel of a "
        "signal has the same axes. The largest languages have their own panel, the others share one; the dashed red line "
        "is the threshold in force (drawn where the panel's languages share one). Per-language quantiles are in each "
        "language's section.</p>",
    ]
    if not views and not flat:
        return "".join(parts) + missing("No signals: the filter stage has not run (or its shards carry no signals).")
    qnames = ["p05", "p25", "p50", "p75", "p95"]
    for v in views:
        if v.signal == classifier.SIGNAL and signals is not None:  # one chart for every language, with each language's threshold
            parts.append(classifier.section(signals, thresholds))
            continue
        svgs = [
            charts.histogram(
                v.edges, p.kept, p.removed, f"{v.signal} · {p.label} (n={p.count:,})", p.threshold, v.log_x, ymax=v.ymax, shares=True
            )
            for p in v.panels
        ]
        rows = [[p.label, p.count, "–" if p.threshold is None else p.threshold] + [p.quantiles[k] for k in qnames] for p in v.panels]
        parts.append(f'<h3>{e(v.signal)}</h3><div class="charts">{"".join(svgs)}</div>')
        parts.append(table(["languages", "docs", "threshold"] + qnames, rows, numeric=set(range(1, 3 + len(qnames)))))
    if flat:
        rows = [[s.signal, s.docs, s.distinct, s.mode, f"{100 * s.mode_share:.1f}%", s.removed] for s in flat]
        body = table(["signal", "docs", "distinct values", "most common value", "its share", "removed docs"], rows, numeric={1, 2, 3, 4, 5})
        parts.append("<h3>Signals without a distribution</h3><p>Flags and counts that are (almost) always one value: no chart.</p>" + body)
    return "".join(parts)


def section_duplicates(f: RunFacts) -> str:
    parts = ['<h2 id="duplicates">Duplicates</h2>']
    if "dedup" not in f.present:
        return "".join(parts) + missing("Not deduplicated yet: no dedup statistics.")
    found = {lang: d for lang, d in f.duplicates.items() if d.removed}
    total_in = sum(d.docs_in for d in f.duplicates.values())
    total = sum(d.removed for d in found.values())
    parts.append(
        f"<p>{total:,} of {total_in:,} documents removed as duplicates ({pct(total, total_in)}), in {len(found):,} of "
        f"{len(f.duplicates):,} languages; the others had none.</p>"
    )
    if not found:
        return "".join(parts)
    kinds = sorted(
        {k for d in found.values() for k, v in d.by_kind.items() if v},
        key=lambda k: (k not in ("exact_duplicate", "url_duplicate", "near_duplicate"), k),
    )
    ordered = sorted(found.items(), key=lambda kv: (-kv[1].removed, kv[0]))
    notes = [f"({100 * d.rate:.1f}%)" for _, d in ordered]
    parts.append(
        charts.bar_chart(
            [(lang, d.removed) for lang, d in ordered],
            "duplicate documents removed per language",
            notes=notes,
            colour=charts.REMOVED_COLOUR,
        )
    )
    rows = [[lang, d.docs_in] + [d.by_kind.get(k, 0) for k in kinds] + [f"{100 * d.rate:.1f}%"] for lang, d in ordered]
    parts.append(table(["language", "docs in"] + kinds + ["duplicate rate"], rows, numeric=set(range(1, len(kinds) + 3))))
    return "".join(parts)


def section_tokens(f: RunFacts, mix: TokenMix | None, fertility: list[Fertility]) -> str:
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
    blend = mix.blend_by_lang()
    total = sum(by_lang.values())
    ranked = sorted(by_lang.items(), key=lambda kv: (-kv[1], kv[0]))
    items = [(lang, n / total if total else 0.0, blend.get(lang) if blend else None) for lang, n in ranked[:TOKEN_CHART_LANGS]]
    rest = ranked[TOKEN_CHART_LANGS:]
    if rest:
        n_rest = sum(n for _, n in rest)
        b_rest = sum(blend.get(lang, 0.0) for lang, _ in rest) if blend else None
        items.append((f"other {len(rest)} languages", n_rest / total if total else 0.0, b_rest))
    parts.append(charts.paired_bars(items, "token share per language beside the blend weight", legend=("token share", "blend weight")))
    rows = ([lang, n, pct(n, total), f"{100 * blend[lang]:.1f}%" if lang in blend else "–"] for lang, n in ranked)
    parts.append(
        details(
            "Tokens and blend weight of every language",
            table(["language", "tokens", "token share", "blend weight"], rows, numeric={1, 2, 3}),
        )
    )
    if fertility:
        parts.append(
            "<h3>Fertility on held-out text</h3><p>Tokens per word; per character for languages whose script has no spaces "
            "between words (a whitespace word is a whole sentence there).</p>"
        )
        rows = [[x.lang, x.tokens, "–" if x.value is None else round(x.value, 3), f"tokens per {x.per}"] for x in fertility]
        parts.append(table(["language", "tokens", "fertility", "unit"], rows, numeric={1, 2}))
    by_source = mix.by_source or f.tokens_by("source")
    stotal = sum(by_source.values())
    parts.append(
        details(
            "Tokens per source",
            table(["source", "tokens", "token share"], ([s, n, pct(n, stotal)] for s, n in by_source.items()), numeric={1, 2}),
        )
    )
    if mix.blend:
        wtotal = sum(b.weight for b in mix.blend)
        rows = ([b.dataset, b.lang or "–", b.weight, pct(b.weight, wtotal)] for b in mix.blend)
        parts.append(
            details(
                f"Blend: {len(mix.blend):,} datasets with their weights, as given to the trainer",
                table(["dataset", "language", "weight", "normalised"], rows, numeric={2, 3}),
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
    fertility = read_fertility(layout)
    signals = read_signals(layout) if signals is None else signals
    views, flat = signal_views(signals, thresholds)
    nav = "".join(f'<a href="#{a}">{t}</a>' for a, t in SECTIONS)
    body = [
        f"<h1>Curation report: {e(f.name)}</h1>",
        provenance(layout),
        f"<nav>{nav}</nav>",
        section_totals(f),
        section_languages(f, signals, views, mix, fertility, thresholds),
        section_reasons(f),
        section_signals(views, flat, thresholds, signals),
        section_duplicates(f) + section_line_dedup(layout, f.counts) + section_contamination(f.counts),
        section_tokens(f, mix, fertility),
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
