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
    "code": "filters.code:CodeHeuristics",
    "license": "filters.license:LicenseFilter",
    "secrets": "filters.secrets:SecretsRedaction",
}

# the order the chain applies them in: cheap and language-setting first, rewriting last
DEFAULT_CHAIN = ("langid", "quality", "perplexity", "adult", "code", "license", "secrets", "pii")


def get_filter_class(name: str):
    try:
        target = FILTERS[name]
    except KeyError:
        raise ValueError(f"unknown filter {name!r}; known filters: {', '.join(FILTERS)}") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)


def parameter_problems(name: str, values: dict) -> list[tuple[str, str]]:
    """(parameter, message) for each value the filter's own `Params` model refuses: unknown names, wrong
    types, values out of range. The model is the one list of names and ranges; nothing here repeats it."""
    from pydantic import ValidationError

    params = get_filter_class(name).Params
    known = ", ".join(params.model_fields)
    problems = []
    for param, value in values.items():
        if param not in params.model_fields:
            problems.append((param, f"unknown parameter {param!r} of filter {name!r}; known: {known}"))
            continue
        try:
            params.model_validate({param: value})
        except ValidationError as exc:
            problems += [(param, f"{value!r}: {err['msg']}") for err in exc.errors()]
    return problems
