"""`curation tokenize`: Megatron datasets that megatron-core reads, deterministic, resumable, traceable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from tokenizers import Tokenizer

from curation.config import RunConfig
from curation.layout import Layout
from curation.megatron.doc_table import locate
from curation.megatron.indexed import IndexedReader, bin_path
from curation.megatron.tokenize_stage import run_tokenize
from curation.schema import documents_table
from curation.shards import list_shards, read_table, sha256_file, write_shard

ROOT = Path(__file__).resolve().parents[3]


def manifest_of(result) -> dict:
    """The manifest a tokenize run wrote (its one output)."""
    return json.loads(Path(result.outputs[0]).read_text(encoding="utf-8"))


# megatron-core and torch warn at import (no CUDA libraries, deprecations): not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


def make_config(out: Path, input_dir: Path, tokenizer: Path, workers: int = 1, **tokenize) -> RunConfig:
    return RunConfig.model_validate(
        {"output_dir": str(out), "workers": workers, "tokenize": {"input_dir": str(input_dir), "tokenizer": str(tokenizer), **tokenize}}
    )


def dataset_files(out: Path) -> dict[str, bytes]:
    tokens = Layout(out).tokens()
    return {p.name: p.read_bytes() for p in sorted(tokens.iterdir()) if p.suffix in (".bin", ".idx") or p.name.endswith(".docs.parquet")}


@pytest.fixture(scope="module")
def small_shards(tmp_path_factory) -> Path:
    """The UD PUD fixture, 50 documents per shard, so languages span several shards."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import write_lang_shards

    root = tmp_path_factory.mktemp("small")
    write_lang_shards(root, docs_per_shard=50)
    return root


@pytest.fixture(scope="module")
def tokenized(small_shards, trained_tokenizer, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("out")
    summary = run_tokenize(make_config(out, small_shards, trained_tokenizer, max_bin_bytes=20_000), progress=False)
    return out, summary


def test_megatron_core_reads_every_document_as_the_tokenizer_encodes_it(small_shards, trained_tokenizer, tokenized):
    """Acceptance: megatron-core's IndexedDataset, unchanged, returns exactly the tokenizer's ids + EOD."""
    from megatron.core.datasets.indexed_dataset import IndexedDataset

    out, summary = tokenized
    texts = dict(zip(*read_table(list_shards(small_shards), columns=["id", "text"]).to_pydict().values()))
    tok = Tokenizer.from_file(str(trained_tokenizer))
    eod = tok.token_to_id("</s>")
    manifest = manifest_of(summary)
    assert manifest["tokenizer"]["dtype"] == "uint16" and manifest["tokenizer"]["eod_id"] == eod == 2
    seen = 0
    for entry in manifest["datasets"]:
        prefix = Layout(out).tokens() / entry["name"]
        ds = IndexedDataset(str(prefix))
        docs = pq.read_table(Layout(out).tokens() / entry["files"]["docs"]["name"]).to_pylist()
        assert len(ds) == len(docs) == entry["docs"]
        for i, row in enumerate(docs):
            expected = tok.encode(texts[row["id"]], add_special_tokens=False).ids + [eod]
            assert ds[i].tolist() == expected
            assert row["tokens"] == len(expected) and row["doc"] == i
            assert row["lang"] == entry["group"]
        seen += len(docs)
    assert seen == len(texts) == 1025
    assert manifest["totals"]["docs"] == 1025


def test_datasets_are_split_at_the_cap_in_shard_order(small_shards, tokenized):
    out, summary = tokenized
    datasets = manifest_of(summary)["datasets"]
    en = [d["name"] for d in datasets if d["group"] == "en" and d["split"] == "train"]
    assert len(en) > 1 and en == [f"en_{i:05d}" for i in range(len(en))]
    assert all(d["files"]["bin"]["bytes"] <= 20_000 for d in datasets)
    # documents keep the input order (shards sorted, rows in order) across the cap and the held-out splits
    merged = [i for n in range(len(en)) for i in pq.read_table(Layout(out).token_docs("en", n)).column("id").to_pylist()]
    heldout = [i for s in ("valid", "test") for i in pq.read_table(Layout(out).token_docs("en", 0, s)).column("id").to_pylist()]
    every = read_table(list_shards(small_shards / "en"), columns=["id"]).column("id").to_pylist()
    assert merged == [i for i in every if i not in heldout] and 0 < len(heldout) < 20


def test_manifest_counts_checksums_and_blend(tokenized):
    out, summary = tokenized
    manifest = json.loads(Layout(out).token_manifest().read_text(encoding="utf-8"))
    tokens_dir = Layout(out).tokens()
    for d in manifest["datasets"]:
        for f in d["files"].values():
            assert sha256_file(tokens_dir / f["name"]) == f["sha256"]
            assert (tokens_dir / f["name"]).stat().st_size == f["bytes"]
        reader = IndexedReader(tokens_dir / d["name"])
        assert (len(reader), reader.tokens) == (d["docs"], d["tokens"])
    assert manifest["langs"]["tr"]["docs"] == 20 and manifest["langs"]["en"]["docs"] == 300
    assert manifest["sources"]["ud_pud_tr"] == manifest["langs"]["tr"]
    assert sum(v["tokens"] for v in manifest["langs"].values()) == manifest["totals"]["tokens"]
    assert manifest["tokenizer"]["sha256"] == manifest_of(summary)["tokenizer"]["sha256"]
    # train blend: a language's weight ∝ bytes^0.3 (no language is over the epoch cap here), shared by its
    # datasets in proportion to their tokens
    train = manifest["blend"]["splits"]["train"]
    weights = {w["dataset"]: w["weight"] for w in train["weights"]}
    assert sum(weights.values()) == pytest.approx(1.0)
    lang_weight = lambda lang: sum(w for name, w in weights.items() if name.startswith(lang + "_"))  # noqa: E731
    b = {}
    for d in manifest["datasets"]:
        if d["split"] == "train":
            b[d["group"]] = b.get(d["group"], 0) + d["bytes"]
    assert lang_weight("tr") / lang_weight("en") == pytest.approx((b["tr"] / b["en"]) ** 0.3, rel=1e-6)
    assert max(w["epochs"] for w in train["weights"]) <= manifest["blend"]["max_epochs"]
    parts = train["data_path"].split()
    assert parts[1::2] == [w["dataset"] for w in train["weights"]]
    assert [float(x) for x in parts[0::2]] == [w["weight"] for w in train["weights"]]


def test_every_token_traces_back_to_its_document(tokenized, small_shards):
    out, _ = tokenized
    docs = pq.read_table(Layout(out).token_docs("fi", 0)).to_pylist()
    third = docs[2]
    hit = locate(Layout(out).token_docs("fi", 0), third["token_offset"] + 3)
    shard = small_shards / "fi" / "part-00000.parquet"  # outside the output folder: named by its absolute path
    assert hit == {"doc": 2, "id": third["id"], "source": "ud_pud_fi", "lang": "fi", "offset_in_doc": 3} | {
        "url": None,
        "shard": str(shard.resolve()),
        "shard_row": 2,
    }
    assert pq.read_table(shard).column("id")[2].as_py() == third["id"]
    assert locate(Layout(out).token_docs("fi", 0), 0)["doc"] == 0
    last = docs[-1]
    assert locate(Layout(out).token_docs("fi", 0), last["token_offset"] + last["tokens"] - 1)["doc"] == len(docs) - 1
    with pytest.raises(IndexError, match="outside the dataset"):
        locate(Layout(out).token_docs("fi", 0), last["token_offset"] + last["tokens"])


def test_group_by_source_and_worker_count_give_the_same_bytes(small_shards, trained_tokenizer, tmp_path):
    one = run_tokenize(make_config(tmp_path / "a", small_shards, trained_tokenizer, 1, group_by="source"), progress=False)
    two = run_tokenize(make_config(tmp_path / "b", small_shards, trained_tokenizer, 2, group_by="source"), progress=False)
    names = [d["name"] for d in manifest_of(one)["datasets"] if d["split"] == "train"]
    assert names == [f"ud_pud_{lang}_00000" for lang in ("ar", "de", "en", "fi", "fr", "hi", "ru", "tr", "zh")]
    assert dataset_files(tmp_path / "a") == dataset_files(tmp_path / "b")
    assert manifest_of(one) == manifest_of(two)


def test_bad_input_is_counted_not_fatal(trained_tokenizer, tmp_path):
    src = tmp_path / "in"
    rows = [
        {"id": "d1", "source": "s", "text": "Hello </s> world", "lang": "en"},
        {"id": "d2", "source": "s", "text": "", "lang": "en"},
        {"id": "d3", "source": "s", "text": "Hei maailma", "lang": None},
    ]
    write_shard(src / "a" / "part-00000.parquet", documents_table(rows))
    (src / "b").mkdir()
    (src / "b" / "part-00000.parquet").write_bytes(b"PAR1 this is not parquet")
    out = tmp_path / "out"
    summary = run_tokenize(make_config(out, src, trained_tokenizer), progress=False)
    manifest = manifest_of(summary)
    assert manifest["skipped_docs"] == {"empty_text": 1, "unreadable_shard": 1}
    assert manifest["errors"] == 1
    (error,) = [json.loads(line) for line in Layout(out).errors("tokenize").read_text().splitlines()]
    assert error["path"].endswith("b/part-00000.parquet") and error["problem"] == "unreadable_shard"
    assert [d["name"] for d in manifest["datasets"]] == ["en_00000", "und_00000"]
    tok = Tokenizer.from_file(str(trained_tokenizer))
    tok.encode_special_tokens = True
    en = IndexedReader(Layout(out).token_prefix("en", 0))
    # "</s>" inside a document is text, not an end of document
    assert en[0].tolist() == tok.encode("Hello </s> world", add_special_tokens=False).ids + [2]
    assert en[0].tolist().count(2) == 1


def test_rerun_removes_datasets_it_no_longer_makes(small_shards, trained_tokenizer, tmp_path):
    run_tokenize(make_config(tmp_path, small_shards, trained_tokenizer, max_bin_bytes=20_000), progress=False)
    assert Layout(tmp_path).token_prefix("en", 1).with_suffix(".bin").exists()
    summary = run_tokenize(make_config(tmp_path, small_shards, trained_tokenizer), progress=False)
    assert summary.resumed == summary.tasks  # the cap only changes the merge
    assert not bin_path(Layout(tmp_path).token_prefix("en", 1)).exists()
    assert not Layout(tmp_path).token_docs("en", 1).exists()
    assert sorted(p.name for p in Layout(tmp_path).tokens().glob("en_*")) == [
        "en_00000.bin",
        "en_00000.docs.parquet",
        "en_00000.idx",
        "en_00000.stats.json",
    ]


def test_kill_9_then_rerun_gives_identical_bytes(trained_tokenizer, tmp_path):
    """Acceptance: interrupting `curation tokenize` and rerunning yields byte-identical .bin/.idx."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import read_train_docs

    docs = [row for rows in read_train_docs().values() for row in rows]
    src = tmp_path / "in"
    for i in range(12):  # enough work that the run is still going when the first shard completes
        rows = [dict(row, id=f"{row['id']}-{i}", lang=("en", "fi")[i % 2]) for row in docs]
        write_shard(src / f"part-{i:05d}.parquet", documents_table(rows))

    reference = tmp_path / "reference"
    run_tokenize(make_config(reference, src, trained_tokenizer), progress=False)

    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "curation",
        "tokenize",
        "--out",
        str(out),
        "--input",
        str(src),
        "--tokenizer",
        str(trained_tokenizer),
        "--workers",
        "1",
        "--no-progress",
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    markers = Layout(out).markers("tokenize")
    deadline = time.monotonic() + 60
    while not (markers.exists() and any(markers.glob("*.json"))):
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list(markers.glob("*.json")))
    assert 1 <= done < 12, f"{done} of 12 shards were complete when killed"
    assert not Layout(out).token_manifest().exists()

    rerun = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"(12shards,{done}alreadycomplete)" in "".join(rerun.stdout.split())
    assert dataset_files(out) == dataset_files(reference)
    assert len([n for n in dataset_files(out) if n.endswith(".bin")]) == 2
    assert not [p for p in Layout(out).tokens().rglob("*") if ".tmp-" in p.name]
    assert (
        json.loads(Layout(out).token_manifest().read_text())["datasets"]
        == json.loads(Layout(reference).token_manifest().read_text())["datasets"]
    )


def test_int32_when_the_vocabulary_does_not_fit_uint16(trained_tokenizer, tmp_path):
    from megatron.core.datasets.indexed_dataset import IndexedDataset

    big = Tokenizer.from_file(str(trained_tokenizer))
    big.add_special_tokens([f"<extra_{i}>" for i in range(65_536 - 3000 + 1)])
    assert big.get_vocab_size(with_added_tokens=True) == 65_537
    path = tmp_path / "big.json"
    big.save(str(path))
    src = tmp_path / "in"
    write_shard(src / "part-00000.parquet", documents_table([{"id": "a", "source": "s", "text": "<extra_65000> Tere", "lang": "et"}]))
    summary = run_tokenize(make_config(tmp_path / "out", src, path), progress=False)
    assert manifest_of(summary)["tokenizer"]["dtype"] == "int32"
    ds = IndexedDataset(str(Layout(tmp_path / "out").token_prefix("et", 0)))
    assert ds[0].dtype == np.int32
    expected = Tokenizer.from_file(str(path))
    expected.encode_special_tokens = True
    assert ds[0].tolist() == expected.encode("<extra_65000> Tere", add_special_tokens=False).ids + [2]
    assert bin_path(Layout(tmp_path / "out").token_prefix("et", 0)).stat().st_size == 4 * len(ds[0])


def test_doc_table_names_each_documents_url_and_shard_below_the_output_folder(trained_tokenizer, tmp_path):
    """docs.parquet leads from any token to the document's url and its place in deduped/ (shard path + row)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import read_train_docs

    out = tmp_path / "out"
    rows = [r | {"url": f"https://example.org/fi/{i}" if i % 2 else None} for i, r in enumerate(read_train_docs()["fi"][:7])]
    for part, chunk in enumerate((rows[:4], rows[4:])):
        write_shard(Layout(out).deduped("fi") / f"part-{part:05d}.parquet", documents_table(chunk))
    run_tokenize(make_config(out, Layout(out).deduped(), trained_tokenizer), progress=False)
    table = pq.read_table(Layout(out).token_docs("fi", 0))
    assert table.column_names[:7] == ["doc", "id", "source", "lang", "url", "shard", "shard_row"]
    got = table.select(["id", "url", "shard", "shard_row"]).to_pylist()
    assert got == [
        {"id": r["id"], "url": r["url"], "shard": f"deduped/fi/part-{i // 4:05d}.parquet", "shard_row": i % 4} for i, r in enumerate(rows)
    ]
    for row in got:  # the path and row lead back to the very document
        assert pq.read_table(out / row["shard"]).column("id")[row["shard_row"]].as_py() == row["id"]
