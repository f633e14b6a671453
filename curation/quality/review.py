"""Human review of the quality classifier (Yuan 1.0's "checked by hand").

`curation inspect --stage filter:classifier --borderline -n 200 --export review.tsv` writes the
documents the run's classifier scored nearest their language's threshold (kept and removed alike:
`filtered/` and every `removed/<filter>/` carry the `quality_score` signal), PII-redacted, in a
deterministic order (distance to the threshold, then document id, languages taking turns), with an empty `label` column.
A reviewer fills `label` (high, low, ad, or 1/0) and `curation quality train --labels review.tsv`
adds those rows to training (`curation.quality.documents.read_labels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from curation.atomic import write_text_atomic
from curation.config import RunConfig
from curation.layout import Layout
from curation.quality.documents import escape_cell
from curation.schema import signal_entries
from curation.shards import list_shards, shard_order

SIGNAL = "quality_score"
COLUMNS = ("id", "lang", "score", "threshold", "label", "text")  # the export's header, in order


class ReviewError(ValueError):
    """Nothing to review: the message says why (no classifier scores, no model thresholds)."""


@dataclass(frozen=True)
class ReviewRow:
    id: str
    lang: str
    score: float
    threshold: float
    text: str  # PII-redacted, whole document

    def cells(self) -> tuple[str, ...]:
        """The row's TSV cells, in COLUMNS order (label empty)."""
        return (self.id, self.lang, f"{self.score:.6f}", f"{self.threshold:g}", "", escape_cell(self.text))


@dataclass(frozen=True)
class Borderline:
    rows: list[ReviewRow]
    scored: int  # documents with a quality_score (in the language asked for)
    thresholds: dict[str, float]


def applied_thresholds(config: RunConfig) -> dict[str, float]:
    """Per language with a model, the threshold the run's classifier filter judges by (as the filter stage builds it)."""
    from curation.filter_stage import build_filter, with_run_defaults

    classifier = build_filter("classifier", with_run_defaults(config))
    return {lang: t for lang in classifier.languages_with_model() if (t := classifier.threshold(lang)) is not None}


def scored_shards(layout: Layout) -> list[Path]:
    """Every filter-stage shard whose documents may carry the classifier's score: kept ones, and each filter's removed
    (`removed/<filter>/`; other stages' removed folders hold no filter signals)."""
    from filters import FILTERS

    folders = [layout.removed(name) for name in sorted(FILTERS) if layout.removed(name).is_dir()]
    return list_shards(layout.filtered()) + sorted((p for d in folders for p in list_shards(d)), key=shard_order)


def _scores(path: Path, lang: str | None) -> tuple[list[str], list[str], list[float], list[int]]:
    """(ids, langs, scores, rows) of the documents of one shard with a quality_score (in `lang` when given)."""
    table = pq.read_table(path, columns=["id", "lang", "signals"])
    rows, names, values = signal_entries(table.column("signals"))
    hit = pc.equal(names, pa.scalar(SIGNAL)).to_numpy(zero_copy_only=False)
    rows, values = rows[hit], values.to_numpy(zero_copy_only=False)[hit]
    ids, langs = table.column("id").to_pylist(), table.column("lang").to_pylist()
    keep = [i for i, r in enumerate(rows) if lang is None or langs[r] == lang]
    return [ids[rows[i]] for i in keep], [langs[rows[i]] for i in keep], [float(values[i]) for i in keep], [int(rows[i]) for i in keep]


def borderline(layout: Layout, thresholds: dict[str, float], n: int, lang: str | None = None) -> Borderline:
    """The `n` scored documents nearest their language's threshold (ties by id), with their redacted text."""
    from curation.redact import redact

    if lang is not None and lang not in thresholds:
        raise ReviewError(f"language {lang!r} has no classifier model in this run (models: {', '.join(sorted(thresholds)) or 'none'})")
    shards = scored_shards(layout)
    scored = [0]

    def candidates():
        for shard_index, path in enumerate(shards):
            for doc_id, doc_lang, score, row in zip(*_scores(path, lang)):
                if doc_lang in thresholds:
                    scored[0] += 1
                    yield abs(score - thresholds[doc_lang]), doc_id, shard_index, row, score, doc_lang

    chosen = interleave_languages(candidates(), n)
    if scored[0] == 0:
        raise ReviewError(
            f"no document under {layout.root} carries a {SIGNAL} of a language with a model ({', '.join(sorted(thresholds)) or 'none'})"
        )
    texts = _texts(shards, [(c[2], c[3]) for c in chosen])
    rows = [
        ReviewRow(doc_id, doc_lang, score, thresholds[doc_lang], redact(texts[(s, r)], doc_lang))
        for _, doc_id, s, r, score, doc_lang in chosen
    ]
    return Borderline(rows, scored[0], thresholds)


def interleave_languages(candidates, n: int) -> list[tuple]:
    """The `n` candidates to review, every language taking its turn: each language's nearest first, then each one's
    second nearest, ... (languages in code order), so one large language does not fill the whole sample.
    Candidates are (distance, id, ..., lang), ranked by (distance, id); memory is bounded by 2n per language."""
    nearest: dict[str, list[tuple]] = {}

    def rank(c: tuple) -> tuple:
        return c[0], c[1]

    for c in candidates:
        kept = nearest.setdefault(c[-1], [])
        kept.append(c)
        if len(kept) > 2 * n:
            kept[:] = sorted(kept, key=rank)[:n]
    ranked = {lang: sorted(kept, key=rank)[:n] for lang, kept in nearest.items()}
    turns = [ranked[lang][r] for r in range(n) for lang in sorted(ranked) if r < len(ranked[lang])]
    return turns[:n]


def _texts(shards: list[Path], wanted: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    by_shard: dict[int, list[int]] = {}
    for shard_index, row in wanted:
        by_shard.setdefault(shard_index, []).append(row)
    out = {}
    for shard_index, rows in sorted(by_shard.items()):
        texts = pq.read_table(shards[shard_index], columns=["text"]).column("text").take(pa.array(rows)).to_pylist()
        out |= {(shard_index, r): t or "" for r, t in zip(rows, texts)}
    return out


def review_tsv(rows: list[ReviewRow]) -> str:
    return "\t".join(COLUMNS) + "\n" + "".join("\t".join(r.cells()) + "\n" for r in rows)


def export(rows: list[ReviewRow], path: Path) -> Path:
    write_text_atomic(path, review_tsv(rows))
    return path
