"""KenLM perplexity, as cc_net and ROOTS scored it: low on fluent text, high on boilerplate and noise.

Per language a SentencePiece model and a KenLM model (trained by `curation lm train`)
score each line of a document; the document's perplexity pools the line scores
(cc_net's formula). Documents above the language's cap are dropped; every document
also gets cc_net's head/middle/tail bucket from the language's 30th/60th percentile
cutoffs, so auditors can sample by quality band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import Field

from filters.base import Batch, Filter, Params, PathParam, Scores, Verdict

# the caps ROOTS applied (bigscience data-preparation, filtering parameters); others: DEFAULT_CAP
ROOTS_CAPS = {"en": 1500.0, "fr": 1770.0, "zh": 2095.0, "hi": 1517.0}
DEFAULT_CAP = 10_000.0
HEAD, MIDDLE, TAIL = 0, 1, 2


class PerplexityParams(Params):
    models_dir: Annotated[str, PathParam()] = "models/lm"
    # None: the ROOTS cap of the language, else `default_cap`
    max_perplexity: float | None = Field(None, gt=0)
    default_cap: float = Field(DEFAULT_CAP, gt=0)
    caps: dict[str, float] = dict(ROOTS_CAPS)
    # (30th, 60th) percentile cutoffs of the language's perplexity; None: no bucket
    bucket_cutoffs: tuple[float, float] | None = None


def document_perplexity(sp, model, text: str) -> float:
    """cc_net's pooled perplexity: 10 ** (-sum of line log10 scores / sum of (pieces + 1))."""
    from curation.lm.normalize import normalize_line

    log_score = 0.0
    length = 0
    for line in text.split("\n"):
        line = normalize_line(line)
        if not line:
            continue
        pieces = " ".join(sp.encode(line, out_type=str))
        log_score += model.score(pieces)
        length += len(pieces.split()) + 1
    if length == 0:
        return math.nan
    return round(10.0 ** (-log_score / length), 1)


def bucket(perplexity: float, cutoffs: tuple[float, float] | None) -> float:
    if cutoffs is None or math.isnan(perplexity):
        return math.nan
    head, middle = cutoffs
    return float(HEAD if perplexity <= head else MIDDLE if perplexity <= middle else TAIL)


class Perplexity(Filter):
    """Signals: `perplexity` (NaN when the language has no model or the text is empty), `perplexity_bucket`."""

    name = "perplexity"
    version = "1"
    Params = PerplexityParams

    _worker_state = ("_models",)

    def config_key(self) -> dict:
        """The models' content instead of their folder's path: a moved output folder resumes, retrained models rerun."""
        from curation.runner import fingerprint

        key = super().config_key()
        key["defaults"] = {k: v for k, v in key["defaults"].items() if k != "models_dir"}
        key["langs"] = {lang: {k: v for k, v in p.items() if k != "models_dir"} for lang, p in key["langs"].items()}
        key["models"] = {m.name: fingerprint([m]) for m in self._model_files()}
        return key

    def _model_files(self) -> list[Path]:
        folders = {Path(self.params_for(lang).models_dir) for lang in self.languages()} | {Path(self.defaults.models_dir)}
        return sorted(m for folder in folders if folder.is_dir() for pattern in ("*.sp.model", "*.arpa.bin") for m in folder.glob(pattern))

    def setup(self) -> None:
        self._models: dict[str, tuple | None] = {}

    def model_for(self, lang: str | None):
        """(sentencepiece, kenlm) of the language, loaded once per worker; None if it has none."""
        if not lang:
            return None
        if lang not in self._models:
            from curation.lm.train import model_paths

            params = self.params_for(lang)
            paths = model_paths(Path(params.models_dir), lang)
            if paths.sp_model.exists() and paths.kenlm_model.exists():
                import kenlm
                import sentencepiece as spm

                self._models[lang] = (
                    spm.SentencePieceProcessor(model_file=str(paths.sp_model)),
                    kenlm.Model(str(paths.kenlm_model)),
                )
            else:
                self._models[lang] = None
        return self._models[lang]

    def score(self, batch: Batch) -> Scores:
        perplexities, buckets = [], []
        for text, lang in zip(batch.texts, batch.langs):
            models = self.model_for(lang)
            pp = math.nan if models is None else document_perplexity(*models, text)
            perplexities.append(pp)
            buckets.append(bucket(pp, self.params_for(lang).bucket_cutoffs))
        return Scores(signals={"perplexity": perplexities, "perplexity_bucket": buckets})

    def cap_for(self, lang: str | None) -> float:
        params = self.params_for(lang)
        if params.max_perplexity is not None:
            return params.max_perplexity
        return params.caps.get(lang or "", params.default_cap)

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        pp = signals.get("perplexity", math.nan)
        if math.isnan(pp):
            return None
        cap = self.cap_for(lang)
        if pp > cap:
            return "perplexity_too_high", f"perplexity {pp:.1f} > {cap:g}"
        return None
