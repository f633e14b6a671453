"""The `lid` stage: the LID extension and per-language thresholds from the run's reference text (one resumable job).

Runs when the filter chain has `langid` and the run names reference text; the filter
stage then reads `OUT/lid/extension.bin` and `OUT/lid/thresholds.json` unless
`filter.params.langid` names its own `extension_path` / `thresholds`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from curation.config import RunConfig, json_digest
from curation.layout import Layout
from curation.runner import Task, TaskResult, run_job, shard_task
from curation.stage import Stage, StageResult

NAME = "lid"


def base_model(config: RunConfig) -> str | None:
    """The langid filter's base model as the run configures it (None: lid.176.ftz)."""
    return (config.filter.params.get("langid") or {}).get("model_path")


def wanted(config: RunConfig) -> bool:
    return "langid" in config.filter.chain and bool(config.reference)


def run(config: RunConfig, progress: bool = True) -> StageResult:
    if not wanted(config):
        return StageResult(facts={"lid": "nothing to train (no reference text, or no langid in filter.chain)"})
    from filters.langid import LanguageId

    layout = Layout(config.output_dir)
    model = LanguageId({"model_path": base_model(config)} if base_model(config) else None).model_file()
    files = [str(p) for lang in sorted(config.reference) for p in config.reference[lang]]
    key = {"lid": config.lid.model_dump(mode="json"), "reference": {k: [str(p) for p in v] for k, v in sorted(config.reference.items())}}
    task = shard_task(layout, NAME, "extension", [*files, str(model)], json_digest(key))
    result = run_job(task, functools.partial(train_job, config))
    return StageResult(tasks=1, resumed=int(result.skipped), outputs=result.outputs, errors=result.errors, facts=result.facts)


def train_job(config: RunConfig, task: Task) -> TaskResult:
    from curation.lid.train import train_lid

    files = train_lid(config.reference, config.lid, Layout(config.output_dir).lid_models(), base_model(config), log=lambda m: None)
    outputs = [str(p) for p in (files.model, files.meta, files.thresholds) if p.exists()]
    return TaskResult(task.name, outputs=outputs, facts={"languages": ", ".join(sorted(config.reference))})


def run_defaults(config: RunConfig) -> dict[str, str]:
    """The langid parameters the stage's outputs set for the filter (only those that exist)."""
    from curation.lid.train import lid_files

    if not wanted(config):
        return {}
    files = lid_files(Layout(config.output_dir).lid_models())
    found = {"extension_path": files.model, "thresholds": files.thresholds}
    return {name: str(path) for name, path in found.items() if Path(path).exists()}


STAGE = Stage(NAME, run, section="lid", output=Layout.lid_models)
