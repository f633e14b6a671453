"""The dedup stage: document shards → `deduped/<lang>/` + `removed/dedup/<source>/`.

One Spark job, three optional steps on the documents still alive:
benchmark decontamination (`curation.dedup.decontaminate`, when benchmarks are configured) →
exact (hash of normalised text) → url (normalised URL) → near (MinHash LSH
candidates from band buckets, optional true-Jaccard verification, connected
components in Spark). Every cluster keeps one survivor chosen by the rule in
`curation.dedup.survivors`; every removed document names its survivor and the
method in `detail`; every survivor keeps its cluster's size as the signal `dup_cluster_size`
(`curation.dedup.cluster_sizes`). Output shards are written by the executors with the
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
from collections.abc import Callable, Iterator
from functools import reduce
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from curation.config import DedupConfig, RunConfig, json_digest
from curation.counts import KEPT, Counts
from curation.dedup import METHODS, REASONS
from curation.dedup.decontaminate import contamination_counts
from curation.dedup.index import load_index, write_generation
from curation.dedup.line_job import LINE_COLUMNS, cut_units, line_counts, line_facts
from curation.dedup.minhash import MinHasher
from curation.dedup.work import JobFrames
from curation.layout import Layout, part_name
from curation.runner import Task, TaskResult, fingerprint, run_job, shard_task
from curation.schema import DOCUMENT_SCHEMA, REMOVED_SCHEMA, check_signals_type
from curation.shards import ShardWriter, list_shards
from curation.stage import Stage, StageResult, default_input

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
    from curation.dedup.decontaminate import benchmark_files

    key = {"dedup": config.section_hash(STAGE.section), "priorities": sorted(priorities.items())} | line_minimums_key(config)
    if config.dedup.decontaminate.benchmarks:  # a changed benchmark file reruns the job
        key["benchmarks"] = fingerprint([str(p) for p in benchmark_files(config.dedup.decontaminate)])
    config_hash = json_digest(key)
    task = shard_task(layout, NAME, "all", paths, config_hash)
    done = run_job(task, functools.partial(_run_job, config, spark, priorities, log))
    kept = done.counts.docs(stage=NAME, outcome=KEPT)
    facts = {"kept": kept, "removed": done.counts.docs(stage=NAME) - kept} | done.facts | _contamination_fact(done.counts)
    if config.dedup.lines.enabled:
        facts |= line_facts(done.counts)
    return StageResult(tasks=1, resumed=int(done.skipped), counts=done.counts, outputs=done.outputs, facts=facts)


def _contamination_fact(counts: Counts) -> dict[str, str]:
    """{"decontaminated": "pud_a: 5 removed, 1 cut; ..."} from the per-benchmark stats rows (empty: none)."""
    from curation.dedup.decontaminate import benchmark_counts

    per: dict[str, dict[str, int]] = {}
    for (bench, _lang), outcomes in benchmark_counts(counts).items():
        for outcome, n in outcomes.items():
            per.setdefault(bench, {}).setdefault(outcome, 0)
            per[bench][outcome] += n
    text = "; ".join(f"{b}: " + ", ".join(f"{n:,} {o}" for o, n in sorted(v.items()) if n) for b, v in per.items())
    return {"decontaminated": text} if per else {}


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
        frames = JobFrames(spark, scratch / "frames")
        try:
            summary = _job(spark, frames, config, [Path(p) for p in task.inputs], fingerprint(task.inputs), priorities, log)
        finally:
            frames.release()  # a shared session is left as the job found it
    finally:
        if own:
            spark.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    facts = {"index": summary["index"], "threshold": round(summary["threshold"], 4)} | summary["decontamination"]
    return TaskResult(task.name, outputs=summary["outputs"], counts=summary["counts"], facts=facts)


class _OldIndex(NamedTuple):
    """What the incremental index holds of *other* corpora: docs (ranked, persisted), bands, corpus shards."""

    docs: Any
    bands: Any
    corpus: list[str]


def _job(spark, frames: JobFrames, config: RunConfig, paths: list[Path], inputs_fp: str, priorities: dict[str, int], log) -> dict:
    """The dedup job as a sequence of steps: features, already indexed, exact and url, near, verdicts, write;
    what it persists or settles goes through `frames` (released by the caller)."""
    layout = Layout(Path(config.output_dir).resolve())  # executors may run elsewhere: absolute paths
    cfg = config.dedup
    hasher = hasher_for(config)
    _log_settings(cfg, log)
    tick = _ticker(log)

    check_signals_type(paths)  # Spark reads one `signals` type: name a shard of the old format rather than fail inside the job
    docs = _documents(spark, paths, cfg)
    docs, decontaminated, facts = _decontaminate(spark, frames, docs, cfg, tick)
    feats = _features(frames, docs, cfg, hasher, priorities)
    tick(f"features of {_count_unique(feats):,} documents")
    index_dir = Path(cfg.index_dir) if cfg.index_dir else layout.dedup_index()
    old = _old_index(spark, frames, index_dir, cfg, inputs_fp, layout)

    alive = feats.select("key", "id", "rank", "exact_hash", "url_norm", "has_sig", "bands")
    removed, alive = [], alive
    if decontaminated is not None:
        removed, alive = [decontaminated], _without(alive, decontaminated)
    more, alive = _already_indexed(frames, alive, old.docs)
    removed += more
    more, alive = _exact_and_url(frames, cfg, alive, old.docs, tick)
    removed += more
    if cfg.near:
        # persisted: line dedup reads it again, and recomputing it reruns verification and connected components
        removed.append(frames.persist(_near(spark, frames, cfg, hasher, docs, alive, old, tick)))
    lines = _lines(frames, config, docs, feats, removed, tick) if cfg.lines.enabled else None
    if lines is not None:
        removed.append(lines.emptied)

    labelled, outcome = _verdicts(frames, docs, feats, removed, lines)
    labelled = _with_cluster_sizes(frames, labelled, removed)
    tally = _tally(outcome)
    check_removed_share(tally, cfg.max_removed_share)
    tick("verdicts")
    # kept documents lose their units as the writer writes them (`line_job.cut_units`)
    outputs, counts = _write_outputs(labelled, _group_sizes(tally), cfg.max_docs_per_shard, layout, cfg.lines.unit)
    tick(f"wrote {len(outputs)} shards")
    _write_line_samples(lines, docs, cfg, layout)
    if cfg.update_index:
        _update_index(index_dir, cfg, feats, outcome, inputs_fp, layout, outputs, counts)
    return {
        "inputs": len(paths),
        "outputs": outputs,
        "counts": counts,
        "threshold": cfg.threshold(),
        "index": str(index_dir),
        "decontamination": facts,
    }


def _log_settings(cfg: DedupConfig, log) -> None:
    """Log the near-duplicate settings (band layout, shingles, threshold, verification)."""
    if cfg.near:
        log(
            f"dedup: MinHash LSH {cfg.bands} bands × {cfg.rows} rows on {cfg.word_ngram}-word / {cfg.char_ngram}-char shingles: "
            f"similarity threshold ≈ {cfg.threshold():.3f}"
            + (f", verified at Jaccard ≥ {cfg.verify_at():.3f}" if cfg.verify_at() is not None else ", not verified")
        )


def line_minimums_key(config: RunConfig) -> dict:
    """What else decides line dedup's result: the quality filter's minimum words and bytes per language, and which
    languages are code (left alone)."""
    if not config.dedup.lines.enabled:
        return {}
    from curation.dedup.line_job import minimums

    quality = minimums(config.filter)
    langs = [None, *quality.languages()]
    per_lang = [(lang, quality.params_for(lang).min_words, quality.params_for(lang).min_bytes) for lang in langs]
    return {"line_minimums": per_lang, "code_languages": sorted(config.filter.code_languages)}


def _lines(frames: JobFrames, config: RunConfig, docs, feats, removed: list, tick):
    """Plan line dedup over the documents no earlier step removed (`curation.dedup.line_job`)."""
    from pyspark.sql import DataFrame

    from curation.dedup.line_job import minimums, plan_line_dedup

    survivors = feats.select("key", "rank", "lang", "source", "url_norm").where(~_is_code(config.filter.code_languages))
    if removed:
        gone = reduce(DataFrame.unionByName, [r.select("key") for r in removed])
        survivors = survivors.join(gone, "key", "left_anti")
    plan = plan_line_dedup(config.dedup.lines, minimums(config.filter), docs, feats.select("key", "units"), survivors, frames)
    tick(f"lines planned ({config.dedup.lines.unit}s in at least {config.dedup.lines.min_docs} documents, keep: {config.dedup.lines.keep})")
    return plan


def _is_code(code_languages: list[str]):
    """Whether a document is code (its language's primary subtag, `zxx` in `zxx-x-python`, is a code language): line
    dedup leaves code alone, where a line many files share (`return None`, `} else {`) is syntax, not boilerplate."""
    from pyspark.sql import functions as F

    return F.coalesce(F.split(F.col("lang"), "-").getItem(0).isin(*code_languages), F.lit(False))


def _write_line_samples(lines, docs, cfg: DedupConfig, layout: Layout) -> None:
    """The most repeated removed units per language, PII-redacted, for the report and auditors; none (and no stale
    file) without line dedup."""
    from curation.atomic import write_json_atomic
    from curation.dedup.line_job import removed_samples
    from curation.redact import redact

    path = layout.dedup_line_samples()
    if lines is None:
        path.unlink(missing_ok=True)
        return
    samples = [
        {**s, "text": redact(s["text"], s["lang"])} for s in removed_samples(lines, docs, cfg.lines.unit, cfg.lines.samples_per_lang)
    ]
    write_json_atomic(path, {"unit": cfg.lines.unit, "min_docs": cfg.lines.min_docs, "keep": cfg.lines.keep, "samples": samples})


def _ticker(log) -> Callable[[str], None]:
    """A logger of progress messages with the seconds since it was made."""
    t0 = time.time()

    def tick(what: str) -> None:
        log(f"dedup: {what} ({time.time() - t0:.1f} s)")

    return tick


def _documents(spark, paths: list[Path], cfg: DedupConfig):
    """The input documents with their `key`."""
    from pyspark.sql import functions as F

    docs = spark.read.parquet(*[str(p) for p in paths])
    if cfg.partitions:
        docs = docs.repartition(cfg.partitions)
    return docs.withColumn("key", F.xxhash64("id"))


def _decontaminate(spark, frames: JobFrames, docs, cfg: DedupConfig, tick):
    """(documents, persisted removals of contaminated ones or None, facts): documents matched against the
    configured benchmarks, their texts cut in cut mode; unchanged when no benchmark is configured."""
    from pyspark.sql import functions as F

    from curation.dedup.decontaminate import REMOVED, build_index, decontaminate

    index = build_index(cfg.decontaminate)
    if index is None:
        return docs, None, {}
    docs = frames.persist(decontaminate(spark, docs, cfg.decontaminate, index))
    lost = docs.where(F.col("contamination") == REMOVED).withColumnRenamed("benchmarks", "bench")
    lost = frames.persist(_removals(lost, "decontaminate", survivor=False, contamination=True))
    tick(f"decontamination against {index.ngrams():,} n-grams of {len(index.item_ids):,} items")
    facts = {"benchmark_items": sum(index.items_per_benchmark.values()), "benchmark_items_too_short": sum(index.too_short.values())}
    return docs, lost, facts


def _features(frames: JobFrames, docs, cfg: DedupConfig, hasher: MinHasher, priorities: dict[str, int]):
    """Persisted features of the documents: hashes, band hashes, line dedup's units, rank (`features.Wanted`: those
    the job's steps read)."""
    from pyspark.sql import functions as F

    from curation.dedup.features import features_ddl, features_fn
    from curation.dedup.survivors import priority_column, quality_column, rank_column

    wanted = wanted_features(cfg)
    feats = (
        docs.select("id", "source", "url", "text", "lang", "signals")
        .withColumn("neg_priority", priority_column(priorities).cast("int"))
        .withColumn("neg_quality", quality_column(cfg.quality_signal).cast("double"))
        .drop("signals")
        .mapInArrow(features_fn(hasher, wanted), features_ddl(wanted))
        .withColumn("key", F.xxhash64("id"))
        .withColumn("rank", rank_column(1))
    )
    return frames.persist(feats)


def wanted_features(cfg: DedupConfig):
    """The features the job's steps read: the index keeps exact hashes and URLs, per-site line dedup reads URLs."""
    from curation.dedup.features import Wanted

    lines = cfg.lines.enabled
    return Wanted(
        exact_hash=cfg.exact or cfg.update_index,
        url_norm=cfg.url or cfg.update_index or (lines and cfg.lines.site_min_docs is not None),
        near=cfg.near,
        unit=cfg.lines.unit if lines else None,
    )


def _count_unique(feats) -> int:
    """The number of documents; raises when an id repeats or two ids share a 64-bit key."""
    from pyspark.sql import functions as F

    total, distinct_keys = feats.select(F.count("*"), F.countDistinct("key")).first()
    if total != distinct_keys:
        dupes = [r.id for r in feats.groupBy("id").count().where("count > 1").limit(5).collect()]
        if dupes:
            raise ValueError(f"dedup: document ids must be unique across the input shards; repeated ids: {dupes}")
        raise ValueError("dedup: 64-bit id hash collision between distinct ids; rename one document")
    return total


def _old_index(spark, frames: JobFrames, index_dir: Path, cfg: DedupConfig, inputs_fp: str, layout: Layout) -> _OldIndex:
    """The index generations of other corpora, their documents ranked as old (they always survive)."""
    from curation.dedup.survivors import rank_column

    docs, bands, corpus = load_index(spark, index_dir, cfg, inputs_fp, layout.deduped())
    if docs is not None:
        docs = frames.persist(docs.withColumn("rank", rank_column(0)))
    return _OldIndex(docs, bands, corpus)


def _removals(frame, step: str, survivor: bool = True, jaccard: bool = False, contamination: bool = False):
    """The documents `step` removes as (key, survivor, reason, method, jaccard, benchmarks, items, ngrams);
    absent columns are null."""
    from pyspark.sql import functions as F

    def column(present: bool, name: str, kind: str, alias: str | None = None):
        return (F.col(name) if present else F.lit(None).cast(kind)).alias(alias or name)

    return frame.select(
        "key",
        column(survivor, "survivor", "string"),
        F.lit(REASONS[step]).alias("reason"),
        F.lit(METHODS[step]).alias("method"),
        column(jaccard, "jaccard", "double"),
        column(contamination, "bench", "array<string>", "benchmarks"),
        column(contamination, "bench_items", "array<string>", "items"),
        column(contamination, "bench_ngrams", "long", "ngrams"),
    )


def _without(alive, lost):
    """The documents of `alive` that `lost` does not remove."""
    return alive.join(lost.select("key"), "key", "left_anti")


def _pool(alive, old_docs, cols: list[str], where=None):
    """(key, rank, *cols) of the documents still alive plus the indexed ones, optionally filtered."""
    new = alive.select("key", "rank", *cols)
    old = old_docs.select("key", "rank", *cols) if old_docs is not None else None
    if where is not None:
        new = new.where(where)
        old = old.where(where) if old is not None else None
    return new if old is None else new.unionByName(old)


def _already_indexed(frames: JobFrames, alive, old_docs):
    """([documents another corpus of the index already holds], the rest): removed as such, never as their own duplicate."""
    if old_docs is None:
        return [], alive
    lost = frames.persist(_removals(alive.join(old_docs.select("id"), "id", "left_semi"), "indexed", survivor=False))
    return [lost], _without(alive, lost)


def _exact_and_url(frames: JobFrames, cfg: DedupConfig, alive, old_docs, tick):
    """([exact duplicates, url duplicates] as enabled, the documents left): same normalised text, then same URL."""
    from pyspark.sql import functions as F

    from curation.dedup.survivors import losers

    removed = []
    for step, column in (("exact", "exact_hash"), ("url", "url_norm")):
        if not getattr(cfg, step):
            continue
        lost = frames.persist(_removals(losers(_pool(alive, old_docs, [column], F.col(column).isNotNull()), column), step))
        removed.append(lost)
        alive = _without(alive, lost)
        tick(f"{step} planned")
    return removed, alive


def _band_rows(frame):
    """(key, band, band_hash): one row per LSH band of every document with a signature."""
    from pyspark.sql import functions as F

    return frame.where("has_sig").select("key", F.posexplode("bands").alias("band", "band_hash"))


def _bucket_rows(alive, old_bands):
    """(key, band, band_hash, new) of the documents alive (new = 1) and of the indexed ones (new = 0)."""
    from pyspark.sql import functions as F

    band_rows = _band_rows(alive).withColumn("new", F.lit(1))
    if old_bands is not None:
        band_rows = band_rows.unionByName(old_bands.select("key", "band", "band_hash").withColumn("new", F.lit(0)))
    return band_rows


def _candidate_edges(alive, old_bands):
    """(src, dst) edges from each band bucket's smallest key to its other members, for buckets holding a new document:
    enough when edges are not verified (a star links a bucket as well as a clique)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    band_rows = _bucket_rows(alive, old_bands)
    bucket = Window.partitionBy("band", "band_hash")
    return (
        band_rows.withColumn("root", F.min("key").over(bucket))
        .withColumn("has_new", F.max("new").over(bucket))
        .where((F.col("key") != F.col("root")) & (F.col("has_new") == 1))
        .select(F.col("root").alias("src"), F.col("key").alias("dst"))
        .distinct()
    )


def bucket_pairs(band_rows, per_member: int):
    """(src, dst) pairs to verify, src < dst: in each band bucket holding a new document, ordered by key, every member
    with each of the `per_member` members before it. A far variant that happens to have the smallest key no longer
    hides a true pair of the bucket from verification (a star from it would); bounded by per_member × members."""
    from pyspark.sql import functions as F

    buckets = (
        band_rows.groupBy("band", "band_hash")
        .agg(F.max("new").alias("has_new"), F.array_sort(F.collect_list("key")).alias("keys"))
        .where((F.col("has_new") == 1) & (F.size("keys") > 1))
    )
    members = buckets.select("keys", F.posexplode("keys").alias("i", "dst")).where(F.col("i") > 0)
    start = F.greatest(F.lit(1), F.col("i") - F.lit(per_member - 1))  # 1-based; the member itself is at i + 1
    earlier = F.slice("keys", start, F.col("i") - start + F.lit(1))
    return members.select(F.explode(earlier).alias("src"), "dst").distinct()


def _texts(spark, docs, old_corpus: list[str]):
    """(key, text, lang) of the new documents and of the indexed corpora, for true-Jaccard verification."""
    from pyspark.sql import functions as F

    texts = docs.select("key", "text", "lang")
    if old_corpus:
        texts = texts.unionByName(spark.read.parquet(*old_corpus).select(F.xxhash64("id").alias("key"), "text", "lang"))
    return texts


def _near(spark, frames: JobFrames, cfg: DedupConfig, hasher: MinHasher, docs, alive, old: _OldIndex, tick):
    """Near duplicates: LSH candidates (pairs of a bucket, `bucket_pairs`) verified by true Jaccard unless
    `verify_jaccard` is "off" (then a star per bucket), then connected components;
    every component keeps its survivor and removes the rest."""
    from pyspark.sql import functions as F

    from curation.dedup.components import connected_components
    from curation.dedup.survivors import losers

    verify_at = cfg.verify_at()
    texts = None
    if verify_at is None:
        edges = _candidate_edges(alive, old.bands)
    else:
        texts = _texts(spark, docs, old.corpus)
        pairs = bucket_pairs(_bucket_rows(alive, old.bands), cfg.verify_pairs_per_member)
        edges = _with_jaccard(pairs, texts, hasher).where(F.col("jaccard") >= verify_at).select("src", "dst")
    edges = frames.persist(edges)
    tick("near: candidate edges planned")
    labels = connected_components(edges, cfg.max_cc_iterations)
    tick("near: connected components")
    members = labels.join(_pool(alive, old.docs, []), labels.node == F.col("key")).select("key", "rank", "component")
    lost = losers(members, "component")
    if texts is not None:
        lost = _with_survivor_jaccard(lost, _pool(alive, old.docs, []), texts, hasher)
    return _removals(lost, "near", jaccard=texts is not None)


def _with_survivor_jaccard(lost, pool, texts, hasher: MinHasher):
    """`lost` with `jaccard`: each removed document's true Jaccard similarity to its survivor."""
    from pyspark.sql import functions as F

    pairs = lost.join(pool.select(F.col("key").alias("skey"), F.col("rank.id").alias("survivor")), "survivor")
    scored = _with_jaccard(pairs.select(F.col("skey").alias("src"), F.col("key").alias("dst")), texts, hasher)
    return lost.join(scored.select(F.col("dst").alias("key"), "jaccard"), "key", "left")


def _verdicts(frames: JobFrames, docs, feats, removed: list, lines=None):
    """(every document with `reason` and `detail`, the small (key, lang, source, reason) table);
    reason and detail are null for kept documents. With line dedup (`lines`), every document that loses units carries
    the line columns (`line_job.LINE_COLUMNS`: the positions the writer cuts, what it counts)."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    if not removed:
        none = F.lit(None).cast("string")
        labelled = docs.withColumn("reason", none).withColumn("detail", none)
        return labelled, feats.select("key", "lang", "source").withColumn("reason", none)
    union = reduce(functools.partial(DataFrame.unionByName, allowMissingColumns=True), removed)
    fields = [F.col("survivor").alias("duplicate_of"), F.col("jaccard").alias("jaccard"), F.col("method").alias("method")]
    optional = ("benchmarks", "items", "ngrams", "lines_removed", "words_left")
    fields += [F.col(c) for c in optional if c in union.columns]  # null fields are left out of the JSON
    verdicts = frames.persist(union.select("key", "reason", F.to_json(F.struct(*fields)).alias("detail")))
    labelled = docs.join(verdicts, "key", "left")
    if lines is not None:
        labelled = labelled.join(lines.rewritten.select("key", *LINE_COLUMNS), "key", "left")
    outcome = feats.select("key", "lang", "source").join(verdicts.select("key", "reason"), "key", "left")
    return labelled, outcome


def _with_cluster_sizes(frames: JobFrames, labelled, removed: list):
    """`labelled` with the signals `dup_cluster_size` (every kept document) and `contamination_cut_chars`
    (kept documents whose text was cut)."""
    from pyspark.sql import functions as F

    from curation.dedup.cluster_sizes import SIGNAL, cluster_sizes, with_kept_signals

    sizes = cluster_sizes(removed, frames.persist)
    if sizes is not None:
        labelled = labelled.join(sizes, "key", "left")
    else:
        labelled = labelled.withColumn("size", F.lit(None).cast("long"))
    signals = {SIGNAL: F.coalesce(F.col("size"), F.lit(1))}
    if "cut_chars" in labelled.columns:
        signals["contamination_cut_chars"] = F.col("cut_chars")
    return with_kept_signals(labelled, signals).drop("size")


def _tally(outcome) -> list[tuple[str, str, str | None, int]]:
    """(lang, source, reason or None when kept, documents), from the small per-document table: the texts are
    streamed once, when written."""
    from pyspark.sql import functions as F

    rows = (
        outcome.select(F.coalesce(F.col("lang"), F.lit("und")).alias("lang"), "source", "reason")
        .groupBy("lang", "source", "reason")
        .agg(F.count("*").alias("n"))
        .collect()
    )
    return [(r["lang"], r["source"], r["reason"], r["n"]) for r in rows]


def _group_sizes(tally: list[tuple[str, str, str | None, int]]) -> dict[tuple[bool, str], int]:
    """Documents per output folder: (True, lang) for kept ones, (False, source) for removed ones."""
    sizes: dict[tuple[bool, str], int] = {}
    for lang, source, reason, n in tally:
        group = (reason is None, lang if reason is None else source)
        sizes[group] = sizes.get(group, 0) + n
    return sizes


def _write_outputs(labelled, sizes: dict[tuple[bool, str], int], max_docs: int, layout: Layout, unit: str) -> tuple[list[str], Counts]:
    """Replace `deduped/` and `removed/dedup/` with this run's shards: (shard paths in order, their counts); `unit`:
    line dedup's, for the kept documents that lose units (`drop`)."""
    for old_out in (layout.deduped(), layout.removed(NAME)):
        shutil.rmtree(old_out, ignore_errors=True)
    counts = Counts()
    outputs = []
    for path, records in sorted(_write(labelled, sizes, max_docs, str(layout.root), unit)):
        outputs.append(path)
        counts.merge(Counts.from_json(json.loads(records)))
    return outputs, counts


def _update_index(
    index_dir: Path, cfg: DedupConfig, feats, outcome, inputs_fp: str, layout: Layout, outputs: list[str], counts: Counts
) -> None:
    """Record this run's survivors (and their bands) as the index generation of its corpus."""
    from pyspark.sql import functions as F

    kept_paths = sorted(p for p in outputs if Path(p).is_relative_to(layout.deduped()))
    survivors = feats.join(outcome.where(F.col("reason").isNull()).select("key"), "key")
    bands = _band_rows(survivors) if cfg.near else None
    write_generation(
        index_dir,
        survivors,
        bands,
        inputs_fp,
        cfg,
        layout.deduped(),
        [str(Path(p).resolve()) for p in kept_paths],
        counts.docs(outcome=KEPT),
    )


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


def _write(labelled, sizes: dict[tuple[bool, str], int], max_docs: int, root: str, unit: str) -> list[tuple[str, str]]:
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
    # counted (per benchmark, per rewritten line) or cut (`drop`), not written
    extra = [c for c in ("contamination", "benchmarks", "cut_bytes", "cut_chars", *LINE_COLUMNS) if c in frame.columns]
    frame = frame.select("kept", "group", "part", *REMOVED_SCHEMA.names, *extra)
    out = (
        frame.repartition(sum(parts.values()), "kept", "group", "part")
        .sortWithinPartitions("kept", "group", "part", "id")
        .mapInArrow(_writer_fn(root, unit), "path string, counts string")
        .collect()
    )
    return [(r.path, r.counts) for r in out]


def _shard_counts(shard: pa.Table, kept: bool) -> Counts:
    """Counts of a shard's rows (docs, UTF-8 bytes, code points per lang, source, outcome), vectorised."""
    lang = shard.column("lang")
    lang = pc.if_else(pc.fill_null(pc.not_equal(lang, ""), False), lang, pa.scalar("und"))  # as `lang or "und"`
    outcome = pa.chunked_array([pa.array([KEPT] * shard.num_rows, pa.string())]) if kept else shard.column("reason")
    text = shard.column("text")
    table = pa.table(
        {"lang": lang, "source": shard.column("source"), "outcome": outcome, "bytes": pc.binary_length(text), "chars": pc.utf8_length(text)}
    )
    sums = table.group_by(["lang", "source", "outcome"]).aggregate([("bytes", "count"), ("bytes", "sum"), ("chars", "sum")])
    counts = Counts()
    for r in sums.to_pylist():
        counts.add_totals(NAME, r["lang"], r["source"], r["outcome"], r["bytes_count"], r["bytes_sum"], r["chars_sum"])
    return counts


def _writer_fn(root: str, unit: str):
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
            if kept and "drop" in table.column_names:
                table = cut_units(table, unit)
            counts = _shard_counts(table, kept).merge(contamination_counts(table))
            if "lines_removed" in table.column_names:
                counts.merge(line_counts(table, kept))
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
