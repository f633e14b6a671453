"""Quality classifier: scoring throughput (documents/s/core) of our `classifier` filter beside datatrove's
FastTextClassifierFilter, the same model on the same distinct documents; and the training time of 100,000 documents.

* the model: trained by our recipe (`curation.quality.train.train_classifier`, the code behind `curation quality
  train`, default parameters) on `--model-documents` (10,000) documents of the recipe's `doc_chars` (~200 characters), half a class:
  `high` = UD PUD sentences, Bible verses and UDHR paragraphs; `low` = OSCAR 2019 web excerpts (real crawl text),
  in about 450 languages (`benchmarks/lid_corpus.py`, read where they live in the shared data folder). The pools
  are cycled where they hold too few documents: the line printed before training gives the repetition. Then,
  timed, the same recipe on `--train-documents` (100,000: 50,000 a class): wall-clock and CPU time of the whole
  `train_classifier` call (cutting, split, fastText in its fresh process, held-out evaluation, metrics, card).
* the documents scored: the 42,230 distinct documents of `lid_corpus.distinct_documents()`, in sources
  (corpus x language) of batches of up to 1,024 rows (the filter stage's `batch_rows`), each document labelled
  with its true language;
* ours: `filters.classifier.QualityClassifier` (`model`: the trained folder, threshold mode at the model's
  held-out threshold) through `filters.base.apply_filter`, as the filter stage applies it: each batch and
  language scored at once in numpy (`curation.fasttext_numpy`: each distinct word of the batch worked out once),
  signals, counts, decisions;
* raw fastText `predict(lines, k=-1)` per batch on the same lines: what one fastText call per batch costs (ours
  without `curation.fasttext_numpy`);
* datatrove 0.10.1 `FastTextClassifierFilter(keep_labels=("high", threshold), newline_replacement=" ")` (one
  predict call per document, every label's score saved in the metadata) run by `$PEER_PYTHON` (default
  `.venv-peers/bin/python`) in its own process, on the same texts, the same model file.

CPU time (`time.process_time`) on one thread, best of `--repeats` (3) rounds; model loading is not timed.
Both filters should keep the same documents (same model, same words, same threshold; ours computes fastText's
probabilities to 1e-6, so a document that close to the threshold could go the other way: the line says so). `--set dim=32` (repeatable)
trains both models with a `quality_model` value other than the default. Run from the project root:
    PYTHONPATH=. .venv/bin/python benchmarks/bench_classifier.py [--train-documents 0] [--set dim=32]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from contenders import PEER_PYTHON, ROOT, Contender, filter_contender, run_rounds, timed  # noqa: I001  (sets the paths and threads)
from lid_corpus import BATCH_ROWS, Document, distinct_documents, fresh, input_line, sources_of

from curation.config import QualityModelConfig, parse_override
from curation.quality.documents import one_line
from curation.quality.train import TrainingSet, train_classifier
from filters.base import Batch
from filters.classifier import QualityClassifier, model_threshold

TRAIN_DOCUMENTS = 100_000
HIGH_CORPORA, LOW_CORPORA = ("ud-pud", "bible", "udhr"), ("oscar",)


def cycled(texts: list[str], chars: int) -> list[str]:
    """The texts repeated in order until they hold `chars` characters (each source document once per cycle)."""
    out, size = [], 0
    for text in itertools.cycle(texts):
        if size >= chars:
            return out
        out.append(text)
        size += len(text)
    return out


def recipe_overrides(specs: list[str]) -> dict[str, object]:
    """`--set dim=16` pairs (read as the run config's `--set` reads them), checked by `QualityModelConfig` itself."""
    try:
        overrides = dict(map(parse_override, specs))
        QualityModelConfig(**overrides)
    except ValueError as exc:  # ConfigError, pydantic's ValidationError
        raise SystemExit(f"--set: {exc}") from None
    return overrides


def train_model(docs: list[Document], folder: Path, documents: int, overrides: dict[str, object] | None = None) -> tuple[Path, str]:
    """Our recipe on `documents` documents (half a class); the model folder and the line that reports the time."""
    cfg = QualityModelConfig(**{**(overrides or {}), "max_documents": documents // 2, "card_examples": 0})
    pools = {label: [d.text for d in docs if d.corpus in corpora] for label, corpora in (("high", HIGH_CORPORA), ("low", LOW_CORPORA))}
    # a little more text than 50,000 documents of doc_chars need: the recipe's seeded sample takes 50,000
    texts = {label: cycled(pool, int(1.2 * cfg.doc_chars * cfg.max_documents)) for label, pool in pools.items()}
    ts = TrainingSet("mul", texts["high"], texts["low"], recipe={"positives": "UD PUD + Bible + UDHR", "negatives": "OSCAR 2019 excerpts"})
    repetition = {label: len(texts[label]) / len(pools[label]) for label in pools}
    print(
        f"training: {documents:,} documents of ~{cfg.doc_chars} characters ({documents // 2:,} a class); distinct source documents "
        f"high {len(pools['high']):,} (taken {repetition['high']:.1f} times over), low {len(pools['low']):,} (taken {repetition['low']:.1f} times over)",
        flush=True,
    )
    before, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    cpu = time.process_time()
    files = train_classifier(ts, cfg, folder, log=lambda m: None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    held = json.loads(files.metrics.read_text(encoding="utf-8"))["held_out"]
    return files.folder, (
        f"training time, {documents:,} documents (80 % trained on, one fastText thread): {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"(held-out ROC-AUC {held['roc_auc']}, threshold {held['threshold']})"
    )


def ours(batches: list[Batch], model: Path) -> Contender:
    classifier = QualityClassifier({"model": str(model)})
    copy = functools.partial(fresh, identified=True)
    return filter_contender(classifier, batches, "ours: classifier via apply_filter", "a batch at once in numpy, signals, counts", copy)


def raw_predict(batches: list[Batch], model: Path) -> Contender:
    import fasttext

    ft = fasttext.load_model(str(model / "model.bin"))

    def run(texts: list[str]) -> None:
        ft.predict([one_line(t) for t in texts], k=-1)

    return Contender("raw fastText predict, k=-1", "one call per batch, no decision", timed(run, lambda i: batches[i].texts))


def datatrove(docs: list[Document], model: Path, folder: Path, repeats: int) -> Contender:
    name = "datatrove 0.10.1 FastTextClassifier"
    if not Path(PEER_PYTHON).exists():
        return Contender(name, f"not run: {PEER_PYTHON} missing (make bench creates it)", None)
    path = folder / "docs.jsonl"
    path.write_text("".join(json.dumps({"text": d.text}, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    threshold = model_threshold(model)
    command = [PEER_PYTHON, str(ROOT / "benchmarks" / "bench_classifier_peer.py"), str(path), str(model / "model.bin"), str(threshold), "1"]
    env = {"HF_HOME": str(folder / "hf"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}

    def one_pass(_: int) -> tuple[float, int | None]:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder)
        if proc.returncode != 0:
            raise RuntimeError(f"bench_classifier_peer.py failed ({PEER_PYTHON}):\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        return result["cpu"], result["kept"]

    return Contender(name, "one predict per document, all labels saved", one_pass)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="rounds; each batch's (the peer: each pass's) best counts")
    parser.add_argument("--model-documents", type=int, default=10_000, help="documents the scored model is trained on")
    parser.add_argument("--train-documents", type=int, default=TRAIN_DOCUMENTS, help="documents of the timed training (0: skip)")
    parser.add_argument(
        "--set", dest="sets", action="append", default=[], help="a recipe parameter other than the default: dim=16 (repeatable)"
    )
    args = parser.parse_args()
    overrides = recipe_overrides(args.sets)
    docs = distinct_documents()
    print(input_line(docs), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        model, trained = train_model(docs, Path(tmp) / "model", args.model_documents, overrides)
        print(trained, flush=True)
        batches = [b for source in sources_of(docs) for b in source.batches(identified=True)]
        in_process = [ours(batches, model), raw_predict(batches, model)]
        peer = datatrove(docs, model, Path(tmp), args.repeats)
        run_rounds(in_process, len(batches), peer, args.repeats)
        print(f"{len(batches)} batches of up to {BATCH_ROWS} rows, one source each; CPU time, one thread, best of {args.repeats}")
        print(f"{'':38} {'docs/s/core':>11} {'kept':>7}  note")
        for c in [*in_process, peer]:
            if c.measure is None:
                print(f"{c.name:38} {'-':>11} {'-':>7}  {c.note}")
            else:
                kept = "-" if c.kept is None else f"{c.kept:,}"
                print(f"{c.name:38} {len(docs) / c.cpu:11,.0f} {kept:>7}  {c.note}", flush=True)
        if peer.measure is not None:
            same = in_process[0].kept == peer.kept
            print(
                f"ours / datatrove: {peer.cpu / in_process[0].cpu:.2f}x (target >= 1.5x); same number of documents kept: {same}", flush=True
            )
        if args.train_documents:
            print(train_model(docs, Path(tmp) / "timed", args.train_documents, overrides)[1])


if __name__ == "__main__":
    main()
