"""Ingest throughput on the sample WARC files: ours (cascade / resiliparse / trafilatura) beside datatrove.

    PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_ingest.py [--repeat 10] [--rounds 3]

The sample WARCs (Common Crawl excerpts + two 2024 crawl WARCs, 54 HTML pages,
0.6 MB gzipped) are copied `--repeat` times into a temporary folder, and every
variant reads that same folder on one core:

- ours_read: fastwarc records → 200 HTML responses → charset-decoded HTML (no extraction)
- ours_cascade / ours_resiliparse / ours_trafilatura: `sources.warc.read`, the ingest adapter, complete, in each
  extraction mode (`sources.html_extract.MODES`; cascade is the default)
- datatrove_read / datatrove_resiliparse / datatrove_trafilatura: datatrove 0.10.1
  `WarcReader` alone, then + an extractor (its `Trafilatura`; a minimal resiliparse
  `BaseExtractor`, datatrove ships none; trafilatura with favor_precision, no comments and
  deduplicate off on both sides), run by `benchmarks/bench_ingest_peer.py` in
  the peer environment (`PEER_PYTHON`, default /work/main/.venv-peers/bin/python).

Figures per CPU second (process + children, so datatrove's extractor sandbox
process counts): pages/s (HTML documents out) and MB/s (gzipped WARC bytes in).
Best of `--rounds`. Document and character counts show that the variants do
comparable work (datatrove keeps non-200 pages and drops pages that are not
UTF-8 or cchardet-decodable; trafilatura's precision mode returns less text).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SAMPLE_FILES = [
    ROOT / "samples/data/web/cc/warcfile.warc.gz",
    ROOT / "samples/data/web/cc/whirlwind.warc.gz",
    ROOT / "samples/data/web/dolma/sample-0000.warc.gz",
    ROOT / "samples/data/web/dolma/sample-0001.warc.gz",
]
PEER_PYTHON = os.environ.get("PEER_PYTHON", "/work/main/.venv-peers/bin/python")
PEER_SCRIPT = Path(__file__).resolve().parent / "bench_ingest_peer.py"
OURS = ("ours_read", "ours_cascade", "ours_resiliparse", "ours_trafilatura")
PEERS = ("datatrove_read", "datatrove_resiliparse", "datatrove_trafilatura")


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_ours(folder: Path, variant: str) -> dict:
    import time

    from curation.catalog import CatalogEntry
    from curation.config import IngestConfig
    from sources import warc
    from sources.base import RawDocument
    from sources.html_text import UndecodableHTML, decode_html

    entry = CatalogEntry(id="b", name="b", languages=["en"], license="x", kind="warc", location="x", proposed_by="b")
    files = sorted(folder.glob("*.warc*"))
    docs = chars = 0
    wall0, cpu0 = time.perf_counter(), cpu_seconds()
    if variant == "ours_read":
        for path in files:
            for item in warc.iter_payloads(path, warc.html_response):
                if isinstance(item, warc.Payload) and item.record.record_type == item.record.record_type.response:
                    try:
                        html = decode_html(item.data, item.record.http_charset).html
                    except UndecodableHTML:
                        continue
                    docs += 1
                    chars += len(html)
    else:
        options = IngestConfig(html_extractor=variant.removeprefix("ours_"))
        for path in files:
            for item in warc.read(path, entry, options):
                if isinstance(item, RawDocument):
                    docs += 1
                    chars += len(item.text)
    return {"variant": variant, "docs": docs, "chars": chars, "wall": time.perf_counter() - wall0, "cpu": cpu_seconds() - cpu0}


def run_peer(folder: Path, variant: str) -> dict:
    out = subprocess.run(
        [PEER_PYTHON, str(PEER_SCRIPT), str(folder), variant], capture_output=True, text=True, check=False, cwd=tempfile.gettempdir()
    )
    if out.returncode != 0:
        raise RuntimeError(f"peer {variant} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def warm_up() -> None:
    """Import and first-call costs out of the timings (the peer warms up the same way)."""
    from sources.html_text import extract_text

    for extractor in ("resiliparse", "trafilatura"):
        extract_text("<html><body><p>warm up</p></body></html>", extractor)


def input_line(repeat: int, mb: float) -> str:
    """The input line: pages of one copy of the sample files (extracted with resiliparse, languages by lid.176), times `repeat`."""
    from corpus import lid_label, summary_line

    from curation.catalog import CatalogEntry
    from sources import warc
    from sources.base import RawDocument

    entry = CatalogEntry(id="b", name="b", languages=["en"], license="x", kind="warc", location="x", proposed_by="b")
    pages = [item.text for path in SAMPLE_FILES for item in warc.read(path, entry) if isinstance(item, RawDocument)]
    langs = len(set(lid_label([t for t in pages if t.strip()])))
    return summary_line(
        mb, len(pages) * repeat, len(set(pages)), langs, f"{repeat} copies of {len(SAMPLE_FILES)} WARC files", unit="MB gzipped"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="copies of the sample files to read")
    parser.add_argument("--rounds", type=int, default=3, help="runs per variant; the best is kept")
    parser.add_argument("--no-peer", action="store_true", help="ours only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        folder = Path(tmp)
        for i in range(args.repeat):
            for src in SAMPLE_FILES:
                shutil.copyfile(src, folder / f"{i:03d}-{src.name}")
        mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(input_line(args.repeat, mb))
        warm_up()
        variants = OURS + (() if args.no_peer else PEERS)
        results = []
        for variant in variants:
            runs = [(run_ours if variant in OURS else run_peer)(folder, variant) for _ in range(args.rounds)]
            best = min(runs, key=lambda r: r.get("cpu", r["wall"]))
            results.append(best)

    print(f"\ningest throughput: {args.repeat} x {len(SAMPLE_FILES)} WARC files, {mb:.1f} MB gzipped, best of {args.rounds}, one core")
    print(f"{'variant':24s} {'docs':>6s} {'Mchars':>7s} {'wall s':>7s} {'cpu s':>7s} {'pages/s':>8s} {'MB/s':>7s}")
    for r in results:
        cpu = r.get("cpu", r["wall"])
        print(
            f"{r['variant']:24s} {r['docs']:6d} {r['chars'] / 1e6:7.2f} {r['wall']:7.2f} {cpu:7.2f} {r['docs'] / cpu:8.0f} {mb / cpu:7.2f}"
        )
    print("pages/s and MB/s are per CPU second (process + children).")


if __name__ == "__main__":
    main()
