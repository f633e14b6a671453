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
    """(Hub license ids, sorted; the license texts that are no SPDX id and so become `other`).

    An SPDX expression joined by AND gives each of its ids (the data carries all of them); a name written with
    spaces for hyphens ("CC BY-SA 3.0") is read as its SPDX id."""
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    ids, others = set(), set()
    for text in licenses:
        text = str(text).strip()
        if text.lower() == "unknown" or not text:
            ids.add("unknown")
            continue
        expression = None
        for spelling in (text, "-".join(text.split())):  # "CC BY-SA 3.0" is CC-BY-SA-3.0
            try:
                expression = canonicalize_license_expression(spelling)
                break
            except InvalidLicenseExpression:
                continue
        if expression is None:
            others.add(text)
            continue
        parts = expression.split(" AND ")
        if any(" OR " in p or " WITH " in p or "(" in p for p in parts):
            others.add(text)
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
