"""Per-language data cards (markdown), for publication beside the corpus.

A card states the same facts as the report, for one language: sources and their
licenses, the funnel, removal reasons, duplicate rate, signal quantiles with the
thresholds used, and the token count; stages not run yet are named as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from curation.catalog import Catalog
from curation.layout import Layout
from curation.pipeline import stage_labels
from curation.redact import redact
from curation.report.facts import LANGUAGE_DECIDED_AT, RunFacts, Totals, run_facts
from curation.report.hub_card import front_matter
from curation.report.signals import Distribution, distributions, read_signals
from curation.report.thresholds import threshold_of
from curation.report.tokens import TokenMix, read_token_manifest


def cell(value: object) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return redact(str(value)).replace("|", "\\|").replace("\n", " ")


def md_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def language_name(lang: str) -> str:
    """English name of a language tag; a code tag (`zxx-x-python`) names its programming language (`Python code`)."""
    from sources.code_languages import display_name

    if code_name := display_name(lang):
        return code_name
    try:
        import langcodes

        return langcodes.Language.get(lang).display_name("en")
    except Exception:  # an unknown or malformed code still gets a card
        return lang


def _sources_section(f: RunFacts, lang: str, entries: dict) -> str:
    """`## Sources`: each source that gave this language documents, its license and documents after each stage."""
    rows = []
    for src in f.sources:
        sfun = {
            s: sum(v[0] for k, v in f.counts.rows.items() if k[0] == s and k[1] == lang and k[2] == src and k[3] == "kept")
            for s in f.present
        }
        if not any(sfun.values()):
            continue
        en = entries.get(src)
        rows.append([src, en.name if en else "(not in catalog)", en.license if en else "unknown"] + [sfun[s] for s in f.present])
    header = ["source", "name", "license"] + [f"docs {stage_labels()[s]}" for s in f.present]
    return "## Sources\n\n" + (md_table(header, rows) if rows else "No documents.\n")


def _funnel_section(f: RunFacts, lang: str) -> str:
    """`## Processing funnel`, shares of what language ID put in this language (the ingest row, declared, has none)."""
    funnel, base = f.funnel.get(lang, {}), f.base(lang)
    rows = []
    for s in f.present:
        t = funnel.get(s, Totals())
        declared = s == "ingest" and LANGUAGE_DECIDED_AT in f.present
        share_docs = "–" if declared else _pct(t.docs, base.docs)
        rows.append([stage_labels()[s], t.docs, share_docs, t.bytes, "–" if declared else _pct(t.bytes, base.bytes)])
    note = f"Shares are of the {base.docs:,} documents language ID put in this language (declared ones at ingest may differ).\n"
    return "## Processing funnel\n\n" + note + "\n" + md_table(["stage", "documents", "share", "bytes", "share"], rows)


def _kept_in(f: RunFacts, lang: str, source: str) -> bool:
    """Whether the source gave this language any document its last stage kept."""
    stage = f.final_stage()
    return any(v[0] for k, v in f.counts.rows.items() if k[0] == stage and k[1] == lang and k[2] == source and k[3] == "kept")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "–"


def datacard(
    f: RunFacts,
    lang: str,
    catalog: Catalog | None = None,
    signals: pd.DataFrame | dict[tuple[str, str], Distribution] | None = None,
    mix: TokenMix | None = None,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> str:
    funnel = f.funnel.get(lang, {})
    final = f.final(lang)
    entries = {en.id: en for en in catalog.entries} if catalog else {}
    licenses = [entries[src].license if src in entries else "unknown" for src in f.sources if _kept_in(f, lang, src)]
    out = [
        front_matter(lang, language_name(lang), f.name, final.docs, licenses)
        + f"# Data card: {cell(language_name(lang))} (`{cell(lang)}`)\n"
    ]
    out.append(f"Run `{cell(f.name)}`. Stages with statistics: {', '.join(f.present) or 'none'}.\n")
    if f.missing:
        out.append(f"> **Not run yet:** {', '.join(f.missing)}. The figures below stop at the last stage run.\n")
    out.append("## Summary\n")
    tokens = (mix.by_lang.get(lang) if mix and mix.by_lang else None) or funnel.get("tokenize", Totals()).tokens
    out.append(
        md_table(
            ["documents", "bytes", "characters", "tokens"],
            [[final.docs, final.bytes, final.chars, tokens if "tokenize" in f.present or (mix and mix.by_lang) else "not tokenized yet"]],
        )
    )

    out.append(_sources_section(f, lang, entries))
    out.append(_funnel_section(f, lang))

    out.append("## Removed documents\n")
    reasons = [r for r in f.reasons if r.lang == lang]
    if reasons:
        out.append(md_table(["stage", "reason", "documents", "bytes"], [[r.stage, r.reason, r.docs, r.bytes] for r in reasons]))
    if "filter" not in f.present:
        out.append("Filters not run yet.\n")
    elif not reasons:
        out.append("None removed.\n")

    out.append("## Duplicates\n")
    d = f.duplicates.get(lang)
    if "dedup" not in f.present:
        out.append("Not deduplicated yet.\n")
    elif d is None:
        out.append("No documents reached deduplication.\n")
    else:
        out.append(
            f"{d.removed:,} of {d.docs_in:,} documents removed as duplicates ({100 * d.rate:.1f}%): "
            + ", ".join(f"{k} {v:,}" for k, v in d.by_kind.items())
            + ".\n"
        )

    out.append("## Quality signals\n")
    dists = signals if isinstance(signals, dict) else distributions(signals, thresholds) if signals is not None else {}
    mine = [(signal, d) for (signal, l), d in dists.items() if l == lang]
    if not mine:
        out.append("No signals measured for this language yet.\n")
    else:
        rows = []
        for signal, d in mine:
            t = threshold_of(thresholds, signal, lang)
            rows.append([signal, d.count, "–" if t is None else t, d.quantiles["p05"], d.quantiles["p50"], d.quantiles["p95"]])
        out.append(md_table(["signal", "documents", "threshold", "p05", "median", "p95"], rows))

    out.append("## Tokens\n")
    if mix is not None and mix.blend_by_lang().get(lang) is not None:
        out.append(f"{cell(tokens)} tokens; blend weight {100 * mix.blend_by_lang()[lang]:.1f}%.\n")
    elif "tokenize" in f.present or (mix and mix.by_lang):
        out.append(f"{cell(tokens)} tokens.\n")
    else:
        out.append("Not tokenized yet.\n")
    out.append("\nSamples shown to auditors and every text in this card are PII-redacted.\n")
    return "\n".join(out)


def write_datacards(
    layout: Layout,
    catalog: Catalog | None = None,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    signals: pd.DataFrame | None = None,
) -> list[Path]:
    f = run_facts(layout)
    signals = distributions(read_signals(layout) if signals is None else signals, thresholds)  # one grouping pass for every card
    mix = read_token_manifest(layout)
    paths = []
    stale = set(layout.datacard("x").parent.glob("*.md")) - {layout.datacard(lang) for lang in f.langs}
    for path in sorted(stale):  # languages no longer in the run (or now under their normal code: sh → sr-Latn)
        path.unlink()
    for lang in f.langs:
        path = layout.datacard(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(datacard(f, lang, catalog, signals, mix, thresholds), encoding="utf-8")
        paths.append(path)
    return paths
