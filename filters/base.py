"""The filter contract and the counting every filter shares.

A filter says what it measures (`score`) and what it decides from those
measurements (`decide`); it never counts, writes or reads shards. Scoring and
deciding are separate so auditors can re-threshold from the stored signals
without rerunning models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from curation.counts import KEPT, Counts


class Params(BaseModel):
    """Base of every filter's parameter model; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class PathParam:
    """Marks a parameter naming a file or folder (`Annotated[str | None, PathParam()]`): written relative in a config
    file, it is relative to that file, as the config's own paths are; `keywords` are values that name no file."""

    keywords: tuple[str, ...] = ()


def path_params(params: type[Params]) -> dict[str, PathParam]:
    """The parameters of a filter's `Params` that name files or folders."""
    return {name: m for name, field in params.model_fields.items() for m in field.metadata if isinstance(m, PathParam)}


@dataclass
class Batch:
    """The documents one filter call sees, as plain columns."""

    ids: list[str]
    sources: list[str]
    urls: list[str | None]
    texts: list[str]
    langs: list[str | None]
    lang_scores: list[float | None]
    signals: list[dict[str, float]]
    declared: list[tuple[str, ...]]  # languages the catalog entry declares, per document
    metas: list[str | None] | None = None  # the `meta` JSON strings (None: no metadata for any)

    def __post_init__(self) -> None:
        if self.metas is None:
            self.metas = [None] * len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: Sequence[int]) -> Batch:
        return Batch(*([getattr(self, f)[i] for i in rows] for f in self.__dataclass_fields__))


@dataclass
class Scores:
    """What `score` measured. Optional columns replace the batch's own (langid, PII)."""

    signals: dict[str, Sequence[float | None]] = field(default_factory=dict)  # None: not measured
    langs: Sequence[str | None] | None = None
    lang_scores: Sequence[float | None] | None = None
    details: Sequence[str | None] | None = None  # per document: safe text added to a removal's detail (e.g. the matched blocklist domain)
    texts: Sequence[str] | None = None  # rewritten text (e.g. PII redaction)
    urls: Sequence[str | None] | None = None  # rewritten urls (PII redaction)
    metas: Sequence[str | None] | None = None  # rewritten meta JSON strings (PII redaction)
    # per document: number of rewrites made, or rewrites per kind (e.g. {"email": 2}); counted, never logged
    rewrites: Sequence[int | Mapping[str, int]] | None = None
    # per document: why it could not be measured (e.g. "no_model"; the document is kept), counted under
    # stage `filter:<name>:unmeasured` with that outcome; None: measured
    unmeasured: Sequence[str | None] | None = None


Verdict = tuple[str, str]  # (snake_case reason, detail safe to show: no document text)


class Filter:
    """Subclasses set `name`, `version`, `Params`, and implement `score` and `decide`.

    A language's parameters are layered, lowest to highest: the `Params` defaults,
    `builtin_defaults()`, `builtin_langs()[lang]`, `derived[lang]` (a thresholds file derived
    from data: `curation.filter_thresholds`), the run's `params`, the run's `langs[lang]`, and a
    source's `source` values.
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    Params: ClassVar[type[Params]] = Params
    # filters that apply to natural language only are skipped for code sources
    natural_language_only: ClassVar[bool] = True
    # filters made for code (code heuristics, license, secrets) are skipped for natural-language sources
    code_only: ClassVar[bool] = False
    # signal → (parameter, "min" | "max") it is checked against: what `curation filter calibrate` prints
    thresholds: ClassVar[Mapping[str, tuple[str, str]]] = {}
    # signals of `thresholds` that measure a document's length: never derived from reference text cut to a size
    length_signals: ClassVar[frozenset[str]] = frozenset()
    # attributes `setup` loads in each worker: never pickled (class-level values stand in until setup)
    _worker_state: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        langs: Mapping[str, Mapping[str, Any]] | None = None,
        source: Mapping[str, Any] | None = None,
        derived: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        """`params`: the run's values for every language; `langs`: the run's per language; `source`: a source's, winning
        over all; `derived`: per language, values derived from data (a thresholds file), over the built-in packs."""
        builtin, builtin_langs, run_langs, derived = self.builtin_defaults(), self.builtin_langs(), langs or {}, derived or {}

        def layered(lang: str | None) -> Params:
            values: dict[str, Any] = {}
            for layer in (builtin, builtin_langs.get(lang), derived.get(lang), params, run_langs.get(lang), source):
                values.update(layer or {})
            return self.Params(**values)

        self.defaults = layered(None)
        self._per_lang = {lang: layered(lang) for lang in sorted(set(builtin_langs) | set(derived) | set(run_langs))}
        self._ready = False

    @classmethod
    def builtin_defaults(cls) -> dict[str, Any]:
        """Built-in values for every language, over the `Params` defaults (e.g. a "default" pack)."""
        return {}

    @classmethod
    def builtin_langs(cls) -> dict[str, dict[str, Any]]:
        """Built-in values per language (e.g. the ROOTS packs)."""
        return {}

    def languages(self) -> list[str]:
        """The languages with parameters of their own (built-in or configured), sorted."""
        return sorted(self._per_lang)

    def params_for(self, lang: str | None) -> Params:
        """The language's parameters; `zh-Hant` falls back to `zh`, then to the defaults."""
        lang = lang or ""
        params = self._per_lang.get(lang)
        if params is None and "-" in lang:
            params = self._per_lang.get(lang.split("-")[0])
        return params or self.defaults

    def effective_parameters(self) -> dict[str, Any]:
        """{"defaults": values, "langs": {lang: values}} as JSON-ready dicts."""
        return {
            "defaults": self.defaults.model_dump(mode="json"),
            "langs": {lang: self._per_lang[lang].model_dump(mode="json") for lang in self.languages()},
        }

    def setup(self) -> None:
        """Load models once per worker process; called lazily so filters stay picklable."""

    def __getstate__(self) -> dict:
        """Everything but the per-worker attributes; `setup` runs again after unpickling."""
        state = {k: v for k, v in self.__dict__.items() if k not in self._worker_state}
        state["_ready"] = False
        return state

    def score(self, batch: Batch) -> Scores:
        raise NotImplementedError

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        """None keeps the document; a verdict removes it."""
        raise NotImplementedError

    def config_key(self) -> dict:
        """What identifies this filter's behaviour, for resume markers."""
        return {"name": self.name, "version": self.version} | self.effective_parameters()

    def ensure_setup(self) -> None:
        if not self._ready:
            self.setup()
            self._ready = True


def record_signals(signals: list[dict[str, float]], columns: Mapping[str, Sequence[float | None]]) -> None:
    """Each document's signals from the score's columns, as floats; None (not measured for this document, e.g. no
    word list) leaves the signal out."""
    for name, column in columns.items():
        if None in column:
            for doc, value in zip(signals, column):
                if value is not None:
                    doc[name] = float(value)
        else:
            for doc, value in zip(signals, map(float, column)):
                doc[name] = value


@dataclass
class Removal:
    row: int
    stage: str
    reason: str
    detail: str


def apply_filter(f: Filter, batch: Batch, counts: Counts, stage_prefix: str = "filter") -> tuple[Batch, list[tuple[int, Verdict]]]:
    """Score and decide one batch; record signals and counts; return (batch, removals).

    Counts go under stage `filter:<name>` with outcome `kept` or the reason, so every
    filter's in = kept + removed holds per language and source.
    """
    f.ensure_setup()
    scores = f.score(batch)
    if scores.langs is not None:
        batch.langs = list(scores.langs)
    if scores.lang_scores is not None:
        batch.lang_scores = list(scores.lang_scores)
    if scores.texts is not None:
        batch.texts = list(scores.texts)
    if scores.urls is not None:
        batch.urls = list(scores.urls)
    if scores.metas is not None:
        batch.metas = list(scores.metas)
    record_signals(batch.signals, scores.signals)
    stage = f"{stage_prefix}:{f.name}"
    removals: list[tuple[int, Verdict]] = []
    outcomes = [KEPT] * len(batch)
    for i, (signals, lang) in enumerate(zip(batch.signals, batch.langs)):
        verdict = f.decide(signals, lang)
        if verdict is not None:
            if scores.details is not None and (detail := scores.details[i]):
                verdict = (verdict[0], f"{verdict[1]} {detail}")
            outcomes[i] = verdict[0]
            removals.append((i, verdict))
    counts.add_documents(stage, batch.langs, batch.sources, outcomes, batch.texts)
    for i, why in enumerate(scores.unmeasured or ()):
        if why:
            counts.add(f"{stage}:unmeasured", batch.langs[i], batch.sources[i], why, batch.texts[i])
    if scores.rewrites is not None:
        for i, n in enumerate(scores.rewrites):
            if n:
                counts.add(f"{stage}:rewritten", batch.langs[i], batch.sources[i], "rewritten", "", tokens=0)
                # per kind, outcome = the kind and `docs` = rewrites of that kind (e.g. PII entities redacted)
                for kind, k in sorted(n.items()) if isinstance(n, Mapping) else ():
                    for _ in range(k):
                        counts.add(f"{stage}:rewritten", batch.langs[i], batch.sources[i], kind, "")
    return batch, removals
