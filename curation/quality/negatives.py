"""The negatives of the run's quality models: a sample of the run's own ingested documents (LLaMA's recipe).

Crawl sources (catalog kinds warc, wet, pseudo_crawl) give them: for a language, the crawl
documents the base language-ID model labels as that language when they make at least
`min_documents` documents, else every crawl document. A run without crawl sources uses the
documents of its other languages. `curation.quality.train.cut` then takes the seeded sample.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.config import QualityModelConfig, RunConfig
from curation.layout import Layout
from curation.reference import reference_documents
from curation.shards import list_shards, read_table

CRAWL_KINDS = ("warc", "wet", "pseudo_crawl")


@dataclass
class Pool:
    """Ingested documents a language's negatives are drawn from."""

    crawl: list[tuple[str, str | None]]  # (text, top label of the base LID model) of crawl sources
    others: list[tuple[str, str | None]]  # (text, language as ingested) of the other sources


def ingested_pool(config: RunConfig) -> Pool:
    from curation.catalog import load_selection

    layout = Layout(config.output_dir)
    _, entries = load_selection(config)
    pool = Pool([], [])
    for entry in entries:
        shards = list_shards(layout.ingested(entry.id))
        if not shards:
            continue
        table = read_table(shards, columns=["text", "lang"])
        rows = list(zip(table.column("text").to_pylist(), table.column("lang").to_pylist()))
        (pool.crawl if entry.kind in CRAWL_KINDS else pool.others).extend(rows)
    if pool.crawl:
        pool.crawl = list(zip([t for t, _ in pool.crawl], base_labels([t for t, _ in pool.crawl], config)))
    return pool


def base_labels(texts: list[str], config: RunConfig) -> list[str | None]:
    """The base language-ID model's top label of each text (None: blank)."""
    from curation.lid.stage import base_model
    from filters.langid import LanguageId

    langid = LanguageId({"model_path": base_model(config)} if base_model(config) else None)
    langid.ensure_setup()
    return [p[0][0] if p else None for p in langid.predict_top(texts)]


def negatives_for(lang: str, pool: Pool, cfg: QualityModelConfig) -> tuple[list[str], str]:
    """The language's negative texts and how they were chosen (for the model card)."""
    from filters.lang_labels import accepts

    if pool.crawl:
        same = [t for t, label in pool.crawl if label is not None and accepts(lang, label)]
        if len(reference_documents(same, cfg.doc_chars)) >= cfg.min_documents:
            return same, f"the run's crawl documents (sources of kind {'/'.join(CRAWL_KINDS)}) labelled {lang} by the base LID model"
        return [t for t, _ in pool.crawl], (
            f"the run's crawl documents (sources of kind {'/'.join(CRAWL_KINDS)}), every language: "
            f"too few labelled {lang} ({len(same)} documents)"
        )
    return [
        t for t, tag in pool.others if tag and tag != lang
    ], f"the run's ingested documents of other languages than {lang} (no crawl source)"
