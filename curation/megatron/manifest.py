"""`tokens/manifest.json`: what a trainer and an auditor need to trust and use the token datasets.

The tokenizer's hash, per-language and per-source document and token counts, every
file's checksum, and one blend per split (train, valid, test) in the form Megatron's
`--train-data-path` / `--valid-data-path` / `--test-data-path` take (`weight prefix ...`),
each listing only that split's non-empty datasets, so no dataset has an empty split for
Megatron to wait on. Weights: `curation.megatron.blend` (bytes^α per group, epochs capped).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from curation.megatron import blend

SPLITS = ("train", "valid", "test")
MEGATRON_FLAGS = {"train": "--train-data-path", "valid": "--valid-data-path", "test": "--test-data-path"}


@dataclass
class DatasetInfo:
    name: str  # the prefix relative to tokens/, e.g. `en_00000` or `valid/en_00000`
    group: str  # the language or source it holds
    split: str = "train"
    docs: int = 0
    tokens: int = 0
    bytes: int = 0  # UTF-8 bytes of its documents' text
    chars: int = 0
    langs: dict[str, list[int]] = field(default_factory=dict)  # lang → [docs, tokens]
    sources: dict[str, list[int]] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)  # kind → {"name", "bytes", "sha256"}
    cluster_sizes: str | None = None  # rehydration: the dup_cluster_size range of its documents ("2-5")
    upsample: float = 1.0  # rehydration: its weight in the train blend, relative to its tokens

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "group": self.group,
            "split": self.split,
            "docs": self.docs,
            "tokens": self.tokens,
            "bytes": self.bytes,
            "chars": self.chars,
            "langs": {k: {"docs": v[0], "tokens": v[1]} for k, v in sorted(self.langs.items())},
            "sources": {k: {"docs": v[0], "tokens": v[1]} for k, v in sorted(self.sources.items())},
            "files": dict(sorted(self.files.items())),
        } | ({"cluster_sizes": self.cluster_sizes, "upsample": self.upsample} if self.cluster_sizes else {})


def split_blends(datasets: list[DatasetInfo], alpha: float, max_epochs: float, train_tokens: int | None) -> dict:
    """Per split: its token budget, weights with epochs, and Megatron's data-path value."""
    out = {}
    for split in SPLITS:
        # rehydration upsamples the train split only: held-out splits measure the corpus as it is
        parts = [
            blend.BlendPart(d.name, d.group, d.bytes, d.tokens, d.upsample if split == "train" else 1.0)
            for d in datasets
            if d.split == split
        ]
        budget = train_tokens if split == "train" else None
        rows = blend.weights(parts, alpha, max_epochs, budget)
        out[split] = {
            "tokens_per_pass": int(budget or sum(p.tokens * p.upsample for p in parts)),
            "weights": rows,
            "data_path": blend.data_path(rows),
        }
    return out


def megatron_arguments(blends: dict) -> str:
    """The data arguments of Megatron-LM's pretrain_gpt.py, run from tokens/ (no --split: one blend per split)."""
    return " ".join(f"{MEGATRON_FLAGS[s]} {blends[s]['data_path']}" for s in SPLITS if blends[s]["weights"])


def _totals(datasets: Iterable[DatasetInfo], attr: str) -> dict[str, dict[str, int]]:
    out: dict[str, list[int]] = {}
    for d in datasets:
        for key, (docs, tokens) in getattr(d, attr).items():
            row = out.setdefault(key, [0, 0])
            row[0] += docs
            row[1] += tokens
    return {k: {"docs": v[0], "tokens": v[1]} for k, v in sorted(out.items())}


def rehydration_summary(datasets: list[DatasetInfo], weights: dict[str, float]) -> dict:
    """Per cluster-size range: its weight and the train documents and tokens it holds."""
    tiers: dict[str, dict] = {}
    for d in datasets:
        if d.cluster_sizes and d.split == "train":
            row = tiers.setdefault(d.cluster_sizes, {"weight": d.upsample, "docs": 0, "tokens": 0})
            row["docs"] += d.docs
            row["tokens"] += d.tokens
    return {"signal": "dup_cluster_size", "weights": dict(weights), "ranges": dict(sorted(tiers.items()))}


def build_manifest(datasets: list[DatasetInfo], tokenizer: dict, options, skipped: dict[str, int], errors: int) -> dict:
    """`options`: the tokenize config (group_by, alpha, max_epochs, train_tokens, split fractions)."""
    blends = split_blends(datasets, options.alpha, options.max_epochs, options.train_tokens)
    return {
        "format": "megatron-indexed-dataset (MMIDIDX v1), one sequence per document, end-of-document token appended",
        "tokenizer": tokenizer,
        "group_by": options.group_by,
        "totals": {"docs": sum(d.docs for d in datasets), "tokens": sum(d.tokens for d in datasets)},
        "langs": _totals(datasets, "langs"),
        "sources": _totals(datasets, "sources"),
        "skipped_docs": dict(sorted(skipped.items())),
        "errors": errors,
        "datasets": [d.to_json() for d in datasets],
        "blend": {
            "alpha": options.alpha,
            "weight_by": "bytes",
            "max_epochs": options.max_epochs,
            "heldout": {"valid": options.valid_fraction, "test": options.test_fraction, "min_group_docs": options.heldout_min_docs},
            "splits": blends,
            "megatron_args": megatron_arguments(blends),
        }
        | ({"rehydration": rehydration_summary(datasets, options.rehydrate)} if options.rehydrate else {}),
    }
