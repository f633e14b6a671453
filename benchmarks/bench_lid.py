"""Language identification, documents per second per core: our langid filter beside raw lid.176 and datatrove.

All three read the same `lid.176.ftz` (`filters.langid.default_model_path()`) on the same distinct
real documents in about 450 languages (`benchmarks/lid_corpus.py`: UD PUD, Bible verses, UDHR
paragraphs, OSCAR excerpts, read from the shared data folder), each source declaring its
documents' true language. CPU time (`time.process_time`) on one thread, best of `--repeats` (3):

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
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one thread, before numpy loads
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from lid_corpus import Document, distinct_documents  # noqa: E402

from curation.config import FilterConfig  # noqa: E402
from curation.counts import Counts  # noqa: E402
from filters.base import Batch, apply_filter  # noqa: E402
from filters.lang_labels import accepts, normalise_label  # noqa: E402
from filters.langid import LanguageId, default_model_path  # noqa: E402

PEER_PYTHON = os.environ.get("PEER_PYTHON", str(ROOT / ".venv-peers" / "bin" / "python"))
BATCH_ROWS = FilterConfig().batch_rows


@dataclass(frozen=True)
class Source:
    """One catalog source of the benchmark: a corpus in one language, declaring that language."""

    name: str
    lang: str
    texts: tuple[str, ...]

    def batches(self, rows: int = BATCH_ROWS) -> list[Batch]:
        """Fresh batches as the filter stage builds them from a shard (no language, no signals yet)."""
        out = []
        for start in range(0, len(self.texts), rows):
            texts = list(self.texts[start : start + rows])
            n = len(texts)
            ids = [f"{self.name}/{start + i}" for i in range(n)]
            out.append(Batch(ids, [self.name] * n, [None] * n, texts, [None] * n, [None] * n, [{} for _ in texts], [(self.lang,)] * n))
        return out


@dataclass
class Contender:
    """One side of the comparison: `one_pass()` times one pass over every document, returning (CPU seconds, kept or None)."""

    name: str
    note: str
    one_pass: Callable[[], tuple[float, int | None]] | None  # None: not run (the note says why)
    best: float = float("inf")
    kept: int | None = None

    def run_once(self) -> None:
        if self.one_pass is not None:
            cpu, self.kept = self.one_pass()
            self.best = min(self.best, cpu)


def sources_of(docs: list[Document]) -> list[Source]:
    """Documents grouped by (corpus, language), in first-seen order."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for doc in docs:
        grouped.setdefault((doc.corpus, doc.lang), []).append(doc.text)
    return [Source(f"{corpus}:{lang}", lang, tuple(texts)) for (corpus, lang), texts in grouped.items()]


def input_line(docs: list[Document]) -> str:
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    distinct = len({d.text for d in docs})
    corpora = sorted({d.corpus for d in docs})
    return (
        f"input: {size / 1e6:.2f} MB, {len(docs):,} documents, {distinct:,} distinct, {len({d.lang for d in docs})} languages, "
        f"repetition factor {len(docs) / distinct:.2f} ({' + '.join(corpora)})"
    )


def timed(run: Callable[[object], int | None], prepare: Callable[[], object]) -> Callable[[], tuple[float, int | None]]:
    """One timed pass of `run` on input that `prepare` (untimed) builds fresh."""

    def one_pass() -> tuple[float, int | None]:
        prepared = prepare()
        start = time.process_time()
        result = run(prepared)
        return time.process_time() - start, result

    return one_pass


def ours(sources: list[Source]) -> Contender:
    lang_filter = LanguageId()
    lang_filter.ensure_setup()

    def run(batches: list[Batch]) -> int:
        counts, kept = Counts(), 0
        for batch in batches:
            _, removals = apply_filter(lang_filter, batch, counts)
            kept += len(batch) - len(removals)
        return kept

    return Contender(
        "ours: LanguageId via apply_filter",
        "top-5, accepted mass, signals, counts",
        timed(run, lambda: [b for s in sources for b in s.batches()]),
    )


def raw_lid176(sources: list[Source], k: int) -> Contender:
    import fasttext

    model = fasttext.load_model(str(default_model_path()))
    limit = LanguageId().defaults.max_chars
    text_batches = [list(s.texts[i : i + BATCH_ROWS]) for s in sources for i in range(0, len(s.texts), BATCH_ROWS)]

    def run(batches: list[list[str]]) -> None:
        for texts in batches:
            model.predict([t[:limit].replace("\n", " ").replace("\r", " ") for t in texts], k=k)

    note = "the baseline" if k == 1 else "the labels our decision reads: the floor at top_k=5"
    return Contender(f"raw lid.176 predict, k={k}", note, timed(run, lambda: text_batches))


def accepted_labels(lang: str, labels: list[str]) -> list[str]:
    """The model's raw labels (`hr`, `sh`, `sr`, `bs`) a source declaring `lang` keeps."""
    return [label.removeprefix("__label__") for label in labels if accepts(lang, normalise_label(label))]


def datatrove(sources: list[Source], folder: Path) -> Contender:
    """The peer in its own process, one timed pass per call (model loading untimed), so its passes interleave with ours."""
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

    def one_pass() -> tuple[float, int | None]:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder)
        if proc.returncode != 0:
            raise RuntimeError(f"bench_lid_peer.py failed ({PEER_PYTHON}):\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        return result["cpu"], result["kept"]

    return Contender(name, "all labels, whole text, one document at a time", one_pass)


def table(contenders: list[Contender], docs: int, baseline: Contender) -> list[str]:
    lines = [f"{'':36} {'docs/s/core':>11} {'vs raw k=1':>10} {'kept':>7}  note"]
    for c in contenders:
        if c.one_pass is None:
            lines.append(f"{c.name:36} {'-':>11} {'-':>10} {'-':>7}  {c.note}")
            continue
        kept = f"{c.kept:,}" if c.kept is not None else "-"
        lines.append(f"{c.name:36} {docs / c.best:11,.0f} {baseline.best / c.best:9.2f}x {kept:>7}  {c.note}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per contender, interleaved; the best counts")
    args = parser.parse_args()
    docs = distinct_documents()
    print(input_line(docs), flush=True)
    sources = sources_of(docs)
    with tempfile.TemporaryDirectory() as tmp:
        baseline = raw_lid176(sources, k=1)
        contenders = [ours(sources), baseline, raw_lid176(sources, k=5), datatrove(sources, Path(tmp))]
        for _ in range(args.repeats):  # rounds: a change in the machine's load hits every contender alike
            for contender in contenders:
                contender.run_once()
    print(
        f"{len(sources)} sources (corpus x language), each declaring its language; batches of {BATCH_ROWS} rows; "
        f"CPU time, one thread, best of {args.repeats}"
    )
    print("\n".join(table(contenders, len(docs), baseline)))
    print(f"ours / raw lid.176 (k=1): {baseline.best / contenders[0].best:.2f}x (target >= 0.8x)")


if __name__ == "__main__":
    main()
