"""Pseudo-crawl: the pages of chosen websites, picked out of web-crawl WARC archives.

This is how ROOTS built its pseudo-crawl sources: working groups named seed
sites (a domain, or a host plus a URL path prefix) and the pages of those sites
were taken from Common Crawl. An entry's `location` is one seed URL; more go in
`options.prefixes`. The archives searched are `options.archives` (globs,
relative to the catalog file) or else the run config's `ingest.crawl_archives`
(same rule).

Matching (scheme is ignored, hosts compare lowercase and `www.`-insensitive):
- a seed without a path (`bbc.com`, `https://bbc.com/`) matches its host and
  every subdomain (`www.bbc.com`, `news.bbc.com`), any path;
- a seed with a path (`https://www.bbc.com/swahili`) matches that host only,
  and paths equal to the prefix or continuing it at a segment boundary
  (`/swahili`, `/swahili/habari-1`), not `/swahilinews`. A prefix ending in
  `/` matches anything below it.
Each document's meta keeps the seed it matched (`seed`); the rest is as `sources.warc`.
The ingest stage reads each archive once for all pseudo_crawl sources
(`curation.ingest.crawl_routing`); `read` here serves one entry alone.
"""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sources.base import BadRecord, RawDocument, SourceLocationError, contained
from sources.warc import OPTIONS as WARC_OPTIONS
from sources.warc import read_selected

OPTIONS: dict[str, type] = WARC_OPTIONS | {"prefixes": list, "archives": list}


class SeedError(ValueError):
    """A seed that is not a URL or domain."""


def _norm_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def parse_seed(seed: str) -> tuple[str, str]:
    """(host without www., path prefix or "") of one seed URL or bare domain."""
    raw = seed.strip()
    parts = urlsplit(raw if "://" in raw else "http://" + raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise SeedError(f"seed {seed!r} is not an http(s) URL or a domain name")
    path = parts.path
    return _norm_host(parts.hostname), "" if path in ("", "/") else path


class SeedMatcher:
    """URL → the seed it belongs to (a host + path seed before a domain seed), or None."""

    def __init__(self, seeds: list[str]) -> None:
        if not seeds:
            raise SeedError("no seeds given")
        self.domains: dict[str, str] = {}  # host → seed, subdomains included
        self.prefixes: dict[str, list[tuple[str, str]]] = {}  # host → [(path prefix, seed)]
        for seed in seeds:
            host, path = parse_seed(seed)
            if path:
                self.prefixes.setdefault(host, []).append((path, seed))
            else:
                self.domains.setdefault(host, seed)

    def __call__(self, url: str) -> str | None:
        try:
            parts = urlsplit(url)
            hostname = parts.hostname
        except ValueError:
            return None
        if not hostname:
            return None
        host = _norm_host(hostname)
        for path_prefix, seed in self.prefixes.get(host, ()):
            if _path_matches(parts.path or "/", path_prefix):
                return seed
        labels = host.split(".")
        for i in range(len(labels) - 1):
            seed = self.domains.get(".".join(labels[i:]))
            if seed is not None:
                return seed
        return None


def _path_matches(path: str, prefix: str) -> bool:
    if prefix.endswith("/"):
        return path.startswith(prefix)
    return path == prefix or path.startswith(prefix + "/")


def seeds_of(entry: Any) -> list[str]:
    return list(entry.options.get("prefixes") or []) or [entry.location]


def list_files(entry: Any, root: Path, options: Any = None) -> list[Path]:
    """The crawl archives the entry selects from (its own `archives`, else the run's `crawl_archives`)."""
    SeedMatcher(seeds_of(entry))  # fail at planning time on a bad seed
    own = entry.options.get("archives")
    if own:  # the catalog's own paths stay inside its folder; the run's `crawl_archives` are the operator's
        patterns = [contained(entry, "options.archives", p, root) for p in ([own] if isinstance(own, str) else own)]
    else:
        patterns = [Path(p) if Path(p).is_absolute() else Path(root) / p for p in (getattr(options, "crawl_archives", None) or [])]
    if not patterns:
        raise SourceLocationError(
            f"source {entry.id!r}: a pseudo_crawl entry needs archives: set options.archives or ingest.crawl_archives"
        )
    files: set[Path] = set()
    for base in patterns:
        files.update(Path(p) for p in glob.glob(str(base), recursive=True) if Path(p).is_file())
    if not files:
        raise SourceLocationError(f"source {entry.id!r}: archives {[str(p) for p in patterns]!r} match no file")
    return sorted(files)


def read(path: Path, entry: Any, options: Any = None, skipped: Counter | None = None) -> Iterator[RawDocument | BadRecord]:
    """The pages of the entry's seed sites found in one archive."""
    return read_selected(path, entry, options, skipped, select=SeedMatcher(seeds_of(entry)))
