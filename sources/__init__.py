"""Source adapters: one module per kind of source, chosen by name through one table.

The table maps a catalog `kind` to its module; modules import lazily so that
reading the catalog never pulls in WARC or HF machinery it does not need.
"""

from __future__ import annotations

import importlib
from types import ModuleType

ADAPTERS: dict[str, str] = {
    "jsonl": "sources.jsonl",
    "parquet": "sources.parquet",
    "text": "sources.text",
    "csv": "sources.csv",
    "hf": "sources.hf",
    "warc": "sources.warc",
    "wet": "sources.wet",
    "pseudo_crawl": "sources.pseudo_crawl",
    "code": "sources.code",
}


def get_adapter(kind: str) -> ModuleType:
    """The adapter module for a catalog kind; it exposes `list_files` and `read`."""
    try:
        module = ADAPTERS[kind]
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(ADAPTERS))}") from None
    return importlib.import_module(module)
