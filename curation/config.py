"""Run configuration: one typed model, YAML plus CLI overrides.

Unknown keys are errors (a misspelt threshold must not silently fall back to a
default); messages name the file and the dotted field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from curation.yaml_safe import load_yaml


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SparkConfig(Section):
    master: str = "local[*]"
    driver_memory: str = "4g"
    executor_memory: str = "4g"
    # any further spark.* settings, passed through unchanged
    conf: dict[str, str] = Field(default_factory=dict)


class IngestConfig(Section):
    # sources.html_extract.MODES: cascade (resiliparse + tuned rules, trafilatura where unsure), resiliparse, trafilatura
    html_extractor: Literal["cascade", "resiliparse", "trafilatura"] = "cascade"
    max_docs_per_shard: int = Field(50_000, ge=1)
    # consecutive input files smaller than this are read by one task into one shard, up to this
    # many bytes together: a folder of many small files does not become as many tiny shards
    task_bytes: int = Field(64 << 20, ge=1)
    # WARC files a pseudo_crawl entry selects from when it names none itself
    crawl_archives: list[str] = Field(default_factory=list)


class ThresholdsDeriveConfig(Section):
    """How the filter stage derives thresholds from the run's reference text (`curation.filter_thresholds`)."""

    # a language's derived thresholds remove at most this share of its reference documents (whole chain)
    expected_removal: float = Field(0.05, ge=0.0, lt=1.0)
    # reference text is cut into documents of about this many characters (whole lines): ~5 sentences
    doc_chars: int = Field(500, ge=50)
    # ingested documents per language (seeded sample) the file measures the removal on
    corpus_sample: int = Field(2000, ge=0)


class FilterConfig(Section):
    # filter names from `filters.FILTERS`, applied in this order
    # (code, license and secrets run on code sources only; the natural-language filters on the others)
    chain: list[str] = Field(default_factory=lambda: ["langid", "quality", "adult", "code", "license", "secrets"])
    # per filter: run-wide parameters for every language (over the built-in per-language packs), e.g. {"adult": {"domains_path": "/data/ut1.tar.gz"}}
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # per filter, per language: parameter overrides, e.g. {"quality": {"de": {"min_words": 15}}}
    langs: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    # per-language values derived from data (`curation filter calibrate --derive`), over the built-in packs and under
    # `params`; unset with reference text in the run: derived from it by the filter stage (OUT/thresholds/filters.json)
    thresholds_file: Path | None = None
    derive: ThresholdsDeriveConfig = Field(default_factory=ThresholdsDeriveConfig)
    # sources declaring only these languages are code: filters for natural language skip them
    code_languages: list[str] = Field(default_factory=lambda: ["zxx"])  # BCP-47 "no linguistic content": code
    batch_rows: int = Field(1024, ge=1)


class LmConfig(Section):
    """The perplexity filter's models (`curation run` stage `lm`), one per language of the run's `reference` text."""

    vocab_size: int = Field(8000, ge=100)
    order: int = Field(5, ge=2, le=9)


class QualityModelConfig(Section):
    """The quality classifier (`curation quality train`, and `curation run` stage `quality_model` when the filter
    chain has `classifier`): fastText supervised, word and character n-grams, `high` (reference text) vs `low`."""

    # fastText supervised training, one thread in a fresh process (the same bytes every run).
    # The 2026-11-27 recipe (dim 16, word unigrams, bucket 50k; was dim 32, word bigrams, bucket 100k) scores the same
    # ROC-AUC in eval_quality_main_content on 3 seeds (0.9545 / 0.9483 / 0.9479, was 0.9544 / 0.9483 / 0.9480) with
    # models 2.4-3x smaller and raw predict 10-16 % cheaper (bench_classifier's documents). dim 16, not 12 or 8: the
    # fastText wheel has a vectorised row sum for 16 and 32 only, and 8 gains no AUC.
    dim: int = Field(16, ge=8)
    epoch: int = Field(20, ge=1)
    lr: float = Field(0.5, gt=0)
    # word bigrams add nothing over the character n-grams (AUC within 0.0001 on 3 seeds) and cost a hash and a row each
    word_ngrams: int = Field(1, ge=1)
    # character n-grams minn..maxn: what an unsegmented script (Chinese, Thai) is learnt from. They are most of
    # predict's cost, but 2-3 loses 0.0025 AUC on every seed (3-4: 0.005-0.007), so 2-4 stays
    minn: int = Field(2, ge=0)
    maxn: int = Field(4, ge=0)
    # hash buckets of the character n-grams: 50k scores as 100k (20k: -0.001 on 2 seeds of 3)
    bucket: int = Field(50_000, ge=1000)
    # both classes' text is cut into documents of about this many characters (whole lines), so length is no cue;
    # 200 (was 400): twice the training documents from the same text, +0.006 ROC-AUC (eval_quality_main_content)
    doc_chars: int = Field(200, ge=50)
    # this share of each class is held out (seeded): never trained on, it gives metrics.json and the threshold
    holdout: float = Field(0.2, gt=0.0, lt=1.0)
    seed: int = 0
    # at most this many documents per class (a seeded sample); a language with fewer than min_documents is skipped
    max_documents: int = Field(20_000, ge=10)
    # 40 documents of doc_chars 200: the 8,000 characters of a class asked for before (20 of 400)
    min_documents: int = Field(40, ge=5)
    # borderline held-out documents per class shown in the model card (PII-redacted; 0: none, no redactor loaded)
    card_examples: int = Field(2, ge=0)


class LidConfig(Section):
    """The LID extension (`curation run` stage `lid`, `curation lid train`): a fastText model trained on the
    run's `reference` text, consulted for a declared language when the base model does not know it or
    confuses it with another, and per-language thresholds derived from held-out reference text."""

    # fastText supervised training: character n-grams minn..maxn, one thread (the same bytes every run)
    dim: int = Field(32, ge=8)
    epoch: int = Field(50, ge=1)
    lr: float = Field(0.5, gt=0)
    minn: int = Field(1, ge=1)
    maxn: int = Field(4, ge=1)
    bucket: int = Field(100_000, ge=1000)
    # reference text is cut into documents of about this many characters (whole lines)
    doc_chars: int = Field(400, ge=50)
    # every Nth reference document is held out: never trained on, it measures the model and sets thresholds
    holdout_every: int = Field(5, ge=2)
    # a language's threshold removes this share of its held-out documents, within [min_threshold, max_threshold]
    expected_removal: float = Field(0.05, ge=0.0, lt=1.0)
    # bounded because held-out reference text is small and of one domain: a corpus' text scores lower
    min_threshold: float = Field(0.2, ge=0.0, le=1.0)
    max_threshold: float = Field(0.5, ge=0.0, le=1.0)
    # at most this much reference text per language is read (a large language does not drown a small one)
    max_bytes_per_lang: int = Field(4 << 20, ge=1000)
    # a declared language the base model cannot identify (lid.176 lacks it, or removes a tenth or more of its held-out
    # text: so, yo, sw, gd) and the run names no reference for trains on the built-in UDHR text (curation.lid.builtin_reference)
    builtin_reference: bool = True


BENCHMARK_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class DecontaminateConfig(Section):
    """Benchmark decontamination inside the dedup job (`curation.dedup.contamination`), before exact dedup."""

    # benchmark name → its files (.jsonl[.gz], .parquet, .txt[.gz]: one item a line), relative to the config file;
    # none: no decontamination
    benchmarks: dict[str, list[Path]] = Field(default_factory=dict)
    # an item's text: these fields of a JSONL/Parquet record, joined by a newline; its id: `id_field`
    text_fields: list[str] = Field(default_factory=lambda: ["text"], min_length=1)
    id_field: str | None = "id"
    # remove: the document goes to removed/dedup with reason benchmark_contamination; cut: the matched spans are
    # cut out (a document left with fewer than cut_min_chars characters is removed instead)
    mode: Literal["remove", "cut"] = "remove"
    word_ngram: int = Field(13, ge=1)
    # n-gram length, in code points, of items written in scripts without spaces (zh, ja, th, ...)
    char_ngram: int = Field(20, ge=1)
    # a document is contaminated by an item when it shares at least this share of the item's n-grams (0: any one)
    min_overlap: float = Field(0.0, ge=0.0, le=1.0)
    cut_min_chars: int = Field(100, ge=0)

    @field_validator("benchmarks", mode="before")
    @classmethod
    def _one_file_is_a_list(cls, value: Any) -> Any:
        return {k: [v] if isinstance(v, (str, Path)) else v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("benchmarks")
    @classmethod
    def _names(cls, value: dict[str, list[Path]]) -> dict[str, list[Path]]:
        import re

        bad = [name for name in value if not re.match(BENCHMARK_NAME, name)]
        if bad:
            raise ValueError(f"benchmark names must be letters, digits, '_', '.' or '-' (they name stats rows): {bad}")
        empty = [name for name, files in value.items() if not files]
        if empty:
            raise ValueError(f"benchmarks without files: {empty}")
        return value


class LineDedupConfig(Section):
    """Line (paragraph, sentence) dedup inside the dedup job, after whole documents (`curation.dedup.lines`): a unit whose
    normalised hash is in at least `min_docs` documents is removed from all of them but the one ranked first by the
    survivor rule (`keep: survivor`), or from all (`keep: none`, cc_net's way). A document left under the quality
    filter's `min_words` / `min_bytes` for its language is removed as `dedup_lines_emptied`."""

    # off by default (on in the sample run, samples/run.yaml): it changes the text of kept documents, which curated sources
    # do not want; its steps are Parquet in the job's scratch folder and the job releases what it persisted
    # (curation.dedup.work)
    enabled: bool = False
    # line: split at newlines; paragraph: at blank lines; sentence: after sentence ends (。！？ need no space), newlines and,
    # in Thai, spaces: the unit for text without line breaks (zh, ja and th are often scraped as one line)
    unit: Literal["line", "paragraph", "sentence"] = "line"
    min_docs: int = Field(3, ge=2)
    keep: Literal["survivor", "none"] = "survivor"
    # also remove a unit seen in at least this many documents of one site (URL host, else source); null: off
    site_min_docs: int | None = Field(None, ge=2)
    # the most repeated removed units per language shown in the report (PII-redacted there)
    samples_per_lang: int = Field(5, ge=0)


class DedupConfig(Section):
    """Spark deduplication: exact → url → near (MinHash LSH), each optional.

    Survivor rule (a total order, so the result never depends on input order or
    partitions): higher catalog `priority`, then higher `quality_signal` (missing
    loses), then the smallest document id.
    """

    input_dirs: list[Path] = Field(default_factory=list, description="shard folders to dedup (default: OUT/filtered)")
    exact: bool = True
    url: bool = True
    near: bool = True
    # MinHash LSH: bands × rows hashes; similarity threshold ≈ (1/bands)^(1/rows)
    bands: int = Field(14, ge=1)
    rows: int = Field(8, ge=1)
    word_ngram: int = Field(5, ge=1)
    char_ngram: int = Field(5, ge=1)
    # languages written without spaces get character shingles
    char_langs: list[str] = Field(default_factory=lambda: ["zh", "ja", "th", "lo", "km", "my", "bo", "yue", "wuu"])
    seed: int = 1
    # keep a candidate pair only if its true shingle Jaccard reaches this: "threshold" (default) is the
    # LSH threshold (1/bands)^(1/rows), ≈ 0.72 at 14 × 8; a number sets it; "off" (or null): no verification
    verify_jaccard: float | Literal["threshold", "off"] | None = Field("threshold")
    # with verification, each member of a band bucket (ordered by id hash) is compared with up to this
    # many members before it: every pair of a bucket this size + 1 or smaller is compared
    verify_pairs_per_member: int = Field(16, ge=1)
    quality_signal: str | None = None
    max_docs_per_shard: int = Field(100_000, ge=1)
    # signature index of the deduplicated corpus (default OUT/dedup_index); a new batch is
    # deduplicated against every generation found there, then appended as a new generation
    index_dir: Path | None = None
    update_index: bool = True
    max_cc_iterations: int = Field(50, ge=1)
    # stop, writing nothing, when dedup would remove more than this share of any language's documents
    max_removed_share: float = Field(0.5, ge=0.0, le=1.0)
    # repartition the input into this many partitions (null: as read); the result never depends on it
    partitions: int | None = Field(None, ge=1)
    decontaminate: DecontaminateConfig = Field(default_factory=DecontaminateConfig)
    # line / paragraph dedup over the documents that survive (exact, url, near)
    lines: LineDedupConfig = Field(default_factory=LineDedupConfig)

    def threshold(self) -> float:
        return (1.0 / self.bands) ** (1.0 / self.rows)

    def verify_at(self) -> float | None:
        """The true-Jaccard a candidate pair must reach (None: candidates are not verified)."""
        if self.verify_jaccard == "threshold":
            return self.threshold()
        return None if self.verify_jaccard == "off" else self.verify_jaccard

    @field_validator("verify_jaccard")
    @classmethod
    def _jaccard_in_unit_range(cls, value):
        if isinstance(value, float) and not 0.0 <= value <= 1.0:
            raise ValueError(f'dedup.verify_jaccard must be within [0, 1], "threshold" or "off", got {value}')
        return value


BLOOM_SPLIT_REGEX = " ?[^(\\s|[.,!?…。，、।۔،])]+"
BLOOM_SPECIAL_TOKENS = ["<unk>", "<s>", "</s>", "<pad>"]


class TokenizerConfig(Section):
    # documents to sample from (default: OUT/deduped)
    input_dir: Path | None = None
    # special tokens included; unset: scales with the training sample (curation.tokenizer.train.default_vocab_size)
    vocab_size: int | None = Field(None, ge=300, description="BLOOM: 250,680; unset: one entry per 2 KiB of sample")
    min_frequency: int = Field(0, ge=0)
    special_tokens: list[str] = Field(default_factory=lambda: list(BLOOM_SPECIAL_TOKENS))
    # transformers roles (bos/eos/unk/pad) of some special tokens, written to tokenizer_config.json
    roles: dict[str, str] = Field(
        default_factory=lambda: {"unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"}
    )
    # pre-tokenizer split (isolated pieces, then byte-level); BLOOM's by default
    split_regex: str = BLOOM_SPLIT_REGEX
    alpha: float = Field(0.3, gt=0, le=1, description="sampling exponent: p_l ∝ n_l^alpha")
    sample_bytes: int | None = Field(None, ge=1, description="sample size in bytes (default: the corpus size)")
    # every language with text gets at least this many bytes (or all it has) and 20 documents (or all) in the sample
    min_language_bytes: int = Field(1 << 20, ge=0)
    seed: int = 0
    # held-out parallel text (TSV with a header naming `lang` and `text` columns) for the fertility report
    fertility_text: Path | None = None

    @model_validator(mode="after")
    def _roles_are_special(self) -> TokenizerConfig:
        if len(set(self.special_tokens)) != len(self.special_tokens):
            raise ValueError("special_tokens has duplicates")
        for role, token in self.roles.items():
            if token not in self.special_tokens:
                raise ValueError(f"roles.{role} = {token!r} is not one of special_tokens")
        return self


class TokenizeConfig(Section):
    # documents to encode (default: OUT/deduped)
    input_dir: Path | None = None
    # the trained tokenizer (default: OUT/tokenizer/tokenizer.json)
    tokenizer: Path | None = None
    eod_token: str = "</s>"
    group_by: Literal["lang", "source"] = "lang"
    # a dataset's .bin is closed before it would pass this size (a larger document gets a file of its own)
    max_bin_bytes: int = Field(4 << 30, ge=1)
    alpha: float = Field(0.3, gt=0, le=1, description="blend weights: group share ∝ bytes^alpha")
    # no dataset is read more than this many times in one pass over the train blend (or in train_tokens)
    max_epochs: float = Field(4.0, ge=1)
    # the training budget in tokens that max_epochs is counted against (default: one pass over the train split)
    train_tokens: int | None = Field(None, ge=1)
    # documents held out per group (by a hash of their id), only in groups of at least heldout_min_docs documents
    valid_fraction: float = Field(0.01, ge=0, lt=0.5)
    test_fraction: float = Field(0.01, ge=0, lt=0.5)
    heldout_min_docs: int = Field(100, ge=1)
    batch_docs: int = Field(1024, ge=1)
    # word pieces whose ids each worker keeps (≈ 250 bytes each); speed only, never the output
    piece_cache: int = Field(500_000, ge=0)
    # keep the per-shard intermediates (tokens/_parts) so a rerun skips encoding; they take as much space as the datasets
    keep_parts: bool = True
    # rehydration (FineWeb-2): duplicate-cluster sizes ("2-5", "6-", "1") → upsampling weight of their documents in
    # the train blend (signal dup_cluster_size, written by dedup); documents of no range keep weight 1
    rehydrate: dict[str, float] = Field(default_factory=dict)

    @field_validator("rehydrate")
    @classmethod
    def _rehydration_ranges(cls, value: dict[str, float]) -> dict[str, float]:
        from curation.megatron.rehydration import parse_tiers

        parse_tiers(value)
        return value


class RunConfig(Section):
    catalog: Path = Path("samples/catalog.yaml")
    output_dir: Path = Path("out")
    workers: int = Field(2, ge=1)
    executor: Literal["local", "spark"] = "local"
    sources: list[str] = Field(default_factory=list, description="only these catalog ids (all when empty)")
    langs: list[str] = Field(default_factory=list, description="only sources declaring one of these languages")
    statuses: list[str] = Field(default_factory=lambda: ["approved"], description="catalog statuses to run")
    spark: SparkConfig = Field(default_factory=SparkConfig)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    # language -> reference text files (.txt: a document a line; .jsonl[.gz]; Parquet), supplied by the language's
    # working group; relative to the config file. They train the perplexity models (stage `lm`) and the LID
    # extension with its thresholds (stage `lid`).
    reference: dict[str, list[Path]] = Field(default_factory=dict)
    lm: LmConfig = Field(default_factory=LmConfig)
    lid: LidConfig = Field(default_factory=LidConfig)
    quality_model: QualityModelConfig = Field(default_factory=QualityModelConfig)
    filter: FilterConfig = Field(default_factory=FilterConfig)
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    tokenizer: TokenizerConfig = Field(default_factory=TokenizerConfig)
    tokenize: TokenizeConfig = Field(default_factory=TokenizeConfig)

    @field_validator("reference", mode="before")
    @classmethod
    def _one_file_is_a_list(cls, value: Any) -> Any:
        """`en: en.txt` as well as `en: [en.txt, more.txt]`."""
        return {k: [v] if isinstance(v, (str, Path)) else v for k, v in value.items()} if isinstance(value, dict) else value

    @model_validator(mode="before")
    @classmethod
    def _reference_moved(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("lm"), dict) and "reference" in data["lm"]:
            raise ValueError(
                "lm.reference moved to the top-level `reference` (one place names a language's reference text: it trains "
                "the perplexity models and the LID extension); write `reference: {en: [en.txt]}`"
            )
        return data

    def spark_executor(self) -> SparkConfig | None:
        """The Spark settings when shard tasks run on Spark (`executor: spark`), else None."""
        return self.spark if self.executor == "spark" else None

    def section_hash(self, name: str) -> str:
        """Hash of one stage's parameters: part of its resume markers."""
        return json_digest(getattr(self, name).model_dump(mode="json"))


def json_digest(data: Any) -> str:
    """Short sha256 of canonical JSON: what resume markers compare parameters by."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


class ConfigError(ValueError):
    pass


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    node = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"override {dotted!r}: {key!r} is not a section")
    node[keys[-1]] = value


def parse_override(item: str) -> tuple[str, Any]:
    """`key.sub=value`, the value read as YAML (so numbers, lists and booleans work)."""
    if "=" not in item:
        raise ConfigError(f"override {item!r}: expected key=value")
    key, raw = item.split("=", 1)
    return key.strip(), load_yaml(raw) if raw.strip() else ""


def _is_path_type(annotation: Any) -> bool:
    return annotation is Path or any(_is_path_type(a) for a in get_args(annotation))


def path_fields(model: type[BaseModel] = None, prefix: str = "") -> list[str]:
    """Dotted names of every field typed with `Path` (alone, optional, in a list or a mapping), from the model."""
    model = model or RunConfig
    found = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += path_fields(annotation, f"{prefix}{name}.")
        elif _is_path_type(annotation):
            found.append(prefix + name)
    return found


def _rebased(value: Any, base: Path) -> Any:
    if isinstance(value, list):
        return [_rebased(v, base) for v in value]
    if isinstance(value, dict):
        return {k: _rebased(v, base) for k, v in value.items()}
    if value is None or Path(str(value)).is_absolute():
        return value
    return os.path.normpath(base / str(value))


def _rebase_paths(data: dict, base: Path) -> None:
    """Every path field of a config file, relative to the file's folder (absolute: the same from any directory):
    the config's own (`path_fields`) and the filters' parameters that name files (`filters.base.PathParam`), in
    `filter.params.<filter>` and `filter.langs.<filter>.<lang>`."""
    base = Path(os.path.abspath(base))
    for dotted in path_fields():
        *parents, key = dotted.split(".")
        node = data
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and key in node:
            node[key] = _rebased(node[key], base)
    section = data.get("filter")
    if isinstance(section, dict):
        for name, values in _dict(section.get("params")).items():
            _rebase_filter_params(name, values, base)
        for name, per_lang in _dict(section.get("langs")).items():
            for values in _dict(per_lang).values():
                _rebase_filter_params(name, values, base)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _rebase_filter_params(name: str, values: Any, base: Path) -> None:
    """A filter's path parameters in `values` rebased (an unknown filter or value is left for validation to name)."""
    from filters import FILTERS, get_filter_class
    from filters.base import path_params

    if name not in FILTERS or not isinstance(values, dict):
        return
    for param, marker in path_params(get_filter_class(name).Params).items():
        value = values.get(param)
        if isinstance(value, str) and value not in marker.keywords:
            values[param] = _rebased(value, base)


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> RunConfig:
    """Read YAML (if given), apply dotted overrides, validate.

    Relative paths in a config file are relative to that file, so a config and its
    catalog travel together.
    """
    data: dict[str, Any] = {}
    label = "<defaults>"
    if path is not None:
        path = Path(path)
        label = str(path)
        try:
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping at the top level")
        _rebase_paths(data, path.parent)
    for key, value in (overrides or {}).items():
        if value is not None:
            _set_dotted(data, key, value)
    try:
        config = RunConfig.model_validate(data)
    except ValidationError as exc:
        problems = [(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        raise ConfigError(_problem_lines(problems, label, overrides)) from None
    problems = filter_parameter_problems(config.filter)
    if problems:
        raise ConfigError(_problem_lines(problems, label, overrides))
    return config


def _problem_lines(problems: list[tuple[str, str]], label: str, overrides: dict[str, Any] | None) -> str:
    """One line per problem, naming where the value came from: a `--set` override or the config file."""
    lines = []
    for dotted, message in problems:
        given = [k for k in overrides or {} if dotted == k or dotted.startswith(k + ".") or k.startswith(dotted + ".")]
        lines.append(f"--set {given[0]}: {message}" if given else f"{label}: field {dotted!r}: {message}")
    return "\n".join(lines)


def filter_parameter_problems(section: FilterConfig) -> list[tuple[str, str]]:
    """(dotted field, message) for every filter name and parameter the filters' own `Params` models refuse,
    so a typo (`filter.langs.quality.de.min_wrds`) stops the command at startup, not when the filter stage starts."""
    from filters import FILTERS, parameter_problems

    problems = [
        (f"filter.chain.{i}", f"unknown filter {name!r}; known: {', '.join(FILTERS)}")
        for i, name in enumerate(section.chain)
        if name not in FILTERS
    ]
    for name, values in section.params.items():
        if name not in FILTERS:
            problems.append((f"filter.params.{name}", f"unknown filter {name!r}; known: {', '.join(FILTERS)}"))
            continue
        problems += [(f"filter.params.{name}.{param}", message) for param, message in parameter_problems(name, values)]
    for name, langs in section.langs.items():
        if name not in FILTERS:
            problems.append((f"filter.langs.{name}", f"unknown filter {name!r}; known: {', '.join(FILTERS)}"))
            continue
        for lang, values in langs.items():
            problems += [(f"filter.langs.{name}.{lang}.{param}", message) for param, message in parameter_problems(name, values)]
    return problems
