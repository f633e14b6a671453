"""Benchmark contamination in the report: per benchmark and language, the documents decontamination
removed or cut, from the stats rows of stage `dedup:decontaminate:<benchmark>`."""

from __future__ import annotations

from curation.counts import Counts
from curation.dedup.decontaminate import CUT, REMOVED, STATS_STAGE
from curation.report.markup import table

PREFIX = STATS_STAGE + ":"


def contamination_counts(counts: Counts) -> dict[tuple[str, str], dict[str, int]]:
    """(benchmark, lang) → {"removed": docs, "cut": docs}, sorted."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for (stage, lang, _source, outcome), values in counts.rows.items():
        if stage.startswith(PREFIX):
            slot = out.setdefault((stage[len(PREFIX) :], lang), {REMOVED: 0, CUT: 0})
            slot[outcome] = slot.get(outcome, 0) + values[0]
    return dict(sorted(out.items()))


def section_contamination(counts: Counts) -> str:
    """The report's paragraph and table (empty when no benchmark was configured or matched)."""
    rows = contamination_counts(counts)
    if not rows:
        return ""
    removed = sum(v[REMOVED] for v in rows.values())
    cut = sum(v[CUT] for v in rows.values())
    head = (
        f'<h3 id="contamination">Benchmark contamination</h3><p>{removed:,} documents removed and {cut:,} cut because they share '
        f"n-grams with an evaluation benchmark (dedup.decontaminate); a document matching two benchmarks counts in both.</p>"
    )
    return head + table(
        ["benchmark", "language", "removed", "cut"], [[b, lang, v[REMOVED], v[CUT]] for (b, lang), v in rows.items()], {2, 3}
    )
