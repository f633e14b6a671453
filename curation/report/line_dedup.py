"""The report's view of line dedup: units and bytes removed per language, and the most repeated removed units.

Counts come from the stats (stage `dedup:lines`), the samples from `stats/dedup-lines.json` (redacted when the stage
wrote them); every text passes the redactor again on its way into the page (`curation.report.markup`). A few units per language keep the page small.
"""

from __future__ import annotations

import json

from curation.counts import Counts
from curation.dedup.line_job import LINES_CUT, LINES_STAGE
from curation.layout import Layout
from curation.report.markup import e, pct, table


def removed_per_language(counts: Counts) -> dict[str, list[int]]:
    """lang → [units cut from kept documents, their bytes, units of emptied documents, documents in dedup, bytes in dedup]."""
    out: dict[str, list[int]] = {}
    for (stage, lang, _source, outcome), (docs, nbytes, _chars, _tokens) in counts.rows.items():
        if stage == LINES_STAGE:
            slot = out.setdefault(lang, [0, 0, 0, 0, 0])
            if outcome == LINES_CUT:
                slot[0] += docs
                slot[1] += nbytes
            else:
                slot[2] += docs
    for (stage, lang, _source, _outcome), (docs, nbytes, _chars, _tokens) in counts.rows.items():
        if stage == "dedup" and lang in out:
            out[lang][3] += docs
            out[lang][4] += nbytes
    return dict(sorted(out.items()))


def section_line_dedup(layout: Layout, counts: Counts) -> str:
    """A sub-section of Duplicates; empty when the run did no line dedup."""
    path = layout.dedup_line_samples()
    per_lang = removed_per_language(counts)
    if not path.exists() and not per_lang:
        return ""
    meta = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"unit": "line", "samples": []}
    unit = meta.get("unit", "line")
    parts = [
        f"<h3>Repeated {e(unit)}s</h3>",
        f"<p>A {e(unit)} found in at least {e(meta.get('min_docs', '?'))} documents is removed from all of them "
        + ("but the survivor (the document the survivor rule ranks first)" if meta.get("keep") == "survivor" else "")
        + "; a document left under the quality minimums is removed as <code>dedup_lines_emptied</code>.</p>",
    ]
    if not per_lang:
        return "".join(parts) + "<p>No repeated unit was found.</p>"
    rows = [
        [lang, cut, nbytes, pct(nbytes, bytes_in + nbytes), emptied] for lang, (cut, nbytes, emptied, _docs, bytes_in) in per_lang.items()
    ]
    parts.append(
        table(["language", f"{unit}s removed", "bytes removed", "of bytes in", f"{unit}s of emptied docs"], rows, numeric={1, 2, 3, 4})
    )
    samples = meta.get("samples", [])
    if samples:
        rows = [[s["lang"], s["docs"], s["text"]] for s in samples]
        parts.append(
            f"<h4>Most repeated removed {e(unit)}s (redacted)</h4>" + table(["language", "documents losing it", unit], rows, numeric={1})
        )
    return "".join(parts)
