"""Helpers for the file-adapter tests: the sample catalog, ad-hoc entries, reading a source.

A plain module (not a conftest) so its name cannot clash with other test folders' helpers.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

from curation.catalog import Catalog, CatalogEntry, load_catalog
from sources import get_adapter
from sources.base import BadRecord, RawDocument

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "sources"


@functools.cache
def sample() -> Catalog:
    return load_catalog(ROOT / "samples" / "catalog.yaml")


def make_entry(kind: str, location: str | Path, source_id: str = "test_source", languages=("en",), **options) -> CatalogEntry:
    return CatalogEntry(
        id=source_id,
        name=source_id,
        languages=list(languages),
        license="CC-BY-SA-4.0",
        kind=kind,
        location=str(location),
        proposed_by="tests",
        status="approved",
        options=options,
    )


def read_source(entry: CatalogEntry, root: Path) -> tuple[list[RawDocument], list[BadRecord]]:
    """Every record of every file of a source, split into documents and bad records."""
    adapter = get_adapter(entry.kind)
    docs, bad = [], []
    for path in adapter.list_files(entry, root, None):
        for record in adapter.read(path, entry, None):
            (bad if isinstance(record, BadRecord) else docs).append(record)
    return docs, bad


def langs(docs: list[RawDocument]) -> dict[str | None, int]:
    return dict(Counter(d.lang for d in docs))


def problems(bad: list[BadRecord]) -> list[tuple[int | None, str]]:
    return [(b.offset, b.problem) for b in bad]
