"""Train the per-language models the perplexity filter scores with (cc_net's recipe).

A SentencePiece model splits normalised reference text into pieces; a KenLM n-gram
model over those pieces gives each document a perplexity. Models are named as cc_net
names them (`<lang>.sp.model`, `<lang>.arpa.bin`) so cc_net's published models can be
dropped into the same folder.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from curation.lm.normalize import normalize_line
from curation.lm.tools import KenlmTools, ensure_tools
from curation.reference import ReferenceTextError, read_reference
from curation.shards import sha256_file


class LmTrainError(RuntimeError):
    pass


@dataclass(frozen=True)
class LmFiles:
    sp_model: Path
    kenlm_model: Path
    meta: Path


def model_paths(models_dir: str | Path, lang: str) -> LmFiles:
    """Where the models of one language live (the one place that names them)."""
    models_dir = Path(models_dir)
    return LmFiles(models_dir / f"{lang}.sp.model", models_dir / f"{lang}.arpa.bin", models_dir / f"{lang}.json")


def training_lines(docs: Iterable[str]) -> list[str]:
    """Normalised, non-empty lines: the unit both SentencePiece and KenLM learn from."""
    return [n for doc in docs for line in doc.split("\n") if (n := normalize_line(line))]


def train_language_model(
    lang: str,
    inputs: list[str | Path],
    models_dir: str | Path,
    *,
    vocab_size: int = 8000,
    order: int = 5,
    text_field: str = "text",
    memory: str = "20%",
    seed: int = 0,
    tools: KenlmTools | None = None,
    log=print,
) -> LmFiles:
    """Train SentencePiece + a KenLM `order`-gram on the reference text of one language."""
    import sentencepiece as spm

    tools = tools or ensure_tools(log=log)
    try:
        lines = training_lines(read_reference(inputs, lang, text_field))
    except ReferenceTextError as exc:
        raise LmTrainError(str(exc)) from None
    if len(lines) < 10:
        raise LmTrainError(f"language {lang!r}: only {len(lines)} non-empty lines in {', '.join(map(str, inputs))}; need at least 10")
    out = model_paths(models_dir, lang)
    out.sp_model.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"lm-{lang}-", dir=out.sp_model.parent) as tmp:
        tmp = Path(tmp)
        spm.set_random_generator_seed(seed)
        model = io.BytesIO()  # in memory: a file prefix would be recorded inside the model
        # a small corpus cannot fill a large vocabulary: hard_vocab_limit=False lets it shrink
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(lines),
            model_writer=model,
            vocab_size=vocab_size,
            hard_vocab_limit=False,
            model_type="unigram",
            character_coverage=0.9999,
            num_threads=1,
            shuffle_input_sentence=False,
            minloglevel=2,
        )
        (tmp / "sp.model").write_bytes(model.getvalue())
        sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
        pieces = tmp / "pieces.txt"
        n_tokens = 0
        with open(pieces, "w", encoding="utf-8") as f:
            for encoded in sp.encode(lines, out_type=str):
                n_tokens += len(encoded)
                f.write(" ".join(encoded) + "\n")
        arpa = tmp / "model.arpa"
        # --discount_fallback only acts when the corpus is too small to estimate discounts
        cmd = [
            str(tools.lmplz),
            "-o",
            str(order),
            "-S",
            memory,
            "-T",
            str(tmp),
            "--text",
            str(pieces),
            "--arpa",
            str(arpa),
            "--discount_fallback",
        ]
        _check(subprocess.run(cmd, capture_output=True, text=True), "lmplz", lang)
        binary = tmp / "model.bin"
        _check(subprocess.run([str(tools.build_binary), str(arpa), str(binary)], capture_output=True, text=True), "build_binary", lang)
        meta = {
            "lang": lang,
            "inputs": [str(p) for p in inputs],
            "lines": len(lines),
            "sp_pieces": n_tokens,
            "sp_vocab_size": sp.get_piece_size(),
            "order": order,
            "sp_model_sha256": sha256_file(tmp / "sp.model"),
            "kenlm_model_sha256": sha256_file(binary),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp / "sp.model", out.sp_model)
        os.replace(binary, out.kenlm_model)
        os.replace(tmp / "meta.json", out.meta)
    log(f"{lang}: trained on {len(lines):,} lines ({n_tokens:,} pieces, vocab {meta['sp_vocab_size']:,}) -> {out.kenlm_model}")
    return out


def _check(proc: subprocess.CompletedProcess, tool: str, lang: str) -> None:
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).splitlines()[-15:])
        raise LmTrainError(f"language {lang!r}: {tool} failed (exit {proc.returncode}):\n{tail}")
