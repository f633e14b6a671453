"""Scoring with a trained quality classifier: P(high) per document, one predict call per batch."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from curation.fasttext_predict import label_probabilities, predict_line, predict_lines
from curation.quality.documents import HIGH, QualityDataError

HIGH_LABEL = f"__label__{HIGH}"


@dataclass(frozen=True)
class ModelFiles:
    """What a trained classifier folder holds (the one place that names its files)."""

    folder: Path
    model: Path
    metrics: Path
    card: Path


def model_files(folder: str | Path) -> ModelFiles:
    folder = Path(folder)
    return ModelFiles(folder, folder / "model.bin", folder / "metrics.json", folder / "model_card.md")


class QualityModel:
    """A trained classifier (its folder, or the model file itself), loaded once: `scores(texts)` gives P(high)
    for each text, rounded to 6 decimals."""

    def __init__(self, where: str | Path):
        import fasttext

        where = Path(where)
        self.path = model_files(where).model if where.is_dir() else where
        if not self.path.is_file():
            raise QualityDataError(f"{self.path}: no quality model (train one with `curation quality train`)")
        self._model = fasttext.load_model(str(self.path))
        if HIGH_LABEL not in self._model.get_labels():
            raise QualityDataError(f"{self.path}: not a quality model (labels {self._model.get_labels()}, no {HIGH_LABEL})")
        self._columns = {label: i for i, label in enumerate(self._model.get_labels())}

    def scores(self, texts: Sequence[str]) -> list[float]:
        """P(high) of each text: one predict call for all (k=-1: every label, HIGH_LABEL among them), its column
        read in numpy, clipped to [0, 1], rounded to 6 decimals by Python's `round` (correctly rounded)."""
        if not texts:
            return []
        labels, probs = predict_lines(self._model, list(map(predict_line, texts)), -1)
        high = label_probabilities(labels, probs, self._columns)[:, self._columns[HIGH_LABEL]]
        return list(map(round, np.clip(high, 0.0, 1.0).tolist(), repeat(6)))


def score_records(model: QualityModel, lines: Iterable[str], where: str, batch: int = 1024) -> Iterator[str]:
    """JSONL lines in, the same records with `quality_score` out (in order; blank lines dropped)."""
    pending: list[dict] = []

    def flush() -> Iterator[str]:
        for record, score in zip(pending, model.scores([r["text"] for r in pending])):
            record["quality_score"] = score
            yield json.dumps(record, ensure_ascii=False)
        pending.clear()

    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise QualityDataError(f"{where}: line {lineno}: not JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise QualityDataError(f"{where}: line {lineno}: field 'text': missing or not a string")
        pending.append(record)
        if len(pending) >= batch:
            yield from flush()
    yield from flush()
