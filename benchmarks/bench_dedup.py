"""Dedup benchmark: ours (Spark) beside datatrove's 4-stage MinHash, same input.

    PYTHONPATH=. python benchmarks/bench_dedup.py --sizes 10000,100000,1000000

For each size it builds a labelled near-duplicate corpus from real multilingual
text (`benchmarks/near_dup_data.py` on the benchmark corpus's pool, `benchmarks/corpus.py`:
distinct base documents dealt from 359 k real units in 67 languages), prints its input line,
then runs, each in its own process tree
(wall time and peak RSS summed over the tree, sampled with psutil):
- ours: `curation dedup` (exact + url + near) in `local[2]`, at datatrove's
  parameters (14 bands × 8 rows, 5-gram shingles) and at the high-recall preset
  (3-grams, 40 × 3, verified at true Jaccard ≥ 0.5);
- datatrove 0.10.1 (peer env, `PEER_PYTHON`, default /work/main/.venv-peers/bin/python):
  MinhashDedupSignature → Buckets → Cluster → Filter with the same bands, rows
  and n-grams, and a tokenizer that splits words like ours (code points for
  zh/ja/th).
It prints time, memory and pairwise precision / recall / F1 side by side, and F1
per edit kind (edit rate) and language.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from dedup_eval import evaluate, ours_predicted  # noqa: E402
from near_dup_data import corpus_pools  # noqa: E402
from near_dup_data import write as write_corpus  # noqa: E402

PEER_PYTHON = os.environ.get("PEER_PYTHON", "/work/main/.venv-peers/bin/python")

PRESETS = {
    # verified at the LSH threshold (the default); "fineweb-unverified": the candidates as LSH gives them
    "fineweb": {"bands": 14, "rows": 8, "ngram": 5, "verify": "threshold"},
    "fineweb-unverified": {"bands": 14, "rows": 8, "ngram": 5, "verify": "off"},
    "recall": {"bands": 40, "rows": 3, "ngram": 3, "verify": 0.5},
}

PEER_SCRIPT = textwrap.dedent(
    '''
    import json, sys
    import regex
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter
    from datatrove.pipeline.readers import ParquetReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.word_tokenizers import WordTokenizer

    NO_SPACE = r"[\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Thai}]"

    class SameAsOurs(WordTokenizer):
        """Whitespace words; code points for scripts written without spaces."""
        def word_tokenize(self, text):
            return regex.findall(NO_SPACE + r"|[^\\s" + NO_SPACE[1:-1] + r"]+", text)
        def sent_tokenize(self, text):
            return [text]
        def span_tokenize(self, text):
            return [(0, len(text))]

    if __name__ == "__main__":
        docs, work, bands, rows, ngram = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        cfg = MinhashConfig(n_grams=ngram, num_buckets=bands, hashes_per_bucket=rows, hash_config=HashConfig(precision=64))
        tok = SameAsOurs()
        reader = lambda: ParquetReader(docs, id_key="id", text_key="text")
        common = dict(logging_dir=None, skip_completed=False)
        LocalPipelineExecutor([reader(), MinhashDedupSignature(f"{work}/sigs", config=cfg, language=tok)], tasks=2, workers=2, **common).run()
        LocalPipelineExecutor([MinhashDedupBuckets(f"{work}/sigs", f"{work}/buckets", config=cfg)], tasks=bands, workers=2, **common).run()
        LocalPipelineExecutor([MinhashDedupCluster(f"{work}/buckets", f"{work}/remove", config=cfg, save_cluster_id=True)], tasks=1, **common).run()
        LocalPipelineExecutor([reader(), MinhashDedupFilter(f"{work}/remove", exclusion_writer=JsonlWriter(f"{work}/removed"), load_cluster_ids=True),
                               JsonlWriter(f"{work}/kept")], tasks=2, workers=2, **common).run()
    '''
)


def _measure(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS in GB summed over the process tree, result)."""
    start = time.time()
    proc = psutil.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                procs = [proc] + proc.children(recursive=True)
                rss = 0
                for p in procs:
                    try:
                        rss += p.memory_info().rss
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    done.set()
    t.join()
    return time.time() - start, peak[0] / 1e9, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def run_ours(docs: Path, out: Path, preset: dict, n_docs: int) -> tuple[float, float, dict]:
    memory = "2g" if n_docs <= 20_000 else ("4g" if n_docs <= 200_000 else "6g")
    cmd = [
        sys.executable,
        "-m",
        "curation",
        "dedup",
        "--input",
        str(docs),
        "--out",
        str(out),
        "--master",
        "local[2]",
        "--set",
        f"catalog={out / 'no-catalog.yaml'}",
        "--set",
        f"spark.driver_memory={memory}",
        "--set",
        f"dedup.bands={preset['bands']}",
        "--set",
        f"dedup.rows={preset['rows']}",
        "--set",
        f"dedup.word_ngram={preset['ngram']}",
        "--set",
        f"dedup.char_ngram={preset['ngram']}",
        "--set",
        "dedup.update_index=false",
        "--set",
        "dedup.max_removed_share=1",
        "--set",
        "dedup.lines.enabled=false",  # documents only, as datatrove's MinHash; line dedup: --lines (bench_dedup_lines.py)
    ]  # the corpus is mostly planted duplicates
    cmd += ["--set", f"dedup.verify_jaccard={preset['verify']}"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    shutil.rmtree(out, ignore_errors=True)  # a finished earlier run would be skipped, not measured
    wall, peak, proc = _measure(cmd, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"ours failed:\n{proc.stderr[-4000:]}")
    return wall, peak, ours_predicted(out)


def run_peer(docs: Path, work: Path, preset: dict) -> tuple[float, float, dict]:
    script = work / "peer.py"
    work.mkdir(parents=True, exist_ok=True)
    script.write_text(PEER_SCRIPT)
    cmd = [PEER_PYTHON, str(script), str(docs), str(work), str(preset["bands"]), str(preset["rows"]), str(preset["ngram"])]
    wall, peak, proc = _measure(cmd, cwd=work)
    if proc.returncode != 0:
        raise RuntimeError(f"datatrove failed:\n{proc.stderr[-4000:]}")
    predicted = {}
    for folder in ("kept", "removed"):
        for f in sorted((work / folder).glob("*.jsonl*")):
            import gzip

            opener = gzip.open if f.suffix == ".gz" else open
            with opener(f, "rt", encoding="utf-8") as fh:
                for line in fh:
                    r = json.loads(line)
                    c = r.get("metadata", {}).get("minhash_cluster_id")
                    if c is not None and c != -1:
                        predicted[r["id"]] = f"dt-{c}"
    return wall, peak, predicted


def input_line(data: Path) -> str:
    """The benchmark input line of a generated corpus, with how often a pool unit recurs across its bases."""
    import hashlib

    from curation.shards import list_shards, read_batches

    size, n, langs, digests = 0, 0, set(), set()
    for batch in read_batches(list_shards(data / "docs"), columns=["text", "lang"]):
        texts = batch.column("text").to_pylist()
        size += sum(len(t.encode()) for t in texts)
        n += len(texts)
        langs.update(batch.column("lang").to_pylist())
        digests.update(hashlib.blake2b(t.encode(), digest_size=12).digest() for t in texts)
    info = json.loads((data / "info.json").read_text(encoding="utf-8"))
    return (
        f"input: {size / 1e6:.2f} MB, {n:,} documents, {len(digests):,} distinct, {len(langs)} languages, repetition factor "
        f"{n / len(digests):.2f} ({info['bases']:,} base documents dealt from {info['pool_units']:,} real units, each unit in up to "
        f"{info['max_passes']} bases)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description="dedup benchmark: ours vs datatrove MinHash")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--presets", default="fineweb,recall")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench_dedup")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--json", type=Path, help="also write all figures here")
    ap.add_argument("--lines", action="store_true", help="also line dedup beside datatrove's SentenceDedup (bench_dedup_lines.py)")
    args = ap.parse_args()
    report, pools = [], None
    for size in [int(s) for s in args.sizes.split(",")]:
        data = args.work / f"corpus-data-{size}"  # not data-N: those were built from the tests' small pool
        if not (data / "info.json").exists():
            pools = pools or corpus_pools()
            write_corpus(data, size, seed=0, pools=pools)
        truth = pq.read_table(data / "truth.parquet")
        n = truth.num_rows
        print(f"\n{input_line(data)}")
        for name in args.presets.split(","):
            preset = PRESETS[name]
            rows = []
            wall, peak, pred = run_ours(data / "docs", args.work / f"ours-{name}-{size}", preset, n)
            rows.append(("ours", wall, peak, evaluate(truth, pred)))
            if not args.no_peer:
                wall, peak, pred = run_peer(data / "docs", args.work / f"peer-{name}-{size}", preset)
                rows.append(("datatrove", wall, peak, evaluate(truth, pred)))
            print(f"\n== {n:,} documents, preset {name}: {preset}")
            print(f"{'tool':<10} {'wall s':>8} {'peak GB':>8} {'docs/s':>8} {'P':>6} {'R':>6} {'F1':>6}")
            for tool, wall, peak, m in rows:
                a = m["all:all"]
                print(f"{tool:<10} {wall:>8.1f} {peak:>8.2f} {n / wall:>8.0f} {a['precision']:>6.3f} {a['recall']:>6.3f} {a['f1']:>6.3f}")
            first = rows[0][3]
            langs = sorted((k for k in first if k.startswith("lang:")), key=lambda k: -first[k]["true_pairs"])[:8]  # the 8 largest
            keys = [k for k in first if k.startswith("kind:") and k != "kind:single"] + langs
            print(
                "F1 by edit kind / language (the 8 with most true pairs): "
                + "  ".join(
                    f"{k.split(':', 1)[1]}=" + "/".join(f"{r[3].get(k, {}).get('f1', float('nan')):.2f}" for r in rows) for k in keys
                )
            )
            print(
                "   (shared_boilerplate: false pairs "
                + "/".join(str(r[3].get("kind:shared_boilerplate", {}).get("fp", 0)) for r in rows)
                + "; values ours/datatrove)"
            )
            report.append(
                {
                    "docs": n,
                    "preset": name,
                    "results": [{"tool": t, "wall_s": round(w, 2), "peak_rss_gb": round(p, 3), "metrics": m} for t, w, p, m in rows],
                }
            )
        if args.lines:
            from bench_dedup_lines import bench as bench_lines

            print(f"\n== line dedup, {n:,} documents")
            report.append({"docs": n, "lines": bench_lines(size, args.work, peer=not args.no_peer)})
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
