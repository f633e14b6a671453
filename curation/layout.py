"""The output layout, computed in one place.

Every path under the output directory comes from here; no stage builds paths by
substituting parts of other paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def part_name(index: int, chunk: int = 0) -> str:
    """`part-NNNNN.parquet` for a task's first shard, `part-NNNNN-CCC.parquet` after a split."""
    return f"part-{index:05d}.parquet" if chunk == 0 else f"part-{index:05d}-{chunk:03d}.parquet"


@dataclass(frozen=True)
class Layout:
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    # documents as read, one folder per catalog source
    def ingested(self, source: str | None = None) -> Path:
        return self.root / "ingested" / source if source else self.root / "ingested"

    # kept by the filters, signals attached
    def filtered(self, source: str | None = None) -> Path:
        return self.root / "filtered" / source if source else self.root / "filtered"

    # every removed document, with reason and detail
    def removed(self, stage: str | None = None, source: str | None = None) -> Path:
        path = self.root / "removed"
        if stage:
            path = path / stage
            if source:
                path = path / source
        return path

    # the clean corpus, by language
    def deduped(self, lang: str | None = None) -> Path:
        return self.root / "deduped" / lang if lang else self.root / "deduped"

    def lm_models(self) -> Path:
        """SentencePiece + KenLM models per language, for the perplexity filter."""
        return self.root / "lm"

    def lid_models(self) -> Path:
        """The LID extension trained on the run's reference text, and the thresholds derived with it."""
        return self.root / "lid"

    def filter_thresholds(self) -> Path:
        """The thresholds the filter stage derives from the run's reference text (`curation.filter_thresholds`)."""
        return self.root / "thresholds" / "filters.json"

    def quality_models(self, lang: str | None = None) -> Path:
        """The quality classifiers trained on the run's reference text, a folder per language."""
        return self.root / "quality_model" / lang if lang else self.root / "quality_model"

    def dedup_index(self) -> Path:
        """Signature index of the deduplicated corpus (incremental dedup)."""
        return self.root / "dedup_index"

    def scratch(self, stage: str) -> Path:
        """Temporary working space of a stage (Spark checkpoints, staging)."""
        return self.root / "_tmp" / stage

    def tokenizer_dir(self) -> Path:
        return self.root / "tokenizer"

    def tokenizer_file(self) -> Path:
        return self.tokenizer_dir() / "tokenizer.json"

    def tokenizer_sampling(self) -> Path:
        """The per-language sampling table of the tokenizer's training sample."""
        return self.tokenizer_dir() / "sampling.json"

    def tokenizer_fertility(self) -> Path:
        """Tokens per word and per character, per language, on held-out text."""
        return self.tokenizer_dir() / "fertility.json"

    def tokens(self) -> Path:
        return self.root / "tokens"

    def token_parts(self) -> Path:
        """Per-input-shard token intermediates of `curation tokenize` (merged into the datasets)."""
        return self.tokens() / "_parts"

    def token_split_dir(self, split: str) -> Path:
        """Datasets of a split: the train split's in tokens/ itself, valid's and test's in tokens/<split>/."""
        return self.tokens() if split == "train" else self.tokens() / split

    def token_docs(self, name: str, index: int, split: str = "train") -> Path:
        """Side table of a dataset: each document's id, source, language and token offset."""
        return self.token_split_dir(split) / f"{name}_{index:05d}.docs.parquet"

    def token_stats(self, name: str, index: int, split: str = "train") -> Path:
        """Counts of one token dataset (language × source × outcome, with tokens)."""
        return self.token_split_dir(split) / f"{name}_{index:05d}.stats.json"

    def token_prefix(self, name: str, index: int, split: str = "train") -> Path:
        """Megatron dataset prefix: `<prefix>.bin` and `<prefix>.idx`."""
        return self.token_split_dir(split) / f"{name}_{index:05d}"

    def token_manifest(self) -> Path:
        return self.tokens() / "manifest.json"

    def stats(self) -> Path:
        return self.root / "stats" / "stats.parquet"

    def dedup_line_samples(self) -> Path:
        """The units line dedup removed from the most documents, per language (shown, redacted, in the report)."""
        return self.root / "stats" / "dedup-lines.json"

    def errors(self, stage: str) -> Path:
        """Bad-record reports (file, offset, problem) of a stage, one JSON-lines file."""
        return self.root / "stats" / f"errors-{stage}.jsonl"

    def report(self) -> Path:
        return self.root / "report.html"

    def run_record(self) -> Path:
        """Which config, catalog and code produced this folder (`curation.run_record`)."""
        return self.root / "run.json"

    def datacard(self, lang: str) -> Path:
        return self.root / "datacards" / f"{lang}.md"

    def markers(self, stage: str) -> Path:
        """Completion markers of a stage's tasks (resume)."""
        return self.root / "_markers" / stage

    def marker(self, stage: str, task: str) -> Path:
        return self.markers(stage) / f"{task}.json"

    def lock(self) -> Path:
        """Held by the one process writing this output folder (who, since when)."""
        return self.root / "_markers" / "lock.json"

    def logs(self) -> Path:
        return self.root / "logs"
