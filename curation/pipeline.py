"""`curation run`: every stage in order, each resumable, any subset selectable.

Stages are chosen by name through one table of lazy imports; each stage function
takes the run config and returns a small summary for the final table.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from curation.config import RunConfig

# name → "module:function"; order is the pipeline order
STAGES: dict[str, str] = {
    "ingest": "curation.pipeline:ingest_stage",
    "lm": "curation.pipeline:lm_stage",
    "filter": "curation.pipeline:filter_stage",
    "dedup": "curation.pipeline:dedup_stage",
    "tokenizer": "curation.pipeline:tokenizer_stage",
    "tokenize": "curation.pipeline:tokenize_stage",
    "stats": "curation.pipeline:stats_stage",
    "report": "curation.pipeline:report_stage",
}


class StageError(RuntimeError):
    def __init__(self, stage: str, cause: BaseException):
        self.stage = stage
        super().__init__(f"stage {stage!r} failed: {type(cause).__name__}: {cause}")


@dataclass
class StageSummary:
    stage: str
    seconds: float
    facts: dict[str, Any] = field(default_factory=dict)


def parse_stages(spec: str | None) -> list[str]:
    """`ingest,filter` → ordered, validated stage names (all when empty)."""
    if not spec:
        return list(STAGES)
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; stages are: {', '.join(STAGES)}")
    return [s for s in STAGES if s in wanted]


def stage_function(name: str) -> Callable[[RunConfig, bool], dict]:
    module, func = STAGES[name].split(":")
    return getattr(importlib.import_module(module), func)


def run_pipeline(config: RunConfig, stages: list[str], progress: bool = True, on_stage: Callable[[str], None] | None = None) -> list[StageSummary]:
    """Run the stages in order; each stage's summary (counts and paths, never document text) goes to `logs/run.log`."""
    from curation.layout import Layout

    log_path = Layout(config.output_dir).logs() / "run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    summaries = []
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"{_now()} run stages={','.join(stages)} config_output={config.output_dir}\n")
        for name in stages:
            if on_stage:
                on_stage(name)
            start = time.perf_counter()
            try:
                facts = stage_function(name)(config, progress)
            except Exception as exc:
                log.write(f"{_now()} stage={name} failed: {type(exc).__name__}: {exc}\n")
                raise StageError(name, exc) from exc
            summaries.append(StageSummary(name, time.perf_counter() - start, facts))
            log.write(f"{_now()} stage={name} seconds={summaries[-1].seconds:.1f} {facts}\n")
    return summaries


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


def selected_entries(config: RunConfig):
    """The catalog and the entries this run covers (sources, langs, statuses of the config)."""
    from curation.catalog import load_catalog

    catalog = load_catalog(config.catalog)
    entries = catalog.select(ids=config.sources or None, langs=config.langs or None, statuses=config.statuses or None)
    if not entries:
        raise ValueError(f"{config.catalog}: no entry matches sources={config.sources} langs={config.langs} statuses={config.statuses}")
    return catalog, entries


def ingest_stage(config: RunConfig, progress: bool) -> dict:
    from curation.ingest import run_ingest

    catalog, entries = selected_entries(config)
    summary = run_ingest(catalog, entries, config, progress=progress)
    return {
        "documents": summary["counts"].docs(outcome="kept"),
        "sources": len(entries),
        "bad records": len(summary["errors"]),
        "resumed tasks": summary["skipped"],
    }


def lm_stage(config: RunConfig, progress: bool) -> dict:
    """Train the perplexity models the run's reference text names; a model whose inputs are unchanged is kept."""
    import json

    from curation.layout import Layout
    from curation.lm.train import model_paths, train_language_model
    from curation.runner import fingerprint

    models = Layout(config.output_dir).lm_models()
    trained, kept = [], []
    for lang, files in sorted(config.lm.reference.items()):
        key = {"fingerprint": fingerprint(files), "vocab_size": config.lm.vocab_size, "order": config.lm.order}
        paths = model_paths(models, lang)
        stamp = paths.meta.with_name(f"{lang}.inputs.json")
        if paths.kenlm_model.exists() and stamp.exists() and json.loads(stamp.read_text()) == key:
            kept.append(lang)
            continue
        train_language_model(lang, files, models, vocab_size=config.lm.vocab_size, order=config.lm.order, log=lambda m: None)
        stamp.write_text(json.dumps(key, sort_keys=True) + "\n")
        trained.append(lang)
    return {"trained": ", ".join(trained) or "none", "unchanged": ", ".join(kept) or "none"}


def filter_stage(config: RunConfig, progress: bool) -> dict:
    from curation.filter_stage import run_filter

    catalog, entries = selected_entries(config)
    summary = run_filter(catalog, entries, config, progress=progress)
    counts = summary["counts"]
    return {
        "kept": counts.docs(stage="filter", outcome="kept"),
        "removed": counts.docs(stage="filter") - counts.docs(stage="filter", outcome="kept"),
        "resumed tasks": summary["skipped"],
    }


def dedup_stage(config: RunConfig, progress: bool) -> dict:
    from curation.dedup.stage import run_dedup

    summary = run_dedup(config, log=lambda message: None)
    counts = summary["counts"]
    kept = counts.docs(stage="dedup", outcome="kept")
    return {"kept": kept, "removed": counts.docs(stage="dedup") - kept, "unchanged inputs": summary["skipped"]}


def tokenizer_stage(config: RunConfig, progress: bool) -> dict:
    """Train the tokenizer unless one was trained on the same shards with the same parameters."""
    import json

    from curation.layout import Layout
    from curation.runner import fingerprint
    from curation.shards import list_shards
    from curation.tokenizer.train import run_train

    layout = Layout(config.output_dir)
    shards = list_shards(config.tokenizer.input_dir or layout.deduped())
    key = {"fingerprint": fingerprint(shards), "config": config.section_hash("tokenizer")}
    stamp = layout.tokenizer_dir() / "inputs.json"
    if layout.tokenizer_file().exists() and stamp.exists() and json.loads(stamp.read_text()) == key:
        return {"tokenizer": str(layout.tokenizer_file()), "unchanged inputs": True}
    summary = run_train(config)
    stamp.write_text(json.dumps(key, sort_keys=True) + "\n")
    return {"tokenizer": summary["tokenizer"], "vocabulary": summary["vocab_size"], "unchanged inputs": False}


def tokenize_stage(config: RunConfig, progress: bool) -> dict:
    from curation.megatron.tokenize_stage import run_tokenize

    summary = run_tokenize(config, progress=progress)
    counts = summary["counts"]
    return {"documents": counts.docs(outcome="kept"), "tokens": sum(v[3] for v in counts.rows.values()), "resumed tasks": summary["skipped_tasks"]}


def stats_stage(config: RunConfig, progress: bool) -> dict:
    from curation.layout import Layout
    from curation.stats import collect, reconcile, write_stats

    layout = Layout(config.output_dir)
    path = write_stats(layout)
    mismatches = reconcile(collect(layout))
    if mismatches:
        raise ValueError("counts do not reconcile: " + "; ".join(map(str, mismatches)))
    return {"table": str(path), "reconciled": True}


def report_stage(config: RunConfig, progress: bool) -> dict:
    from curation.catalog import load_catalog
    from curation.layout import Layout
    from curation.report.datacard import write_datacards
    from curation.report.html import write_report
    from curation.report.signals import read_signals
    from curation.report.thresholds import thresholds_for

    layout = Layout(config.output_dir)
    catalog = load_catalog(config.catalog)
    thresholds = thresholds_for(config)
    signals = read_signals(layout)
    report = write_report(layout, catalog, thresholds, None, signals)
    cards = write_datacards(layout, catalog, thresholds, signals)
    return {"report": str(report), "data cards": len(cards)}
