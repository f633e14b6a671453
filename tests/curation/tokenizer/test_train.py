"""Tokenizer training: BLOOM's byte-level BPE, byte-exact round trips, deterministic bytes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from curation.config import BLOOM_SPLIT_REGEX, TokenizerConfig
from curation.shards import list_shards, sha256_file
from curation.tokenizer.train import TrainingError, train

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def tokenizer(trained_tokenizer) -> Tokenizer:
    return Tokenizer.from_file(str(trained_tokenizer))


@pytest.fixture(scope="module")
def text_only_tokenizer(trained_tokenizer) -> Tokenizer:
    tok = Tokenizer.from_file(str(trained_tokenizer))
    tok.encode_special_tokens = True
    return tok


def test_structure_is_bloom_byte_level_bpe(trained_tokenizer, tokenizer):
    spec = json.loads(trained_tokenizer.read_text(encoding="utf-8"))
    assert spec["normalizer"] is None
    assert spec["model"]["type"] == "BPE" and spec["model"]["unk_token"] is None
    split, byte_level = spec["pre_tokenizer"]["pretokenizers"]
    assert split["type"] == "Split" and split["pattern"] == {"Regex": BLOOM_SPLIT_REGEX} and split["behavior"] == "Isolated"
    assert byte_level["type"] == "ByteLevel" and byte_level["use_regex"] is False
    assert spec["decoder"]["type"] == "ByteLevel"
    assert tokenizer.get_vocab_size() == 3000
    assert [tokenizer.token_to_id(t) for t in ("<unk>", "<s>", "</s>", "<pad>")] == [0, 1, 2, 3]
    # all 256 byte symbols are in the vocabulary: no byte is ever unknown
    from tokenizers.pre_tokenizers import ByteLevel

    assert all(tokenizer.token_to_id(ch) is not None for ch in ByteLevel.alphabet())


def test_every_test_document_round_trips(tokenizer):
    texts = []
    for name in ("train_docs.tsv", "heldout_sentences.tsv"):
        with open(ROOT / "tests/data/tokenizer" / name, encoding="utf-8", newline="") as f:
            texts += [row["text"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert len(texts) == 1025 + 945
    encoded = tokenizer.encode_batch(texts)
    assert [tokenizer.decode(e.ids, skip_special_tokens=False) for e in encoded] == texts


# Arbitrary Unicode except category Cs: a lone surrogate is not a Unicode scalar value and has no
# UTF-8 encoding, so it cannot occur in a document (pyarrow strings, the schema, are UTF-8).
unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=300, deadline=None)
@given(text=unicode_text)
def test_round_trip_arbitrary_unicode(tokenizer, text):
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    assert tokenizer.decode(ids, skip_special_tokens=False) == text


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.sampled_from(["</s>", "<s>", "<pad>", "<unk>", " ", "a", "é", "\n"]), max_size=30))
def test_special_token_strings_in_text_are_text(text_only_tokenizer, pieces):
    """With encode_special_tokens (as the tokenize stage sets it) '</s>' in a document is never the EOD id."""
    text = "".join(pieces)
    tok = text_only_tokenizer
    ids = tok.encode(text, add_special_tokens=False).ids
    assert not set(ids) & {0, 1, 2, 3}
    assert tok.decode(ids, skip_special_tokens=True) == text


def test_training_is_deterministic_across_processes(deduped_dir, trained_tokenizer, tmp_path):
    script = (
        "import sys; from pathlib import Path;"
        "from curation.config import TokenizerConfig; from curation.shards import list_shards;"
        "from curation.tokenizer.train import save, train;"
        "cfg = TokenizerConfig(vocab_size=3000);"
        "tok, _ = train(list_shards(Path(sys.argv[1])), cfg); save(tok, Path(sys.argv[2]), cfg)"
    )
    subprocess.run([sys.executable, "-c", script, str(deduped_dir), str(tmp_path)], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    assert sha256_file(tmp_path / "tokenizer.json") == sha256_file(trained_tokenizer)


def test_transformers_loads_it(trained_tokenizer, tokenizer):
    from transformers import PreTrainedTokenizerFast

    text = "Schulman schrieb am Montag in einem Blogbeitrag. 我们 привет"
    for hf in (
        PreTrainedTokenizerFast(tokenizer_file=str(trained_tokenizer)),
        PreTrainedTokenizerFast.from_pretrained(str(trained_tokenizer.parent)),
    ):
        assert hf.encode(text, add_special_tokens=False) == tokenizer.encode(text).ids
        assert hf.decode(hf.encode(text)) == text
    hf = PreTrainedTokenizerFast.from_pretrained(str(trained_tokenizer.parent))
    assert (hf.eos_token, hf.eos_token_id, hf.pad_token_id, hf.unk_token) == ("</s>", 2, 3, "<unk>")


def test_no_input_is_a_clear_error(tmp_path):
    with pytest.raises(TrainingError, match="no input shards"):
        train(list_shards(tmp_path), TokenizerConfig(vocab_size=1000))


def test_roles_must_name_special_tokens():
    with pytest.raises(ValueError, match=r"roles.eos_token = '<eos>' is not one of special_tokens"):
        TokenizerConfig(roles={"eos_token": "<eos>"})
