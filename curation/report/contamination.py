"""Benchmark contamination in the report: per benchmark and language, the documents decontamination
removed or cut, from the stats rows of stage `dedup:decontaminate:<benchmark>`."""

from __future__ import annotations

from curation.counts import Counts
from curation.dedup.decontaminate import CUT, REMOVED, benchmark_counts
from curation.report.markup import table


def section_contamination(counts: Counts) -> str:
    """The report's paragraph and table (empty when no benchmark was configured or matched)."""
    rows = benchmark_counts(counts)
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
