"""Real fixtures of the quality classifier: English reference sentences (UD PUD) vs the sample WARCs' pages."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_EN = ROOT / "samples" / "data" / "lm" / "en.txt"
WARCS = sorted((ROOT / "samples" / "data" / "web").glob("*/*.warc.gz"))


def crawl_pages() -> list[str]:
    """The HTML pages of the sample WARCs as the project's warc adapter extracts them (boilerplate, spam, blogs)."""
    from curation.config import IngestConfig
    from sources import warc
    from sources.base import RawDocument

    # resiliparse's main content as it is (the fixture's figures predate the cascade default, issue 16)
    options = IngestConfig(html_extractor="resiliparse")
    return [d.text for path in WARCS for d in warc.read(path, None, options) if isinstance(d, RawDocument)]


def write_jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    return path
