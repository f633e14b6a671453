"""Held-out figures of a binary classifier: ROC-AUC, and precision / recall / F1 at the threshold that maximises F1."""

from __future__ import annotations

from collections.abc import Sequence

GRID = [round(i / 100, 2) for i in range(1, 100)]  # candidate thresholds: fixed, so the choice never depends on float noise


def roc_auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """P(a positive scores above a negative), ties counting half (Mann-Whitney); None without both classes."""
    if not positive or not negative:
        return None
    ranked = sorted([(s, 1) for s in positive] + [(s, 0) for s in negative])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2  # ranks i+1..j share their mean
        rank_sum += mean_rank * sum(label for _, label in ranked[i:j])
        i = j
    n_pos, n_neg = len(positive), len(negative)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def at_threshold(positive: Sequence[float], negative: Sequence[float], threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of the positive class when `score >= threshold` predicts it."""
    tp = sum(s >= threshold for s in positive)
    fp = sum(s >= threshold for s in negative)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / len(positive) if positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def held_out_metrics(positive: Sequence[float], negative: Sequence[float]) -> dict:
    """ROC-AUC, and the grid threshold with the best F1 (the lowest among equals) with its precision and recall."""
    best = max(GRID, key=lambda t: (at_threshold(positive, negative, t)["f1"], -t))
    auc = roc_auc(positive, negative)
    return {"roc_auc": None if auc is None else round(auc, 4), "threshold": best, **at_threshold(positive, negative, best)}
