"""The survivor rule: one total order over documents, so every cluster's survivor
is the same whatever the partitions, executors or input order.

A document's rank is the tuple (is_new, -priority, -quality, id), compared
lexicographically; the smallest rank survives:
1. documents already in the incremental index (is_new = 0) always win: the
   published corpus is never edited by a later batch;
2. higher catalog `priority` of the document's source;
3. higher value of the quality signal `dedup.quality_signal` (a missing value loses);
4. the smallest document id (ids are unique, so the order is total).
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from curation.schema import spark_signal


def priority_column(priorities: dict[str, int]) -> Column:
    """-priority of each document's source (unknown sources: 0)."""
    if not priorities:
        return F.lit(0)
    mapping = F.create_map(*[x for k, v in sorted(priorities.items()) for x in (F.lit(k), F.lit(-int(v)))])
    return F.coalesce(mapping[F.col("source")], F.lit(0))


def quality_column(signal: str | None) -> Column:
    """-quality (missing: +inf, so it sorts last)."""
    if not signal:
        return F.lit(float("inf"))
    value = spark_signal(signal)
    return F.coalesce(-value, F.lit(float("inf")))


def rank_column(is_new: int) -> Column:
    return F.struct(
        F.lit(is_new).alias("is_new"),
        F.col("neg_priority").cast("int").alias("neg_priority"),
        F.col("neg_quality").cast("double").alias("neg_quality"),
        F.col("id").alias("id"),
    )


def losers(members: DataFrame, group: str) -> DataFrame:
    """New documents of each group that are not the group's survivor: (key, survivor id)."""
    best = members.groupBy(group).agg(F.min("rank").alias("best"))
    return (
        members.join(best, group)
        .where((F.col("rank") != F.col("best")) & (F.col("rank.is_new") == 1))
        .select("key", F.col("best.id").alias("survivor"), F.col("best.is_new").alias("survivor_new"))
    )
