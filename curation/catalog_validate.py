"""Catalog validation: every problem named by file, entry id and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from curation.catalog import CatalogEntry, read_raw


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: entry {self.entry!r}: field {self.field!r}: {self.message}"


def validate_file(path: Path) -> tuple[list[CatalogEntry], list[Problem]]:
    path = Path(path)
    try:
        raw = read_raw(path)
    except FileNotFoundError:
        return [], [Problem(str(path), "-", "-", "file not found")]
    except Exception as exc:  # yaml syntax errors carry their line
        return [], [Problem(str(path), "-", "-", f"not valid YAML: {exc}")]
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        return [], [Problem(str(path), "-", "sources", "expected a mapping with a 'sources' list")]

    entries: list[CatalogEntry] = []
    problems: list[Problem] = []
    for i, item in enumerate(raw["sources"]):
        label = str(item.get("id", f"#{i + 1}")) if isinstance(item, dict) else f"#{i + 1}"
        try:
            entries.append(CatalogEntry.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "-"
                problems.append(Problem(str(path), label, field, err["msg"]))
    return entries, problems
