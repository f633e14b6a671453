"""Tokens/s per core of `curation tokenize` beside raw `Tokenizer.encode_batch` and datatrove, on distinct documents.

Input: the benchmark corpus (`benchmarks/corpus.py`: 56 MB of distinct real documents in 450
languages, one Parquet shard per language), every document once. All three encode the same
documents with the same tokenizer.json (trained here on a sample of that corpus) on one thread
(TOKENIZERS_PARALLELISM=false, RAYON_NUM_THREADS=1):
- raw: `Tokenizer.encode_batch` over texts already in memory (no I/O, nothing written);
- ours: the whole stage, `run_tokenize` with one worker, an empty piece cache: Parquet shards read,
  encoded, per-shard parts written, merged into Megatron datasets, side tables and manifest;
- datatrove: `ParquetReader` → `MegatronDocumentTokenizer` on the same shards, run with
  the peer interpreter (PEER_PYTHON, default /work/main/.venv-peers/bin/python).

Then:
- where ours spends its time on that single pass (cProfile of the stage: Parquet read, encode,
  part and index writes, merge);
- the piece cache's warm-up: one language's slice (`--curve-lang`, default the largest) fed to
  one encoder in steps of `--step-mb`, tokens/s of ours and of raw `encode_batch` on each step,
  against the MB the cache has seen.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_tokenize.py [--vocab 32000] [--repeats 1] [--curve-lang de]
"""

from __future__ import annotations

import os

os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one thread: before tokenizers starts its pool
os.environ["RAYON_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
PEER_PYTHON = os.environ.get("PEER_PYTHON", "/work/main/.venv-peers/bin/python")

PEER_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    os.environ["RAYON_NUM_THREADS"] = "1"
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import ParquetReader
    from datatrove.pipeline.tokens import MegatronDocumentTokenizer

    if __name__ == "__main__":
        src, out, tok, logs = sys.argv[1:5]
        pipeline = [
            ParquetReader(src, glob_pattern="**/*.parquet", read_metadata=False),
            MegatronDocumentTokenizer(out, tokenizer_name_or_path=tok, eos_token="</s>"),
        ]
        t0, c0 = time.perf_counter(), time.process_time()
        LocalPipelineExecutor(pipeline, tasks=1, workers=1, logging_dir=logs).run()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        nbytes = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out) if f.endswith(".bin"))
        print(json.dumps({"wall": wall, "cpu": cpu, "bin_bytes": nbytes}))
    """
)


def compare(work: Path, src: Path, texts: list[str], tok_path: Path, repeats: int) -> dict[str, tuple[float, float, int]]:
    """Best (wall, CPU) of `repeats` rounds for each contender on the same shards; with token counts."""
    from tokenizers import Tokenizer

    from curation.config import RunConfig
    from curation.megatron.tokenize_stage import load_encoder, run_tokenize

    tok = Tokenizer.from_file(str(tok_path))
    tok.encode_special_tokens = True  # as the stage: a literal `</s>` in a document is text, not the EOD id
    total = sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)) + len(texts)  # + one EOD each
    script = work / "peer.py"
    script.write_text(PEER_SCRIPT)
    peer_tokens = [total]

    def raw() -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, len(texts), 1024):
            for e in tok.encode_batch(texts[i : i + 1024], add_special_tokens=False):
                _ = e.ids  # materialise the ids, as a writer would
        return time.perf_counter() - t0, time.process_time() - c0

    def ours(r: int) -> tuple[float, float]:
        run = RunConfig.model_validate(
            {"output_dir": str(work / f"ours{r}"), "workers": 1, "tokenize": {"input_dir": str(src), "tokenizer": str(tok_path)}}
        )
        load_encoder.cache_clear()  # every round starts with an empty piece cache, as a new worker does
        t0, c0 = time.perf_counter(), time.process_time()
        summary = run_tokenize(run, progress=False)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert summary.facts["tokens"] == total, (summary.facts, total)
        return wall, cpu

    def peer(r: int) -> tuple[float, float]:
        out = work / f"datatrove{r}"
        proc = subprocess.run(
            [PEER_PYTHON, str(script), str(src), str(out), str(tok_path), str(work / f"logs{r}")], capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise RuntimeError(f"datatrove failed:\n{proc.stderr[-2000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        # the same tokens as uint16, but for literal special-token strings in the text, which it encodes as special ids
        peer_tokens[0] = result["bin_bytes"] // 2
        assert abs(peer_tokens[0] - total) <= total // 10_000, (result, total)
        return result["wall"], result["cpu"]

    # rounds interleave the contenders, so load from other processes hits all of them alike;
    # CPU seconds (not wall) make "per core" figures robust to a busy machine
    best: dict[str, list[float]] = {}
    for r in range(repeats):
        contenders = {"raw": raw, "ours": lambda r=r: ours(r)}
        if Path(PEER_PYTHON).exists():
            contenders["datatrove"] = lambda r=r: peer(r)
        for name, fn in contenders.items():
            wall, cpu = fn()
            prev = best.get(name, [float("inf"), float("inf")])
            best[name] = [min(prev[0], wall), min(prev[1], cpu)]
    tokens = {"raw": total - len(texts), "ours": total, "datatrove": peer_tokens[0]}
    return {name: (wall, cpu, tokens[name]) for name, (wall, cpu) in best.items()}


def report(title: str, best: dict[str, tuple[float, float, int]]) -> None:
    labels = {
        "raw": "raw Tokenizer.encode_batch (in memory)",
        "ours": "curation tokenize (shards → .bin/.idx)",
        "datatrove": "datatrove MegatronDocumentTokenizer",
    }
    print(f"\n{title}")
    print(f"{'contender':<42}{'wall s':>8}{'CPU s':>8}{'tokens/s/core':>15}{'vs raw':>8}")
    rate = {name: tokens / cpu for name, (wall, cpu, tokens) in best.items()}
    for name, (wall, cpu, _tokens) in best.items():
        print(f"{labels[name]:<42}{wall:>8.2f}{cpu:>8.2f}{rate[name]:>15,.0f}{rate[name] / rate['raw']:>7.2f}×")
    print(f"ours / raw = {rate['ours'] / rate['raw']:.2f} (target ≥ 0.9)", end="")
    if "datatrove" in rate:
        print(f"; ours / datatrove = {rate['ours'] / rate['datatrove']:.2f} (target ≥ 2)")
    else:
        print(f"; datatrove not run ({PEER_PYTHON} missing)")


# (phase, file the function lives in, function): cumulative CPU of each in a profile of the stage; nested rows are indented
PHASES = (
    ("run_tokenize (whole stage)", "curation/megatron/tokenize_stage.py", "run_tokenize"),
    ("  plan (input shard hashes)", "curation/megatron/tokenize_stage.py", "plan"),
    ("  encode_shard (per shard)", "curation/megatron/tokenize_stage.py", "encode_shard"),
    ("    Parquet read", "curation/shards.py", "read_batches"),
    ("    encode: piece encoder", "curation/megatron/piece_encoder.py", "encode"),
    ("    encode: ids to numpy, EOD (_encode)", "curation/megatron/tokenize_stage.py", "_encode"),
    ("    counts (group_by)", "curation/megatron/tokenize_stage.py", "_count"),
    ("    part .bin writes", "curation/megatron/indexed.py", "add_documents"),
    ("    part .idx writes (close)", "curation/megatron/indexed.py", "close"),
    ("    side tables (.docs.parquet)", "pyarrow/parquet/core.py", "write_table"),
    ("  merge into datasets", "curation/megatron/tokenize_stage.py", "merge"),
    ("  manifest", "curation/megatron/manifest.py", "build_manifest"),
)


def profile_stage(work: Path, src: Path, tok_path: Path) -> None:
    """Where the stage's time goes on the single pass: cumulative CPU per phase under cProfile."""
    from curation.config import RunConfig
    from curation.megatron.tokenize_stage import load_encoder, run_tokenize

    run = RunConfig.model_validate(
        {"output_dir": str(work / "profiled"), "workers": 1, "tokenize": {"input_dir": str(src), "tokenizer": str(tok_path)}}
    )
    load_encoder.cache_clear()
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(run_tokenize, run, False)
    stats = pstats.Stats(profiler).stats
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _line, function), (_cc, _nc, _tt, ct, _callers) in stats.items():
        for _label, where, name in PHASES:
            if function == name and filename.endswith(where):
                cumulative[(where, name)] = cumulative.get((where, name), 0.0) + ct
    total = cumulative.get((PHASES[0][1], PHASES[0][2]), 0.0) or 1.0
    print("\nwhere ours spends the single pass (cProfile, CPU s cumulative; the profiler inflates Python-heavy parts):")
    for label, where, name in PHASES:
        seconds = cumulative.get((where, name), 0.0)
        print(f"{label:<44}{seconds:>8.2f}{100 * seconds / total:>7.1f} %")


def chunks_by_mb(texts: list[str], step_mb: float) -> list[list[str]]:
    out, size = [[]], 0
    for text in texts:
        out[-1].append(text)
        size += len(text.encode())
        if size >= step_mb * 1e6:
            out.append([])
            size = 0
    return [c for c in out if c]


def timed_tokens(encode, texts: list[str]) -> tuple[float, int]:
    c0 = time.process_time()
    n = sum(len(ids) for i in range(0, len(texts), 256) for ids in encode(texts[i : i + 256]))
    return time.process_time() - c0, n


def warm_up_curve(texts: list[str], tok_path: Path, step_mb: float) -> list[tuple[float, float, float]]:
    """(MB seen, ours tokens/s, raw tokens/s) per step of one language's slice, one piece cache throughout.

    Each step is encoded by ours (the cache keeps what earlier steps filled) and by raw `encode_batch`;
    a last step encodes the first step again: the cache's steady state on text it has seen."""
    from tokenizers import Tokenizer

    from curation.megatron.piece_encoder import make_encoder

    tok = Tokenizer.from_file(str(tok_path))
    tok.encode_special_tokens = True
    ours = make_encoder(tok)

    def raw(batch: list[str]) -> list[list[int]]:
        return [e.ids for e in tok.encode_batch(batch, add_special_tokens=False)]

    steps = chunks_by_mb(texts, step_mb)
    rows, seen = [], 0.0
    for step in steps + steps[:1]:
        raw_cpu, raw_n = timed_tokens(raw, step)
        ours_cpu, ours_n = timed_tokens(ours, step)
        assert ours_n == raw_n, (ours_n, raw_n)
        seen += sum(len(t.encode()) for t in step) / 1e6
        rows.append((seen, ours_n / ours_cpu, raw_n / raw_cpu))
    return rows


def encoders_alone(texts: list[str], tok_path: Path) -> tuple[float, float]:
    """(ours, raw) tokens/s of the encoders alone, in memory, on every document once, an empty cache at the start."""
    from tokenizers import Tokenizer

    from curation.megatron.piece_encoder import make_encoder

    tok = Tokenizer.from_file(str(tok_path))
    tok.encode_special_tokens = True
    raw_cpu, raw_n = timed_tokens(lambda b: [e.ids for e in tok.encode_batch(b, add_special_tokens=False)], texts)
    ours_cpu, ours_n = timed_tokens(make_encoder(tok), texts)
    assert ours_n == raw_n
    return ours_n / ours_cpu, raw_n / raw_cpu


def trained_tokenizer(work: Path, src: Path, vocab: int, sample_mb: float) -> Path:
    from curation.config import TokenizerConfig
    from curation.shards import list_shards
    from curation.tokenizer.train import save, train

    cfg = TokenizerConfig(vocab_size=vocab, sample_bytes=int(sample_mb * 1e6))
    tokenizer, _ = train(list_shards(src), cfg)
    return save(tokenizer, work / "tokenizer", cfg)


def main() -> None:
    import corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=32_000)
    parser.add_argument("--sample-mb", type=float, default=20, help="tokenizer training sample drawn from the corpus")
    parser.add_argument("--repeats", type=int, default=1, help="best of N for each contender on the single pass")
    parser.add_argument("--curve-lang", default=None, help="language slice of the warm-up curve (default: the largest)")
    parser.add_argument("--step-mb", type=float, default=0.5)
    parser.add_argument("--parts", default="single,alone,profile,curve", help="which parts to run (comma-separated)")
    parser.add_argument("--tokenizer", type=Path, help="a tokenizer.json to use instead of training one")
    args = parser.parse_args()

    from tokenizers import Tokenizer

    docs = corpus.load()
    src = corpus.CORPUS_DIR
    print(corpus.input_line(docs))
    work = Path(tempfile.mkdtemp(prefix="bench_tokenize_"))
    tok_path = args.tokenizer or trained_tokenizer(work, src, args.vocab, args.sample_mb)
    vocab = Tokenizer.from_file(str(tok_path)).get_vocab_size()
    trained = f"given: {args.tokenizer}" if args.tokenizer else f"trained on a {args.sample_mb:g} MB sample of it"
    texts = [d.text for d in docs]
    parts = set(args.parts.split(","))
    if "single" in parts:
        report(
            f"single pass over every document once, empty piece cache; vocabulary {vocab:,} ({trained}), one thread each",
            compare(work, src, texts, tok_path, args.repeats),
        )
    if "alone" in parts:
        ours, raw = encoders_alone(texts, tok_path)
        print(
            f"encoders alone, in memory, same single pass: piece encoder {ours:,.0f} tokens/s, raw encode_batch {raw:,.0f} ({ours / raw:.2f}×)"
        )
    if "profile" in parts:
        profile_stage(work, src, tok_path)
    if "curve" not in parts:
        return
    lang = args.curve_lang or corpus.slice_langs(1.0)[0]
    slice_docs = corpus.load([lang])
    print(f"\nwarm-up of the piece cache on one language: {corpus.input_line(slice_docs)}")
    print(f"{'MB seen':>8}{'ours tok/s':>14}{'raw tok/s':>14}{'ours/raw':>10}")
    rows = warm_up_curve([d.text for d in slice_docs], tok_path, args.step_mb)
    for i, (seen, ours, raw) in enumerate(rows):
        note = "  (the first step again: text the cache has seen)" if i == len(rows) - 1 else ""
        print(f"{seen:>8.1f}{ours:>14,.0f}{raw:>14,.0f}{ours / raw:>9.2f}×{note}")


if __name__ == "__main__":
    main()
