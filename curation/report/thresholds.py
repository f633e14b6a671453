"""Which threshold to draw on each signal's distribution, per language.

The report takes `{signal_name: {lang: threshold}}`; the key `"*"` is the value for
languages without their own. `thresholds_for(config)` is the one place that turns
the run config's filter parameters into that mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Thresholds = dict[str, dict[str, float]]


def _filter_specs(config: Any, resolve: Callable[[str], type] | None):
    """(filter instance, its `thresholds` table) for each filter of the configured chain that declares one."""
    section = getattr(config, "filter", None)
    chain = getattr(section, "chain", None) or []
    if resolve is None:
        try:
            from filters import get_filter_class as resolve
        except ImportError:
            return
    for name in chain:
        try:
            cls = resolve(name)
            table = getattr(cls, "thresholds", None)
            if not table:
                continue
            params = (getattr(section, "params", None) or {}).get(name)
            langs = (getattr(section, "langs", None) or {}).get(name)
            derived = _derived(section, name)
            yield (cls(params, langs, derived=derived) if derived else cls(params, langs)), table
        except Exception:  # a filter that cannot be built here (missing model file) just draws no line
            continue


def _derived(section: Any, name: str) -> dict | None:
    """The filter's values from the section's `thresholds_file` (derived from data), when it names one."""
    path = getattr(section, "thresholds_file", None)
    if not path:
        return None
    from curation.filter_thresholds import derivable, read_filter_thresholds

    return read_filter_thresholds(path).get(name) if name in derivable([name]) else None


def thresholds_for(config: Any, resolve: Callable[[str], type] | None = None) -> Thresholds:
    """Thresholds of the run's filters, by signal and language.

    Reads `config.filter.chain`, `.params`, `.langs` and `.thresholds_file`; each filter class declares
    `thresholds = {signal: (parameter, "min" | "max")}`. Defaults go under `"*"`,
    per-language values (built-in or configured) under their language code.
    """
    out: Thresholds = {}
    for f, table in _filter_specs(config, resolve):
        for signal, (param, _kind) in sorted(table.items()):
            # a parameter left unset (the classifier's min_score: each model's own threshold) draws no line
            values = {
                lang: float(v)
                for lang in ["*", *f.languages()]
                if (v := getattr(f.params_for(None if lang == "*" else lang), param)) is not None
            }
            # a filter may judge by values no parameter holds (the classifier: each language's model threshold)
            values |= getattr(f, "threshold_values", lambda _signal: {})(signal)
            if values:
                out[signal] = values
    return out


def directions_for(config: Any, resolve: Callable[[str], type] | None = None) -> dict[str, str]:
    """Per signal, which side a filter removes: `"below"` a minimum or `"above"` a maximum."""
    return {
        signal: ("below" if kind == "min" else "above")
        for _f, table in _filter_specs(config, resolve)
        for signal, (_p, kind) in sorted(table.items())
    }


def threshold_of(thresholds: Mapping[str, Mapping[str, float]] | None, signal: str, lang: str) -> float | None:
    per_lang = (thresholds or {}).get(signal) or {}
    value = per_lang.get(lang, per_lang.get("*"))
    return float(value) if value is not None else None
