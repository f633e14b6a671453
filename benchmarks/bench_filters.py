"""The filter chain and each of its filters, MB/s on one core, beside datatrove's equivalent on the same documents.

Input: the benchmark corpus's documents (`benchmarks/corpus.py`, distinct real text) in the languages of
`--keep` (default `KEEP`), the first `--mb` / len(keep) MB of each language's slice (web and news text first, then manual
pages), plus 5 documents with adult URLs (`tests/data/filters/adult_url_docs.jsonl.gz`); a document
without a URL gets `https://<corpus>.example.org/<n>` (datatrove's URLFilter requires one). Both chains keep
the same languages: ours declares them for every document (the langid filter keeps a document whose
language is one of them), datatrove's `LanguageFilter(languages=keep)`.

Ours: langid → quality → adult (full UT1 list) → pii, each with its default parameters (built-in thresholds),
applied batch by batch as the stage applies them, minus Parquet I/O.
datatrove 0.10.1 (run with $PEER_PYTHON, default /work/main/.venv-peers/bin/python):
LanguageFilter (lid.176.ftz from a local file) → GopherRepetitionFilter → GopherQualityFilter →
URLFilter (its integrated UT1 list) → PIIFormatter.
Each filter runs over every document the previous one kept (a list between filters, on both sides), timed
in CPU seconds: per filter, MB/s of the text it was given and documents in / kept; the chain, input MB over
the sum. Model and list loading plus a 50-document warm-up are timed apart as setup on both sides.
datatrove's Gopher filters count English stop words whatever the language, so its later filters see fewer
documents than ours: the per-filter rows show each side's input.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_filters.py [--mb 8] [--keep en,de,...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PEER_PYTHON = os.environ.get("PEER_PYTHON", "/work/main/.venv-peers/bin/python")
KEEP = ("en", "de", "fr", "es", "pl", "ru", "ja", "zh", "ar", "hi")  # the languages both chains keep
ADULT_URLS = ROOT / "tests/data/filters/adult_url_docs.jsonl.gz"
BATCH = 1024


def load_docs(mb: float, keep: tuple[str, ...] = KEEP) -> list:
    """The first mb / len(keep) MB of each kept language's slice, then the adult-URL documents."""
    import corpus

    docs = []
    for lang in keep:
        size = 0
        for doc in corpus.load([lang]):
            if size >= mb * 1e6 / len(keep):
                break
            docs.append(doc)
            size += len(doc.text.encode())
    with gzip.open(ADULT_URLS, "rt", encoding="utf-8") as f:
        docs += [corpus.Document("adult-urls", "en", r["text"], r["url"]) for r in map(json.loads, f)]
    # datatrove's URLFilter requires a URL: a document without one gets a neutral one, on both sides
    return [d if d.url else replace(d, url=f"https://{d.corpus}.example.org/{i}") for i, d in enumerate(docs)]


def ours_chain() -> list:
    from filters import get_filter_class
    from filters.adult import fetch_full_list

    cache = Path(tempfile.gettempdir()) / "curation-bench-cache"
    params = {"adult": {"domains_path": str(fetch_full_list()), "cache_dir": str(cache)}}
    return [get_filter_class(n)(params.get(n)) for n in ("langid", "quality", "adult", "pii")]


def batches_of(docs: list, keep: tuple[str, ...]) -> list:
    """The documents as the filter stage's batches: every document declares `keep`."""
    from filters.base import Batch

    out = []
    for start in range(0, len(docs), BATCH):
        part = docs[start : start + BATCH]
        n = len(part)
        ids = [f"d{start + i}" for i in range(n)]
        texts = [d.text for d in part]
        out.append(Batch(ids, ["bench"] * n, [d.url for d in part], texts, [None] * n, [None] * n, [{} for _ in part], [keep] * n))
    return out


def apply_one(f, batches: list) -> tuple[list, float]:
    """The batches with what `f` keeps (its langs, signals and redactions carried on, as in the stage), and its CPU seconds."""
    from curation.counts import Counts
    from filters.base import apply_filter

    counts, kept = Counts(), []
    c0 = time.process_time()
    for batch in batches:
        batch, removals = apply_filter(f, batch, counts)
        gone = {i for i, _ in removals}
        kept.append(batch.take([i for i in range(len(batch)) if i not in gone]))
    return kept, time.process_time() - c0


def run_ours(docs: list, keep: tuple[str, ...]) -> dict:
    chain = ours_chain()
    t0 = time.perf_counter()
    for f in chain:
        f.ensure_setup()
    warm = batches_of(docs[:50], keep)
    for f in chain:
        warm, _ = apply_one(f, warm)
    setup = time.perf_counter() - t0
    steps, current = [], batches_of(docs, keep)
    for f in chain:
        n = sum(len(b) for b in current)
        mb = sum(len(t.encode()) for b in current for t in b.texts) / 1e6
        current, cpu = apply_one(f, current)
        steps.append({"name": f.name, "docs": n, "mb": mb, "kept": sum(len(b) for b in current), "cpu": cpu})
    return {"steps": steps, "setup_s": setup}


PEER_SCRIPT = r"""
import json, sys, time

def main():
    docs_path, model, keep = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    from datatrove.data import Document
    from datatrove.utils import lid
    lid.FT176LID.MODEL_URL = "file://" + model
    from datatrove.pipeline.filters import LanguageFilter, GopherRepetitionFilter, GopherQualityFilter, URLFilter
    from datatrove.pipeline.formatters import PIIFormatter
    rows = [json.loads(l) for l in open(docs_path, encoding="utf-8")]
    docs = lambda: [Document(text=r["text"], id=r["id"], metadata={"url": r["url"] or ""}) for r in rows]
    steps = [LanguageFilter(languages=keep), GopherRepetitionFilter(), GopherQualityFilter(), URLFilter(), PIIFormatter()]
    t0 = time.perf_counter()
    warm = docs()[:50]
    for s in steps:  # loads the model and the lists
        warm = list(s.run(iter(warm)))
    setup = time.perf_counter() - t0
    current, out = docs(), []
    for s in steps:
        mb = sum(len(d.text.encode()) for d in current) / 1e6
        c0 = time.process_time()
        kept = list(s.run(iter(current)))
        out.append({"name": type(s).__name__, "docs": len(current), "mb": mb, "kept": len(kept), "cpu": time.process_time() - c0})
        current = kept
    print(json.dumps({"steps": out, "setup_s": setup}))

if __name__ == "__main__":
    main()
"""


def run_peer(docs: list, keep: tuple[str, ...]) -> dict | None:
    from filters.langid import default_model_path

    if not Path(PEER_PYTHON).exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.jsonl"
        rows = [{"id": f"d{i}", "text": d.text, "url": d.url} for i, d in enumerate(docs)]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        script = Path(tmp) / "peer.py"
        script.write_text(PEER_SCRIPT)
        env = dict(os.environ, TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="")  # tldextract's bundled suffix list, no network
        cmd = [PEER_PYTHON, str(script), str(path), str(default_model_path()), ",".join(keep)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, env=env)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return None
        return json.loads(proc.stdout.strip().splitlines()[-1])


def print_side(who: str, result: dict, input_mb: float) -> float:
    """Its rows (one per filter, then the chain); returns the chain's MB/s."""
    cpu = sum(s["cpu"] for s in result["steps"])
    for s in result["steps"]:
        print(f"{who:<10} {s['name']:<24} {s['docs']:>7,} {s['mb']:>8.2f} {s['kept']:>7,} {s['cpu']:>7.2f} {s['mb'] / s['cpu']:>9.2f}")
    last = result["steps"][-1]
    print(
        f"{who:<10} {'chain':<24} {result['steps'][0]['docs']:>7,} {input_mb:>8.2f} {last['kept']:>7,} {cpu:>7.2f} {input_mb / cpu:>9.2f}"
        f"   setup {result['setup_s']:.1f} s"
    )
    return input_mb / cpu


def main() -> None:
    import corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=float(os.environ.get("BENCH_MB", "8")), help="input size, split evenly over KEEP")
    parser.add_argument("--keep", default=",".join(KEEP), help="the languages both chains keep (and the input's)")
    args = parser.parse_args()
    keep = tuple(args.keep.split(","))
    docs = load_docs(args.mb, keep)
    print(corpus.input_line(docs))
    print(f"both chains keep: {', '.join(keep)}")
    input_mb = sum(len(d.text.encode()) for d in docs) / 1e6
    ours = run_ours(docs, keep)
    peer = run_peer(docs, keep)
    print(f"{'':<10} {'filter':<24} {'docs in':>7} {'MB in':>8} {'kept':>7} {'CPU s':>7} {'MB/s/core':>9}")
    rate = print_side("curation", ours, input_mb)
    if peer:
        peer_rate = print_side("datatrove", peer, input_mb)
        print(f"chain speed-up: {rate / peer_rate:.2f}x (target ≥ 2x)")
    else:
        print(f"datatrove: not run ({PEER_PYTHON} missing or failed)")


if __name__ == "__main__":
    main()
