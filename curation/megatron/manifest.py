"""`tokens/manifest.json`: what a trainer and an auditor need to trust and use the token datasets.

The tokenizer's hash, per-language and per-source document and token counts, every
file's checksum, and a data blend in the form Megatron's `--data-path` takes
(`weight prefix weight prefix ...`). Blend weights use the same α-smoothing as the
tokenizer's sample: a group (language or source) gets a share ∝ tokens^α, split
among its datasets by their tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from curation.tokenizer.sampling import smoothed_shares


@dataclass
class DatasetInfo:
    name: str  # the prefix's file name, e.g. `en_00000`
    group: str  # the language or source it holds
    docs: int = 0
    tokens: int = 0
    langs: dict[str, list[int]] = field(default_factory=dict)  # lang → [docs, tokens]
    sources: dict[str, list[int]] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)  # kind → {"name", "bytes", "sha256"}

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "group": self.group,
            "docs": self.docs,
            "tokens": self.tokens,
            "langs": {k: {"docs": v[0], "tokens": v[1]} for k, v in sorted(self.langs.items())},
            "sources": {k: {"docs": v[0], "tokens": v[1]} for k, v in sorted(self.sources.items())},
            "files": dict(sorted(self.files.items())),
        }


def blend(datasets: Iterable[DatasetInfo], alpha: float) -> list[tuple[float, str]]:
    """(weight, prefix) pairs: group share ∝ tokens^α, divided among the group's datasets by tokens."""
    datasets = list(datasets)
    group_tokens: dict[str, int] = {}
    for d in datasets:
        group_tokens[d.group] = group_tokens.get(d.group, 0) + d.tokens
    shares = smoothed_shares(group_tokens, alpha)
    pairs = []
    for d in datasets:
        weight = shares[d.group] * d.tokens / group_tokens[d.group] if group_tokens[d.group] else 0.0
        pairs.append((float(f"{weight:.12g}"), d.name))
    return pairs


def data_path(pairs: Iterable[tuple[float, str]], directory: str = "") -> str:
    """Megatron's `--data-path` value; prefixes are relative to the manifest unless a directory is given."""
    prefix = directory.rstrip("/") + "/" if directory else ""
    return " ".join(f"{w!r} {prefix}{name}" for w, name in pairs)


def _totals(datasets: Iterable[DatasetInfo], attr: str) -> dict[str, dict[str, int]]:
    out: dict[str, list[int]] = {}
    for d in datasets:
        for key, (docs, tokens) in getattr(d, attr).items():
            row = out.setdefault(key, [0, 0])
            row[0] += docs
            row[1] += tokens
    return {k: {"docs": v[0], "tokens": v[1]} for k, v in sorted(out.items())}


def build_manifest(
    datasets: list[DatasetInfo],
    tokenizer: dict,
    group_by: str,
    alpha: float,
    skipped: dict[str, int],
    errors: int,
) -> dict:
    pairs = blend(datasets, alpha)
    return {
        "format": "megatron-indexed-dataset (MMIDIDX v1), one sequence per document, end-of-document token appended",
        "tokenizer": tokenizer,
        "group_by": group_by,
        "totals": {"docs": sum(d.docs for d in datasets), "tokens": sum(d.tokens for d in datasets)},
        "langs": _totals(datasets, "langs"),
        "sources": _totals(datasets, "sources"),
        "skipped_docs": dict(sorted(skipped.items())),
        "errors": errors,
        "datasets": [d.to_json() for d in datasets],
        "blend": {
            "alpha": alpha,
            "weights": [{"dataset": name, "weight": w} for w, name in pairs],
            "data_path": data_path(pairs),
        },
    }
