"""The quality classifier as a filter: `quality_score` = P(high) from the language's fastText model.

Models come from `models_dir` (one folder per language, as `curation run` stage `quality_model`
writes them: `<models_dir>/<lang>/model.bin`) or from `model` (a folder or model file; set it per
language in `filter.langs.classifier.<lang>.model`). Two ways to decide:

- `threshold`: keep when `quality_score >= min_score` (None: the threshold the model chose on its
  held-out split, in its metrics.json);
- `pareto`: GPT-3's sampling, keep when `pareto(alpha) > 1 - quality_score`. The draw comes from a
  uniform number derived from the document id and `seed` (stored as signal `quality_draw`), so
  reruns and any worker count give the same decisions, and an auditor can re-decide from signals.

A language without a model is not measured: its documents are kept and counted under
`filter:classifier:unmeasured` (outcome `no_model`), never silently emptied.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from filters.base import Batch, Filter, Params, PathParam, Scores, Verdict

DEFAULT_MIN_SCORE = 0.5  # when neither the run nor the model's metrics.json gives one
NO_MODEL = "no_model"


class ClassifierParams(Params):
    # one folder per language holding model.bin (and metrics.json); `curation run` sets the run's quality_model/
    models_dir: Annotated[str | None, PathParam()] = None
    # a model folder (or model.bin) that wins over models_dir: per language, or for every language
    model: Annotated[str | None, PathParam()] = None
    mode: Literal["threshold", "pareto"] = "threshold"
    # threshold mode; None: the model's own held-out threshold (metrics.json), else 0.5
    min_score: float | None = None
    # pareto mode: GPT-3 used 9 (lower keeps more low-scoring documents)
    pareto_alpha: float = 9.0
    seed: int = 0


def uniform_draw(doc_id: str, seed: int) -> float:
    """A number in [0, 1) that depends only on the document id and the seed."""
    digest = hashlib.sha256(f"{seed}:{doc_id}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pareto_from_uniform(u: float, alpha: float) -> float:
    """numpy's `pareto(alpha)` (Lomax) by inversion: (1 - u) ** (-1 / alpha) - 1."""
    return (1.0 - u) ** (-1.0 / alpha) - 1.0


class QualityClassifier(Filter):
    name = "classifier"
    version = "2"  # 2: scored in numpy (curation.fasttext_numpy), probabilities as fastText's to 1e-6
    Params = ClassifierParams
    thresholds = {"quality_score": ("min_score", "min")}
    _worker_state = ("_models", "_model_thresholds", "_loaded")

    _models: dict | None = None
    _model_thresholds: dict | None = None
    _loaded: dict | None = None  # model file -> loaded model: one shared `model` is loaded once, not once per language

    def model_folder(self, lang: str | None) -> Path | None:
        """Where the language's model is (its folder or file), None when it has none."""
        from curation.quality.score import model_files

        p = self.params_for(lang)
        if p.model:
            return Path(p.model)
        if p.models_dir and lang:
            for tag in dict.fromkeys([lang, lang.split("-")[0]]):
                if model_files(Path(p.models_dir) / tag).model.is_file():
                    return Path(p.models_dir) / tag
        return None

    def config_key(self) -> dict:
        """The models' content instead of their paths: retrained models rerun the stage, a moved folder resumes."""
        from curation.quality.score import model_files
        from curation.runner import fingerprint

        key = super().config_key()
        strip = ("models_dir", "model")
        key["defaults"] = {k: v for k, v in key["defaults"].items() if k not in strip}
        key["langs"] = {lang: {k: v for k, v in p.items() if k not in strip} for lang, p in key["langs"].items()}
        found = {str(f): f for f in self._all_model_files()}
        key["models"] = {name: fingerprint([model_files(f).model if f.is_dir() else f]) for name, f in sorted(found.items())}
        return key

    def _all_model_files(self) -> list[Path]:
        params = [self.defaults] + [self.params_for(lang) for lang in self.languages()]
        folders = [Path(p.model) for p in params if p.model and Path(p.model).exists()]
        for p in params:
            if p.models_dir and Path(p.models_dir).is_dir():
                folders += [d for d in sorted(Path(p.models_dir).iterdir()) if (d / "model.bin").is_file()]
        return folders

    def setup(self) -> None:
        self._models, self._model_thresholds, self._loaded = {}, {}, {}

    def _model(self, lang: str | None):
        """The language's loaded model (cached per worker, each model file loaded once), None without one."""
        from curation.quality.score import QualityModel, model_files

        if lang not in self._models:
            folder = self.model_folder(lang)
            model = None
            if folder is not None:
                key = str(model_files(folder).model.resolve() if folder.is_dir() else folder.resolve())
                if key not in self._loaded:
                    self._loaded[key] = QualityModel(folder)
                model = self._loaded[key]
            self._models[lang] = model
            self._model_thresholds[lang] = model_threshold(folder) if folder is not None else None
        return self._models[lang]

    def score(self, batch: Batch) -> Scores:
        scores: list[float | None] = [None] * len(batch)
        by_lang: dict[str | None, list[int]] = {}
        for i, lang in enumerate(batch.langs):
            by_lang.setdefault(lang, []).append(i)
        for lang, rows in by_lang.items():
            model = self._model(lang)
            if model is not None:
                for i, s in zip(rows, model.scores([batch.texts[i] for i in rows])):  # the language's rows scored at once
                    scores[i] = s
        signals: dict[str, list[float | None]] = {"quality_score": scores}
        if any(self.params_for(lang).mode == "pareto" for lang in by_lang):
            draws = [uniform_draw(doc_id, self.params_for(lang).seed) for doc_id, lang in zip(batch.ids, batch.langs)]
            # floored, not rounded: a stored draw stays under 1 (the Pareto inversion divides by 1 - draw)
            signals["quality_draw"] = [math.floor(d * 1e9) / 1e9 if s is not None else None for d, s in zip(draws, scores)]
        return Scores(signals=signals, unmeasured=[NO_MODEL if s is None else None for s in scores])

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        score = signals.get("quality_score")
        if score is None:
            return None
        p = self.params_for(lang)
        if p.mode == "pareto":
            draw = pareto_from_uniform(signals["quality_draw"], p.pareto_alpha)
            if draw > 1.0 - score:
                return None
            return "pareto_sampled_out", f"score={score:.3f} pareto={draw:.3f} alpha={p.pareto_alpha:g}"
        threshold = p.min_score if p.min_score is not None else self.model_min_score(lang)
        return None if score >= threshold else ("low_quality_score", f"score={score:.3f} min={threshold:g}")

    def languages_with_model(self) -> list[str]:
        """The languages this filter measures: those with their own `model`, and every model folder under `models_dir`."""
        found = [lang for lang in self.languages() if self.params_for(lang).model]
        models_dir = self.defaults.models_dir
        if models_dir and Path(models_dir).is_dir():
            found += [d.name for d in sorted(Path(models_dir).iterdir()) if (d / "model.bin").is_file()]
        return sorted(set(found))

    def threshold(self, lang: str | None) -> float | None:
        """The threshold a document of `lang` is judged against in `threshold` mode (`min_score`, else the model's
        held-out threshold, else 0.5), read without loading the model; None when the language has no model."""
        folder = self.model_folder(lang)
        if folder is None:
            return None
        configured = self.params_for(lang).min_score
        if configured is not None:
            return configured
        found = model_threshold(folder)
        return found if found is not None else DEFAULT_MIN_SCORE

    def threshold_values(self, signal: str) -> dict[str, float]:
        """Per language with a model in `threshold` mode, the value `signal` is judged against (for the report)."""
        if signal != "quality_score":
            return {}
        return {
            lang: t
            for lang in self.languages_with_model()
            if self.params_for(lang).mode == "threshold" and (t := self.threshold(lang)) is not None
        }

    def min_score(self, lang: str | None) -> float:
        """The run's min_score for the language, else its model's held-out threshold, else 0.5."""
        configured = self.params_for(lang).min_score
        return configured if configured is not None else self.model_min_score(lang)

    def model_min_score(self, lang: str | None) -> float:
        """The threshold the language's model chose on its held-out split, else 0.5."""
        found = (self._model_thresholds or {}).get(lang)
        return found if found is not None else DEFAULT_MIN_SCORE


def model_threshold(folder: Path) -> float | None:
    """The threshold a trained model chose on its held-out split (metrics.json beside it), if recorded."""
    metrics = (folder if folder.is_dir() else folder.parent) / "metrics.json"
    if not metrics.is_file():
        return None
    return json.loads(metrics.read_text(encoding="utf-8")).get("held_out", {}).get("threshold")
