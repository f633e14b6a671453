"""Connected components of the duplicate graph, computed in Spark.

Min-label propagation with pointer jumping: every node starts with the smallest
id among itself and its neighbours, then repeatedly takes the smallest label of
its neighbours and of its label's own label. Labels only decrease and converge
to the smallest node id of each component, so the result does not depend on
partitioning or input order. Edges never go to the driver; each round is
locally checkpointed to cut the lineage.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


class ComponentsDidNotConverge(RuntimeError):
    pass


def connected_components(edges: DataFrame, max_iterations: int = 50) -> DataFrame:
    """(node, component) for every node of `edges(src, dst)`; component = min node id."""
    both = (
        edges.select("src", "dst")
        .union(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
        .where(F.col("src") != F.col("dst"))
        .distinct()
        .localCheckpoint()
    )
    labels = both.groupBy("src").agg(F.least(F.min("dst"), F.first("src")).alias("label")).withColumnRenamed("src", "node")
    labels = labels.localCheckpoint()
    for _ in range(max_iterations):
        spread = (
            both.join(labels, both.dst == labels.node)
            .groupBy(both.src)
            .agg(F.min("label").alias("near"))
            .withColumnRenamed("src", "node")
        )
        step = labels.join(spread, "node", "left").select("node", F.least("label", F.coalesce("near", "label")).alias("label"))
        hop = step.alias("a").join(step.alias("b"), F.col("a.label") == F.col("b.node"), "left")
        step = hop.select(F.col("a.node").alias("node"), F.least(F.col("a.label"), F.coalesce(F.col("b.label"), F.col("a.label"))).alias("label"))
        step = step.localCheckpoint()
        changed = step.join(labels.withColumnRenamed("label", "old"), "node").where(F.col("label") != F.col("old")).limit(1).count()
        labels = step
        if changed == 0:
            return labels.withColumnRenamed("label", "component")
    raise ComponentsDidNotConverge(f"connected components did not converge in {max_iterations} iterations (dedup.max_cc_iterations)")
