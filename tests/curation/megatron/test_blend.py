"""Issue 13, item 3: a blend that means what it says, per split, that megatron-core builds and reads."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

from curation.config import RunConfig
from curation.layout import Layout
from curation.megatron.blend import BlendError, BlendPart, weights
from curation.megatron.manifest import SPLITS
from curation.megatron.tokenize_stage import TokenizeError, run_tokenize

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning", "ignore::FutureWarning")


def test_weights_follow_bytes_not_tokens():
    """Before: weights ∝ tokens^α, so a language the tokenizer serves badly (1.02 bytes per token: Amharic)
    out-weighed one with the same text and a good tokenization."""
    parts = [BlendPart("am_00000", "am", bytes=100_000, tokens=98_000), BlendPart("fr_00000", "fr", bytes=100_000, tokens=25_000)]
    rows = {r["dataset"]: r for r in weights(parts, alpha=0.3, max_epochs=100)}
    assert rows["am_00000"]["weight"] == pytest.approx(rows["fr_00000"]["weight"]) == pytest.approx(0.5)


def test_no_dataset_is_read_more_than_max_epochs_times():
    """Before: one pass over the sample's blend read 1-document datasets 70 times and English 0.2 times."""
    parts = [BlendPart("en_00000", "en", 1_000_000, 250_000), BlendPart("en_00001", "en", 1_000_000, 250_000)]
    parts += [BlendPart(f"x{i}_00000", f"x{i}", 300, 100) for i in range(30)]  # tiny languages
    rows = weights(parts, alpha=0.3, max_epochs=4)
    assert sum(r["weight"] for r in rows) == pytest.approx(1.0)
    assert max(r["epochs"] for r in rows) == pytest.approx(4.0)
    tiny = [r for r in rows if r["dataset"].startswith("x")]
    assert all(r["epochs"] == pytest.approx(4.0) for r in tiny)  # held at the cap, the rest goes to English
    en = [r for r in rows if r["dataset"].startswith("en")]
    assert en[0]["weight"] == en[1]["weight"] and en[0]["epochs"] == pytest.approx((1 - 30 * 4 * 100 / 503_000) * 503_000 / 500_000)
    # a larger training budget: every dataset at most 4 times in it
    rows = weights(parts, alpha=0.3, max_epochs=4, budget=1_500_000)
    assert max(r["epochs"] for r in rows) <= 4 + 1e-9 and sum(r["weight"] for r in rows) == pytest.approx(1.0)
    with pytest.raises(BlendError, match="more than max_epochs = 4 times"):
        weights(parts, alpha=0.3, max_epochs=4, budget=5 * 503_000)


@pytest.fixture(scope="module")
def tokenized(tmp_path_factory, trained_tokenizer) -> Path:
    """The UD PUD fixture (300 en … 20 tr documents), 50 documents per shard, held-out splits of 5 % each."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import write_lang_shards

    root = tmp_path_factory.mktemp("blend")
    write_lang_shards(root / "in", docs_per_shard=50)
    options = {"input_dir": str(root / "in"), "tokenizer": str(trained_tokenizer), "valid_fraction": 0.05, "test_fraction": 0.05}
    run_tokenize(RunConfig.model_validate({"output_dir": str(root / "out"), "workers": 1, "tokenize": options}), progress=False)
    return root / "out"


def test_one_dataset_per_language_and_split_and_no_empty_split(tokenized):
    manifest = json.loads(Layout(tokenized).token_manifest().read_text())
    datasets = manifest["datasets"]
    # documents of a language from many shards are merged: one dataset per language and split
    train = sorted(d["group"] for d in datasets if d["split"] == "train")
    assert train == sorted(manifest["langs"]) and len(train) == 9
    # a language under heldout_min_docs (tr: 20 documents) is train only; a large one gives documents to valid and test
    for split in ("valid", "test"):
        groups = {d["group"] for d in datasets if d["split"] == split}
        assert "en" in groups and "tr" not in groups
        assert all(Layout(tokenized).token_prefix(g, 0, split).with_suffix(".bin").exists() for g in groups)
    # every blend lists only datasets with documents, each split its own, and Megatron's arguments name all three
    for split in SPLITS:
        listed = [w["dataset"] for w in manifest["blend"]["splits"][split]["weights"]]
        assert listed == [d["name"] for d in datasets if d["split"] == split and d["docs"] > 0] and listed
    args = manifest["blend"]["megatron_args"]
    assert args.startswith("--train-data-path ") and "--valid-data-path " in args and "--test-data-path " in args and "--split" not in args
    assert sum(d["docs"] for d in datasets) == manifest["totals"]["docs"] == 1025


def test_megatron_core_builds_and_reads_the_blended_gpt_dataset(tokenized, trained_tokenizer):
    """megatron-core's BlendedMegatronDatasetBuilder on the manifest's per-split blends, on CPU, with the
    tokenizer folder as megatron-core loads it; a hang (upstream #957) fails the test after 60 s."""
    from megatron.core.datasets.blended_megatron_dataset_builder import BlendedMegatronDatasetBuilder
    from megatron.core.datasets.gpt_dataset import GPTDataset, GPTDatasetConfig
    from megatron.core.tokenizers import MegatronTokenizer

    tokens_dir = Layout(tokenized).tokens()
    manifest = json.loads(Layout(tokenized).token_manifest().read_text())

    def blend(split):
        rows = manifest["blend"]["splits"][split]["weights"]
        return [str(tokens_dir / r["dataset"]) for r in rows], [r["weight"] for r in rows]

    tokenizer = MegatronTokenizer.from_pretrained(str(trained_tokenizer.parent))
    config = GPTDatasetConfig(
        random_seed=1234,
        sequence_length=64,
        blend_per_split=[blend(split) for split in SPLITS],
        tokenizer=tokenizer,
        reset_position_ids=False,
        reset_attention_mask=False,
        eod_mask_loss=False,
        path_to_cache=None,
    )

    def hang(*_):
        raise TimeoutError("BlendedMegatronDatasetBuilder did not return in 60 s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    try:
        train, valid, test = BlendedMegatronDatasetBuilder(GPTDataset, [4000, 40, 40], lambda: True, config).build()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert len(train) >= 4000 and len(valid) >= 40 and len(test) >= 40
    vocab = tokenizer.vocab_size
    for dataset in (train, valid, test):
        for i in range(0, 40, 7):
            sample = dataset[i]
            tokens = sample["tokens"].numpy()
            assert tokens.shape == (64,) and 0 <= tokens.min() and tokens.max() < vocab
            assert np.array_equal(sample["labels"].numpy()[:-1], tokens[1:])
    # the train blend draws from every language, in the proportions of the weights
    drawn = np.bincount(np.asarray(train.dataset_index), minlength=len(blend("train")[0])) / len(train.dataset_index)
    assert np.allclose(drawn, blend("train")[1], atol=0.01)


def test_a_budget_over_the_epoch_cap_is_a_clear_error(tokenized, trained_tokenizer, tmp_path):
    manifest = json.loads(Layout(tokenized).token_manifest().read_text())
    options = {
        "input_dir": str(tokenized.parent / "in"),
        "tokenizer": str(trained_tokenizer),
        "train_tokens": 10 * manifest["totals"]["tokens"],
    }
    config = RunConfig.model_validate({"output_dir": str(tmp_path / "out"), "workers": 1, "tokenize": options})
    with pytest.raises(TokenizeError, match=r"tokenize.train_tokens: a budget of [\d,]+ tokens .* more than max_epochs = 4 times"):
        run_tokenize(config, progress=False)
