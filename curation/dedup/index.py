"""Incremental dedup: the signature index of an already-deduplicated corpus.

The index is a folder of generations, `gen-NNNNN/`, one per dedup run, each with
`docs/` (id, key, exact hash, normalised URL, rank fields of every surviving
document), `bands/` (LSH band hashes of the survivors) and `manifest.json`
(the run's input fingerprint, MinHash parameters and the deduplicated shards it
produced, read only to verify candidates by their true Jaccard). A new batch
is deduplicated against every generation without reprocessing the old corpus,
then appended as the next generation.

A generation belongs to the corpus it describes (`producer`: that corpus folder,
relative to the index, so the pair can move together). A run that writes a corpus
replaces the generation of that corpus, and so does a rerun on the same inputs:
a run is deduplicated against *other* corpora's generations only, never itself.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from curation.atomic import atomic_path, write_json_atomic
from curation.config import DedupConfig

DOC_COLUMNS = ("id", "key", "lang", "exact_hash", "url_norm", "neg_priority", "neg_quality")
BAND_COLUMNS = ("band", "band_hash", "key")


class IndexMismatch(ValueError):
    pass


def minhash_params(cfg: DedupConfig) -> dict:
    return {
        "bands": cfg.bands,
        "rows": cfg.rows,
        "word_ngram": cfg.word_ngram,
        "char_ngram": cfg.char_ngram,
        "char_langs": sorted(cfg.char_langs),
        "seed": cfg.seed,
    }


def generations(index_dir: Path) -> list[Path]:
    """Complete generations (their manifest is written last), oldest first."""
    if not index_dir.exists():
        return []
    return sorted(p for p in index_dir.glob("gen-*") if (p / "manifest.json").exists())


def producer_of(index_dir: Path, corpus_dir: Path) -> str:
    """How a generation names the corpus folder it describes: relative to the index folder."""
    return Path(os.path.relpath(Path(corpus_dir).resolve(), Path(index_dir).resolve())).as_posix()


def _is_own(manifest: dict, fingerprint: str, producer: str, corpus_dir: Path) -> bool:
    """The generation this run replaces: same inputs, or the same corpus folder."""
    if manifest["fingerprint"] == fingerprint:
        return True
    if "producer" in manifest:
        return manifest["producer"] == producer
    # generations written before `producer` existed: judged by where their corpus lives
    return any(Path(p).resolve().is_relative_to(Path(corpus_dir).resolve()) for p in manifest["corpus"])


def _manifests(index_dir: Path) -> list[tuple[Path, dict]]:
    return [(gen, json.loads((gen / "manifest.json").read_text(encoding="utf-8"))) for gen in generations(index_dir)]


def load_index(spark, index_dir: Path, cfg: DedupConfig, fingerprint: str, corpus_dir: Path):
    """(docs, bands, corpus shard paths) of every generation of *other* corpora (see `_is_own`)."""
    docs = bands = None
    corpus: list[str] = []
    producer = producer_of(index_dir, corpus_dir)
    for gen, manifest in _manifests(index_dir):
        if _is_own(manifest, fingerprint, producer, corpus_dir):
            continue
        if cfg.near and manifest["minhash"] != minhash_params(cfg):
            raise IndexMismatch(
                f"{gen}/manifest.json: index built with MinHash parameters {manifest['minhash']}, "
                f"but dedup config has {minhash_params(cfg)}; use the same bands, rows, n-grams and seed"
            )
        if not any((gen / "docs").glob("*.parquet")):  # a generation that kept no document
            continue
        d = spark.read.parquet(str(gen / "docs"))
        docs = d if docs is None else docs.unionByName(d)
        if any((gen / "bands").glob("*.parquet")):
            b = spark.read.parquet(str(gen / "bands"))
            bands = b if bands is None else bands.unionByName(b)
        corpus.extend(p for p in manifest["corpus"] if Path(p).exists())
    return docs, bands, corpus


ROWS_PER_FILE = 1_000_000


def _write_sorted(frame, folder: Path, parts: int, by: list[str]) -> None:
    """Hash-partition on `by`, sort, and write `part-NNNNN.parquet` with pyarrow from the executors:
    unlike Spark's writer (job ids in names, writer metadata), the same rows give the same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    root = str(folder.resolve())

    def write(batches):
        import os
        from itertools import chain

        import pyarrow as pa
        import pyarrow.parquet as pq
        from pyspark import TaskContext

        from curation.atomic import atomic_path

        path = os.path.join(root, f"part-{TaskContext.get().partitionId():05d}.parquet")
        batches = iter(batches)
        first = next(batches, None)
        if first is not None:  # an empty partition writes no file
            with atomic_path(path) as tmp, pq.ParquetWriter(tmp, first.schema, compression="zstd") as writer:
                for batch in chain([first], batches):
                    writer.write_batch(batch)
        yield pa.RecordBatch.from_pylist([{"path": path}], schema=pa.schema([("path", pa.string())]))

    frame.repartition(parts, *by).sortWithinPartitions(*by).mapInArrow(write, "path string").collect()


def write_generation(
    index_dir: Path, docs, bands, fingerprint: str, cfg: DedupConfig, corpus_dir: Path, corpus: list[str], count: int
) -> Path:
    """Append the survivors of this run as a generation, replacing this corpus's own (see `_is_own`)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    producer = producer_of(index_dir, corpus_dir)
    for gen, manifest in _manifests(index_dir):
        if _is_own(manifest, fingerprint, producer, corpus_dir):
            shutil.rmtree(gen)
    remove_unfinished(index_dir)
    existing = [int(p.name.split("-")[1]) for p in index_dir.glob("gen-*") if p.name.split("-")[1].isdigit()]
    number = max(existing, default=-1) + 1
    final = index_dir / f"gen-{number:05d}"
    # hash-partitioned on the key into a count-derived number of files, sorted, renamed: the same
    # survivors give the same files whatever the job's partitioning
    parts = max(1, -(-count // ROWS_PER_FILE))
    with atomic_path(final) as tmp:
        _write_sorted(docs.select(*DOC_COLUMNS), tmp / "docs", parts, ["key"])
        if bands is not None:
            _write_sorted(bands.select(*BAND_COLUMNS), tmp / "bands", parts, ["band", "band_hash", "key"])
        # the manifest is written before the rename: a generation is complete the moment it appears
        write_json_atomic(
            tmp / "manifest.json",
            {"fingerprint": fingerprint, "producer": producer, "minhash": minhash_params(cfg), "corpus": sorted(corpus), "docs": count},
        )
    return final


def remove_unfinished(index_dir: Path) -> None:
    """What a writer killed mid-way left: temporary generations, and generations without a manifest
    (written by versions that renamed before writing it)."""
    for path in sorted(index_dir.glob(".gen-*.tmp*")) + [g for g in sorted(index_dir.glob("gen-*")) if not (g / "manifest.json").exists()]:
        shutil.rmtree(path, ignore_errors=True)
