"""Connected components of the duplicate graph, computed in Spark.

The component of a node is the smallest node id in it, a result that does not
depend on partitioning, input order or algorithm. Edges never go to the driver.

- Up to `LOCAL_MAX_EDGES` edges (the usual case: duplicates are a fraction of
  a corpus and every LSH bucket contributes a star, not a clique), the whole
  graph goes to ONE executor task, which runs vectorised union-find in numpy:
  one Spark stage instead of a few per propagation round.
- Larger graphs: min-label propagation with pointer jumping in Spark. Every node
  starts with the smallest id among itself and its neighbours, then repeatedly
  takes the smallest label of its neighbours and of its label's own label;
  each round is locally checkpointed to cut the lineage.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# ~16 bytes per edge, a few copies while sorting: 10 M edges stay under ~1 GB in the task
LOCAL_MAX_EDGES = 10_000_000
_OUT_ROWS = 1 << 20


class ComponentsDidNotConverge(RuntimeError):
    pass


def connected_components(edges: DataFrame, max_iterations: int = 50, local_max_edges: int = LOCAL_MAX_EDGES) -> DataFrame:
    """(node, component) for every node of `edges(src, dst)`; component = min node id.
    `edges` should be persisted: it is counted, then read again."""
    if edges.count() <= local_max_edges:
        return _in_one_task(edges)
    return _propagate(edges, max_iterations)


def _in_one_task(edges: DataFrame) -> DataFrame:
    labels = (
        edges.where(F.col("src") != F.col("dst")).select("src", "dst").repartition(1).mapInArrow(_union_find, "node long, component long")
    )
    return labels.localCheckpoint()


def min_labels(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(nodes, component) with component = the smallest node of each connected component.

    Vectorised union-find: parents only ever point to smaller node indices, so
    every tree's root is its smallest node; each round hooks the larger root of
    every edge under the smaller one, then compresses paths to the roots."""
    nodes, index = np.unique(np.concatenate([src, dst]), return_inverse=True)
    s, d = index[: len(src)], index[len(src) :]
    parent = np.arange(len(nodes))
    while True:
        rs, rd = parent[s], parent[d]
        differ = rs != rd
        if not differ.any():
            return nodes, nodes[parent]
        rs, rd = rs[differ], rd[differ]
        low = np.minimum(rs, rd)
        np.minimum.at(parent, rs, low)
        np.minimum.at(parent, rd, low)
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up


def _union_find(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    batches = [b for b in batches if b.num_rows]
    if not batches:
        return
    table = pa.Table.from_batches(batches)
    src = table.column("src").to_numpy()
    dst = table.column("dst").to_numpy()
    del table
    nodes, component = min_labels(src, dst)
    for lo in range(0, len(nodes), _OUT_ROWS):
        yield pa.RecordBatch.from_arrays(
            [pa.array(nodes[lo : lo + _OUT_ROWS]), pa.array(component[lo : lo + _OUT_ROWS])], ["node", "component"]
        )


def _propagate(edges: DataFrame, max_iterations: int) -> DataFrame:
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
            both.join(labels, both.dst == labels.node).groupBy(both.src).agg(F.min("label").alias("near")).withColumnRenamed("src", "node")
        )
        step = labels.join(spread, "node", "left").select("node", F.least("label", F.coalesce("near", "label")).alias("label"))
        hop = step.alias("a").join(step.alias("b"), F.col("a.label") == F.col("b.node"), "left")
        step = hop.select(
            F.col("a.node").alias("node"), F.least(F.col("a.label"), F.coalesce(F.col("b.label"), F.col("a.label"))).alias("label")
        )
        step = step.localCheckpoint()
        changed = step.join(labels.withColumnRenamed("label", "old"), "node").where(F.col("label") != F.col("old")).limit(1).count()
        labels = step
        if changed == 0:
            return labels.withColumnRenamed("label", "component")
    raise ComponentsDidNotConverge(f"connected components did not converge in {max_iterations} iterations (dedup.max_cc_iterations)")
