"""Helpers for the auditor-tool tests (report, data cards, notebooks)."""

from __future__ import annotations


def expected_blend_pct(layout) -> dict[str, float]:
    """Blend weight per language in percent, recomputed from the manifest's own weights."""
    import json

    m = json.loads(layout.token_manifest().read_text())
    groups = {d["name"]: d["group"] for d in m["datasets"]}
    total = sum(w["weight"] for w in m["blend"]["splits"]["train"]["weights"])
    out: dict[str, float] = {}
    for w in m["blend"]["splits"]["train"]["weights"]:
        out[groups[w["dataset"]]] = out.get(groups[w["dataset"]], 0.0) + w["weight"] / total
    return {k: round(100 * v, 2) for k, v in sorted(out.items())}
