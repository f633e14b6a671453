"""What a stage is: one declared object, and the typed result every stage returns.

The pipeline (`curation.pipeline.STAGES`) is an ordered list of `Stage`s; everything else that
lists stages (stats roots, report labels, inspect roots, reconciliation, each stage's default
input) is derived from that list. A new stage is its module (exporting `STAGE`), one line in the
list, a config section and a `Layout` path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curation.counts import Counts

if TYPE_CHECKING:
    from curation.config import RunConfig
    from curation.layout import Layout
    from curation.runner import TaskResult


@dataclass
class StageResult:
    """What a stage did: its tasks (and how many an earlier run had completed), counts, errors, outputs,
    and facts worth a line in the run summary (never document text)."""

    tasks: int = 0
    resumed: int = 0
    counts: Counts = field(default_factory=Counts)
    errors: list[dict] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_tasks(cls, results: Iterable[TaskResult], errors: Iterable[dict] = (), **facts: Any) -> StageResult:
        """The result of a stage that ran runner tasks: their counts, errors and outputs merged, in task order."""
        results = list(results)
        counts = Counts()
        for r in results:
            counts.merge(r.counts)
        return cls(
            tasks=len(results),
            resumed=sum(r.skipped for r in results),
            counts=counts,
            errors=[e for r in results for e in r.errors] + list(errors),
            outputs=[o for r in results for o in r.outputs],
            facts=facts,
        )


@dataclass(frozen=True)
class Stage:
    """A pipeline stage.

    - `run(config, progress)` does the work (resumable) and returns a `StageResult`;
    - `section`: the run config's section holding its parameters (None: it has none);
    - `label`: what its kept documents are called in reports ("after dedup"); a stage with a label
      counts documents (stage × language × source × outcome) and is reconciled against its input;
    - `reads`: the stage whose output it reads by default;
    - `output`: where its outputs, and their `.stats.json` counts, land;
    - `holds_documents`: its output is document shards (else the documents it kept are its input's).
    """

    name: str
    run: Callable[[RunConfig, bool], StageResult]
    section: str | None = None
    label: str | None = None
    reads: str | None = None
    output: Callable[[Layout], Path] | None = None
    holds_documents: bool = True

    @property
    def counts_documents(self) -> bool:
        return self.label is not None


def default_input(stage: Stage, layout: Layout) -> Path:
    """The output of the stage `stage` reads by default, as `curation.pipeline.STAGES` declares it."""
    from curation.pipeline import stage_named

    if stage.reads is None:
        raise ValueError(f"stage {stage.name!r} reads no other stage's output")
    return stage_named(stage.reads).output(layout)
