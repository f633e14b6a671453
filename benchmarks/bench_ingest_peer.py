"""Peer side of bench_ingest.py: datatrove's WarcReader + extractor over the same WARC files.

Runs in the peer environment (datatrove[io]==0.10.1), called by bench_ingest.py
with the folder of (repeated) WARC files; prints one JSON line per variant.
datatrove 0.10.1 ships a Trafilatura extractor but none for resiliparse, so the
resiliparse variant is a three-line BaseExtractor doing what our default does.
Extractors run in datatrove's own sandbox subprocess, as they do in its pipelines.
"""

from __future__ import annotations

import json
import os
import sys
import time


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    folder, variant = sys.argv[1], sys.argv[2]
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.extractors.base import BaseExtractor
    from datatrove.pipeline.readers import WarcReader

    class Resiliparse(BaseExtractor):
        name = "resiliparse"

        def __init__(self, timeout: float = 5):
            super().__init__(timeout)

        def extract(self, text: str) -> str:
            from resiliparse.extract.html2text import extract_plain_text

            return extract_plain_text(text, main_content=True, alt_texts=False)

    # import and first-call costs out of the timings (the forked sandbox inherits them), as on our side
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text

    trafilatura.extract("<html><body><p>warm up</p></body></html>")
    extract_plain_text("<html><body><p>warm up</p></body></html>")

    reader = WarcReader(folder, glob_pattern="*.warc*")
    start = time.perf_counter()
    cpu0 = cpu_seconds()
    docs = reader.run(rank=0, world_size=1)
    if variant == "datatrove_trafilatura":
        docs = Trafilatura(timeout=5, deduplicate=False).run(docs)  # as ours: no cross-document cache
    elif variant == "datatrove_resiliparse":
        docs = Resiliparse().run(docs)
    elif variant != "datatrove_read":
        raise SystemExit(f"unknown variant {variant}")
    n = chars = 0
    for doc in docs:
        n += 1
        chars += len(doc.text)
    wall = time.perf_counter() - start
    print(json.dumps({"variant": variant, "docs": n, "chars": chars, "wall": wall, "cpu": cpu_seconds() - cpu0}))


if __name__ == "__main__":
    main()
