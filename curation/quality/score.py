"""Scoring with a trained quality classifier: P(high) per document, a whole batch at a time.

A model of the recipe's kind (supervised, softmax, word unigrams) is scored by `curation.fasttext_numpy` (fastText's
arithmetic in numpy, each distinct word of a batch worked out once: 1.3-1.4x fastText's own `predict` on the
classifier benchmark's documents, the same probabilities to 1e-6); any other model by one fastText `predict` call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from curation.fasttext_numpy import NumpyPredictor, supports
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
        self._numpy = NumpyPredictor(self._model) if supports(self._model) else None

    def scores(self, texts: Sequence[str]) -> list[float]:
        """P(high) of each text, clipped to [0, 1], rounded to 6 decimals by Python's `round` (correctly rounded):
        every label's probability for the whole batch at once, HIGH_LABEL's column read in numpy."""
        if not texts:
            return []
        if self._numpy is not None:
            probs = self._numpy.probabilities(texts)
        else:
            labels, found = predict_lines(self._model, list(map(predict_line, texts)), -1)
            probs = label_probabilities(labels, found, self._columns)
        return list(map(round, np.clip(probs[:, self._columns[HIGH_LABEL]], 0.0, 1.0).tolist(), repeat(6)))


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
