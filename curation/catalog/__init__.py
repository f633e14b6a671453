"""The source catalog: typed entries (`entry`), validation (`validate`), loading.

Validation collects every problem (file, entry id, field, message) instead of
stopping at the first, so a working group fixes a pull request in one round.
"""

from __future__ import annotations

from pathlib import Path

from curation.catalog.entry import Catalog, CatalogEntry, read_raw
from curation.catalog.validate import validate_file

__all__ = ["Catalog", "CatalogEntry", "CatalogError", "load_catalog", "load_selection", "read_raw"]


def load_catalog(path: str | Path) -> Catalog:
    """Load and validate; raise CatalogError listing every problem. The catalog's folder, which its
    locations are relative to, is absolute: the same catalog gives the same tasks from any directory."""
    path = Path(path).absolute()
    entries, problems = validate_file(path)
    if problems:
        raise CatalogError(problems)
    return Catalog(path=path, entries=tuple(entries))


def load_selection(config) -> tuple[Catalog, list[CatalogEntry]]:
    """The catalog of a run config and the entries the run covers (its sources, langs and statuses)."""
    catalog = load_catalog(config.catalog)
    entries = catalog.select(ids=config.sources or None, langs=config.langs or None, statuses=config.statuses or None)
    if not entries:
        raise ValueError(f"{config.catalog}: no entry matches sources={config.sources} langs={config.langs} statuses={config.statuses}")
    return catalog, entries


class CatalogError(ValueError):
    def __init__(self, problems: list) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
