"""`curation run`: the stages in order, each resumable, any subset selectable.

`STAGES` is the one list of stages; every other list of them (stats roots, report labels,
inspect roots, reconciliation, each stage's default input) is derived from it here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curation.config import RunConfig
from curation.dedup.stage import STAGE as DEDUP
from curation.filter_stage import STAGE as FILTER
from curation.ingest.stage import STAGE as INGEST
from curation.layout import Layout
from curation.lid.stage import STAGE as LID
from curation.lm.stage import STAGE as LM
from curation.lock import output_lock
from curation.megatron.tokenize_stage import STAGE as TOKENIZE
from curation.quality.stage import STAGE as QUALITY_MODEL
from curation.report.stage import STAGE as REPORT
from curation.stage import Stage, StageResult
from curation.stats import STAGE as STATS
from curation.tokenizer.train import STAGE as TOKENIZER

STAGES: list[Stage] = [INGEST, LM, LID, QUALITY_MODEL, FILTER, DEDUP, TOKENIZER, TOKENIZE, STATS, REPORT]


def stage_named(name: str) -> Stage:
    for stage in STAGES:
        if stage.name == name:
            return stage
    raise ValueError(f"unknown stage {name!r}; stages are: {', '.join(s.name for s in STAGES)}")


def counted_stages() -> list[Stage]:
    """Stages that count documents (stage × language × source × outcome), in pipeline order."""
    return [s for s in STAGES if s.counts_documents]


def stage_labels() -> dict[str, str]:
    """What each counted stage's kept documents are called in reports ("after dedup")."""
    return {s.name: s.label for s in counted_stages()}


def stats_roots(layout: Layout) -> list[Path]:
    """Where the `.stats.json` counts of every counted stage land, removed documents included."""
    return [s.output(layout) for s in counted_stages() if s.output is not None] + [layout.removed()]


def kept_documents(stage: Stage | str, layout: Layout) -> Path:
    """The document shards a stage kept: its output, or (tokenize) the documents it read."""
    stage = stage_named(stage) if isinstance(stage, str) else stage
    return stage.output(layout) if stage.holds_documents else kept_documents(stage.reads, layout)


def parse_stages(spec: str | None) -> list[str]:
    """`ingest,filter` → ordered, validated stage names (all when empty)."""
    names = [s.name for s in STAGES]
    if not spec:
        return names
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in names]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; stages are: {', '.join(names)}")
    return [s for s in names if s in wanted]


class StageError(RuntimeError):
    def __init__(self, stage: str, cause: BaseException):
        self.stage = stage
        super().__init__(f"stage {stage!r} failed: {type(cause).__name__}: {cause}")


@dataclass
class StageSummary:
    stage: str
    seconds: float
    result: StageResult

    def line(self) -> str:
        """The result in one line: tasks (resumed) and the stage's facts."""
        r = self.result
        parts = [f"tasks: {r.tasks:,}" + (f" ({r.resumed:,} resumed)" if r.resumed else "")] if r.tasks else []
        parts += [f"{k}: {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k}: {v}" for k, v in r.facts.items()]
        return ", ".join(parts)


def run_pipeline(
    config: RunConfig, stages: list[str], progress: bool = True, on_stage: Callable[[str], None] | None = None
) -> list[StageSummary]:
    """Run the stages in order; each stage's summary (counts and paths, never document text) goes to `logs/run.log`,
    and `run.json` (`curation.run_record`) records the config, catalog and version, stage by stage."""
    from curation.run_record import RunRecorder

    log_path = Layout(config.output_dir).logs() / "run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    summaries = []
    with output_lock(config.output_dir), open(log_path, "a", encoding="utf-8") as log:
        record = RunRecorder(config, stages)
        record.start()
        log.write(f"{_now()} run stages={','.join(stages)} config_output={config.output_dir}\n")
        for name in stages:
            if on_stage:
                on_stage(name)
            start = time.perf_counter()
            try:
                result = stage_named(name).run(config, progress)
            except Exception as exc:
                log.write(f"{_now()} stage={name} failed: {type(exc).__name__}: {exc}\n")
                record.stage_done(name, time.perf_counter() - start, ok=False)
                record.finish(ok=False)
                raise StageError(name, exc) from exc
            summaries.append(StageSummary(name, time.perf_counter() - start, result))
            record.stage_done(name, summaries[-1].seconds, resumed_all=0 < result.tasks == result.resumed)
            log.write(f"{_now()} stage={name} seconds={summaries[-1].seconds:.1f} {summaries[-1].line()}\n")
        record.finish(ok=True)
    return summaries


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
