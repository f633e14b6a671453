"""`curation tokenizer train`: a byte-level BPE tokenizer as BLOOM's, on the α-smoothed sample.

BLOOM's choices: no normaliser (the text is encoded as written, so decoding gives
it back byte for byte), a split regex that isolates words with their leading space
and punctuation, then byte-level mapping, so no byte is ever unknown (the 256 byte
symbols are all in the initial alphabet).
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from curation.atomic import write_json_atomic
from curation.config import RunConfig, TokenizerConfig
from curation.layout import Layout
from curation.runner import Task, TaskResult, run_job, shard_task
from curation.shards import list_shards, may_hold_documents, sha256_file
from curation.stage import Stage, StageResult, default_input
from curation.tokenizer import folder
from curation.tokenizer.sampling import expected_bytes, expected_docs, measure, plan_sample, stream_sample, table_json

NAME = "tokenizer"


class TrainingError(RuntimeError):
    pass


class VocabularyShortfall(UserWarning):
    """Training stopped before the requested vocabulary size."""


def build_tokenizer(split_regex: str):
    """An untrained BLOOM-style tokenizer: BPE without unknown token, split regex + byte-level."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors

    tokenizer = Tokenizer(models.BPE(unk_token=None, byte_fallback=False, fuse_unk=False))
    tokenizer.normalizer = None
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(split_regex), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    return tokenizer


MAX_VOCAB = 250_680  # BLOOM's
MIN_AUTO_VOCAB = 1_024
VOCAB_PER_ROOT_BYTE = 6
VOCAB_MULTIPLE = 128


def default_vocab_size(sample_bytes: int) -> int:
    """The vocabulary when none is configured: 6·√(sample bytes), rounded down to a multiple of 128, at
    least 1,024 and at most BLOOM's 250,680 (from a 1.75 GB sample on). Distinct words grow about as the
    square root of a corpus (Heaps' law), so the rarest merge stays about as well attested as the corpus grows;
    a 2 MB sample gets 8,448 entries, 100 MB 59,904."""
    scaled = int(VOCAB_PER_ROOT_BYTE * math.isqrt(max(sample_bytes, 0))) // VOCAB_MULTIPLE * VOCAB_MULTIPLE
    return max(MIN_AUTO_VOCAB, min(MAX_VOCAB, scaled))


def split_at_special_strings(texts: Iterable[str], specials: Sequence[str]) -> Iterator[str]:
    """Each text cut at every special-token string, which is left out: no merge can learn a special
    token's string, so a `</s>` written in a document can never come out as the special id."""
    if not specials:
        yield from texts
        return
    pattern = re.compile("|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True)))
    for text in texts:
        yield from (piece for piece in pattern.split(text) if piece) if pattern.search(text) else (text,)


def vocabulary_check(requested: int, reached: int, sample_bytes: int | None) -> dict:
    """The requested and reached vocabulary, with a warning when training stopped short;
    `sample_bytes`: what the default rule was given (None: the size was configured)."""
    check = {"requested": requested, "reached": reached, "rule": "configured" if sample_bytes is None else "6·√(sample bytes)"}
    if sample_bytes is not None:
        check["sample_bytes"] = sample_bytes
    if reached < requested:
        check["warning"] = (
            f"vocabulary {reached:,} of the {requested:,} requested: the training sample has no more pairs to merge; "
            "set tokenizer.vocab_size lower (or leave it unset: it then scales with the sample) or train on more text"
        )
    return check


def train(shards: Sequence[Path], cfg: TokenizerConfig):
    """Train on the streamed sample; returns the tokenizer and the filled sampling table (JSON) with a
    `vocabulary` entry: requested, reached and a warning when training stopped short (also `warnings.warn`)."""
    from tokenizers import pre_tokenizers, trainers

    if not shards:
        raise TrainingError("no input shards to train the tokenizer on")
    sizes = measure(shards)
    if not any(nbytes for _docs, nbytes in sizes.values()):
        raise TrainingError(f"the {len(shards)} input shards hold no text")
    table = plan_sample(sizes, cfg.alpha, cfg.sample_bytes, cfg.min_language_bytes)
    rule_bytes = None if cfg.vocab_size else expected_bytes(table)
    vocab_size = cfg.vocab_size or default_vocab_size(rule_bytes)
    tokenizer = build_tokenizer(cfg.split_regex)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=cfg.min_frequency,
        special_tokens=list(cfg.special_tokens),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    texts = split_at_special_strings(stream_sample(shards, table, cfg.seed), cfg.special_tokens)
    tokenizer.train_from_iterator(texts, trainer=trainer, length=expected_docs(table))
    sampling = table_json(table, cfg.alpha, cfg.seed, cfg.sample_bytes, cfg.min_language_bytes)
    sampling["vocabulary"] = check = vocabulary_check(vocab_size, tokenizer.get_vocab_size(with_added_tokens=True), rule_bytes)
    if "warning" in check:
        warnings.warn(check["warning"], VocabularyShortfall, stacklevel=2)
    return tokenizer, sampling


def save(tokenizer, directory: Path, cfg: TokenizerConfig) -> Path:
    """The tokenizer folder (see `curation.tokenizer.folder`); returns the tokenizer.json path."""
    return folder.save(tokenizer, directory, cfg)[0]


def run_train(config: RunConfig, progress: bool = True) -> StageResult:
    """Train, save, and write the sampling table and (if held-out text is configured) the fertility report;
    kept as it is when an earlier run trained on the same shards with the same parameters."""
    layout = Layout(config.output_dir)
    input_dir = config.tokenizer.input_dir or default_input(STAGE, layout)
    if config.tokenizer.input_dir and not Path(input_dir).exists():
        raise TrainingError(f"{input_dir}: tokenizer.input_dir does not exist")
    shards = list_shards(input_dir)
    if not may_hold_documents(shards):  # every document was removed upstream: nothing to learn from, nothing stale kept
        return StageResult(facts={"tokenizer": f"not trained: no documents in {input_dir}"})
    task = shard_task(layout, NAME, "tokenizer", shards, config.section_hash(STAGE.section), input_dir=str(input_dir))
    result = run_job(task, functools.partial(_train_job, config))
    return StageResult(tasks=1, resumed=int(result.skipped), outputs=result.outputs, facts=result.facts)


def _train_job(config: RunConfig, task: Task) -> TaskResult:
    from curation.tokenizer.fertility import fertility, read_parallel_text

    cfg = config.tokenizer
    layout = Layout(config.output_dir)
    shards = [Path(p) for p in task.inputs]
    with warnings.catch_warnings():  # the shortfall is reported in the facts and sampling.json
        warnings.simplefilter("ignore", VocabularyShortfall)
        tokenizer, sampling = train(shards, cfg)
    outputs = folder.save(tokenizer, layout.tokenizer_dir(), cfg)
    path = outputs[0]
    sampling |= {"input_dir": task.payload["input_dir"], "shards": len(shards)}
    write_json_atomic(layout.tokenizer_sampling(), sampling)
    outputs.append(layout.tokenizer_sampling())
    if cfg.fertility_text is not None:
        report = fertility(tokenizer, read_parallel_text(cfg.fertility_text))
        write_json_atomic(layout.tokenizer_fertility(), {"text": str(cfg.fertility_text), "languages": report})
        outputs.append(layout.tokenizer_fertility())
    facts = {"tokenizer": str(path), "vocabulary": tokenizer.get_vocab_size(with_added_tokens=True), "sha256": sha256_file(path)}
    if "warning" in sampling["vocabulary"]:
        facts["warning"] = sampling["vocabulary"]["warning"]
    return TaskResult(task.name, outputs=[str(o) for o in outputs], facts=facts)


def run(config: RunConfig, progress: bool = True) -> StageResult:
    return run_train(config, progress)


STAGE = Stage(NAME, run, section="tokenizer", reads="dedup", output=Layout.tokenizer_dir)
