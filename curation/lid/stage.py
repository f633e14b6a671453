"""The `lid` stage: the LID extension and per-language thresholds from the run's reference text (one resumable job).

Runs when the filter chain has `langid` and there is reference text to train on: the run's own, and for a
language its sources declare that the base model cannot identify and the run names none for, the built-in
UDHR text (`curation.lid.builtin_reference`). The filter stage then reads `OUT/lid/extension.bin` and
`OUT/lid/thresholds.json` unless `filter.params.langid` names its own `extension_path` / `thresholds`.
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


def declared_languages(config: RunConfig) -> list[str]:
    """The languages the run's sources declare, of the sources that run langid (none without a readable catalog:
    the stages that read it say why)."""
    from curation.catalog import load_selection

    try:
        _, entries = load_selection(config)
    except (ValueError, OSError):
        return []
    return sorted({lang for e in entries if "langid" not in ((e.filters or {}).get("skip") or []) for lang in e.languages})


def lid_reference(config: RunConfig, write: bool = True) -> tuple[dict[str, list[Path]], list[str]]:
    """The reference text the extension trains on (`builtin_reference.run_reference`; the built-in files written
    into OUT/lid/builtin-reference/ unless `write` is False), and the declared languages left without any."""
    from curation.lid.builtin_reference import min_reference_chars, run_reference
    from curation.lid.labels import model_labels

    if not config.lid.builtin_reference:
        return dict(config.reference), []
    folder = Layout(config.output_dir).lid_models() / "builtin-reference" if write else None
    base = base_model(config)
    min_chars = min_reference_chars(config.lid)
    return run_reference(declared_languages(config), config.reference, model_labels(base), base is None, folder, min_chars)


def wanted(config: RunConfig) -> bool:
    return "langid" in config.filter.chain and bool(config.reference or lid_reference(config, write=False)[0])


def run(config: RunConfig, progress: bool = True) -> StageResult:
    if not wanted(config):
        return StageResult(facts={"lid": "nothing to train (no reference text, or no langid in filter.chain)"})
    from curation.lid.labels import languages_listed
    from filters.langid import LanguageId

    layout = Layout(config.output_dir)
    reference, unmatched = lid_reference(config)
    model = LanguageId({"model_path": base_model(config)} if base_model(config) else None).model_file()
    files = [str(p) for lang in sorted(reference) for p in reference[lang]]
    key = {"lid": config.lid.model_dump(mode="json"), "reference": {k: [str(p) for p in v] for k, v in sorted(reference.items())}}
    task = shard_task(layout, NAME, "extension", [*files, str(model)], json_digest(key))
    result = run_job(task, functools.partial(train_job, config, reference))
    facts = result.facts
    if builtin := sorted(set(reference) - set(config.reference)):
        facts["built-in reference (UDHR)"] = ", ".join(builtin)
    if unmatched:
        facts["no reference text (their documents will be removed)"] = languages_listed(unmatched)
    return StageResult(tasks=1, resumed=int(result.skipped), outputs=result.outputs, errors=result.errors, facts=facts)


def train_job(config: RunConfig, reference: dict[str, list[Path]], task: Task) -> TaskResult:
    from curation.lid.train import train_lid

    files = train_lid(reference, config.lid, Layout(config.output_dir).lid_models(), base_model(config), log=lambda m: None)
    outputs = [str(p) for p in (files.model, files.meta, files.thresholds) if p.exists()]
    return TaskResult(task.name, outputs=outputs, facts={"languages": ", ".join(sorted(reference))})


def run_defaults(config: RunConfig) -> dict[str, str]:
    """The langid parameters the stage's outputs set for the filter (only those that exist)."""
    from curation.lid.train import lid_files

    if not wanted(config):
        return {}
    files = lid_files(Layout(config.output_dir).lid_models())
    found = {"extension_path": files.model, "thresholds": files.thresholds}
    return {name: str(path) for name, path in found.items() if Path(path).exists()}


STAGE = Stage(NAME, run, section="lid", output=Layout.lid_models)
