"""The negatives of the run's quality models: a sample of the run's own ingested documents (LLaMA's recipe).

Crawl sources (catalog kinds warc, wet, pseudo_crawl) give them, a seeded sample of at most
`max_documents` documents read shard by shard: for a language, the crawl
documents the base language-ID model labels as that language when they make at least
`min_documents` documents, else every crawl document. A run without crawl sources uses the
documents of its other languages. `curation.quality.train.cut` then takes the seeded sample.
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass
from pathlib import Path

from curation.config import QualityModelConfig, RunConfig
from curation.layout import Layout
from curation.reference import reference_documents
from curation.shards import list_shards, read_batches

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
    crawl = [layout.ingested(e.id) for e in entries if e.kind in CRAWL_KINDS]
    others = [layout.ingested(e.id) for e in entries if e.kind not in CRAWL_KINDS]
    cfg = config.quality_model
    pool = Pool(sample_documents(crawl, cfg.max_documents, cfg.seed), [])
    if not pool.crawl:
        pool.others = sample_documents(others, cfg.max_documents * 4, cfg.seed)  # several languages share the sample
    if pool.crawl:
        pool.crawl = list(zip([t for t, _ in pool.crawl], base_labels([t for t, _ in pool.crawl], config)))
    return pool


def sample_documents(folders: list[Path], k: int, seed: int) -> list[tuple[str, str | None]]:
    """A seeded sample of at most `k` ingested documents (text, language), the same whatever the shard order or
    size: the `k` smallest keys sha256(seed, id), read shard by shard (memory holds `k` documents, not the crawl)."""
    heap: list[tuple[int, str, str, str | None]] = []  # (-key, id, text, lang): the largest key kept on top
    for shard in [s for folder in folders for s in list_shards(folder)]:
        for rb in read_batches(shard, columns=["id", "text", "lang"]):
            cols = rb.to_pydict()
            for doc_id, text, lang in zip(cols["id"], cols["text"], cols["lang"]):
                key = int.from_bytes(hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()[:8], "big")
                if len(heap) < k:
                    heapq.heappush(heap, (-key, doc_id, text, lang))
                elif -heap[0][0] > key:
                    heapq.heapreplace(heap, (-key, doc_id, text, lang))
    return [(text, lang) for _, _, text, lang in sorted(heap, key=lambda row: (-row[0], row[1]))]


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
