"""The decontamination step of the dedup job: documents matched against the configured benchmarks.

It runs first, on every input document, as a `mapInArrow` whose result for a document depends on
its text alone: contaminated documents are removed (reason `benchmark_contamination`, the
benchmarks and items in `detail`) or, with `mode: cut`, keep their text without the matched spans
(signal `contamination_cut_chars`); a cut document left shorter than `cut_min_chars` is removed.
The rest of the job (exact, url and near dedup) sees the cut texts and no removed document.
Per-benchmark counts go to the shards' stats as rows of stage `dedup:decontaminate:<benchmark>`,
outcome `removed` or `cut`; the bytes cut out of kept documents as rows of stage `dedup:decontaminate`,
outcome `removed` (`curation.stats.CUT`: kept bytes + these = bytes in, as line dedup counts its cuts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.config import DecontaminateConfig
from curation.counts import Counts, utf8_length
from curation.dedup.benchmarks import load_items
from curation.dedup.contamination import NgramIndex, cut_spans, match_batch, matched_spans

REMOVED = "removed"
CUT = "cut"
STATS_STAGE = "dedup:decontaminate"
MAX_ITEMS_IN_DETAIL = 10
COLUMNS = {  # added to every document: null when clean
    "benchmarks": pa.list_(pa.string()),
    "bench_items": pa.list_(pa.string()),
    "bench_ngrams": pa.int64(),
    "contamination": pa.string(),
    "cut_chars": pa.int64(),
    "cut_bytes": pa.int64(),
}
COLUMNS_DDL = "benchmarks array<string>, bench_items array<string>, bench_ngrams long, contamination string, cut_chars long, cut_bytes long"


def build_index(cfg: DecontaminateConfig) -> NgramIndex | None:
    """The n-gram index of the configured benchmarks (None: none configured)."""
    if not cfg.benchmarks:
        return None
    items = load_items(cfg.benchmarks, cfg.text_fields, cfg.id_field)
    return NgramIndex.build(items, cfg.word_ngram, cfg.char_ngram)


def benchmark_files(cfg: DecontaminateConfig) -> list[Path]:
    return sorted(Path(p).resolve() for files in cfg.benchmarks.values() for p in files)


def decontaminate(spark, docs, cfg: DecontaminateConfig, index: NgramIndex):
    """`docs` with the decontamination columns (and cut texts in cut mode)."""
    from pyspark.sql.types import StructType

    schema = StructType(docs.schema.fields + StructType.fromDDL(COLUMNS_DDL).fields)
    shared = spark.sparkContext.broadcast(index)
    return docs.mapInArrow(contamination_fn(shared, cfg.mode, cfg.min_overlap, cfg.cut_min_chars), schema)


def contamination_fn(
    index, mode: str, min_overlap: float, cut_min_chars: int
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The body of the `mapInArrow`; `index`: an `NgramIndex` or a Spark broadcast of one."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        idx = index.value if hasattr(index, "value") else index
        for batch in batches:
            if batch.num_rows:
                yield contaminated_batch(batch, idx, mode, min_overlap, cut_min_chars)

    return run


def contaminated_batch(batch: pa.RecordBatch, index: NgramIndex, mode: str, min_overlap: float, cut_min_chars: int) -> pa.RecordBatch:
    """One batch of documents with the decontamination columns; in cut mode, contaminated texts cut."""
    n = batch.num_rows
    text = batch.column("text")
    matches = match_batch(index, text, min_overlap)
    new_text = None
    values: dict[str, list] = {name: [None] * n for name in COLUMNS}
    hit = [i for i, m in enumerate(matches) if m is not None]
    for i in hit:
        m = matches[i]
        values["benchmarks"][i] = list(m.benchmarks)
        values["bench_items"][i] = list(m.items[:MAX_ITEMS_IN_DETAIL])
        values["bench_ngrams"][i] = m.ngrams
        values["contamination"][i] = REMOVED
    if mode == CUT and hit:
        originals = [text[i].as_py() for i in hit]
        found = matched_spans(index, originals, [np.array(matches[i].item_index) for i in hit])
        new_text = text.to_pylist()
        for i, original, spans in zip(hit, originals, found):
            kept = cut_spans(original, spans) if spans else ""
            if spans and len(kept) >= cut_min_chars:  # else removed: too little left, or no span found in the raw text
                new_text[i] = kept
                values["contamination"][i] = CUT
                values["cut_chars"][i] = len(original) - len(kept)
                values["cut_bytes"][i] = utf8_length(original) - utf8_length(kept)
    columns = {name: batch.column(name) for name in batch.schema.names}
    if new_text is not None:
        columns["text"] = pa.array(new_text, batch.schema.field("text").type)
    columns |= {name: pa.array(values[name], kind) for name, kind in COLUMNS.items()}
    return pa.RecordBatch.from_pydict(columns)


def contamination_counts(shard: pa.Table, stage: str = STATS_STAGE) -> Counts:
    """Per benchmark × language × source, the documents of a shard it removed or cut (bytes and chars as written);
    per language × source, what was cut out of the kept ones (`stage`, outcome `curation.stats.CUT`)."""
    from curation.stats import CUT as CUT_OUT

    counts = Counts()
    if "contamination" not in shard.column_names:
        return counts
    hit = shard.filter(pc.is_valid(shard.column("contamination")))
    for row in hit.select(["lang", "source", "contamination", "benchmarks", "text", "cut_bytes", "cut_chars"]).to_pylist():
        for bench in row["benchmarks"]:
            counts.add(f"{stage}:{bench}", row["lang"], row["source"], row["contamination"], row["text"])
        if row["contamination"] == CUT:
            counts.add_totals(stage, row["lang"], row["source"], CUT_OUT, 1, row["cut_bytes"], row["cut_chars"])
    return counts


def benchmark_counts(counts: Counts) -> dict[tuple[str, str], dict[str, int]]:
    """(benchmark, lang) → {"removed": docs, "cut": docs}, sorted, from the rows `contamination_counts` made."""
    prefix = STATS_STAGE + ":"
    out: dict[tuple[str, str], dict[str, int]] = {}
    for (stage, lang, _source, outcome), values in counts.rows.items():
        if stage.startswith(prefix):
            slot = out.setdefault((stage[len(prefix) :], lang), {REMOVED: 0, CUT: 0})
            slot[outcome] = slot.get(outcome, 0) + values[0]
    return dict(sorted(out.items()))
