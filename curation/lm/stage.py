"""The `lm` stage: the perplexity models the run's reference text names, one resumable job per language."""

from __future__ import annotations

import shutil
from pathlib import Path

from curation.config import RunConfig, json_digest
from curation.layout import Layout
from curation.runner import Task, TaskResult, run_tasks, shard_task
from curation.stage import Stage, StageResult

NAME = "lm"


def wanted(config: RunConfig) -> bool:
    """Whether the filter chain reads the perplexity models this stage trains (the filter stage then runs it first)."""
    return "perplexity" in config.filter.chain and bool(config.reference)


def plan(config: RunConfig) -> list[Task]:
    """A job per language: keyed by its reference files' content and the model parameters."""
    layout = Layout(config.output_dir)
    params = {"vocab_size": config.lm.vocab_size, "order": config.lm.order}
    return [
        shard_task(layout, NAME, lang, files, json_digest(params), lang=lang, models=str(layout.lm_models()), **params)
        for lang, files in sorted(config.reference.items())
    ]


def remove_unfinished(models: Path) -> None:
    """Working folders (`lm-<lang>-*`) a training killed mid-way left behind."""
    for folder in sorted(models.glob("lm-*")) if models.is_dir() else []:
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def train_one(task: Task) -> TaskResult:
    from curation.lm.train import train_language_model

    p = task.payload
    files = train_language_model(
        p["lang"], list(task.inputs), Path(p["models"]), vocab_size=p["vocab_size"], order=p["order"], log=lambda m: None
    )
    return TaskResult(task.name, outputs=[str(files.sp_model), str(files.kenlm_model), str(files.meta)])


def run(config: RunConfig, progress: bool = True) -> StageResult:
    remove_unfinished(Layout(config.output_dir).lm_models())
    tasks = plan(config)
    results = run_tasks(tasks, train_one, workers=config.workers, description=NAME, progress=progress)
    trained = [t.name for t, r in zip(tasks, results) if not r.skipped]
    kept = [t.name for t, r in zip(tasks, results) if r.skipped]
    return StageResult.of_tasks(results, trained=", ".join(trained) or "none", unchanged=", ".join(kept) or "none")


STAGE = Stage(NAME, run, section="lm", output=Layout.lm_models)
