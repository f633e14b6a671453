"""The languages a LID model can output, read once per model file (fastText `get_labels()`)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from filters.lang_labels import covers


def model_labels(model_path: str | Path | None = None) -> frozenset[str]:
    """The normalised tags the langid model (default: lid.176.ftz) can output."""
    from filters.langid import LanguageId

    path = LanguageId({"model_path": str(model_path)} if model_path else None).model_file()
    stat = path.stat()
    return _labels_of(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _labels_of(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    """Cached by file identity: a model rewritten in place is read again."""
    from filters.langid import LanguageId

    return LanguageId({"model_path": path}).output_labels()


def uncovered(languages: Iterable[str], labels: frozenset[str]) -> list[str]:
    """The declared languages no label of the model counts as (`zu` for lid.176); `zxx`/`mul`/`und` are never."""
    return [lang for lang in languages if lang not in ("zxx", "mul", "und") and not covers(labels, lang)]


def languages_listed(languages: list[str], limit: int = 12) -> str:
    """`zu, xh and 3 more`: a list of languages short enough for one line of a summary or a warning."""
    return ", ".join(languages[:limit]) + (f" and {len(languages) - limit} more" if len(languages) > limit else "")
