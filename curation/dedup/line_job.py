"""Line dedup as steps of the dedup job, on the documents that survive exact, url and near dedup.

1. every surviving document's units (`curation.dedup.lines`) as (key, pos, hash), hashed over Arrow batches in the
   pass that computes the document features (`curation.dedup.features`: the texts are read once for both);
2. per hash, the documents holding it (a document counts once) and the best-ranked of them under the survivor rule
   (`curation.dedup.survivors`, as a 64-bit `order`); optionally the same per site (URL host, else source);
3. a unit in at least `min_docs` documents (or `site_min_docs` of one site) is removed from every document holding
   it but the best-ranked (`keep: survivor`), or from all (`keep: none`);
4. the documents that lose units are measured; one left under the quality filter's `min_words` / `min_bytes` for
   its language is removed as `dedup_lines_emptied` (its original text goes to `removed/`); the others lose their
   units in the pass that writes the shards (`cut_units`).

Only numbers cross the shuffles, and every step's result is Parquet in the job's scratch folder
(`curation.dedup.work`): the plans stay small and the session keeps nothing once the job is done.
The rank is a total order and units are positions in a text, so the result never depends on partitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import pyarrow as pa

from curation.config import LineDedupConfig
from curation.counts import Counts, utf8_length
from curation.dedup import METHODS, REASONS
from curation.dedup.lines import units, without_units
from curation.stats import CUT

REWRITE_DDL = "key long, drop array<int>, lines_removed long, line_bytes long, line_chars long, words_left long, emptied boolean"
# the per-document columns of a document that loses units: the positions it loses (the writer's pass cuts them), and
# what the writer counts (never writes)
LINE_COLUMNS = ("drop", "lines_removed", "line_bytes", "line_chars")
# counts of stage `dedup:lines`: docs = units removed, bytes and chars removed; outcome LINES_CUT for documents kept
# (kept bytes + these = bytes in), LINES_EMPTIED for documents then removed whole (their original text is counted there)
LINES_STAGE = "dedup:lines"
LINES_CUT = CUT
LINES_EMPTIED = "emptied"


class LinePlan(NamedTuple):
    """`emptied`: removals (key, survivor, reason, method, jaccard, lines_removed, words_left);
    `rewritten`: (key, drop, lines_removed, line_bytes, line_chars, words_left, emptied) of every document that loses
    units; `lost`: (key, hash, lang), one row per unit hash a document loses; `units`: (key, pos, hash, first).
    All are Parquet in the job's scratch folder (`curation.dedup.work`): small plans, nothing held in memory."""

    emptied: Any
    rewritten: Any
    lost: Any
    units: Any


def minimums(filter_config) -> Any:
    """The quality filter with the run's parameters: its per-language `min_words` / `min_bytes` decide what is emptied."""
    from curation.filter_stage import build_filter

    return build_filter("quality", filter_config)


def rewrite_fn(unit: str, quality) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """(key, text, lang, drop) → what the dropped units are (units, bytes, characters) and whether too little is left;
    the new text itself is made again by `cut_units` in the writer's pass (no text is kept between the two)."""
    from filters.text_units import words

    def one(text: str, lang: str | None, drop: list[int]) -> tuple:
        new, removed = without_units(text, drop, unit)
        n_words, n_bytes = len(words(new)), utf8_length(new)
        params = quality.params_for(lang)
        emptied = n_words < params.min_words or n_bytes < params.min_bytes
        return removed, utf8_length(text) - n_bytes, len(text) - len(new), n_words, emptied

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            columns = (batch.column(c).to_pylist() for c in ("text", "lang", "drop"))
            results = list(zip(*(one(text or "", lang, drop) for text, lang, drop in zip(*columns))))
            arrays = [batch.column("key"), batch.column("drop"), *map(pa.array, results)]
            yield pa.RecordBatch.from_arrays(arrays, schema=_REWRITE_SCHEMA)

    return run


def cut_units(shard: pa.Table, unit: str) -> pa.Table:
    """A shard of kept documents with `text` and `drop`: `text` without the dropped units where `drop` is set. Done by
    the writer as it writes the shard, so the texts cross to Python once for both."""
    drops = shard.column("drop")
    if drops.null_count == shard.num_rows:
        return shard
    texts = shard.column("text").to_pylist()
    new = [t if d is None else without_units(t or "", d, unit)[0] for t, d in zip(texts, drops.to_pylist())]
    i = shard.schema.get_field_index("text")
    return shard.set_column(i, shard.schema.field(i), pa.array(new, shard.schema.field(i).type))


_REWRITE_SCHEMA = pa.schema(
    [("key", pa.int64()), ("drop", pa.list_(pa.int32()))]
    + [(c, pa.int64()) for c in ("lines_removed", "line_bytes", "line_chars", "words_left")]
    + [("emptied", pa.bool_())]
)


def line_counts(shard: pa.Table, kept: bool) -> Counts:
    """What line dedup removed from a written shard's documents, per language and source (vectorised)."""
    import pyarrow.compute as pc

    table = pa.table(
        {
            "lang": pc.if_else(pc.fill_null(pc.not_equal(shard.column("lang"), ""), False), shard.column("lang"), pa.scalar("und")),
            "source": shard.column("source"),
            **{c: pc.fill_null(shard.column(c), 0) for c in LINE_COLUMNS[1:]},
        }
    ).filter(pc.greater(pc.fill_null(shard.column("lines_removed"), 0), 0))
    sums = table.group_by(["lang", "source"]).aggregate([(c, "sum") for c in LINE_COLUMNS[1:]])
    counts = Counts()
    outcome = LINES_CUT if kept else LINES_EMPTIED
    for r in sums.to_pylist():
        counts.add_totals(LINES_STAGE, r["lang"], r["source"], outcome, r["lines_removed_sum"], r["line_bytes_sum"], r["line_chars_sum"])
    return counts


def line_facts(counts: Counts) -> dict[str, str]:
    """The run summary's line of line dedup: units and bytes removed from kept documents, and from emptied ones."""
    cut = [0, 0]
    emptied = [0, 0]
    for (stage, _lang, _source, outcome), values in counts.rows.items():
        if stage == LINES_STAGE:
            slot = cut if outcome == LINES_CUT else emptied
            slot[0] += values[0]
            slot[1] += values[1]
    return {"lines removed": f"{cut[0]:,} ({cut[1]:,} bytes) from kept documents, {emptied[0]:,} from emptied ones"}


def site_column():
    """A document's site: the host of its normalised URL, else its source."""
    from pyspark.sql import functions as F

    return F.coalesce(F.substring_index(F.col("url_norm"), "/", 1), F.col("source"))


def _losing(holders, group: list[str], min_docs: int, keep: str):
    """(key, hash) of the documents that lose a unit: those holding a hash at least `min_docs` documents of the
    same `group` hold, but the best-ranked of them (all with `keep: none`)."""
    from pyspark.sql import functions as F

    counted = holders.groupBy(*group).agg(F.count("*").alias("n"), F.min("order").alias("best")).where(F.col("n") >= min_docs)
    joined = holders.join(counted.drop("n"), group)
    if keep == "survivor":
        joined = joined.where(F.col("order") != F.col("best"))
    return joined.select("key", "hash")


def ranked_survivors(survivors, frames):
    """(key, order, lang, site) of `survivors` (key, rank, lang, source, url_norm): `order` numbers the documents 1, 2, ...
    in the survivor rule's rank, so the per-hash shuffles carry longs instead of the rank (with the document id).
    The numbers are the same whatever the partitions (one sorted partition of small rows: 16 MB at a million documents)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = F.row_number().over(Window.orderBy("rank")).cast("long").alias("order")
    return frames.settle(survivors.select("key", order, "lang", site_column().alias("site")), "line-survivors")


def plan_line_dedup(cfg: LineDedupConfig, quality, docs, units_of, survivors, frames) -> LinePlan:
    """The line-dedup steps over `survivors` (key, rank, lang, source, url_norm), their hashed units in `units_of`
    (key, units: `curation.dedup.lines.unit_lists`) and their texts in `docs` (key, text, lang). Only numbers are
    shuffled (keys, positions, hashes, orders); the texts are read once more, in place, to measure the documents that
    lose units. `frames`: the job's `curation.dedup.work.JobFrames`."""
    from pyspark.sql import functions as F

    ranked = ranked_survivors(survivors, frames)
    found = frames.settle(units_of.join(ranked.select("key"), "key", "left_semi").select("key", F.inline("units")), "line-units")
    holders = found.where("first").select("key", "hash").join(ranked.select("key", "order", "site"), "key")
    lost = _losing(holders, ["hash"], cfg.min_docs, cfg.keep)
    if cfg.site_min_docs is not None:
        lost = lost.unionByName(_losing(holders, ["site", "hash"], cfg.site_min_docs, cfg.keep)).distinct()
    lost = frames.settle(lost.join(ranked.select("key", "lang"), "key"), "line-lost")
    drops = found.join(lost.select("key", "hash"), ["key", "hash"]).groupBy("key").agg(F.array_sort(F.collect_list("pos")).alias("drop"))
    inputs = docs.select("key", "text", "lang").join(frames.settle(drops, "line-drops"), "key")
    rewritten = frames.settle(inputs.mapInArrow(rewrite_fn(cfg.unit, quality), REWRITE_DDL), "line-rewritten")
    emptied = rewritten.where("emptied").select(
        "key",
        F.lit(None).cast("string").alias("survivor"),
        F.lit(REASONS["lines"]).alias("reason"),
        F.lit(METHODS["lines"]).alias("method"),
        F.lit(None).cast("double").alias("jaccard"),
        "lines_removed",
        "words_left",
    )
    return LinePlan(emptied, rewritten, lost, found)


def removed_samples(plan: LinePlan, docs, unit: str, per_lang: int) -> list[dict]:
    """The `per_lang` units removed from the most documents in each language: {lang, docs, text} (text as found: the
    stage redacts it before writing), sorted by language, then most documents first."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if per_lang <= 0:
        return []
    ranked = (
        plan.lost.withColumn("lang", F.coalesce("lang", F.lit("und")))
        .groupBy("lang", "hash")
        .agg(F.count("*").alias("docs"), F.min("key").alias("key"))
        .withColumn("i", F.row_number().over(Window.partitionBy("lang").orderBy(F.desc("docs"), "hash")))
        .where(F.col("i") <= per_lang)
    )
    where = ranked.join(plan.units, ["key", "hash"]).groupBy("lang", "hash", "docs", "key").agg(F.min("pos").alias("pos")).collect()
    keys = sorted({r["key"] for r in where})
    texts = {r["key"]: r["text"] for r in docs.where(F.col("key").isin(keys)).select("key", "text").collect()} if keys else {}
    out = [{"lang": r["lang"], "docs": r["docs"], "text": units(texts[r["key"]], unit)[r["pos"]].strip()[:300]} for r in where]
    return sorted(out, key=lambda s: (s["lang"], -s["docs"], s["text"]))
