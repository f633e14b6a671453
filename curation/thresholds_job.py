"""The filter stage's first job: thresholds derived from the run's reference text (`curation.filter_thresholds`).

Runs when the run names reference text, the chain has a filter with thresholds (quality, gopher, adult) and
`filter.thresholds_file` is unset; writes OUT/thresholds/filters.json, which the filter stage then reads as
`filter.thresholds_file`. Resumable: keyed by the reference files' content, the ingested shards the corpus removal
is measured on, and the parameters (chain, `filter.params`/`langs` of those filters, `filter.derive`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from curation.catalog import CatalogEntry
from curation.config import RunConfig, json_digest
from curation.layout import Layout
from curation.runner import Task, TaskResult, run_job, shard_task
from curation.shards import list_shards

NAME = "filter"
TASK = "thresholds"


def wanted(config: RunConfig) -> bool:
    from curation.filter_thresholds import derivable

    return config.filter.thresholds_file is None and bool(config.reference) and bool(derivable(config.filter.chain))


def run_default(config: RunConfig) -> Path | None:
    """The file the job wrote for this run, when the run derives its own thresholds and the job has run."""
    path = Layout(config.output_dir).filter_thresholds()
    return path if wanted(config) and path.exists() else None


def derive_in_run(entries: list[CatalogEntry], config: RunConfig) -> TaskResult | None:
    """Derive (or find complete) the run's thresholds file; None when the run does not derive its own."""
    if not wanted(config):
        return None
    from curation.filter_thresholds import derivable

    layout = Layout(config.output_dir)
    names = derivable(config.filter.chain)
    reference = [str(p) for lang in sorted(config.reference) for p in config.reference[lang]]
    ingested = [str(s) for e in entries for s in list_shards(layout.ingested(e.id))]  # the corpus removal is measured on them
    key = {
        "chain": names,
        "params": {n: config.filter.params.get(n, {}) for n in names},
        "langs": {n: config.filter.langs.get(n, {}) for n in names},
        "derive": config.filter.derive.model_dump(mode="json"),
        "reference": {k: [str(p) for p in v] for k, v in sorted(config.reference.items())},
        "langid": config.filter.params.get("langid", {}) if "langid" in config.filter.chain else None,
        "ingested": ingested,
    }
    task = shard_task(layout, NAME, TASK, [*reference, *ingested], json_digest(key))
    return run_job(task, functools.partial(derive_job, entries, config))


def derive_job(entries: list[CatalogEntry], config: RunConfig, task: Task) -> TaskResult:
    from curation.atomic import write_json_atomic
    from curation.filter_thresholds import derive, sample_documents

    d = config.filter.derive
    samples = sample_documents(config.reference, d.doc_chars)
    corpus = corpus_documents(entries, config, sorted(samples), d.corpus_sample)
    info = {
        "reference": {lang: [str(p) for p in files] for lang, files in sorted(config.reference.items())},
        "doc_chars": d.doc_chars,
        "corpus": corpus_text(d.corpus_sample),
    }
    record = derive(config.filter.chain, config.filter, samples, "reference", d.expected_removal, corpus, info)
    path = Layout(config.output_dir).filter_thresholds()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, record)
    return TaskResult(task.name, outputs=[str(path)], facts={"derived thresholds": summary(record)})


def corpus_text(sample: int) -> str:
    return f"up to {sample} ingested documents per language (seed 0) of sources declaring it, identified by langid"


def corpus_documents(entries: list[CatalogEntry], config: RunConfig, langs: list[str], sample: int) -> dict[str, list[str]]:
    """Per language, a seeded sample of its ingested documents identified as it (languages without any: absent)."""
    from curation.calibrate import identified

    found = {}
    for lang in langs if sample else []:
        try:
            batch, _, _ = identified(entries, config, lang, sample)
        except ValueError:  # no ingested document of the language
            continue
        if len(batch):
            found[lang] = list(batch.texts)
    return found


def summary(record: dict[str, Any]) -> str:
    """One line: per language, the parameters the file sets (`zu: quality.stopwords_min 0.1→0`)."""
    parts = []
    for lang, entry in sorted(record["languages"].items()):
        changed = [
            f"{f}.{p} {info['builtin']:g}→{info['value']:g}"
            for f, params in sorted(entry["filters"].items())
            for p, info in sorted(params.items())
        ]
        if changed:
            parts.append(f"{lang}: {', '.join(changed)}")
    return "; ".join(parts) or "built-in values kept for every reference language"
