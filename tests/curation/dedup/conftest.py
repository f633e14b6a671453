"""One SparkSession for all dedup tests (start-up costs seconds), and a small
labelled near-duplicate corpus built from the real text in tests/data/dedup."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _load_builder():
    spec = importlib.util.spec_from_file_location("near_dup_data", ROOT / "benchmarks" / "near_dup_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["near_dup_data"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def near_dup_data():
    return _load_builder()


@pytest.fixture(scope="session")
def dedup_eval():
    spec = importlib.util.spec_from_file_location("dedup_eval", ROOT / "benchmarks" / "dedup_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from curation.config import SparkConfig
    from curation.spark import build_session

    session = build_session(SparkConfig(master="local[2]", driver_memory="2g"), local_dir=tmp_path_factory.mktemp("spark-local"))
    yield session
    session.stop()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, near_dup_data):
    """(document shards, truth table): about 400 documents, 10 languages."""
    import pyarrow.parquet as pq

    out = tmp_path_factory.mktemp("near-dup")
    paths, truth = near_dup_data.write(out, 400, seed=3, shard_docs=150)
    return paths, pq.read_table(truth)


RECALL = {
    "dedup.word_ngram": 3,
    "dedup.char_ngram": 3,
    "dedup.bands": 40,
    "dedup.rows": 3,
    "dedup.verify_jaccard": 0.5,
}


def _dedup_config(out: Path, inputs: list[Path], recall: bool = True, **overrides):
    """Run config for a test run; `recall`: the high-recall preset verified by true Jaccard."""
    from curation.config import load_config

    values = {
        "output_dir": str(out),
        "catalog": str(out / "no-catalog.yaml"),
        "dedup.input_dirs": [str(p) for p in inputs],
        # the labelled corpus is mostly planted duplicates: no safety stop unless a test asks for one
        "dedup.max_removed_share": 1.0,
    }
    if recall:
        values.update(RECALL)
    values.update({k.replace("__", "."): v for k, v in overrides.items()})
    return load_config(None, values)


@pytest.fixture(scope="session")
def dedup_config():
    return _dedup_config


@pytest.fixture(scope="session")
def result(spark, corpus, tmp_path_factory):
    """The corpus deduplicated in local mode, 2 partitions, high-recall preset: (out, summary, truth)."""
    from curation.dedup.stage import run_dedup

    paths, truth = corpus
    out = tmp_path_factory.mktemp("dedup-out")
    summary = run_dedup(_dedup_config(out, paths, dedup__partitions=2), spark=spark, priorities={}, log=lambda m: None)
    return out, summary, truth


def output_digest(out: Path) -> dict[str, str]:
    """sha256 of every file the dedup wrote (documents, removed, stats sidecars)."""
    import hashlib

    from curation.layout import Layout

    layout = Layout(out)
    files = [p for d in (layout.deduped(), layout.removed("dedup")) for p in sorted(d.rglob("*")) if p.is_file()]
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="session")
def digest():
    return output_digest
