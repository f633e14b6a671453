"""How many copies each survivor had: the `dup_cluster_size` signal, and signals the dedup job adds.

A removed duplicate names its survivor; a survivor of exact dedup may itself lose to another
document in url or near dedup. The clusters are the connected components of the (removed document,
its survivor) edges of every step, so a survivor's `dup_cluster_size` counts itself and every
exact, url and near copy it stands for, transitively. A document without copies has size 1.
Every kept document carries the signal (FineWeb-2's rehydration reads it: `tokenize.rehydrate`).
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from curation.dedup.components import connected_components

SIGNAL = "dup_cluster_size"
_SIGNALS = "array<struct<name:string,value:double>>"


def cluster_sizes(removed: list[DataFrame], persist) -> DataFrame | None:
    """(key, size) of every document in a cluster of two or more (None: no duplicates were removed); `persist`
    caches the edges (counted, then read again) where the job releases them."""
    edges = [
        frame.where(F.col("survivor").isNotNull()).select(F.col("key").alias("src"), F.xxhash64("survivor").alias("dst"))
        for frame in removed
    ]
    if not edges:
        return None
    graph = persist(reduce(DataFrame.unionByName, edges))
    labels = connected_components(graph)
    sizes = labels.groupBy("component").agg(F.count("*").alias("size"))
    return labels.join(sizes, "component").select(F.col("node").alias("key"), "size")


def with_kept_signals(labelled: DataFrame, signals: dict[str, Column]) -> DataFrame:
    """`labelled` with the given signals set in the `signals` of its kept documents (reason null);
    a null value sets nothing. The list stays sorted by name, as the schema requires."""
    names = F.array(*[F.lit(n) for n in signals])
    entries = F.filter(
        F.array(*[F.struct(F.lit(n).alias("name"), v.cast("double").alias("value")) for n, v in sorted(signals.items())]),
        lambda e: e["value"].isNotNull(),
    )
    old = F.filter(F.coalesce(F.col("signals"), F.array().cast(_SIGNALS)), lambda e: ~F.array_contains(names, e["name"]))
    updated = F.array_sort(F.concat(old, entries))
    return labelled.withColumn("signals", F.when(F.col("reason").isNull(), updated).otherwise(F.col("signals")))
