"""The facts an auditor reads, computed once from the stats table.

The HTML report, the data cards and the notebooks all show these same numbers,
so they can never disagree. Every stage may be missing (a run of `ingest` only):
the facts then say which stages are absent instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from curation.counts import KEPT, Counts
from curation.dedup import REASONS
from curation.layout import Layout
from curation.pipeline import counted_stages
from curation.stats import Mismatch, collect, reconcile, sources_losing

# shown for every language, even at zero; other dedup reasons (already_indexed) where they occur
DUPLICATE_OUTCOMES = tuple(REASONS[step] for step in ("exact", "url", "near"))

# the stage whose language-ID filter decides each document's language: a language's funnel starts from
# what this stage counted in that language (before it, documents carry the language their source declared)
LANGUAGE_DECIDED_AT = "filter"


def language_key(lang: str) -> str:
    """One code per language for everything shown (`sh` and `sr-Latn` are one language): `filters.lang_labels`."""
    from filters.lang_labels import normalise_tag

    return normalise_tag(lang)


def normalised_languages(counts: Counts) -> Counts:
    """The same counts with every language code in its one normal form (rows of synonyms merged)."""
    out = Counts()
    for (stage, lang, source, outcome), values in counts.rows.items():
        row = out.rows.setdefault((stage, language_key(lang), source, outcome), [0, 0, 0, 0])
        for i, v in enumerate(values):
            row[i] += v
    return out


@dataclass(frozen=True)
class Totals:
    docs: int = 0
    bytes: int = 0
    chars: int = 0
    tokens: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.docs + other.docs, self.bytes + other.bytes, self.chars + other.chars, self.tokens + other.tokens)


@dataclass(frozen=True)
class Reason:
    stage: str
    lang: str
    reason: str
    docs: int
    bytes: int


@dataclass(frozen=True)
class FilterStep:
    """One filter of the chain for one language: what came in, what it removed, what it rewrote."""

    name: str
    lang: str
    docs_in: int
    removed: int
    rewritten: int


@dataclass(frozen=True)
class Duplicates:
    lang: str
    docs_in: int
    by_kind: dict[str, int]

    @property
    def removed(self) -> int:
        return sum(self.by_kind.values())

    @property
    def rate(self) -> float:
        return self.removed / self.docs_in if self.docs_in else 0.0


@dataclass
class RunFacts:
    name: str
    counts: Counts
    present: list[str]  # main stages with statistics, in pipeline order
    missing: list[str]
    langs: list[str]
    sources: list[str]
    funnel: dict[str, dict[str, Totals]]  # lang → stage → kept totals
    entering: dict[str, dict[str, Totals]]  # lang → stage → every document the stage counted (kept + removed)
    source_funnel: dict[str, dict[str, Totals]]  # source → stage → kept totals
    reasons: list[Reason]
    filter_steps: list[FilterStep]
    duplicates: dict[str, Duplicates]
    mismatches: list[Mismatch] = field(default_factory=list)
    langid_losses: dict[str, tuple[int, int]] = field(default_factory=dict)  # source → (removed, seen) over half

    def final_stage(self) -> str | None:
        return self.present[-1] if self.present else None

    def final(self, lang: str) -> Totals:
        stage = self.final_stage()
        return self.funnel.get(lang, {}).get(stage, Totals()) if stage else Totals()

    def base(self, lang: str) -> Totals:
        """What a language's funnel starts from, counted by the language each stage gives a document: the documents
        language ID put in this language (`LANGUAGE_DECIDED_AT`), else (not run yet) those ingested under it.
        A document relabelled from one language to another counts in the second from then on, never in both."""
        entering = self.entering.get(lang, {})
        if LANGUAGE_DECIDED_AT in entering:
            return entering[LANGUAGE_DECIDED_AT]
        return self.funnel.get(lang, {}).get("ingest", Totals())

    def relabelled(self, lang: str) -> int | None:
        """Net documents language ID moved into (+) or out of (−) this language; None before language ID ran."""
        if LANGUAGE_DECIDED_AT not in self.present:
            return None
        return self.base(lang).docs - self.funnel.get(lang, {}).get("ingest", Totals()).docs

    def total(self, stage: str) -> Totals:
        """Kept documents of a stage over every language: the run's funnel (relabelling moves, never adds)."""
        out = Totals()
        for stages in self.funnel.values():
            out = out + stages.get(stage, Totals())
        return out

    def tokens_by(self, key: str) -> dict[str, int]:
        """Token counts of the tokenize stage by `lang` or `source` (the stats' view)."""
        index = {"lang": 1, "source": 2}[key]
        out: dict[str, int] = {}
        for k, v in self.counts.rows.items():
            if k[0] == "tokenize" and k[3] == KEPT:
                out[k[index]] = out.get(k[index], 0) + v[3]
        return dict(sorted(out.items()))


def load_counts(layout: Layout) -> Counts:
    """Counts from the shards' stats files; the written stats table when the shards are gone."""
    counts = collect(layout)
    if not counts.rows and layout.stats().exists():
        import pyarrow.parquet as pq

        counts = Counts.from_json(pq.read_table(layout.stats()).to_pylist())
    return counts


def compute_facts(counts: Counts, name: str = "run") -> RunFacts:
    counts = normalised_languages(counts)
    counted = [s.name for s in counted_stages()]
    present = [s for s in counted if any(k[0] == s for k in counts.rows)]
    missing = [s for s in counted if s not in present]
    funnel: dict[str, dict[str, Totals]] = {}
    source_funnel: dict[str, dict[str, Totals]] = {}
    entering: dict[str, dict[str, Totals]] = {}
    reasons: dict[tuple[str, str, str], list[int]] = {}
    steps: dict[tuple[str, str], list[int]] = {}  # (filter, lang) → in, removed, rewritten
    dups: dict[str, dict[str, int]] = {}
    dup_in: dict[str, int] = {}
    langs, sources = set(), set()
    for (stage, lang, source, outcome), (docs, nbytes, chars, tokens) in counts.rows.items():
        parts = stage.split(":")
        if stage in counted:
            langs.add(lang)
            sources.add(source)
            eslot = entering.setdefault(lang, {})
            eslot[stage] = eslot.get(stage, Totals()) + Totals(docs, nbytes, chars, tokens)
            if outcome == KEPT:
                t = Totals(docs, nbytes, chars, tokens)
                slot = funnel.setdefault(lang, {})
                slot[stage] = slot.get(stage, Totals()) + t
                sslot = source_funnel.setdefault(source, {})
                sslot[stage] = sslot.get(stage, Totals()) + t
            else:
                r = reasons.setdefault((stage, lang, outcome), [0, 0])
                r[0] += docs
                r[1] += nbytes
            if stage == "dedup":
                dup_in[lang] = dup_in.get(lang, 0) + docs
                if outcome not in (KEPT, REASONS["decontaminate"]):  # contamination: its own section, not a duplicate
                    dups.setdefault(lang, {})
                    dups[lang][outcome] = dups[lang].get(outcome, 0) + docs
        elif parts[0] == "filter" and len(parts) >= 2:
            s = steps.setdefault((parts[1], lang), [0, 0, 0])
            if len(parts) == 2:
                s[0] += docs
                if outcome != KEPT:
                    s[1] += docs
            elif parts[2] == "rewritten":
                s[2] += docs
    funnel = {lang: {s: v[s] for s in counted if s in v} for lang, v in sorted(funnel.items())}
    source_funnel = {src: {s: v[s] for s in counted if s in v} for src, v in sorted(source_funnel.items())}
    stage_rank = {s: i for i, s in enumerate(counted)}
    reason_rows = sorted(
        (Reason(st, lang, rsn, d, b) for (st, lang, rsn), (d, b) in reasons.items()),
        key=lambda r: (r.lang, stage_rank[r.stage], -r.docs, r.reason),
    )
    filter_order = _filter_order([k[0] for k in steps])
    filter_steps = sorted((FilterStep(f, lang, *v) for (f, lang), v in steps.items()), key=lambda s: (s.lang, filter_order.index(s.name)))
    duplicates = {
        lang: Duplicates(lang, dup_in[lang], {k: dups.get(lang, {}).get(k, 0) for k in _dup_kinds(dups.get(lang, {}))})
        for lang in sorted(dup_in)
    }
    return RunFacts(
        name=name,
        counts=counts,
        present=present,
        missing=missing,
        langs=sorted(langs),
        sources=sorted(sources),
        funnel=funnel,
        source_funnel=source_funnel,
        entering=entering,
        reasons=reason_rows,
        filter_steps=filter_steps,
        duplicates=duplicates,
        mismatches=reconcile(counts),
        langid_losses=sources_losing(counts, "filter:langid"),
    )


def _dup_kinds(found: dict[str, int]) -> list[str]:
    return list(DUPLICATE_OUTCOMES) + sorted(k for k in found if k not in DUPLICATE_OUTCOMES)


def _filter_order(names: list[str]) -> list[str]:
    try:
        from filters import DEFAULT_CHAIN
    except ImportError:  # pragma: no cover - filters ship with the package
        DEFAULT_CHAIN = ()
    known = [n for n in DEFAULT_CHAIN if n in names]
    return known + sorted(set(names) - set(known))


def run_facts(layout: Layout) -> RunFacts:
    return compute_facts(load_counts(layout), name=Path(layout.root).name)
