"""Blend weights that mean what they say: by bytes per group, α-smoothed, each dataset's epochs capped.

Megatron draws sample k of the blend from dataset i with probability w_i, so over a training budget
of T tokens dataset i is read w_i·T / tokens_i times (its epochs). Weights:
1. a group (language or source) gets a share ∝ bytes^α of its UTF-8 text, not of its tokens: token
   counts reward a tokenizer that serves a language badly (more tokens for the same text);
2. a group whose share would read it more than `max_epochs` times in T is held at exactly
   `max_epochs` and the rest is shared again among the others, by the same rule, until none exceeds;
3. within a group, datasets share by tokens, so all of a group's datasets have the same epochs.
T is one pass over the split's tokens unless configured (`tokenize.train_tokens`, train split only).
Rehydration (`curation.megatron.rehydration`): a dataset with `upsample` w counts as w copies of its tokens
within its group (step 3, the epoch cap of step 2 and one pass T), never in the group's bytes (step 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from curation.tokenizer.sampling import smoothed_shares


class BlendError(ValueError):
    pass


@dataclass(frozen=True)
class BlendPart:
    """What the blend needs of one dataset."""

    name: str
    group: str
    bytes: int
    tokens: int
    upsample: float = 1.0  # rehydration weight: the dataset counts as this many copies within its group


def capped_shares(
    group_bytes: Mapping[str, int], group_tokens: Mapping[str, int], alpha: float, budget: float, max_epochs: float
) -> dict[str, float]:
    """Group shares ∝ bytes^α with no group read more than `max_epochs` times in `budget` tokens."""
    capped: dict[str, float] = {}
    while True:
        free = {g: n for g, n in group_bytes.items() if g not in capped}
        room = 1.0 - sum(capped.values())
        shares = {g: room * s for g, s in smoothed_shares(free, alpha).items()}
        over = {g for g, s in shares.items() if s * budget > max_epochs * group_tokens[g]}
        if not over:
            return dict(sorted((capped | shares).items()))
        capped |= {g: max_epochs * group_tokens[g] / budget for g in over}
        if len(capped) == len(group_bytes):  # every group at its cap: feasible only if the caps fill the budget
            total = sum(group_tokens.values())
            if max_epochs * total >= budget * (1 - 1e-9):
                return dict(sorted(capped.items()))
            raise BlendError(
                f"a budget of {budget:,.0f} tokens reads the {total:,.0f} tokens of this split more than "
                f"max_epochs = {max_epochs:g} times: lower tokenize.train_tokens or raise tokenize.max_epochs"
            )


def weights(parts: Sequence[BlendPart], alpha: float, max_epochs: float, budget: float | None = None) -> list[dict]:
    """[{dataset, weight, epochs}] in the given order; datasets without tokens get no entry."""
    parts = [p for p in parts if p.tokens > 0]
    group_bytes: dict[str, int] = {}
    group_tokens: dict[str, float] = {}  # rehydrated: tokens × upsample
    for p in parts:
        group_bytes[p.group] = group_bytes.get(p.group, 0) + p.bytes
        group_tokens[p.group] = group_tokens.get(p.group, 0) + p.tokens * p.upsample
    budget = float(budget or sum(group_tokens.values()))
    if not parts:
        return []
    shares = capped_shares(group_bytes, group_tokens, alpha, budget, max_epochs)
    rows = []
    for p in parts:
        weight = shares[p.group] * p.tokens * p.upsample / group_tokens[p.group]
        rows.append({"dataset": p.name, "weight": float(f"{weight:.12g}"), "epochs": float(f"{weight * budget / p.tokens:.6g}")})
    return rows


def data_path(rows: Sequence[dict], directory: str = "") -> str:
    """Megatron's `--data-path` (or `--train-data-path` …) value; prefixes relative to the manifest unless a directory is given."""
    prefix = directory.rstrip("/") + "/" if directory else ""
    return " ".join(f"{r['weight']!r} {prefix}{r['dataset']}" for r in rows)
