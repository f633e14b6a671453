"""Issue 13, item 2: the tokenizer folder loads as it is in transformers and megatron-core, with bos/eos/pad,
and a special-token string written in a document is text in the shards and in every loader alike."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.config import RunConfig, TokenizerConfig
from curation.layout import Layout
from curation.megatron.indexed import IndexedReader
from curation.megatron.tokenize_stage import SpecialIdInText, run_tokenize
from curation.schema import documents_table
from curation.shards import list_shards, read_table, write_shard
from curation.tokenizer.folder import hf_arguments, load_encoding_tokenizer, save, special_ids
from curation.tokenizer.train import VocabularyShortfall, build_tokenizer, default_vocab_size, train

# megatron-core and torch warn at import (no CUDA libraries, deprecations): not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning", "ignore::FutureWarning")

ROLES = {"unk": 0, "bos": 1, "eos": 2, "pad": 3}
LITERALS = [
    "A tag </s> in the middle, <s>at the start</s> and <pad><unk> together.",
    "</s>",
    "Code: if x == '</s>': return '<pad>'",
    "Nothing special here, 我们 привет.",
]


def hf_loaders(folder: Path) -> dict:
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    return {
        "PreTrainedTokenizerFast(**hf_arguments(folder))": PreTrainedTokenizerFast(**hf_arguments(folder)),
        "PreTrainedTokenizerFast.from_pretrained(folder)": PreTrainedTokenizerFast.from_pretrained(str(folder)),
        "AutoTokenizer.from_pretrained(folder)": AutoTokenizer.from_pretrained(str(folder)),
    }


def megatron_tokenizer(folder: Path):
    from megatron.core.tokenizers import MegatronTokenizer

    return MegatronTokenizer.from_pretrained(str(folder))


def test_every_loader_gets_bos_eos_pad_and_pads_a_batch(trained_tokenizer):
    from transformers import PreTrainedTokenizerFast

    folder = trained_tokenizer.parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "special_tokens_map.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "tokenizer_metadata.json",
    ]
    # tokenizer.json alone has no place for roles: why the README passes **hf_arguments(folder)
    bare = PreTrainedTokenizerFast(tokenizer_file=str(trained_tokenizer))
    assert (bare.eos_token, bare.pad_token) == (None, None)
    for name, hf in hf_loaders(folder).items():
        ids = {role: getattr(hf, f"{role}_token_id") for role in ROLES}
        assert ids == ROLES, name
        batch = hf(["a", "a longer text to pad against"], padding=True)["input_ids"]
        assert len(batch[0]) == len(batch[1]) and batch[0][-1] == ROLES["pad"], name
    meg = megatron_tokenizer(folder)
    assert (meg.bos_id, meg.eod, meg.pad_id, meg.unk_id) == (1, 2, 3, 0)
    assert meg.vocab_size == load_encoding_tokenizer(trained_tokenizer).get_vocab_size(with_added_tokens=True)


def test_literal_special_tokens_are_text_in_the_shards_and_in_every_loader(trained_tokenizer, tmp_path):
    """Before: the shards encoded '</s>' in a document as text, the shipped tokenizer as the EOD id."""
    rows = [{"id": f"d{i}", "source": "s", "lang": "en", "text": t} for i, t in enumerate(LITERALS)]
    write_shard(tmp_path / "in" / "part-00000.parquet", documents_table(rows))
    config = RunConfig.model_validate(
        {
            "output_dir": str(tmp_path / "out"),
            "workers": 1,
            "tokenize": {"input_dir": str(tmp_path / "in"), "tokenizer": str(trained_tokenizer)},
        }
    )
    run_tokenize(config, progress=False)
    shard = IndexedReader(Layout(tmp_path / "out").tokens() / "en_00000")
    in_shards = [shard[i].tolist() for i in range(len(LITERALS))]
    assert all(ids[-1] == ROLES["eos"] and not set(ids[:-1]) & set(ROLES.values()) for ids in in_shards)
    folder = trained_tokenizer.parent
    for name, hf in hf_loaders(folder).items():
        assert [hf.encode(t, add_special_tokens=False) + [hf.eos_token_id] for t in LITERALS] == in_shards, name
        assert [hf(t)["input_ids"] + [hf.eos_token_id] for t in LITERALS] == in_shards, name  # no bos/eos added
        assert [hf.decode(ids[:-1]) for ids in in_shards] == LITERALS, name
    meg = megatron_tokenizer(folder)
    assert [meg.tokenize(t) + [meg.eod] for t in LITERALS] == in_shards
    assert [meg.detokenize(ids[:-1]) for ids in in_shards] == LITERALS


def _shard_with_literals(path: Path) -> list[Path]:
    texts = [f"<s>item {i}</s>\n</s> closes it; <pad> pads it." for i in range(300)]
    write_shard(
        path / "part-00000.parquet", documents_table([{"id": f"x{i}", "source": "s", "lang": "en", "text": t} for i, t in enumerate(texts)])
    )
    return list_shards(path)


def test_training_never_learns_a_special_token_string(tmp_path):
    """Before: trained on text full of '</s>', BPE merged '<', '/', 's', '>' back into '</s>', the EOD's own
    vocabulary entry, so even with special tokens encoded as text a document got an EOD in its middle."""
    tok, _ = train(_shard_with_literals(tmp_path), TokenizerConfig(vocab_size=400))
    tok = load_encoding_tokenizer(save(tok, tmp_path / "tok", TokenizerConfig(vocab_size=400))[0])
    specials = special_ids(tok)
    assert sorted(specials) == [0, 1, 2, 3]
    for text in ("</s>", "<s>item 7</s>\n</s> closes it; <pad> pads it.", "<pad><unk>"):
        ids = tok.encode(text).ids
        assert not set(ids) & set(specials) and tok.decode(ids) == text


def test_tokenize_stops_at_a_tokenizer_whose_merges_rebuild_a_special_token(tmp_path):
    from tokenizers import pre_tokenizers, trainers

    _shard_with_literals(tmp_path / "in")
    tok = build_tokenizer(TokenizerConfig().split_regex)
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator([f"<s>item {i}</s>\n</s> closes it" for i in range(300)], trainer=trainer)  # the old training
    path = save(tok, tmp_path / "tok", TokenizerConfig())[0]
    config = RunConfig.model_validate(
        {"output_dir": str(tmp_path / "out"), "workers": 1, "tokenize": {"input_dir": str(tmp_path / "in"), "tokenizer": str(path)}}
    )
    with pytest.raises(SpecialIdInText, match=r"part-00000.parquet: document x0: field 'text' encodes to special id [0-3]"):
        run_tokenize(config, progress=False)


def test_a_vocabulary_the_sample_cannot_reach_is_a_warning(deduped_dir, tmp_path):
    """Before: the default 250,680 on a small corpus stopped at a fraction of it, silently."""
    shards = list_shards(deduped_dir)
    with pytest.warns(VocabularyShortfall, match=r"vocabulary [\d,]+ of the 250,680 requested"):
        tok, sampling = train(shards, TokenizerConfig(vocab_size=250_680))
    check = sampling["vocabulary"]
    assert check["requested"] == 250_680 and check["reached"] == tok.get_vocab_size(with_added_tokens=True) < 250_680
    assert longest_zh_token(tok, deduped_dir) > 30  # the symptom: whole Chinese sentences learnt as one token
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "tokenizer",
            "train",
            "--out",
            str(out),
            "--input",
            str(deduped_dir),
            "--vocab-size",
            "250680",
            "--set",
            "tokenizer.fertility_text=null",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning: vocabulary" in " ".join(result.output.split()) and "250,680 requested" in " ".join(result.output.split())
    assert "warning" in json.loads(Layout(out).tokenizer_sampling().read_text())["vocabulary"]


def test_the_default_vocabulary_scales_with_the_sample(deduped_dir):
    assert TokenizerConfig().vocab_size is None
    assert [default_vocab_size(n) for n in (0, 200_000, 2_000_000, 100_000_000, 10**12)] == [1_024, 2_560, 8_448, 59_904, 250_680]
    with warnings.catch_warnings():
        warnings.simplefilter("error", VocabularyShortfall)  # the default is reachable
        tok, sampling = train(list_shards(deduped_dir), TokenizerConfig())
    check = sampling["vocabulary"]
    assert check["rule"] == "6·√(sample bytes)" and check["requested"] == default_vocab_size(check["sample_bytes"])
    assert tok.get_vocab_size(with_added_tokens=True) == check["requested"] == check["reached"]
    assert longest_zh_token(tok, deduped_dir) <= 8


def longest_zh_token(tok, deduped_dir: Path) -> int:
    """Characters of the longest token in the encoding of the corpus's Chinese documents."""
    texts = [r["text"] for r in read_table(list_shards(deduped_dir), columns=["lang", "text"]).to_pylist() if r["lang"] == "zh"]
    assert len(texts) > 50
    return max(len(tok.decode([i])) for e in tok.encode_batch(texts) for i in e.ids)
