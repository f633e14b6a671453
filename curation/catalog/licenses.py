"""Catalog licenses as SPDX ids, and the group each one falls in (our own facts: one table).

A catalog's `license` may be an SPDX id in any case (`cc-by-4.0`), an SPDX expression of ids
(`CC0-1.0 OR OGL-UK-3.0`), one of the aliases below, or exactly `unknown`. `normalise` gives the
SPDX id (`LicenseRef-...` for terms SPDX does not list) and `group` one of GROUPS. A string the
table does not know normalises to `unknown` (kept explicit: `catalog validate` warns about it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERMISSIVE, COPYLEFT, NON_COMMERCIAL, UNKNOWN = "permissive", "copyleft", "non-commercial", "unknown"
GROUPS = (PERMISSIVE, COPYLEFT, NON_COMMERCIAL, UNKNOWN)  # most to least open: an AND takes the later, an OR the earlier


@dataclass(frozen=True)
class License:
    spdx: str
    group: str
    aliases: tuple[str, ...] = ()


LICENSES: tuple[License, ...] = (
    License("CC0-1.0", PERMISSIVE, ("cc0", "public domain")),
    License("CC-BY-2.0", PERMISSIVE),
    License("CC-BY-3.0", PERMISSIVE),
    License("CC-BY-3.0-US", PERMISSIVE),
    License("CC-BY-4.0", PERMISSIVE, ("cc by",)),
    License("MIT", PERMISSIVE, ("mit license",)),
    License("Apache-2.0", PERMISSIVE, ("apache license 2.0",)),
    License("BSD-3-Clause", PERMISSIVE),
    License("BSD-2-Clause", PERMISSIVE),
    License("ISC", PERMISSIVE),
    License("Zlib", PERMISSIVE),
    License("BSL-1.0", PERMISSIVE, ("boost software license 1.0",)),
    License("Unlicense", PERMISSIVE),
    License("PSF-2.0", PERMISSIVE),
    License("0BSD", PERMISSIVE),
    License("ODC-By-1.0", PERMISSIVE, ("odc-by", "semantic scholar open research corpus is licensed under odc-by.")),
    License("OGL-UK-3.0", PERMISSIVE),
    License("CC-BY-SA-2.0", COPYLEFT),
    License("CC-BY-SA-3.0", COPYLEFT),
    License("CC-BY-SA-4.0", COPYLEFT, ("cc by-sa",)),
    License("GPL-2.0-only", COPYLEFT, ("gpl-2.0",)),
    License("GPL-3.0-only", COPYLEFT, ("gpl-3.0",)),
    License("LGPL-3.0-only", COPYLEFT, ("lgpl-3.0",)),
    License("GPL-2.0-or-later", COPYLEFT, ("gpl-2.0+",)),
    License("GPL-3.0-or-later", COPYLEFT, ("gpl-3.0+",)),
    License("LGPL-2.1-only", COPYLEFT, ("lgpl-2.1",)),
    License("LGPL-2.1-or-later", COPYLEFT, ("lgpl-2.1+",)),
    License("AGPL-3.0-only", COPYLEFT, ("agpl-3.0",)),
    License("MPL-2.0", COPYLEFT),
    License("EPL-2.0", COPYLEFT),
    License("GPL-2.0-with-classpath-exception", COPYLEFT),
    License("GFDL-1.2-no-invariants-only", COPYLEFT),
    License("ODbL-1.0", COPYLEFT, ("odbl",)),
    License("CC-BY-NC-2.0", NON_COMMERCIAL),
    License("CC-BY-NC-4.0", NON_COMMERCIAL),
    License("CC-BY-NC-SA-3.0", NON_COMMERCIAL),
    License("CC-BY-NC-SA-4.0", NON_COMMERCIAL),
    License("CC-BY-NC-ND-1.0", NON_COMMERCIAL),
    License("CC-BY-NC-ND-4.0", NON_COMMERCIAL),
    License(
        "LicenseRef-research-only",
        NON_COMMERCIAL,
        (
            "research only (non-commercial)",
            "research-only and non-commercial",
            "for academic research",
            "(non-commerical use) http://www.elra.info/media/filer_public/2015/04/13/enduser_150325.pdf",
        ),
    ),
    License(
        "LicenseRef-CommonCrawl-terms",  # the crawl's terms; the pages' own rights are not established
        UNKNOWN,
        (
            "common crawl terms of use",
            "common crawl terms of use; page content © original sites",
            "common crawl terms of use; wikipedia text cc by-sa",
        ),
    ),
    License("unknown", UNKNOWN, ("mixed",)),
)

_BY_NAME = {name.casefold(): lic for lic in LICENSES for name in (lic.spdx, *lic.aliases)}
_OPERATOR = re.compile(r"\s+(AND|OR)\s+")


def _known(text: str) -> License | None:
    """The table's row for an id or alias, any case; a name with spaces for hyphens (`CC BY-NC 4.0`) reads as its id."""
    key = text.strip().casefold()
    return _BY_NAME.get(key) or _BY_NAME.get("-".join(key.split()))


def recognised(raw: str) -> bool:
    """Whether the table knows the license (or every id of an SPDX expression)."""
    if _known(raw):
        return True
    parts = _OPERATOR.split(raw.strip())
    return len(parts) > 1 and all(_known(p.strip("() ")) for p in parts[::2])


def normalise(raw: str) -> str:
    """The SPDX id (or expression of ids) of a catalog license; `unknown` when the table does not know it."""
    lic = _known(raw)
    if lic:
        return lic.spdx
    parts = _OPERATOR.split(raw.strip())
    if len(parts) > 1 and recognised(raw):
        return " ".join(p if i % 2 else _known(p.strip("() ")).spdx for i, p in enumerate(parts))
    return "unknown"


def group(raw: str) -> str:
    """permissive / copyleft / non-commercial / unknown; an OR takes its most open choice, an AND its most restrictive term."""
    lic = _known(raw)
    if lic:
        return lic.group
    if not recognised(raw):
        return UNKNOWN
    parts = _OPERATOR.split(raw.strip())
    ranks = [GROUPS.index(_known(p.strip("() ")).group) for p in parts[::2]]
    return GROUPS[min(ranks) if "OR" in parts[1::2] and "AND" not in parts[1::2] else max(ranks)]
