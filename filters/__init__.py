"""Filters, chosen by name through one explicit table (lazy imports, no import-time registry)."""

from __future__ import annotations

import importlib

FILTERS: dict[str, str] = {
    "langid": "filters.langid:LanguageId",
    "quality": "filters.quality:QualityHeuristics",
    "gopher": "filters.gopher:GopherRules",
    "perplexity": "filters.perplexity:Perplexity",
    "adult": "filters.adult:AdultContent",
    "pii": "filters.pii:PiiRedaction",
    "classifier": "filters.classifier:QualityClassifier",
}

# the order the chain applies them in: cheap and language-setting first, rewriting last
DEFAULT_CHAIN = ("langid", "quality", "perplexity", "adult", "pii")


def get_filter_class(name: str):
    try:
        target = FILTERS[name]
    except KeyError:
        raise ValueError(f"unknown filter {name!r}; known filters: {', '.join(FILTERS)}") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)
