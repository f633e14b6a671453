"""Connected components: the one-task union-find and the Spark propagation agree
(component = smallest node id), whatever the partitioning."""

from __future__ import annotations

import numpy as np

from curation.dedup.components import connected_components, min_labels


def _random_graph(seed: int, nodes: int, edges: int) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    keys = rng.integers(-(2**62), 2**62, size=nodes)
    pairs = rng.integers(0, nodes, size=(edges, 2))
    return [(int(keys[a]), int(keys[b])) for a, b in pairs]


def _reference(edges: list[tuple[int, int]]) -> dict[int, int]:
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    out: dict[int, int] = {}
    for start in neighbours:
        if start in out:
            continue
        seen, todo = {start}, [start]
        while todo:
            for n in neighbours[todo.pop()] - seen:
                seen.add(n)
                todo.append(n)
        out.update({n: min(seen) for n in seen})
    return out


def test_min_labels_is_the_smallest_node_of_each_component():
    edges = _random_graph(0, 3000, 2000) + [(5, 5), (-7, 9), (9, 11)]
    nodes, component = min_labels(np.array([a for a, _ in edges]), np.array([b for _, b in edges]))
    assert dict(zip(nodes.tolist(), component.tolist())) == _reference(edges)


def test_one_task_and_spark_propagation_agree(spark):
    edges = _random_graph(1, 400, 300)
    frame = spark.createDataFrame(edges, "src long, dst long").repartition(3).persist()
    expected = _reference(edges)
    for local_max_edges in (10**9, 0):
        labels = connected_components(frame, local_max_edges=local_max_edges).collect()
        assert {r.node: r.component for r in labels} == expected, local_max_edges
    frame.unpersist()
