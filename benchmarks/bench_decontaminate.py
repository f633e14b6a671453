"""Decontamination throughput: MB/s per core of the step the dedup job runs on every executor.

    PYTHONPATH=. python benchmarks/bench_decontaminate.py --sizes 10000,100000

Input: the near-duplicate corpus of `benchmarks/near_dup_data.py` (real UD PUD and OSCAR text in ten
languages, zh/ja/th among them, with planted copies). Benchmark: every 20th UD PUD sentence of each
language (the corpus draws its sentences from the same pools, so a share of the documents is
contaminated and the slow path, per contaminated document, is measured too). One process, one core:
`curation.dedup.decontaminate.contaminated_batch` over Arrow batches of 1,024 documents, as a Spark
task runs it, in both modes (remove; cut, which re-reads each contaminated document to cut its spans).
The best of `--repeat` rounds is reported, in CPU seconds of the process (the figure per core that does not
depend on what else the machine runs) and wall seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from near_dup_data import build  # noqa: E402

from curation.dedup.benchmarks import Item  # noqa: E402
from curation.dedup.contamination import NgramIndex  # noqa: E402
from curation.dedup.decontaminate import contaminated_batch  # noqa: E402

PUD = ROOT / "tests" / "data" / "dedup" / "ud-pud"
EVERY = 20
BATCH = 1024


def benchmark_items() -> list[Item]:
    items = []
    for path in sorted(PUD.glob("*.tsv")):
        if path.name == "SOURCES.tsv":
            continue
        for k, line in enumerate(path.read_text(encoding="utf-8").split("\n")[:-1]):
            sent_id, _doc, lang, text = line.split("\t", 3)
            if k % EVERY == 0:
                items.append(Item(f"pud_{lang}", sent_id, text))
    return items


def input_line(texts: list[str], langs: list[str]) -> str:
    size = sum(len(t.encode("utf-8")) for t in texts)
    distinct = len(set(texts))
    return (
        f"input: {size / 1e6:.2f} MB, {len(texts):,} documents, {distinct:,} distinct, {len(set(langs))} languages, "
        f"repetition factor {len(texts) / distinct:.2f} (near_dup_data: UD PUD + OSCAR 2019)"
    )


def measure(batches, index: NgramIndex, mode: str, repeat: int) -> tuple[float, float, int]:
    """(best CPU seconds of this process, best wall seconds, contaminated documents)."""
    best_cpu, best_wall, hits = float("inf"), float("inf"), 0
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        hits = 0
        for batch in batches:
            out = contaminated_batch(batch, index, mode, 0.0, 100)
            hits += out.num_rows - out.column("contamination").null_count
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - t0)
    return best_cpu, best_wall, hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    items = benchmark_items()
    t0 = time.perf_counter()
    index = NgramIndex.build(items, word_ngram=13, char_ngram=20)
    print(
        f"benchmark: {len(items):,} items (every {EVERY}th UD PUD sentence, {len(index.benchmarks)} languages), "
        f"{index.ngrams():,} n-grams, {sum(index.too_short.values()):,} items too short; index built in {time.perf_counter() - t0:.2f} s"
    )
    for size in [int(s) for s in args.sizes.split(",")]:
        docs, _truth, _info = build(size, seed=0)
        print(input_line(docs.column("text").to_pylist(), docs.column("lang").to_pylist()))
        mb = sum(len(t.encode("utf-8")) for t in docs.column("text").to_pylist()) / 1e6
        batches = docs.select(["id", "text", "lang"]).to_batches(max_chunksize=BATCH)
        for mode in ("remove", "cut"):
            cpu, wall, hits = measure(batches, index, mode, args.repeat)
            print(
                f"  {mode:<6} {cpu:7.2f} s CPU  {mb / cpu:6.2f} MB/s per core  {docs.num_rows / cpu:9,.0f} docs/s per core  "
                f"(wall {wall:.2f} s)  contaminated: {hits:,} ({hits / docs.num_rows:.1%})"
            )


if __name__ == "__main__":
    main()
