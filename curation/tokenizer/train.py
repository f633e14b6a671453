"""`curation tokenizer train`: a byte-level BPE tokenizer as BLOOM's, on the α-smoothed sample.

BLOOM's choices: no normaliser (the text is encoded as written, so decoding gives
it back byte for byte), a split regex that isolates words with their leading space
and punctuation, then byte-level mapping, so no byte is ever unknown (the 256 byte
symbols are all in the initial alphabet).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from curation.atomic import write_json_atomic, write_text_atomic
from curation.config import RunConfig, TokenizerConfig
from curation.layout import Layout
from curation.runner import Task, TaskResult, run_job, shard_task
from curation.shards import list_shards, may_hold_documents, sha256_file
from curation.stage import Stage, StageResult, default_input
from curation.tokenizer.sampling import expected_docs, measure, plan_sample, stream_sample, table_json

NAME = "tokenizer"


class TrainingError(RuntimeError):
    pass


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


def train(shards: Sequence[Path], cfg: TokenizerConfig):
    """Train on the streamed sample; returns the tokenizer and the filled sampling table (JSON)."""
    from tokenizers import pre_tokenizers, trainers

    if not shards:
        raise TrainingError("no input shards to train the tokenizer on")
    sizes = measure(shards)
    if not any(nbytes for _docs, nbytes in sizes.values()):
        raise TrainingError(f"the {len(shards)} input shards hold no text")
    table = plan_sample(sizes, cfg.alpha, cfg.sample_bytes)
    tokenizer = build_tokenizer(cfg.split_regex)
    trainer = trainers.BpeTrainer(
        vocab_size=cfg.vocab_size,
        min_frequency=cfg.min_frequency,
        special_tokens=list(cfg.special_tokens),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(stream_sample(shards, table, cfg.seed), trainer=trainer, length=expected_docs(table))
    return tokenizer, table_json(table, cfg.alpha, cfg.seed, cfg.sample_bytes)


def save(tokenizer, directory: Path, cfg: TokenizerConfig) -> Path:
    """`tokenizer.json`, plus the two small files `PreTrainedTokenizerFast.from_pretrained(dir)` reads."""
    path = Path(directory) / "tokenizer.json"
    write_text_atomic(path, tokenizer.to_str(pretty=True))
    special_map = dict(sorted(cfg.roles.items()))
    write_json_atomic(path.with_name("special_tokens_map.json"), special_map)
    write_json_atomic(
        path.with_name("tokenizer_config.json"),
        {"tokenizer_class": "PreTrainedTokenizerFast", "clean_up_tokenization_spaces": False, "add_prefix_space": False} | special_map,
    )
    return path


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
    tokenizer, sampling = train(shards, cfg)
    path = save(tokenizer, layout.tokenizer_dir(), cfg)
    sampling |= {"input_dir": task.payload["input_dir"], "shards": len(shards)}
    write_json_atomic(layout.tokenizer_sampling(), sampling)
    outputs = [path, path.with_name("special_tokens_map.json"), path.with_name("tokenizer_config.json"), layout.tokenizer_sampling()]
    if cfg.fertility_text is not None:
        report = fertility(tokenizer, read_parallel_text(cfg.fertility_text))
        write_json_atomic(layout.tokenizer_fertility(), {"text": str(cfg.fertility_text), "languages": report})
        outputs.append(layout.tokenizer_fertility())
    facts = {"tokenizer": str(path), "vocabulary": tokenizer.get_vocab_size(with_added_tokens=True), "sha256": sha256_file(path)}
    return TaskResult(task.name, outputs=[str(o) for o in outputs], facts=facts)


def run(config: RunConfig, progress: bool = True) -> StageResult:
    return run_train(config, progress)


STAGE = Stage(NAME, run, section="tokenizer", reads="dedup", output=Layout.tokenizer_dir)
