"""Per-language langid thresholds: presets and the versioned thresholds files `curation lid train` writes.

A thresholds file (JSON, `"format": "curation.lid-thresholds/1"`) records how its
values were made: the method, the models, the sample (reference files, documents
per language) and, per language, `min_score` with the removal rate expected on that
language's own held-out text and the share of other languages' held-out text it
would let through. Presets:

* `roots`: BigScience ROOTS' `lang_score_min` values (24 languages, 0.7 elsewhere);
* `derived` (default): `filters/data/lid_thresholds.json`, derived by this project
  with lid.176 from held-out text of 150+ languages (`scripts/derive_lid_thresholds.py`),
  over `roots` for languages it lacks;
* a file path: that file's languages over `derived`.
"""

from __future__ import annotations

import json
from pathlib import Path

from curation.file_cache import per_file_version
from filters.lang_labels import normalise_tag
from filters.wordlists import DATA, builtin_packs

FORMAT = "curation.lid-thresholds/1"
DERIVED_FILE = DATA / "lid_thresholds.json"
PRESETS = ("derived", "roots")


class ThresholdsError(ValueError):
    pass


def read_thresholds(path: str | Path) -> dict[str, float]:
    """{language: min_score} of a thresholds file, checked."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ThresholdsError(f"langid thresholds {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ThresholdsError(f"langid thresholds {path}: field 'format' must be {FORMAT!r}")
    values = {}
    for lang, entry in (data.get("languages") or {}).items():
        score = entry.get("min_score") if isinstance(entry, dict) else None
        if not isinstance(score, (int, float)) or not 0.0 <= score <= 1.0:
            raise ThresholdsError(f"langid thresholds {path}: languages.{lang}.min_score must be a number in [0, 1], not {score!r}")
        values[normalise_tag(lang)] = float(score)
    return values


def roots_thresholds() -> dict[str, float]:
    return {lang: float(p["lang_score_min"]) for lang, p in builtin_packs().items() if lang != "default"}


def preset_thresholds(preset: str) -> dict[str, float]:
    """{language: min_score} of a preset name or a thresholds file (see the module docstring)."""
    if preset == "roots":
        return roots_thresholds()
    derived = roots_thresholds() | (_file_values(DERIVED_FILE) if DERIVED_FILE.exists() else {})
    if preset == "derived":
        return derived
    path = Path(preset)
    if not path.is_file():
        raise ThresholdsError(f"langid thresholds: {preset!r} is neither a preset ({', '.join(PRESETS)}) nor a thresholds file")
    return derived | _file_values(path)


@per_file_version()
def _file_values(path: Path) -> dict[str, float]:
    return read_thresholds(path)


def expected_removals(path: Path = DERIVED_FILE) -> dict[str, float]:
    """{language: the share of its held-out documents the base model removes at its threshold} of a thresholds file
    (the `derived` preset's by default: where lid.176 cannot identify a language on held-out text); read once per file."""
    return _file_removals(path) if path.exists() else {}


@per_file_version(maxsize=4)
def _file_removals(path: Path) -> dict[str, float]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {normalise_tag(lang): float(entry.get("expected_removal", 0.0)) for lang, entry in (data.get("languages") or {}).items()}
