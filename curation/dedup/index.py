"""Incremental dedup: the signature index of an already-deduplicated corpus.

The index is a folder of generations, `gen-NNNNN/`, one per dedup run, each with
`docs/` (id, key, exact hash, normalised URL, rank fields of every surviving
document), `bands/` (LSH band hashes of the survivors) and `manifest.json`
(the run's input fingerprint, MinHash parameters and the deduplicated shards it
produced, read only to verify candidates by their true Jaccard). A new batch
is deduplicated against every generation without reprocessing the old corpus,
then appended as the next generation. A rerun on the same inputs replaces its
own generation instead of matching itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from curation.config import DedupConfig
from curation.shards import write_json_atomic

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


def load_index(spark, index_dir: Path, cfg: DedupConfig, fingerprint: str):
    """(docs, bands, corpus shard paths) of every generation not produced from these same inputs."""
    docs = bands = None
    corpus: list[str] = []
    for gen in generations(index_dir):
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        if manifest["fingerprint"] == fingerprint:
            continue
        if cfg.near and manifest["minhash"] != minhash_params(cfg):
            raise IndexMismatch(
                f"{gen}/manifest.json: index built with MinHash parameters {manifest['minhash']}, "
                f"but dedup config has {minhash_params(cfg)}; use the same bands, rows, n-grams and seed"
            )
        d = spark.read.parquet(str(gen / "docs"))
        docs = d if docs is None else docs.unionByName(d)
        if (gen / "bands").exists():
            b = spark.read.parquet(str(gen / "bands"))
            bands = b if bands is None else bands.unionByName(b)
        corpus.extend(p for p in manifest["corpus"] if Path(p).exists())
    return docs, bands, corpus


def write_generation(index_dir: Path, docs, bands, fingerprint: str, cfg: DedupConfig, corpus: list[str], count: int) -> Path:
    """Append the survivors of this run as a generation (replacing one from the same inputs)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    for gen in generations(index_dir):
        if json.loads((gen / "manifest.json").read_text(encoding="utf-8"))["fingerprint"] == fingerprint:
            shutil.rmtree(gen)
    existing = [int(p.name.split("-")[1]) for p in index_dir.glob("gen-*") if p.name.split("-")[1].isdigit()]
    number = max(existing, default=-1) + 1
    final = index_dir / f"gen-{number:05d}"
    tmp = index_dir / f".gen-{number:05d}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    docs.select(*DOC_COLUMNS).sortWithinPartitions("key").write.parquet(str(tmp / "docs"), compression="zstd")
    if bands is not None:
        bands.select(*BAND_COLUMNS).write.parquet(str(tmp / "bands"), compression="zstd")
    tmp.rename(final)
    write_json_atomic(
        final / "manifest.json",
        {"fingerprint": fingerprint, "minhash": minhash_params(cfg), "corpus": sorted(corpus), "docs": count},
    )
    return final
