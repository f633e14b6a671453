"""The report's languages: one overview table, then one collapsible section per language.

Languages with fewer than `MIN_DOCS_OWN_SECTION` documents share one section (a row each): a
hundred near-empty sections would bury the languages that matter. Every language's funnel is
counted by the language each stage gave its documents (`RunFacts.base`), so relabelling by language
ID moves documents between funnels and never inflates one.
"""

from __future__ import annotations

from collections.abc import Mapping

from curation.pipeline import stage_labels
from curation.report.datacard import language_name
from curation.report.facts import LANGUAGE_DECIDED_AT, RunFacts, Totals
from curation.report.fertility import Fertility
from curation.report.markup import details, e, missing, pct, table
from curation.report.thresholds import threshold_of
from curation.report.tokens import TokenMix

MIN_DOCS_OWN_SECTION = 20


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _signed(n: int | None) -> str:
    return "–" if n is None else f"{n:+,}" if n else "0"


def sized(f: RunFacts) -> tuple[list[str], list[str]]:
    """(languages with their own section, largest first; the small ones, by code)."""
    big = sorted((lang for lang in f.langs if f.base(lang).docs >= MIN_DOCS_OWN_SECTION), key=lambda lang: (-f.base(lang).docs, lang))
    return big, [lang for lang in f.langs if lang not in big]


def overview(f: RunFacts, langs: list[str]) -> str:
    """One row per language: what was declared, relabelled, kept after each stage, and the final share."""
    later = [s for s in f.present if s != "ingest"]
    header = ["language", "name", "declared at ingest", "relabelled by language ID"]
    header += [f"docs {stage_labels()[s]}" for s in later] + ["kept", "bytes final", "tokens"]
    rows = []
    for lang in langs:
        funnel = f.funnel.get(lang, {})
        final = f.final(lang)
        rows.append(
            [f"{lang}", language_name(lang), funnel.get("ingest", Totals()).docs, _signed(f.relabelled(lang))]
            + [funnel.get(s, Totals()).docs for s in later]
            + [pct(final.docs, f.base(lang).docs), final.bytes, funnel.get("tokenize", Totals()).tokens if "tokenize" in f.present else "–"]
        )
    note = (
        f"<p>A language's funnel starts from the documents language ID put in it (the {LANGUAGE_DECIDED_AT} stage's input, "
        "by the language it gave them): a document relabelled from one language to another counts in the second only; "
        '"relabelled" is the net number language ID moved into (+) or out of (−) the language.</p>'
    )
    return table(header, rows, numeric=set(range(2, len(header)))) + note


def _funnel_table(f: RunFacts, lang: str) -> str:
    funnel, base = f.funnel.get(lang, {}), f.base(lang)
    rows = []
    for s in f.present:
        t = funnel.get(s, Totals())
        share = "–" if s == "ingest" and LANGUAGE_DECIDED_AT in f.present else pct(t.docs, base.docs)
        rows.append([stage_labels()[s], t.docs, share, t.bytes, t.tokens if s == "tokenize" else "–"])
    return table(["stage", "docs", "share of the language's documents", "bytes", "tokens"], rows, numeric={1, 2, 3, 4})


def _reasons_table(f: RunFacts, lang: str) -> str:
    rs = [r for r in f.reasons if r.lang == lang]
    if not rs:
        return "<p>No document removed.</p>"
    entering = f.entering.get(lang, {})
    rows = [[r.stage, r.reason, r.docs, pct(r.docs, entering.get(r.stage, Totals()).docs)] for r in rs]
    return table(["stage", "reason", "docs", "share of the stage's input"], rows, numeric={2, 3})


def _signals_table(lang: str, quantiles: Mapping[str, Mapping[str, float]], counts: Mapping[str, int], thresholds) -> str:
    if not quantiles:
        return ""
    rows = [
        [signal, counts[signal], "–" if threshold_of(thresholds, signal, lang) is None else threshold_of(thresholds, signal, lang)]
        + [q["p05"], q["p50"], q["p95"]]
        for signal, q in sorted(quantiles.items())
    ]
    return "<h4>Signals</h4>" + table(["signal", "docs", "threshold", "p05", "median", "p95"], rows, numeric={1, 2, 3, 4, 5})


def language_sections(
    f: RunFacts,
    lang_quantiles: Mapping[str, tuple[dict, dict]],
    mix: TokenMix | None,
    fertility: list[Fertility],
    thresholds=None,
) -> str:
    """A `<details>` per language with enough documents, then one for all the small ones."""
    blend = mix.blend_by_lang() if mix else {}
    fert = {x.lang: x for x in fertility}
    big, small = sized(f)
    parts = [
        f"<p>{_count(len(big), 'language')} with at least {MIN_DOCS_OWN_SECTION} documents, largest first; "
        f"{_count(len(small), 'smaller one')} in the last section.</p>",
        overview(f, big),
        "<p>Open a language: " + " ".join(f'<a href="#lang-{e(lang)}">{e(lang)}</a>' for lang in big) + "</p>",
    ]
    for lang in big:
        final, base = f.final(lang), f.base(lang)
        summary = f"<b>{e(lang)}</b> {e(language_name(lang))}: {base.docs:,} documents → {final.docs:,} kept ({pct(final.docs, base.docs)})"
        body = [_funnel_table(f, lang), "<h4>Removed</h4>", _reasons_table(f, lang)]
        d = f.duplicates.get(lang)
        if d is not None and d.removed:
            body.append(
                f"<p>Duplicates: {d.removed:,} of {d.docs_in:,} ({100 * d.rate:.1f}%), "
                + e(", ".join(f"{k} {v:,}" for k, v in d.by_kind.items() if v))
                + ".</p>"
            )
        quantiles, counts = lang_quantiles.get(lang, ({}, {}))
        body.append(_signals_table(lang, quantiles, counts, thresholds))
        extra = []
        if lang in blend:
            extra.append(f"blend weight {100 * blend[lang]:.1f}%")
        if lang in fert and fert[lang].value is not None:
            extra.append(f"fertility {fert[lang].value:.3f} tokens per {fert[lang].per}")
        if extra:
            body.append(f"<p>{e('; '.join(extra))}.</p>")
        parts.append(details(summary, "".join(body), anchor=f"lang-{lang}"))
    if small:
        parts.append(
            details(
                f"<b>{_count(len(small), 'small language')}</b> (under {MIN_DOCS_OWN_SECTION} documents each)",
                _small_table(f, small),
                "lang-small",
            )
        )
    if not f.langs:
        parts.append(missing("No statistics found: run a stage first (e.g. `curation ingest`)."))
    return "".join(parts)


def _small_table(f: RunFacts, langs: list[str]) -> str:
    rows = []
    for lang in langs:
        reasons = ", ".join(f"{r.reason} {r.docs:,}" for r in f.reasons if r.lang == lang) or "–"
        rows.append([lang, language_name(lang), f.base(lang).docs, f.final(lang).docs, reasons])
    return table(["language", "name", "documents", "kept", "removed (reason, docs)"], rows, numeric={2, 3})
