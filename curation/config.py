"""Run configuration: one typed model, YAML plus CLI overrides.

Unknown keys are errors (a misspelt threshold must not silently fall back to a
default); messages name the file and the dotted field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SparkConfig(Section):
    master: str = "local[*]"
    driver_memory: str = "4g"
    executor_memory: str = "4g"
    # any further spark.* settings, passed through unchanged
    conf: dict[str, str] = Field(default_factory=dict)


class IngestConfig(Section):
    html_extractor: Literal["resiliparse", "trafilatura"] = "resiliparse"
    max_docs_per_shard: int = Field(50_000, ge=1)
    # WARC files a pseudo_crawl entry selects from when it names none itself
    crawl_archives: list[str] = Field(default_factory=list)


class FilterConfig(Section):
    pass


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
    # keep a candidate pair only if its true shingle Jaccard reaches this (null: no verification)
    verify_jaccard: float | None = Field(None, ge=0.0, le=1.0)
    quality_signal: str | None = None
    max_docs_per_shard: int = Field(100_000, ge=1)
    # signature index of the deduplicated corpus (default OUT/dedup_index); a new batch is
    # deduplicated against every generation found there, then appended as a new generation
    index_dir: Path | None = None
    update_index: bool = True
    max_cc_iterations: int = Field(50, ge=1)
    # repartition the input into this many partitions (null: as read); the result never depends on it
    partitions: int | None = Field(None, ge=1)

    def threshold(self) -> float:
        return (1.0 / self.bands) ** (1.0 / self.rows)


class TokenizerConfig(Section):
    pass


class TokenizeConfig(Section):
    pass


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
    filter: FilterConfig = Field(default_factory=FilterConfig)
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    tokenizer: TokenizerConfig = Field(default_factory=TokenizerConfig)
    tokenize: TokenizeConfig = Field(default_factory=TokenizeConfig)

    def section_hash(self, name: str) -> str:
        """Hash of one stage's parameters: part of its resume markers."""
        import hashlib
        import json

        data = getattr(self, name).model_dump(mode="json")
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


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
    return key.strip(), yaml.safe_load(raw) if raw.strip() else ""


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> RunConfig:
    """Read YAML (if given), apply dotted overrides, validate.

    Relative paths in a config file are relative to that file, so a config and its
    catalog travel together.
    """
    data: dict[str, Any] = {}
    base = Path.cwd()
    label = "<defaults>"
    if path is not None:
        path = Path(path)
        label = str(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping at the top level")
        base = path.parent
        for key in ("catalog", "output_dir"):
            if key in data and data[key] is not None and not Path(data[key]).is_absolute():
                data[key] = str(base / data[key])
    for key, value in (overrides or {}).items():
        if value is not None:
            _set_dotted(data, key, value)
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{label}: field {'.'.join(map(str, e['loc']))!r}: {e['msg']}" for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from None
