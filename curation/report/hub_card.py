"""The Hugging Face Hub YAML front matter of a data card, so `datacards/<lang>.md` publishes as a dataset card.

Fields (Hub dataset card metadata): `pretty_name`, `language` (the ISO 639 code the Hub indexes; the full
BCP-47 tag in `language_bcp47` when it says more, `sr-Latn`), `license` (the sources' licenses as Hub /
SPDX ids, lower-case; `unknown` kept explicit; `other` with `license_name` for the rest), `size_categories`
(by final documents), `task_categories`, `task_ids`, `multilinguality`, `tags`.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

# the Hub's size buckets, by number of examples
SIZE_BUCKETS = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"),
    (100_000_000_000, "10B<n<100B"),
    (1_000_000_000_000, "100B<n<1T"),
)
NO_LANGUAGE = {"und", "zxx", "mul"}


def size_category(docs: int) -> str:
    return next((name for limit, name in SIZE_BUCKETS if docs < limit), "n>1T")


def hub_licenses(licenses: Iterable[str]) -> tuple[list[str], list[str]]:
    """(Hub license ids, sorted; the license texts that are no plain SPDX id and so become `other`).

    Through the catalog's one license table (`curation.catalog.licenses`): an SPDX expression joined by
    AND gives each of its ids (the data carries all of them); a license the table does not know is `unknown`."""
    from curation.catalog.licenses import normalise

    ids, others = set(), set()
    for text in licenses:
        spdx = normalise(str(text))
        if spdx == "unknown":
            ids.add("unknown")
            continue
        parts = spdx.split(" AND ")
        if any(" OR " in p or p.startswith("LicenseRef-") for p in parts):
            others.add(str(text).strip())
        else:
            ids.update(p.lower() for p in parts)
    if others:
        ids.add("other")
    return sorted(ids), sorted(others)


def front_matter(lang: str, name: str, run_name: str, docs: int, licenses: Iterable[str]) -> str:
    """`---` YAML `---` for the card of one language (deterministic: fixed key order, sorted lists)."""
    import langcodes

    ids, others = hub_licenses(licenses)
    data: dict = {"pretty_name": f"{name} ({lang}) part of the {run_name} corpus"}
    if lang not in NO_LANGUAGE:
        primary = langcodes.Language.get(lang).language or lang
        data["language"] = [primary]
        if primary != lang:
            data["language_bcp47"] = [lang]
    data["license"] = (ids[0] if len(ids) == 1 else ids) if ids else "unknown"
    if others:
        data["license_name"] = "; ".join(others)
    data |= {
        "multilinguality": "monolingual",
        "size_categories": [size_category(docs)],
        "task_categories": ["text-generation"],
        "task_ids": ["language-modeling"],
        "tags": ["curation", "pretraining"],
    }
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000) + "---\n\n"
