"""A catalog entry and the catalog, as typed models; the YAML reader."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from curation.yaml_safe import load_yaml


class CatalogEntry(BaseModel):
    """One hand-picked source or crawl feed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    description: str = ""
    homepage: str | None = None
    languages: list[str]
    license: str
    kind: str
    location: str
    proposed_by: str
    status: Literal["proposed", "approved", "rejected"] = "proposed"  # only approved entries run by default
    # per-kind reader options, e.g. {"text_field": "content"} for jsonl
    options: dict[str, Any] = Field(default_factory=dict)
    # per-source filter overrides, e.g. {"skip": ["quality"], "pii": "drop"}
    filters: dict[str, Any] = Field(default_factory=dict)
    priority: int = 0  # dedup survivor preference: higher wins
    # informational: approximate bytes of text (for sampling plans and stats)
    size_bytes: int | None = None
    # where the entry came from, e.g. "seeds_batch1#595", "roots:lm_ar_..." (auditors trace sources)
    provenance: list[str] = Field(default_factory=list)

    @property
    def license_id(self) -> str:
        """The license as an SPDX id (or expression), `unknown` when not established (`catalog.licenses`)."""
        from curation.catalog.licenses import normalise

        return normalise(self.license)

    @property
    def license_group(self) -> str:
        """permissive, copyleft, non-commercial or unknown (`catalog.licenses`)."""
        from curation.catalog.licenses import group

        return group(self.license)


@dataclass(frozen=True)
class Catalog:
    path: Path
    entries: tuple[CatalogEntry, ...]

    @property
    def root(self) -> Path:
        """Relative locations resolve against the catalog file's folder."""
        return self.path.parent

    def get(self, source_id: str) -> CatalogEntry:
        for entry in self.entries:
            if entry.id == source_id:
                return entry
        raise KeyError(f"{self.path}: no catalog entry with id {source_id!r}")

    def select(
        self,
        ids: list[str] | None = None,
        langs: list[str] | None = None,
        kinds: list[str] | None = None,
        statuses: list[str] | None = None,
    ) -> list[CatalogEntry]:
        out = []
        for e in self.entries:
            if ids and e.id not in ids:
                continue
            if langs and not set(langs) & set(e.languages):
                continue
            if kinds and e.kind not in kinds:
                continue
            if statuses and e.status not in statuses:
                continue
            out.append(e)
        return out


def read_raw(path: Path) -> Any:
    """Parse with libyaml when present (the full catalog loads ~10x faster than with pure Python), refusing alias bombs."""
    with open(path, encoding="utf-8") as f:
        return load_yaml(f)
