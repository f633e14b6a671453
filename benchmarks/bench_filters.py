"""The whole filter chain, MB/s on one core, beside datatrove's equivalent chain on the same input.

Ours: langid → quality (ROOTS) → adult (full UT1 list) [→ pii when `filters.pii` is present],
applied batch by batch exactly as the stage does, minus Parquet I/O (reported separately).
datatrove 0.10.1 (run with $PEER_PYTHON, default /work/main/.venv-peers/bin/python):
LanguageFilter (lid.176.ftz from a local file) → GopherRepetitionFilter → GopherQualityFilter →
URLFilter (its integrated UT1 list) → PIIFormatter, chained as its executor chains steps.
Model and list loading is timed apart from throughput on both sides.

Input: the CCNet English excerpt and the UD PUD documents (6 languages) with their URLs,
repeated to $BENCH_MB megabytes (default 4). Run from the project root:
    PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_filters.py
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEER_PYTHON = os.environ.get("PEER_PYTHON", "/work/main/.venv-peers/bin/python")
TARGET_MB = float(os.environ.get("BENCH_MB", "4"))
DECLARED = ("en", "fr", "zh", "ar", "hi", "de")


def load_docs() -> list[dict]:
    docs = []
    for path, url_key in (
        (ROOT / "samples/data/cc_en_head-0091.jsonl.gz", "id"),
        (ROOT / "tests/data/filters/pud_docs.jsonl.gz", "url"),
        (ROOT / "tests/data/filters/adult_url_docs.jsonl.gz", "url"),
    ):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                docs.append({"text": d["text"], "url": d.get(url_key)})
    size = sum(len(d["text"].encode()) for d in docs)
    reps = max(1, int(TARGET_MB * 1e6 / size + 0.999))
    return [dict(d, id=f"{k}-{i}") for k in range(reps) for i, d in enumerate(docs)]


def run_ours(docs: list[dict]) -> dict:
    from curation.counts import Counts
    from filters import get_filter_class
    from filters.adult import fetch_full_list
    from filters.base import Batch, apply_filter

    names = ["langid", "quality", "adult"]
    try:
        get_filter_class("pii")
        names.append("pii")
    except ImportError:
        pass
    cache = Path(tempfile.gettempdir()) / "curation-bench-cache"
    params = {"adult": {"domains_path": str(fetch_full_list()), "cache_dir": str(cache)}}
    chain = [get_filter_class(n)(params.get(n)) for n in names]

    def run(docs: list[dict]) -> int:
        counts, kept = Counts(), 0
        for start in range(0, len(docs), 1024):
            part = docs[start : start + 1024]
            n = len(part)
            batch = Batch(
                [d["id"] for d in part],
                ["bench"] * n,
                [d["url"] for d in part],
                [d["text"] for d in part],
                [None] * n,
                [None] * n,
                [{} for _ in part],
                [DECLARED] * n,
            )
            for f in chain:
                batch, removals = apply_filter(f, batch, counts)
                gone = {i for i, _ in removals}
                batch = batch.take([i for i in range(len(batch)) if i not in gone])
            kept += len(batch)
        return kept

    # setup = loading models and lists, then a warm-up pass over the first 50 documents (as the
    # peer side does), so per-language engines built on first use are not timed as throughput
    t0 = time.perf_counter()
    for f in chain:
        f.ensure_setup()
    run(docs[:50])
    setup = time.perf_counter() - t0
    size = sum(len(d["text"].encode()) for d in docs)
    t0 = time.perf_counter()
    kept = run(docs)
    elapsed = time.perf_counter() - t0
    return {"chain": names, "docs": len(docs), "kept": kept, "mb": size / 1e6, "seconds": elapsed, "setup_s": setup}


PEER_SCRIPT = r"""
import json, sys, time
from pathlib import Path

def main():
    docs_path, model = sys.argv[1], sys.argv[2]
    from datatrove.data import Document
    from datatrove.utils import lid
    lid.FT176LID.MODEL_URL = "file://" + model
    from datatrove.pipeline.filters import LanguageFilter, GopherRepetitionFilter, GopherQualityFilter, URLFilter
    from datatrove.pipeline.formatters import PIIFormatter
    rows = [json.loads(l) for l in open(docs_path, encoding="utf-8")]
    docs = lambda: [Document(text=r["text"], id=r["id"], metadata={"url": r["url"] or ""}) for r in rows]
    steps = [LanguageFilter(languages=["en", "fr", "zh", "ar", "hi", "de"]), GopherRepetitionFilter(), GopherQualityFilter(), URLFilter(), PIIFormatter()]
    t0 = time.perf_counter()
    warm = docs()[:50]
    for s in steps:  # loads the model and the lists
        warm = list(s.run(iter(warm)))
    setup = time.perf_counter() - t0
    data = docs()
    t0 = time.perf_counter()
    stream = iter(data)
    for s in steps:
        stream = s.run(stream)
    kept = sum(1 for _ in stream)
    elapsed = time.perf_counter() - t0
    size = sum(len(r["text"].encode()) for r in rows)
    print(json.dumps({"chain": [type(s).__name__ for s in steps], "docs": len(rows), "kept": kept, "mb": size / 1e6, "seconds": elapsed, "setup_s": setup}))

if __name__ == "__main__":
    main()
"""


def run_peer(docs: list[dict]) -> dict | None:
    from filters.langid import default_model_path

    if not Path(PEER_PYTHON).exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        script = Path(tmp) / "peer.py"
        script.write_text(PEER_SCRIPT)
        env = dict(os.environ, TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="")  # tldextract's bundled suffix list, no network
        proc = subprocess.run(
            [PEER_PYTHON, str(script), str(path), str(default_model_path())], capture_output=True, text=True, cwd=tmp, env=env
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return None
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    docs = load_docs()
    ours = run_ours(docs)
    peer = run_peer(docs)
    print(f"input: {ours['docs']:,} documents, {ours['mb']:.2f} MB (CCNet en + UD PUD en/fr/zh/ar/hi/de, repeated)")
    print(f"{'':12} {'chain':58} {'MB/s/core':>10} {'kept':>7} {'setup s':>8}")
    print(f"{'curation':12} {' → '.join(ours['chain']):58} {ours['mb'] / ours['seconds']:10.2f} {ours['kept']:7,} {ours['setup_s']:8.1f}")
    if peer:
        print(
            f"{'datatrove':12} {' → '.join(peer['chain']):58} {peer['mb'] / peer['seconds']:10.2f} {peer['kept']:7,} {peer['setup_s']:8.1f}"
        )
        print(f"speed-up: {(ours['mb'] / ours['seconds']) / (peer['mb'] / peer['seconds']):.2f}x (target ≥ 2x)")
    else:
        print(f"datatrove: not run ({PEER_PYTHON} missing or failed)")


if __name__ == "__main__":
    main()
