"""The dedup stage: document shards → `deduped/<lang>/` + `removed/dedup/<source>/`.

One Spark job, three optional steps on the documents still alive:
exact (hash of normalised text) → url (normalised URL) → near (MinHash LSH
candidates from band buckets, optional true-Jaccard verification, connected
components in Spark). Every cluster keeps one survivor chosen by the rule in
`curation.dedup.survivors`; every removed document names its survivor and the
method in `detail`. Output shards are written by the executors with the
project's shard writer, sorted by id, with deterministic names, so the bytes do
not depend on partitions or input order. The job is global (not per shard): it
is skipped as a whole when its inputs and config are unchanged.
"""

from __future__ import annotations

import functools
import json
import math
import shutil
import time
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from curation.config import RunConfig, json_digest
from curation.counts import KEPT, Counts
from curation.dedup import METHODS, REASONS
from curation.dedup.index import load_index, write_generation
from curation.dedup.minhash import MinHasher
from curation.layout import Layout, part_name
from curation.runner import Task, TaskResult, fingerprint, run_job, shard_task
from curation.stage import Stage, StageResult, default_input
from curation.schema import DOCUMENT_SCHEMA, REMOVED_SCHEMA
from curation.shards import ShardWriter, list_shards, write_json_atomic

NAME = "dedup"


class DedupSafetyStop(ValueError):
    """Dedup would remove more of a language than `dedup.max_removed_share`: nothing was written."""


def hasher_for(config: RunConfig) -> MinHasher:
    c = config.dedup
    return MinHasher(c.bands, c.rows, c.word_ngram, c.char_ngram, tuple(c.char_langs), c.seed)


def input_dirs(config: RunConfig) -> list[Path]:
    """`dedup.input_dirs`, or the output of the stage dedup reads (the filter stage's)."""
    return [Path(d) for d in config.dedup.input_dirs] or [default_input(STAGE, Layout(config.output_dir))]


def input_shards(config: RunConfig) -> list[Path]:
    paths: list[Path] = []
    for d in input_dirs(config):
        d = Path(d)
        paths.extend([d] if d.is_file() else list_shards(d))
    return sorted(dict.fromkeys(p.resolve() for p in paths))


def catalog_priorities(config: RunConfig) -> dict[str, int]:
    """Source → priority from the catalog, when there is one (no catalog: all equal)."""
    if not Path(config.catalog).exists():
        return {}
    from curation.catalog import load_catalog

    return {e.id: e.priority for e in load_catalog(config.catalog).entries}


def run_dedup(config: RunConfig, spark=None, priorities: dict[str, int] | None = None, log=print, progress: bool = True) -> StageResult:
    """Run the dedup job, or keep an earlier run's result when its inputs, config and priorities are unchanged."""
    layout = Layout(Path(config.output_dir).resolve())  # executors may run elsewhere: absolute paths
    paths = input_shards(config)
    if not paths:
        raise FileNotFoundError(f"dedup: no input shards in {[str(d) for d in input_dirs(config)]}")
    if priorities is None:
        priorities = catalog_priorities(config)
    config_hash = json_digest({"dedup": config.section_hash("dedup"), "priorities": sorted(priorities.items())})
    task = shard_task(layout, NAME, "all", paths, config_hash)
    done = run_job(task, functools.partial(_run_job, config, spark, priorities, log))
    kept = done.counts.docs(outcome=KEPT)
    facts = {"kept": kept, "removed": done.counts.docs() - kept} | done.facts
    return StageResult(tasks=1, resumed=int(done.skipped), counts=done.counts, outputs=done.outputs, facts=facts)


def _run_job(config: RunConfig, spark, priorities: dict[str, int], log, task: Task) -> TaskResult:
    """The Spark job in a scratch folder of its own, on the given session or on one of its own."""
    layout = Layout(Path(config.output_dir).resolve())
    scratch = layout.scratch(NAME)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    own = spark is None
    if own:
        from curation.spark import build_session

        spark = build_session(config.spark, local_dir=scratch / "local")
    spark.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
    try:
        summary = _job(spark, config, [Path(p) for p in task.inputs], fingerprint(task.inputs), priorities, log)
    finally:
        if own:
            spark.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    facts = {"index": summary["index"], "threshold": round(summary["threshold"], 4)}
    return TaskResult(task.name, outputs=summary["outputs"], counts=summary["counts"], facts=facts)


def _job(spark, config: RunConfig, paths: list[Path], inputs_fp: str, priorities: dict[str, int], log) -> dict:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from curation.dedup.components import connected_components
    from curation.dedup.features import FEATURES_DDL, features_fn
    from curation.dedup.survivors import losers, priority_column, quality_column, rank_column

    layout = Layout(Path(config.output_dir).resolve())  # executors may run elsewhere: absolute paths
    cfg = config.dedup
    hasher = hasher_for(config)
    if cfg.near:
        log(f"dedup: MinHash LSH {cfg.bands} bands × {cfg.rows} rows on {cfg.word_ngram}-word / {cfg.char_ngram}-char shingles: "
            f"similarity threshold ≈ {cfg.threshold():.3f}" + (f", verified at Jaccard ≥ {cfg.verify_jaccard}" if cfg.verify_jaccard is not None else ""))

    t0 = time.time()

    def tick(what: str) -> None:
        log(f"dedup: {what} ({time.time() - t0:.1f} s)")

    docs = spark.read.parquet(*[str(p) for p in paths])
    if cfg.partitions:
        docs = docs.repartition(cfg.partitions)
    docs = docs.withColumn("key", F.xxhash64("id"))
    feats = (
        docs.select("id", "source", "url", "text", "lang", "signals")
        .withColumn("neg_priority", priority_column(priorities).cast("int"))
        .withColumn("neg_quality", quality_column(cfg.quality_signal).cast("double"))
        .drop("signals")
        .mapInArrow(features_fn(hasher, cfg.near), FEATURES_DDL)
        .withColumn("key", F.xxhash64("id"))
        .withColumn("rank", rank_column(1))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    total, distinct_keys = feats.select(F.count("*"), F.countDistinct("key")).first()
    if total != distinct_keys:
        dupes = [r.id for r in feats.groupBy("id").count().where("count > 1").limit(5).collect()]
        if dupes:
            raise ValueError(f"dedup: document ids must be unique across the input shards; repeated ids: {dupes}")
        raise ValueError("dedup: 64-bit id hash collision between distinct ids; rename one document")

    tick(f"features of {total:,} documents")
    index_dir = Path(cfg.index_dir) if cfg.index_dir else layout.dedup_index()
    old_docs, old_bands, old_corpus = load_index(spark, index_dir, cfg, inputs_fp, layout.deduped())
    if old_docs is not None:
        old_docs = old_docs.withColumn("rank", rank_column(0)).persist(StorageLevel.MEMORY_AND_DISK)

    alive = feats.select("key", "id", "rank", "exact_hash", "url_norm", "has_sig", "bands")
    removed = []
    if old_docs is not None:
        # a document another corpus of the index already holds: removed as such, never as its own duplicate
        lost = alive.join(old_docs.select("id"), "id", "left_semi").select(
            "key", F.lit(None).cast("string").alias("survivor"), F.lit(REASONS["indexed"]).alias("reason"),
            F.lit(METHODS["indexed"]).alias("method"), F.lit(None).cast("double").alias("jaccard"))
        lost = lost.persist(StorageLevel.MEMORY_AND_DISK)
        removed.append(lost)
        alive = alive.join(lost.select("key"), "key", "left_anti")

    def pool(cols: list[str], where=None):
        new = alive.select("key", "rank", *cols)
        old = old_docs.select("key", "rank", *cols) if old_docs is not None else None
        if where is not None:
            new = new.where(where)
            old = old.where(where) if old is not None else None
        return new if old is None else new.unionByName(old)

    for step, column in (("exact", "exact_hash"), ("url", "url_norm")):
        if not getattr(cfg, step):
            continue
        lost = losers(pool([column], F.col(column).isNotNull()), column)
        lost = lost.select("key", "survivor", F.lit(REASONS[step]).alias("reason"), F.lit(METHODS[step]).alias("method"), F.lit(None).cast("double").alias("jaccard"))
        lost = lost.persist(StorageLevel.MEMORY_AND_DISK)
        removed.append(lost)
        alive = alive.join(lost.select("key"), "key", "left_anti")
        tick(f"{step} planned")

    if cfg.near:
        band_rows = alive.where("has_sig").select("key", F.posexplode("bands").alias("band", "band_hash")).withColumn("new", F.lit(1))
        if old_bands is not None:
            band_rows = band_rows.unionByName(old_bands.select("key", "band", "band_hash").withColumn("new", F.lit(0)))
        from pyspark.sql import Window

        bucket = Window.partitionBy("band", "band_hash")
        edges = (
            band_rows.withColumn("root", F.min("key").over(bucket))
            .withColumn("has_new", F.max("new").over(bucket))
            .where((F.col("key") != F.col("root")) & (F.col("has_new") == 1))
            .select(F.col("root").alias("src"), F.col("key").alias("dst"))
            .distinct()
        )
        texts = None
        if cfg.verify_jaccard is not None:
            texts = docs.select("key", "text", "lang")
            if old_corpus:
                texts = texts.unionByName(spark.read.parquet(*old_corpus).select(F.xxhash64("id").alias("key"), "text", "lang"))
            edges = _with_jaccard(edges, texts, hasher).where(F.col("jaccard") >= cfg.verify_jaccard).select("src", "dst")
        edges = edges.persist(StorageLevel.MEMORY_AND_DISK)
        tick("near: candidate edges planned")
        labels = connected_components(edges, cfg.max_cc_iterations)
        tick("near: connected components")
        members = labels.join(pool([]), labels.node == F.col("key")).select("key", "rank", "component")
        lost = losers(members, "component")
        if texts is not None:
            pairs = lost.join(pool([]).select(F.col("key").alias("skey"), F.col("rank.id").alias("survivor")), "survivor")
            scored = _with_jaccard(pairs.select(F.col("skey").alias("src"), F.col("key").alias("dst")), texts, hasher)
            lost = lost.join(scored.select(F.col("dst").alias("key"), "jaccard"), "key", "left")
        else:
            lost = lost.withColumn("jaccard", F.lit(None).cast("double"))
        lost = lost.select("key", "survivor", F.lit(REASONS["near"]).alias("reason"), F.lit(METHODS["near"]).alias("method"), "jaccard")
        removed.append(lost)

    verdicts = None
    for frame in removed:
        verdicts = frame if verdicts is None else verdicts.unionByName(frame)
    detail = F.to_json(F.struct(F.col("survivor").alias("duplicate_of"), F.col("jaccard").alias("jaccard"), F.col("method").alias("method")))
    if verdicts is not None:
        verdicts = verdicts.select("key", "reason", detail.alias("detail"))
        verdicts = verdicts.persist(StorageLevel.MEMORY_AND_DISK)
        labelled = docs.join(verdicts, "key", "left")
        outcome = feats.select("key", "lang", "source").join(verdicts.select("key", "reason"), "key", "left")
    else:
        labelled = docs.withColumn("reason", F.lit(None).cast("string")).withColumn("detail", F.lit(None).cast("string"))
        outcome = feats.select("key", "lang", "source").withColumn("reason", F.lit(None).cast("string"))
    # outcome counts from the small per-document table; the texts are streamed once, when written
    tally = [
        (r["lang"], r["source"], r["reason"], r["n"])
        for r in outcome.select(F.coalesce(F.col("lang"), F.lit("und")).alias("lang"), "source", "reason")
        .groupBy("lang", "source", "reason")
        .agg(F.count("*").alias("n"))
        .collect()
    ]
    check_removed_share(tally, cfg.max_removed_share)
    sizes: dict[tuple[bool, str], int] = {}
    for lang, source, reason, n in tally:
        group = (reason is None, lang if reason is None else source)
        sizes[group] = sizes.get(group, 0) + n

    tick("verdicts")
    for old_out in (layout.deduped(), layout.removed(NAME)):
        shutil.rmtree(old_out, ignore_errors=True)
    results = _write(labelled, sizes, cfg.max_docs_per_shard, str(layout.root))
    counts = Counts()
    outputs = []
    for path, records in sorted(results):
        outputs.append(path)
        counts.merge(Counts.from_json(json.loads(records)))

    tick(f"wrote {len(outputs)} shards")
    kept_paths = sorted(p for p in outputs if Path(p).is_relative_to(layout.deduped()))
    if cfg.update_index:
        survivors = feats.join(outcome.where(F.col("reason").isNull()).select("key"), "key")
        bands = None
        if cfg.near:
            bands = survivors.where("has_sig").select("key", F.posexplode("bands").alias("band", "band_hash"))
        write_generation(
            index_dir, survivors, bands, inputs_fp, cfg, layout.deduped(), [str(Path(p).resolve()) for p in kept_paths], counts.docs(outcome=KEPT)
        )

    for frame in (feats, verdicts, old_docs, *removed):
        if frame is not None:
            frame.unpersist()
    return {"inputs": len(paths), "outputs": outputs, "counts": counts, "threshold": cfg.threshold(), "index": str(index_dir)}


def check_removed_share(tally: list[tuple[str, str, str | None, int]], limit: float) -> None:
    """Stop before anything is written when dedup would remove more than `limit` of a language.

    `tally`: (lang, source, reason or None when kept, documents). A corpus that suddenly loses most of a
    language is far more often a fault (a corpus matched against itself, a broken input) than a fact."""
    per_lang: dict[str, dict[str | None, int]] = {}
    for lang, _source, reason, n in tally:
        reasons = per_lang.setdefault(lang, {})
        reasons[reason] = reasons.get(reason, 0) + n
    over = []
    for lang, reasons in sorted(per_lang.items()):
        total = sum(reasons.values())
        removed = total - reasons.get(None, 0)
        if total and removed / total > limit:
            detail = ", ".join(f"{r} {n:,}" for r, n in sorted((r, n) for r, n in reasons.items() if r is not None))
            over.append(f"{lang}: {removed:,} of {total:,} removed ({removed / total:.0%}: {detail})")
    if over:
        raise DedupSafetyStop(
            f"dedup would remove more than {limit:.0%} of a language, so it wrote nothing and stopped: {'; '.join(over)}. "
            "If these really are duplicates, raise dedup.max_removed_share (e.g. --set dedup.max_removed_share=0.9)."
        )


def _with_jaccard(edges, texts, hasher: MinHasher):
    """(src, dst, jaccard) with the true Jaccard of the two documents' shingle sets."""
    from pyspark.sql import functions as F

    from curation.dedup.features import JACCARD_DDL, jaccard_fn

    a = texts.select(F.col("key").alias("src"), F.col("text").alias("text_a"), F.col("lang").alias("lang_a"))
    b = texts.select(F.col("key").alias("dst"), F.col("text").alias("text_b"), F.col("lang").alias("lang_b"))
    pairs = edges.join(a, "src").join(b, "dst").select("src", "dst", "text_a", "lang_a", "text_b", "lang_b")
    return pairs.mapInArrow(jaccard_fn(hasher), JACCARD_DDL)


def _write(labelled, sizes: dict[tuple[bool, str], int], max_docs: int, root: str) -> list[tuple[str, str]]:
    """Write kept documents by language and removed ones by source, in one pass over the texts:
    one folder per group, `part-NNNNN` by id hash, sorted by id."""
    from pyspark.sql import functions as F

    if not sizes:
        return []
    parts = {k: max(1, math.ceil(n / max_docs)) for k, n in sizes.items()}

    def lookup(kept: bool):
        pairs = [x for (k, g), n in sorted(parts.items()) if k == kept for x in (F.lit(g), F.lit(n))]
        return F.create_map(*pairs) if pairs else F.create_map(F.lit(""), F.lit(1))

    kept = F.col("reason").isNull()
    group = F.when(kept, F.coalesce(F.col("lang"), F.lit("und"))).otherwise(F.col("source"))
    frame = labelled.withColumn("kept", kept).withColumn("group", group).withColumn("stage", F.lit(NAME))
    shards = F.when(F.col("kept"), lookup(True)[F.col("group")]).otherwise(lookup(False)[F.col("group")])
    frame = frame.withColumn("part", F.pmod(F.col("key"), shards).cast("int"))
    frame = frame.select("kept", "group", "part", *REMOVED_SCHEMA.names)
    out = (
        frame.repartition(sum(parts.values()), "kept", "group", "part")
        .sortWithinPartitions("kept", "group", "part", "id")
        .mapInArrow(_writer_fn(root), "path string, counts string")
        .collect()
    )
    return [(r.path, r.counts) for r in out]


def _shard_counts(shard: pa.Table, kept: bool) -> Counts:
    """Counts of a shard's rows (docs, UTF-8 bytes, code points per lang, source, outcome), vectorised."""
    lang = shard.column("lang")
    lang = pc.if_else(pc.fill_null(pc.not_equal(lang, ""), False), lang, pa.scalar("und"))  # as `lang or "und"`
    outcome = pa.chunked_array([pa.array([KEPT] * shard.num_rows, pa.string())]) if kept else shard.column("reason")
    text = shard.column("text")
    table = pa.table({"lang": lang, "source": shard.column("source"), "outcome": outcome,
                      "bytes": pc.binary_length(text), "chars": pc.utf8_length(text)})
    sums = table.group_by(["lang", "source", "outcome"]).aggregate([("bytes", "count"), ("bytes", "sum"), ("chars", "sum")])
    counts = Counts()
    for r in sums.to_pylist():
        counts.rows[(NAME, r["lang"], r["source"], r["outcome"])] = [r["bytes_count"], r["bytes_sum"], r["chars_sum"], 0]
    return counts


def _writer_fn(root: str):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        layout = Layout(root)
        done: list[tuple[str, str]] = []
        current = None
        chunks: list[pa.RecordBatch] = []

        def finish():
            # one contiguous table per shard: row groups and pages do not depend on how Spark cut the batches
            if current is None or not chunks:
                return
            kept, group, part = current
            schema = DOCUMENT_SCHEMA if kept else REMOVED_SCHEMA
            folder = layout.deduped(group) if kept else layout.removed(NAME, group)
            table = pa.Table.from_batches(chunks).combine_chunks()
            counts = _shard_counts(table, kept)
            writer = ShardWriter(folder / part_name(part), schema)
            writer.write(table.select(schema.names).cast(schema))
            path = writer.close({"stage": NAME, "counts": counts.to_json()})
            done.append((str(path), json.dumps(counts.to_json())))

        for batch in batches:
            keys = list(zip(batch.column("kept").to_pylist(), batch.column("group").to_pylist(), batch.column("part").to_pylist()))
            start = 0
            for i in range(batch.num_rows + 1):
                if i < batch.num_rows and keys[i] == current:
                    continue
                if i > start:
                    chunks.append(batch.slice(start, i - start))
                if i == batch.num_rows:
                    break
                finish()
                current, chunks, start = keys[i], [], i
        finish()
        if done:
            yield pa.RecordBatch.from_pydict({"path": [p for p, _ in done], "counts": [c for _, c in done]})

    return run


def run(config: RunConfig, progress: bool = True) -> StageResult:
    return run_dedup(config, log=lambda message: None, progress=progress)


STAGE = Stage(NAME, run, section="dedup", label="after dedup", reads="filter", output=Layout.deduped)
