"""Where the shared third-party data lives: one setting, `CURATION_SHARED_DATA`.

Third-party text (UD PUD, OSCAR, CCNet, web archives, word lists, blocklist samples) is
not committed; `scripts/assemble_data.py` builds the sample run's data and the test
fixtures from this folder at setup. The folder defaults to `../shared/data` next to the
repository root; set `CURATION_SHARED_DATA` to point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "CURATION_SHARED_DATA"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data"


class SharedDataMissing(RuntimeError):
    """The shared data folder named by CURATION_SHARED_DATA (or its default) does not exist."""


def shared_data_dir(required: bool = True, root: Path | None = None) -> Path | None:
    """The shared data folder: `$CURATION_SHARED_DATA`, else `<repository root>/../shared/data`.

    With `required` (the default) an absent folder raises `SharedDataMissing` naming the
    setting; without it, None is returned.
    """
    env = os.environ.get(ENV)
    path = Path(env).expanduser() if env else (Path(root).parent / "shared" / "data" if root else DEFAULT)
    path = path.resolve()
    if path.is_dir():
        return path
    if not required:
        return None
    how = f"{ENV}={env}" if env else f"{ENV} is unset, default {path}"
    raise SharedDataMissing(
        f"shared data folder not found ({how}): set {ENV} to the folder holding the shared "
        "third-party data (MANIFEST.md, lid/ud-pud/, web-archives/, wordlists/, ...)"
    )
