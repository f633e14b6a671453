"""PII in the `url` and `meta` columns: each part analysed on its own, only the PII replaced.

A URL is cut at its delimiters (`/ ? & # ; =`), and every part between them is analysed
percent-decoded, so `https://x.org/contact?email=jane@x.org` keeps its host, path and key:
`https://x.org/contact?email=<EMAIL>`; `.../user/+4915112345678` becomes `.../user/<PHONE>`.
`meta` is a JSON string: every string in it (keys too) is analysed on its own and the JSON
written back in the canonical form (`curation.schema.dump_meta`). A query value or a JSON
value is analysed with its key in front (`phone: 030 1234567`), so a field named `tel` or
`phone` is the context a bare national number needs (see `filters.pii_phone`). The parts of
one column go to the analyzer together, one per line: one analysis per column, not per part.

`find(text, lang)` is the PII filter's own detector; these functions only cut and reassemble.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, unquote

from curation.schema import dump_meta
from filters.pii_patterns import Finding, candidate_spans, redact

Find = Callable[[str, "str | None"], list[Finding]]

_URL_DELIMITERS = re.compile(r"([/?&#;=])")
# characters a URL part keeps unescaped when it is written back after a redaction
_URL_SAFE = "!$'()*+,:@-._~<>"


def find_in_parts(find: Find, parts: list[tuple[str | None, str]], lang: str | None) -> list[list[Finding]]:
    """Findings per part (offsets into the part), from one analysis of all of them: each part on a line
    of its own, after its label (`phone: 030 1234567`). No pattern continues across a line end, and one
    analysis costs far less than one per part."""
    lines, starts, ends, pos = [], [], [], 0
    for label, value in parts:
        prefix = f"{label}: " if label else ""
        starts.append(pos + len(prefix))
        ends.append(starts[-1] + len(value))
        lines.append(prefix + value)
        pos = ends[-1] + 1
    per_part: list[list[Finding]] = [[] for _ in parts]
    for f in find("\n".join(lines), lang) if parts else []:
        j = bisect_right(starts, f.end - 1) - 1  # the part the finding ends in (a label's findings end before its value)
        if j >= 0 and f.end > starts[j] and f.start < ends[j]:
            per_part[j].append(Finding(f.kind, max(f.start, starts[j]) - starts[j], min(f.end, ends[j]) - starts[j], f.score))
    return per_part


def redact_url(find: Find, url: str | None, lang: str | None) -> tuple[str | None, Counter]:
    """The URL with PII in its parts replaced by placeholders, and the entities found per kind.

    Parts are analysed percent-decoded (`jane%40x.org`); a changed part is written back re-encoded."""
    found: Counter = Counter()
    if not url or not candidate_spans(unquote(url)):
        return url, found
    pieces = _URL_DELIMITERS.split(url)  # parts at even positions, delimiters between them
    slots = [i for i in range(0, len(pieces), 2) if pieces[i]]
    keys = [unquote(pieces[i - 2]) if i >= 2 and pieces[i - 1] == "=" else None for i in slots]
    decoded = [unquote(pieces[i]) for i in slots]
    for i, value, findings in zip(slots, decoded, find_in_parts(find, list(zip(keys, decoded)), lang)):
        if findings:
            found.update(f.kind for f in findings)
            redacted = redact(value, findings)
            pieces[i] = redacted if value == pieces[i] else quote(redacted, safe=_URL_SAFE)
    return "".join(pieces), found


def _strings(value: Any, label: str | None = None) -> Iterator[tuple[str | None, str]]:
    """(label, string) for every string inside a JSON-like value, dict keys included, in walk order."""
    if isinstance(value, str):
        yield label, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield None, str(k)
            yield from _strings(v, str(k))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, label)


def _rebuild(value: Any, strings: Iterator[str]) -> Any:
    """`value` with its strings replaced, in `_strings`' order."""
    if isinstance(value, str):
        return next(strings)
    if isinstance(value, dict):
        return {next(strings): _rebuild(v, strings) for _k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rebuild(v, strings) for v in value]
    return value


def redact_json(find: Find, value: Any, lang: str | None, found: Counter) -> Any:
    """Every string inside a JSON-like value redacted (dict keys too; a value after its key), the structure kept."""
    parts = list(_strings(value))
    per_part = find_in_parts(find, parts, lang)
    for findings in per_part:
        found.update(f.kind for f in findings)
    return _rebuild(value, iter(redact(text, f) for (_, text), f in zip(parts, per_part)))


def redact_meta(find: Find, meta: str | None, lang: str | None) -> tuple[str | None, Counter]:
    """The `meta` JSON string with PII replaced in every string it holds (not JSON: as plain text)."""
    found: Counter = Counter()
    if not meta or not candidate_spans(meta):
        return meta, found
    try:
        value = json.loads(meta)
    except ValueError:
        return redact_json(find, meta, lang, found), found
    redacted = redact_json(find, value, lang, found)
    if not found:
        return meta, found
    return dump_meta(redacted) if isinstance(redacted, dict) else json.dumps(redacted, ensure_ascii=False, sort_keys=True), found
