"""License filter for code: keeps the files whose repository's license the run allows, and records it.

A code document's license is `meta.license`, the SPDX id the `code` adapter read (a LICENSE / COPYING file,
a table's column, or the catalog entry's license); absent (a code source of another kind), the catalog entry's
license (`source_license`, which the filter stage sets per source), written into `meta`.
`allow` holds SPDX ids; by default every id of the permissive group of the project's one license table
(`curation.catalog.licenses`: MIT, Apache-2.0, BSD-2/3-Clause, ISC, Zlib, BSL-1.0, ...), as LLaMA kept
Apache, BSD and MIT code. An expression is allowed when one of its `OR` choices has all its `AND` terms
allowed (`MIT OR Apache-2.0` passes with either). Signal `license_allowed` (1 or 0); a removal's detail
names the license. Set `filter.params.license.allow: [MIT, GPL-3.0-or-later, ...]` to keep others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from pydantic import Field

from curation.catalog.licenses import LICENSES, PERMISSIVE, normalise
from filters.base import Batch, Filter, Params, Scores, Verdict

UNKNOWN = "unknown"
_OR = re.compile(r"\s+OR\s+")
_AND = re.compile(r"\s+AND\s+")


def permissive_ids() -> tuple[str, ...]:
    return tuple(sorted(lic.spdx for lic in LICENSES if lic.group == PERMISSIVE))


class LicenseParams(Params):
    allow: tuple[str, ...] = Field(default_factory=permissive_ids)
    # the catalog entry's license (set by the filter stage per source): a document's when its meta names none
    source_license: str = UNKNOWN


def allowed(license: str, allow: frozenset[str]) -> bool:
    """Whether an SPDX id or expression is allowed: one OR choice with every AND term in `allow`."""
    for choice in _OR.split(license.strip()):
        terms = [t.strip("() ") for t in _AND.split(choice)]
        if terms and all(t in allow for t in terms):
            return True
    return False


def license_of(meta: str | None, fallback: str = UNKNOWN) -> tuple[str, dict | None]:
    """(the document's license, its meta dict when `license` had to be added: None when it was there)."""
    data = json.loads(meta) if meta else {}
    value = data.get("license") if isinstance(data, dict) else None
    if isinstance(value, str) and value:
        return value, None
    data = data if isinstance(data, dict) else {}
    data["license"] = fallback
    return fallback, data


class LicenseFilter(Filter):
    name = "license"
    version = "1"
    Params = LicenseParams
    natural_language_only = False
    code_only = True

    def score(self, batch: Batch) -> Scores:
        flags, details, metas, changed = [], [], list(batch.metas), False
        allow_sets: dict[str | None, frozenset[str]] = {}
        for i, (meta, lang) in enumerate(zip(batch.metas, batch.langs)):
            license, added = license_of(meta, normalise(self.params_for(lang).source_license))
            if added is not None:
                metas[i], changed = json.dumps(added, ensure_ascii=False, sort_keys=True), True
            if lang not in allow_sets:
                allow_sets[lang] = frozenset(a if normalise(a) == UNKNOWN else normalise(a) for a in self.params_for(lang).allow)
            flags.append(1.0 if allowed(license, allow_sets[lang]) else 0.0)
            details.append(f"license={license}")
        return Scores(signals={"license_allowed": flags}, details=details, metas=metas if changed else None)

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        if signals.get("license_allowed", 1.0) < 1.0:
            return "license_not_allowed", f"allowed: {len(self.params_for(lang).allow)} SPDX ids (filter.params.license.allow)"
        return None
