"""Precision / recall / F1 of a dedup result against the benchmark's ground truth.

Pairwise over clusters: a predicted cluster is a survivor with every document
removed as its duplicate (chains followed to the final survivor); predicted
pairs are all pairs inside predicted clusters, true pairs all pairs inside true
clusters. A true cluster's edit kind (and language) labels its pairs; a false
pair counts against the kinds of both documents' clusters.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pyarrow as pa


def clusters_from_links(ids: list[str], links: dict[str, str]) -> dict[str, str]:
    """doc id → final survivor id, following removed → duplicate_of chains."""
    out = {}
    for d in ids:
        seen = d
        hops = 0
        while seen in links and hops < 1000:
            seen = links[seen]
            hops += 1
        out[d] = seen
    return out


def evaluate(truth: pa.Table, predicted: dict[str, str]) -> dict:
    """predicted: doc id → predicted cluster label. Returns overall and per-kind / per-lang metrics."""
    t = truth.to_pydict()
    true_cluster = dict(zip(t["id"], t["cluster"]))
    kind = {c: k for c, k in zip(t["cluster"], t["kind"])}
    lang = {c: l for c, l in zip(t["cluster"], t["lang"])}
    by_pred = defaultdict(list)
    for d in t["id"]:
        by_pred[predicted.get(d, d)].append(d)
    true_sizes = Counter(t["cluster"])
    true_pairs = Counter()
    for c, n in true_sizes.items():
        true_pairs[("kind", kind[c])] += n * (n - 1) // 2
        true_pairs[("lang", lang[c])] += n * (n - 1) // 2
        true_pairs[("all", "all")] += n * (n - 1) // 2
    # contingency counts per predicted cluster: no enumeration of pairs, so giant
    # (wrongly merged) clusters cost O(n), not O(n²)
    tp, fp = Counter(), Counter()
    for members in by_pred.values():
        size = len(members)
        if size < 2:
            continue
        per_cluster = Counter(true_cluster[m] for m in members)
        touching = Counter()
        for c, n in per_cluster.items():
            for key in (("kind", kind[c]), ("lang", lang[c]), ("all", "all")):
                touching[key] += n
                tp[key] += n * (n - 1) // 2
        tp_here = Counter()
        for c, n in per_cluster.items():
            for key in (("kind", kind[c]), ("lang", lang[c]), ("all", "all")):
                tp_here[key] += n * (n - 1) // 2
        for key, m in touching.items():
            pairs_touching = size * (size - 1) // 2 - (size - m) * (size - m - 1) // 2
            fp[key] += pairs_touching - tp_here[key]
    result = {}
    for key in sorted(set(true_pairs) | set(fp)):
        p = tp[key] / (tp[key] + fp[key]) if tp[key] + fp[key] else 1.0
        r = tp[key] / true_pairs[key] if true_pairs[key] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        result[f"{key[0]}:{key[1]}"] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "true_pairs": true_pairs[key],
            "tp": tp[key],
            "fp": fp[key],
        }
    return result


def ours_predicted(out_dir) -> dict[str, str]:
    """doc id → final survivor, from `removed/dedup` shards' detail."""
    import json

    from curation.layout import Layout
    from curation.shards import list_shards, read_table

    paths = list_shards(Layout(out_dir).removed("dedup"))
    links = {}
    if paths:
        t = read_table(paths, columns=["id", "detail"]).to_pydict()
        links = {i: json.loads(d)["duplicate_of"] for i, d in zip(t["id"], t["detail"])}
    return clusters_from_links(list(links), links)
