"""Rehydration (FineWeb-2): `tokenize.rehydrate` upsamples documents by their dup_cluster_size in the train blend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curation.config import ConfigError, RunConfig, load_config
from curation.megatron.blend import BlendPart, weights
from curation.megatron.indexed import IndexedReader
from curation.megatron.rehydration import RehydrationError, parse_tiers
from curation.megatron.tokenize_stage import run_tokenize
from curation.schema import documents_table
from curation.shards import write_shard


def read_train_docs() -> dict[str, list[dict]]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import read_train_docs as read

    return read()


pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


def test_ranges_parse_and_bad_ones_are_named():
    tiers = parse_tiers({"6-": 0.5, "2-5": 2, "1": 1})
    assert [(t.label, t.low, t.high, t.weight) for t in tiers] == [("1", 1, 1, 1.0), ("2-5", 2, 5, 2.0), ("6-", 6, None, 0.5)]
    for bad, words in (({"2-5": 2, "5-9": 1}, "overlap"), ({"two": 2}, "not a cluster-size range"), ({"2-5": 0}, "must be > 0")):
        with pytest.raises(RehydrationError, match=words):
            parse_tiers(bad)
    with pytest.raises(ConfigError, match="rehydrate"):
        load_config(None, {"tokenize.rehydrate": {"3-1": 2}})


def test_upsampled_dataset_gets_weight_times_its_token_share_and_group_shares_stay():
    plain = [BlendPart("en_00000", "en", 1000, 500), BlendPart("en@dup2-5_00000", "en", 1000, 500), BlendPart("fr_00000", "fr", 500, 300)]
    rehydrated = plain[:1] + [BlendPart("en@dup2-5_00000", "en", 1000, 500, upsample=2.0)] + plain[2:]
    before = {r["dataset"]: r for r in weights(plain, alpha=0.3, max_epochs=100)}
    after = {r["dataset"]: r for r in weights(rehydrated, alpha=0.3, max_epochs=100)}
    assert before["en_00000"]["weight"] == pytest.approx(before["en@dup2-5_00000"]["weight"])
    assert after["en@dup2-5_00000"]["weight"] == pytest.approx(2 * after["en_00000"]["weight"])
    assert after["en@dup2-5_00000"]["epochs"] == pytest.approx(2 * after["en_00000"]["epochs"], rel=1e-5)
    assert after["fr_00000"]["weight"] == pytest.approx(before["fr_00000"]["weight"])  # the language mix is unchanged


def _shards_with_cluster_sizes(root: Path) -> Path:
    """English and French UD PUD documents; every third has 3 copies, every seventh 12 (dup_cluster_size)."""
    docs = read_train_docs()
    for lang in ("en", "fr"):
        rows = []
        for i, row in enumerate(docs[lang]):
            size = 12 if i % 7 == 0 else 3 if i % 3 == 0 else 1
            rows.append(row | {"signals": {"dup_cluster_size": float(size), "words": 10.0}})
        write_shard(root / lang / "part-00000.parquet", documents_table(rows))
    return root


def test_tokenize_puts_ranges_in_datasets_of_their_own_and_upsamples_them(trained_tokenizer, tmp_path):
    shards = _shards_with_cluster_sizes(tmp_path / "deduped")

    def tokenize(out: Path, **options) -> dict:
        cfg = RunConfig.model_validate(
            {"output_dir": str(out), "workers": 1, "tokenize": {"input_dir": str(shards), "tokenizer": str(trained_tokenizer), **options}}
        )
        run_tokenize(cfg, progress=False)
        return json.loads((out / "tokens" / "manifest.json").read_text(encoding="utf-8"))

    plain = tokenize(tmp_path / "plain")
    rehydrated = tokenize(tmp_path / "rehydrated", rehydrate={"2-5": 2, "6-": 0.5})
    assert plain["totals"] == rehydrated["totals"]  # the same documents and tokens, differently grouped
    datasets = {d["name"]: d for d in rehydrated["datasets"] if d["split"] == "train"}
    assert {"en_00000", "en@dup2-5_00000", "en@dup6-_00000", "fr_00000", "fr@dup2-5_00000", "fr@dup6-_00000"} <= set(datasets)
    assert datasets["en@dup2-5_00000"]["upsample"] == 2.0 and datasets["en@dup2-5_00000"]["group"] == "en"
    assert "upsample" not in datasets["en_00000"]
    n = len(IndexedReader(Path(tmp_path / "rehydrated" / "tokens" / "en@dup6-_00000")))
    assert (
        n
        == datasets["en@dup6-_00000"]["docs"]
        == sum(1 for i in range(len(read_train_docs()["en"])) if i % 7 == 0) - _heldout(rehydrated, "en@dup6-")
    )
    train = {r["dataset"]: r for r in rehydrated["blend"]["splits"]["train"]["weights"]}
    per_token = {name: train[name]["weight"] / datasets[name]["tokens"] for name in train}
    assert per_token["en@dup2-5_00000"] == pytest.approx(2 * per_token["en_00000"])
    assert per_token["en@dup6-_00000"] == pytest.approx(0.5 * per_token["en_00000"])
    # the languages' shares are those of the plain blend
    plain_train = plain["blend"]["splits"]["train"]["weights"]
    for lang in ("en", "fr"):
        share = sum(r["weight"] for r in train.values() if r["dataset"].startswith(lang))
        assert share == pytest.approx(sum(r["weight"] for r in plain_train if r["dataset"].startswith(lang)), rel=1e-3)
    summary = rehydrated["blend"]["rehydration"]
    assert (
        summary["weights"] == {"2-5": 2, "6-": 0.5}
        and summary["ranges"]["2-5"]["docs"] == datasets["en@dup2-5_00000"]["docs"] + datasets["fr@dup2-5_00000"]["docs"]
    )


def _heldout(manifest: dict, prefix: str) -> int:
    return sum(d["docs"] for d in manifest["datasets"] if d["split"] != "train" and d["name"].split("/")[-1].startswith(prefix))
