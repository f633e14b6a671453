"""Fixtures shared by the tokenizer and Megatron tests: real multilingual shards and a trained tokenizer."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from curation.config import TokenizerConfig
from curation.schema import doc_id, documents_table
from curation.shards import list_shards, write_shard

TOKENIZER_DATA = Path(__file__).resolve().parents[1] / "data" / "tokenizer"
TEST_VOCAB = 3000


def read_train_docs() -> dict[str, list[dict]]:
    """UD PUD documents per language (unequal sizes), as pipeline document rows."""
    rows: dict[str, list[dict]] = {}
    with open(TOKENIZER_DATA / "train_docs.tsv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            native = f"{row['lang']}:{row['doc_id']}"
            rows.setdefault(row["lang"], []).append(
                {"id": doc_id("ud_pud", native), "source": f"ud_pud_{row['lang']}", "text": row["text"], "lang": row["lang"]}
            )
    return rows


def write_lang_shards(root: Path, docs_per_shard: int = 10_000) -> list[Path]:
    """`root/<lang>/part-NNNNN.parquet`, the layout of the dedup stage's output."""
    for lang, rows in read_train_docs().items():
        for i in range(0, len(rows), docs_per_shard):
            write_shard(root / lang / f"part-{i // docs_per_shard:05d}.parquet", documents_table(rows[i : i + docs_per_shard]))
    return list_shards(root)


@pytest.fixture(scope="session")
def deduped_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("deduped")
    write_lang_shards(root)
    return root


@pytest.fixture(scope="session")
def trained_tokenizer(deduped_dir, tmp_path_factory) -> Path:
    """tokenizer.json trained on the fixture shards (α = 0.3, small vocabulary)."""
    from curation.tokenizer.train import save, train

    cfg = TokenizerConfig(vocab_size=TEST_VOCAB)
    tokenizer, _table = train(list_shards(deduped_dir), cfg)
    return save(tokenizer, tmp_path_factory.mktemp("tokenizer"), cfg)
