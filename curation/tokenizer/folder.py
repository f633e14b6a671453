"""The tokenizer folder trainers load as it is, and the one policy for special-token strings in text.

Loaders and the files they read (names fixed by the loaders):
- `tokenizers.Tokenizer.from_file(folder/tokenizer.json)`: the vocabulary and pipeline;
- `transformers` `AutoTokenizer.from_pretrained(folder)` / `PreTrainedTokenizerFast.from_pretrained(folder)`:
  `tokenizer_config.json` (class, roles bos/eos/unk/pad, `split_special_tokens`) and `special_tokens_map.json`;
- megatron-core `MegatronTokenizer.from_pretrained(folder)`: `tokenizer_metadata.json` (library
  `huggingface`, model type `gpt`), then transformers' `AutoTokenizer` on the folder, so the same roles.
`tokenizer.json` cannot name roles: `PreTrainedTokenizerFast(tokenizer_file=...)` gets them only as
arguments, `**hf_arguments(folder)`.

Policy: a special-token string written in a document (`</s>`, `<s>`, `<pad>`, `<unk>`) is text.
It is encoded as its characters, never as the special id, in the token shards (the tokenize stage)
and by every loader above (`split_special_tokens`). Special ids enter a sequence only when a
program appends them: the tokenize stage appends the end-of-document id after each document.
`tokenizers.Tokenizer` cannot store this setting: set `encode_special_tokens = True` after
`from_file`, as `load_encoding_tokenizer` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from curation.atomic import write_json_atomic, write_text_atomic
from curation.config import TokenizerConfig

TOKENIZER_FILE = "tokenizer.json"
SPECIAL_TOKENS_ARE_TEXT = True


def special_tokens_map(cfg: TokenizerConfig) -> dict[str, str]:
    return dict(sorted(cfg.roles.items()))


def tokenizer_config(cfg: TokenizerConfig) -> dict:
    """transformers' tokenizer_config.json: the class, the roles, and the special-token policy."""
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "clean_up_tokenization_spaces": False,
        "add_prefix_space": False,
        "add_bos_token": False,
        "add_eos_token": False,
        "split_special_tokens": SPECIAL_TOKENS_ARE_TEXT,
    } | special_tokens_map(cfg)


def megatron_metadata(cfg: TokenizerConfig) -> dict:
    """megatron-core's tokenizer_metadata.json, as `MegatronTokenizer.write_metadata` writes it."""
    return {"library": "huggingface", "model_type": "gpt", "class_name": None, "class_path": None, "chat_template": None}


# file name → its content; every file of the folder besides tokenizer.json, from one table
METADATA_FILES: dict[str, Callable[[TokenizerConfig], dict]] = {
    "special_tokens_map.json": special_tokens_map,
    "tokenizer_config.json": tokenizer_config,
    "tokenizer_metadata.json": megatron_metadata,
}


def save(tokenizer, directory: Path, cfg: TokenizerConfig) -> list[Path]:
    """`tokenizer.json` and the metadata files; returns their paths, tokenizer.json first."""
    directory = Path(directory)
    path = directory / TOKENIZER_FILE
    write_text_atomic(path, tokenizer.to_str(pretty=True))
    written = [path]
    for name, content in METADATA_FILES.items():
        write_json_atomic(directory / name, content(cfg))
        written.append(directory / name)
    return written


def hf_arguments(directory: Path) -> dict:
    """What `PreTrainedTokenizerFast(tokenizer_file=...)` needs besides the file: roles and the policy."""
    roles = json.loads((Path(directory) / "special_tokens_map.json").read_text(encoding="utf-8"))
    return {"tokenizer_file": str(Path(directory) / TOKENIZER_FILE), "split_special_tokens": SPECIAL_TOKENS_ARE_TEXT} | roles


def load_encoding_tokenizer(path: str | Path):
    """`tokenizers.Tokenizer` from a tokenizer.json, encoding special-token strings as the policy says."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.encode_special_tokens = SPECIAL_TOKENS_ARE_TEXT
    return tokenizer


def special_ids(tokenizer) -> dict[int, str]:
    """id → string of the tokenizer's special tokens."""
    return {i: t.content for i, t in sorted(tokenizer.get_added_tokens_decoder().items()) if t.special}
