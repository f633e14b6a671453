"""YAML for catalogs and run configs: libyaml's safe loader, with aliases on a budget.

A 700-byte file of nested aliases can expand into hundreds of megabytes once anything walks it
(validation, a message quoting a value, `--dry-run`). Aliases may add at most `ALIAS_BUDGET`
nodes beyond those written in the file; a file over that is refused before it is loaded.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

ALIAS_BUDGET = 10_000
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AliasBomb(yaml.YAMLError):
    """Aliases that would expand far beyond the file's own size."""


def _check_aliases(text: str) -> None:
    if "*" not in text:
        return  # no alias can occur without '*'
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]  # open collections: [anchor, nodes so far]
    written = expanded = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([event.anchor, 1])
            written += 1
            expanded += 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, n = stack.pop()
            stack[-1][1] += n
            if anchor:
                sizes[anchor] = n
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            written += 1
            expanded += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            n = sizes.get(event.anchor, 1)
            stack[-1][1] += n
            expanded += n
            if expanded > written + ALIAS_BUDGET:
                raise AliasBomb(
                    f"YAML aliases expand to more than {written + ALIAS_BUDGET:,} values "
                    f"(the file writes {written:,}): refused; write the values out instead of nesting aliases"
                )


def load_yaml(source: str | IO[str]) -> Any:
    """`yaml.safe_load` (libyaml when present), refusing alias bombs."""
    text = source if isinstance(source, str) else source.read()
    _check_aliases(text)
    return yaml.load(text, Loader=LOADER)  # noqa: S506 (a safe loader)


def shown(value: Any, limit: int = 120) -> str:
    """`repr(value)` cut to `limit` characters: what a message may quote of a value."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
