"""The `quality_model` stage: a quality classifier per language of the run's `reference` (one resumable job).

Runs when the filter chain has `classifier` and the run names reference text. Positives: the language's
reference text; negatives: `curation.quality.negatives`. A language with too little text of either class
is skipped and named in the stage's facts (the filter keeps its documents unmeasured). The filter reads
`OUT/quality_model/<lang>/` unless `filter.params.classifier` names its own `models_dir` or `model`.
"""

from __future__ import annotations

import functools
import shutil

from curation.config import RunConfig, json_digest
from curation.layout import Layout
from curation.lid.stage import base_model
from curation.runner import Task, TaskResult, run_job, shard_task
from curation.stage import Stage, StageResult

NAME = "quality_model"


def wanted(config: RunConfig) -> bool:
    return "classifier" in config.filter.chain and bool(config.reference)


def run(config: RunConfig, progress: bool = True) -> StageResult:
    if not wanted(config):
        return StageResult(facts={"quality_model": "nothing to train (no reference text, or no classifier in filter.chain)"})
    layout = Layout(config.output_dir)
    references = [str(p) for lang in sorted(config.reference) for p in config.reference[lang]]
    key = {
        "quality_model": config.quality_model.model_dump(mode="json"),
        "reference": {k: [str(p) for p in v] for k, v in sorted(config.reference.items())},
        "base_lid_model": base_model(config),  # it picks each language's crawl negatives
    }
    shards = [str(p) for p in ingested_pool_shards(config)]
    task = shard_task(layout, NAME, "models", [*references, *shards], json_digest(key))
    result = run_job(task, functools.partial(train_job, config))
    return StageResult(tasks=1, resumed=int(result.skipped), outputs=result.outputs, errors=result.errors, facts=result.facts)


def ingested_pool_shards(config: RunConfig) -> list:
    from curation.catalog import load_selection
    from curation.shards import list_shards

    layout = Layout(config.output_dir)
    return [s for entry in load_selection(config)[1] for s in list_shards(layout.ingested(entry.id))]


def train_job(config: RunConfig, task: Task) -> TaskResult:
    from curation.quality.documents import QualityDataError
    from curation.quality.negatives import ingested_pool, negatives_for
    from curation.quality.train import TrainingSet, split_classes, train_classifiers
    from curation.reference import read_reference

    cfg, root = config.quality_model, Layout(config.output_dir).quality_models()
    shutil.rmtree(root, ignore_errors=True)  # a language no longer trained must not leave its model behind
    pool = ingested_pool(config)
    sets, skipped = [], []
    for lang, files in sorted(config.reference.items()):
        low, how = negatives_for(lang, pool, cfg)
        high = list(read_reference(files, lang))
        ts = TrainingSet(
            lang,
            high,
            low,
            inputs={"positive": [str(p) for p in files]},
            recipe={"positives": "the run's reference text", "negatives": how},
        )
        try:
            split_classes(ts, cfg)
        except QualityDataError as exc:
            skipped.append(f"{lang} ({str(exc).split(': ', 1)[-1].split(';')[0]})")
            continue
        sets.append((ts, Layout(config.output_dir).quality_models(lang)))
    files = train_classifiers(sets, cfg, log=lambda m: None) if sets else []
    facts = {"models": ", ".join(f"{ts.lang} (AUC {held_auc(f)})" for (ts, _), f in zip(sets, files)) or "none"}
    if skipped:
        facts["skipped, too little text"] = "; ".join(skipped)
    return TaskResult(task.name, outputs=[str(p) for f in files for p in (f.model, f.metrics, f.card)], facts=facts)


def held_auc(files) -> str:
    import json

    return str(json.loads(files.metrics.read_text(encoding="utf-8"))["held_out"]["roc_auc"])


def run_defaults(config: RunConfig) -> dict[str, str]:
    """The classifier parameters the stage's outputs set for the filter."""
    return {"models_dir": str(Layout(config.output_dir).quality_models())} if wanted(config) else {}


STAGE = Stage(NAME, run, section="quality_model", output=Layout.quality_models)
