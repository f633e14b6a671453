"""Language identification, documents per second per core: our langid filter beside raw lid.176 and datatrove.

All three read the same `lid.176.ftz` (`filters.langid.default_model_path()`) on the same distinct
real documents in about 450 languages (`benchmarks/lid_corpus.py`: UD PUD, Bible verses, UDHR
paragraphs, OSCAR excerpts, read from the shared data folder), each source declaring its
documents' true language. CPU time (`time.process_time`) on one thread, best of `--repeats` (3)
rounds: in each round every batch is timed on ours, raw k=1 and raw k=5 in turn, so a change in the
load of a shared machine hits them alike, and each batch counts with its best time. The order turns
each round (3 rounds: each contender is once the first to touch a batch's text, which pays its cache
misses, a few us a document); the peer runs in its own process, one whole pass per round, its best
pass counting.

* ours: `filters.langid.LanguageId` with its default parameters, through `filters.base.apply_filter`
  on `Batch`es of 1,024 rows (the filter stage's default `batch_rows`) that never mix sources, as
  the filter stage applies it: top-5 labels, accepted-label mass, signals, counts, decisions;
* raw lid.176: `model.predict(lines, k=1)` per batch on the lines the filter reads (the first 5,000
  characters, newlines as spaces; making the lines is timed too); also with k=5, the labels our
  decision reads, to show the floor any filter at `top_k=5` pays;
* datatrove 0.10.1 `LanguageFilter` (default threshold 0.65; it predicts every label on the whole
  text, one document at a time), run by `$PEER_PYTHON` (default `.venv-peers/bin/python`, made by
  `make bench`), told the lid.176 labels each source's language accepts.

Model loading is not timed. Run from the project root:
    PYTHONPATH=. .venv/bin/python benchmarks/bench_lid.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from contenders import PEER_PYTHON, ROOT, Contender, filter_contender, run_rounds, timed  # noqa: I001  (sets the paths and threads)
from lid_corpus import BATCH_ROWS, Source, distinct_documents, fresh, input_line, sources_of

from filters.base import Batch
from filters.lang_labels import accepts, normalise_label
from filters.langid import LanguageId, default_model_path


def ours(batches: list[Batch]) -> Contender:
    return filter_contender(LanguageId(), batches, "ours: LanguageId via apply_filter", "top-5, accepted mass, signals, counts", fresh)


def raw_lid176(batches: list[Batch], k: int) -> Contender:
    import fasttext

    model = fasttext.load_model(str(default_model_path()))
    limit = LanguageId().defaults.max_chars

    def run(texts: list[str]) -> None:
        model.predict([t[:limit].replace("\n", " ").replace("\r", " ") for t in texts], k=k)

    note = "the baseline" if k == 1 else "the labels our decision reads: the floor at top_k=5"
    return Contender(f"raw lid.176 predict, k={k}", note, timed(run, lambda i: batches[i].texts))


def accepted_labels(lang: str, labels: list[str]) -> list[str]:
    """The model's raw labels (`hr`, `sh`, `sr`, `bs`) a source declaring `lang` keeps."""
    return [label.removeprefix("__label__") for label in labels if accepts(lang, normalise_label(label))]


def datatrove(sources: list[Source], folder: Path) -> Contender:
    """The peer in its own process: one unit, a whole pass (model loading untimed), once per round."""
    name = "datatrove 0.10.1 LanguageFilter"
    if not Path(PEER_PYTHON).exists():
        return Contender(name, f"not run: {PEER_PYTHON} missing (make bench creates it)", None)
    import fasttext

    model_labels = fasttext.load_model(str(default_model_path())).get_labels()
    path = folder / "sources.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for s in sources:
            record = {"source": s.name, "labels": accepted_labels(s.lang, model_labels), "texts": s.texts}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    env = dict(os.environ, HF_HOME=str(folder / "hf"), HF_HUB_OFFLINE="1")  # datatrove copies the file:// model there
    command = [PEER_PYTHON, str(ROOT / "benchmarks" / "bench_lid_peer.py"), str(path), str(default_model_path()), "1"]

    def one_pass(_: int) -> tuple[float, int | None]:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder)
        if proc.returncode != 0:
            raise RuntimeError(f"bench_lid_peer.py failed ({PEER_PYTHON}):\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        return result["cpu"], result["kept"]

    return Contender(name, "all labels, whole text, one document at a time", one_pass)


def table(contenders: list[Contender], docs: int, baseline: Contender) -> list[str]:
    lines = [f"{'':36} {'docs/s/core':>11} {'vs raw k=1':>10} {'kept':>7}  note"]
    for c in contenders:
        if c.measure is None:
            lines.append(f"{c.name:36} {'-':>11} {'-':>10} {'-':>7}  {c.note}")
            continue
        kept = f"{c.kept:,}" if c.kept is not None else "-"
        lines.append(f"{c.name:36} {docs / c.cpu:11,.0f} {baseline.cpu / c.cpu:9.2f}x {kept:>7}  {c.note}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="rounds; each batch's (the peer: each pass's) best counts")
    args = parser.parse_args()
    docs = distinct_documents()
    print(input_line(docs), flush=True)
    sources = sources_of(docs)
    batches = [b for s in sources for b in s.batches()]
    with tempfile.TemporaryDirectory() as tmp:
        baseline = raw_lid176(batches, k=1)
        in_process = [ours(batches), baseline, raw_lid176(batches, k=5)]
        peer = datatrove(sources, Path(tmp))
        run_rounds(in_process, len(batches), peer, args.repeats)
    print(
        f"{len(sources)} sources (corpus x language), each declaring its language; {len(batches)} batches of up to {BATCH_ROWS} rows; "
        f"CPU time, one thread, best of {args.repeats}"
    )
    print("\n".join(table([*in_process, peer], len(docs), baseline)))
    print(f"ours / raw lid.176 (k=1): {baseline.cpu / in_process[0].cpu:.2f}x (target >= 0.8x)")


if __name__ == "__main__":
    main()
