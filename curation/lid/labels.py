"""The languages a LID model can output, read once per model file (fastText `get_labels()`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from curation.file_cache import per_file_version
from filters.lang_labels import covers


def model_labels(model_path: str | Path | None = None) -> frozenset[str]:
    """The normalised tags the langid model (default: lid.176.ftz) can output."""
    from filters.langid import LanguageId

    return _labels_of(LanguageId({"model_path": str(model_path)} if model_path else None).model_file())


@per_file_version(maxsize=8)
def _labels_of(path: Path) -> frozenset[str]:
    from filters.langid import LanguageId

    return LanguageId({"model_path": str(path)}).output_labels()


def uncovered(languages: Iterable[str], labels: frozenset[str]) -> list[str]:
    """The declared languages no label of the model counts as (`zu` for lid.176); `zxx`/`mul`/`und` are never."""
    return [lang for lang in languages if lang not in ("zxx", "mul", "und") and not covers(labels, lang)]


def languages_listed(languages: list[str], limit: int = 12) -> str:
    """`zu, xh and 3 more`: a list of languages short enough for one line of a summary or a warning."""
    return ", ".join(languages[:limit]) + (f" and {len(languages) - limit} more" if len(languages) > limit else "")
