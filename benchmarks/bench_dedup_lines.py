"""Line dedup benchmark: ours (the dedup job's line step, Spark `local[2]`) beside datatrove's SentenceDedup on lines.

    PYTHONPATH=. python benchmarks/bench_dedup_lines.py --sizes 100000,1000000
    (also run by `bench_dedup.py --lines`)

The input is `near_dup_data`'s corpus (real multilingual sentences, planted boilerplate lines, near-duplicate copies),
the documents the MinHash benchmark reads. Both sides remove a line found in 2 or more documents from all but one
(ours: `dedup.lines.min_docs=2`, `keep: survivor`; datatrove: `n_sentences=1`, `split_sentences=False`) and drop a
document left under 10 words; document-level steps and decontamination are off on our side, so both do line dedup alone. Wall time and
peak RSS summed over each process tree (`bench_dedup._measure`), lines removed as each side counts them. Our job's log,
with the seconds of each step, is kept beside its output (`<work>/ours-lines-N.log`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pyarrow.compute as pc

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_dedup import _measure  # noqa: E402
from near_dup_data import write as write_corpus  # noqa: E402

# absolute: the peer runs in its own work folder
PEER_PYTHON = str(Path(os.environ.get("PEER_PYTHON", ROOT / ".venv-peers" / "bin" / "python")).absolute())
MIN_WORDS = 10


def describe(docs: Path) -> str:
    """The input line: MB, documents, distinct documents, languages, repetition factor, lines and distinct lines."""
    from curation.shards import list_shards, read_table

    table = read_table(list_shards(docs))
    text = table.column("text")
    distinct = len(pc.unique(text))
    lines = pc.list_flatten(pc.split_pattern(text, "\n"))
    lines = lines.filter(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(lines)), 0))
    return (
        f"input: {pc.sum(pc.binary_length(text)).as_py() / 1e6:.2f} MB, {table.num_rows:,} documents, {distinct:,} distinct, "
        f"{len(pc.unique(table.column('lang')))} languages, repetition factor {table.num_rows / distinct:.2f}; "
        f"{len(lines):,} non-blank lines, {len(pc.unique(lines)):,} distinct"
    )


def run_ours(docs: Path, out: Path, n_docs: int) -> tuple[float, float, dict]:
    memory = "4g" if n_docs <= 200_000 else "6g"
    settings = {
        "catalog": out / "no-catalog.yaml",
        "spark.driver_memory": memory,
        "dedup.exact": "false",
        "dedup.url": "false",
        "dedup.near": "false",
        "dedup.decontaminate.benchmarks": "{}",  # the bundled config names the sample's (UD PUD sentences are in this corpus)
        "dedup.lines.enabled": "true",
        "dedup.lines.min_docs": 2,
        "dedup.max_removed_share": 1.0,
        "dedup.update_index": "false",
        "filter.params.quality.min_words": MIN_WORDS,
    }
    cmd = [sys.executable, "-m", "curation", "dedup", "--input", str(docs), "--out", str(out), "--master", "local[2]"]
    for key, value in settings.items():
        cmd += ["--set", f"{key}={value}"]
    shutil.rmtree(out, ignore_errors=True)  # a finished earlier run would be skipped, not measured
    # the job's step timings (`CURATION_DEDUP_TIMING`, `curation.dedup.work`) go to its log, beside its output folder
    wall, peak, proc = _measure(cmd, env=os.environ | {"PYTHONPATH": str(ROOT), "CURATION_DEDUP_TIMING": "1"}, cwd=ROOT)
    out.with_suffix(".log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"ours failed: {proc.stderr[-3000:]}")
    from curation.layout import Layout
    from curation.stats import collect

    counts = collect(Layout(out))
    lines = sum(v[0] for (stage, _l, _s, _o), v in counts.rows.items() if stage == "dedup:lines")
    return wall, peak, {"lines_removed": lines, "docs_kept": counts.docs("dedup", outcome="kept")}


def run_peer(docs: Path, work: Path) -> tuple[float, float, dict]:
    cmd = [PEER_PYTHON, str(HERE / "bench_dedup_lines_peer.py"), str(docs), str(work), str(MIN_WORDS)]
    wall, peak, proc = _measure(cmd, cwd=work.parent)
    if proc.returncode != 0:
        raise RuntimeError(f"datatrove failed: {proc.stderr[-3000:]}")
    return wall, peak, json.loads(proc.stdout.strip().splitlines()[-1])


def bench(size: int, work: Path, peer: bool = True, log=print) -> list[dict]:
    """Both contenders on one corpus of about `size` documents: a row each."""
    data = work / f"data-{size}"
    if not (data / "docs").exists():
        write_corpus(data, size, seed=0)
    log(describe(data / "docs"))
    rows = []
    wall, peak, found = run_ours(data / "docs", work / f"ours-lines-{size}", size)
    rows.append({"size": size, "who": "ours", "wall_s": round(wall, 1), "peak_gb": round(peak, 2)} | found)
    log_row(rows[-1], log)  # each row as soon as it is measured: a failing peer does not lose ours
    if peer:
        peer_work = work / f"peer-lines-{size}"
        shutil.rmtree(peer_work, ignore_errors=True)
        peer_work.mkdir(parents=True)
        wall, peak, found = run_peer(data / "docs", peer_work)
        rows.append({"size": size, "who": "datatrove SentenceDedup", "wall_s": round(wall, 1), "peak_gb": round(peak, 2)} | found)
        log_row(rows[-1], log)
    return rows


def log_row(row: dict, log=print) -> None:
    log(
        f"{row['size']:>9,}  {row['who']:<24} {row['wall_s']:>8.1f} s  {row['peak_gb']:>5.2f} GB  "
        f"lines removed {row['lines_removed']:>10,}  documents kept {row['docs_kept']:>9,}"
    )
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-dedup-lines")
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        bench(size, args.work, peer=not args.no_peer)


if __name__ == "__main__":
    main()
