"""Per-shard counts keyed by (stage, lang, source, outcome).

Every stage fills one of these per output shard and writes it beside the shard;
`curation stats` aggregates them into one table. Outcome is `kept` or a removal
reason, so "in = kept + removed" can be checked from the counts alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

KEPT = "kept"

Key = tuple[str, str, str, str]  # stage, lang, source, outcome

COUNT_FIELDS = ("docs", "bytes", "chars", "tokens")


def utf8_length(text: str) -> int:
    """The bytes `Counts` counts for a text: its UTF-8 length (a lone surrogate, as shards may hold, kept)."""
    return len(text.encode("utf-8", "surrogatepass"))


@dataclass
class Counts:
    """Additive counters; merging two Counts is exact, so shards aggregate freely."""

    rows: dict[Key, list[int]] = field(default_factory=dict)

    def add(self, stage: str, lang: str | None, source: str, outcome: str, text: str = "", tokens: int = 0, docs: int = 1) -> None:
        self.add_totals(stage, lang, source, outcome, docs, utf8_length(text), len(text), tokens)

    def add_documents(
        self, stage: str, langs: Sequence[str | None], sources: Sequence[str], outcomes: Sequence[str], texts: Sequence[str]
    ) -> None:
        """`add` of every document of a batch: the same totals, each group of documents sharing a key measured at once
        (the bytes of a concatenation are the sum of its parts')."""
        groups: dict[tuple, list[str]] = {}
        for key, text in zip(zip(langs, sources, outcomes), texts):
            groups.setdefault(key, []).append(text)
        for (lang, source, outcome), group in groups.items():
            joined = "".join(group)
            self.add_totals(stage, lang, source, outcome, len(group), utf8_length(joined), len(joined))

    def add_totals(
        self, stage: str, lang: str | None, source: str, outcome: str, docs: int, nbytes: int, chars: int, tokens: int = 0
    ) -> None:
        """`add` for what was measured elsewhere (sums of a shard's columns, bytes cut out of a text)."""
        row = self.rows.setdefault((stage, lang or "und", source, outcome), [0, 0, 0, 0])
        row[0] += docs
        row[1] += nbytes
        row[2] += chars
        row[3] += tokens

    def merge(self, other: Counts) -> Counts:
        for key, values in other.rows.items():
            row = self.rows.setdefault(key, [0, 0, 0, 0])
            for i, v in enumerate(values):
                row[i] += v
        return self

    def docs(self, stage: str | None = None, outcome: str | None = None) -> int:
        return sum(v[0] for (s, _l, _src, o), v in self.rows.items() if (stage is None or s == stage) and (outcome is None or o == outcome))

    def records(self) -> Iterator[dict]:
        """Sorted, so the serialised form is deterministic."""
        for key in sorted(self.rows):
            stage, lang, source, outcome = key
            yield dict(zip(("stage", "lang", "source", "outcome"), key)) | dict(zip(COUNT_FIELDS, self.rows[key]))

    def to_json(self) -> list[dict]:
        return list(self.records())

    @classmethod
    def from_json(cls, records: Iterable[dict]) -> Counts:
        counts = cls()
        for r in records:
            key = (r["stage"], r["lang"], r["source"], r["outcome"])
            counts.rows[key] = [int(r.get(f, 0)) for f in COUNT_FIELDS]
        return counts
