"""A repository's license from its LICENSE / COPYING file, as an SPDX id of the catalog's license table.

An `SPDX-License-Identifier:` line wins; otherwise the file's text is matched against the phrases that
each license's standard text holds (one table below; the first row whose phrases are all present wins,
so the more specific texts come first). The id is then normalised through `curation.catalog.licenses`,
the one SPDX table of the project (groups: permissive, copyleft, ...). A text no row matches is `unknown`.
"""

from __future__ import annotations

import re
from pathlib import Path

from curation.catalog.licenses import normalise

LICENSE_FILE_NAMES = ("LICENSE", "LICENCE", "COPYING", "LICENSE.txt", "LICENSE.md", "LICENCE.txt", "COPYING.txt", "LICENSE-MIT")
READ_BYTES = 16384  # the license's name and first clauses are at the top

# (SPDX id, phrases its text holds, lower-case, whitespace collapsed): most specific first
TEXT_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0-only", ("gnu affero general public license", "version 3")),
    ("LGPL-2.1-only", ("gnu lesser general public license", "version 2.1")),
    ("LGPL-3.0-only", ("gnu lesser general public license", "version 3")),
    ("GPL-2.0-with-classpath-exception", ("gnu general public license", "version 2", "classpath")),
    ("GPL-3.0-only", ("gnu general public license", "version 3")),
    ("GPL-2.0-only", ("gnu general public license", "version 2")),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("BSL-1.0", ("boost software license",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("MIT", ("permission is hereby granted, free of charge",)),
    ("Zlib", ("this software is provided 'as-is'", "altered source versions must be plainly marked")),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
)
_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([^\n*]+?)\s*(?:\*/|-->)?\s*$", re.MULTILINE)


def license_of_text(text: str) -> str:
    """The SPDX id a license file's text names; `unknown` when neither an SPDX line nor a known text is found."""
    if match := _SPDX_LINE.search(text):
        return normalise(match.group(1))
    flat = " ".join(text.lower().replace("\u2019", "'").split())
    for spdx, phrases in TEXT_PHRASES:
        if all(p in flat for p in phrases):
            return normalise(spdx)
    return "unknown"


def license_file(folder: Path) -> Path | None:
    """The folder's LICENSE / COPYING file, by the names above in their order."""
    for name in LICENSE_FILE_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def read_license(path: Path) -> str:
    with open(path, "rb") as f:
        return license_of_text(f.read(READ_BYTES).decode("utf-8", "replace"))
