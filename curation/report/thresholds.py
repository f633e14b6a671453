"""Which threshold to draw on each signal's distribution, per language.

The report takes `{signal_name: {lang: threshold}}`; the key `"*"` is the value for
languages without their own. `thresholds_for(config)` is the one place that turns
the run config's filter parameters into that mapping.
"""

from __future__ import annotations

from typing import Any, Mapping

Thresholds = dict[str, dict[str, float]]


def thresholds_for(config: Any) -> Thresholds:
    """Thresholds of the run's filters, by signal and language.

    Empty until the filter stage's config (`RunConfig.filter`) is wired in: each
    filter knows which of its parameters bounds which signal (e.g. perplexity's
    per-language cap bounds the `perplexity` signal).
    """
    return {}


def threshold_of(thresholds: Mapping[str, Mapping[str, float]] | None, signal: str, lang: str) -> float | None:
    per_lang = (thresholds or {}).get(signal) or {}
    value = per_lang.get(lang, per_lang.get("*"))
    return float(value) if value is not None else None
