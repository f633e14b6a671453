"""The filter stage: `ingested/<source>/part-*.parquet` → `filtered/<source>/` + `removed/<filter>/<source>/`.

One task per ingested shard. The chain (config `filter.chain`) runs in order on
each batch; a document removed by one filter is written once, to that filter's
`removed/` folder with reason and detail, and the later filters never see it.
Per-source overrides come from the catalog entry's `filters` mapping: `skip`
(filter names), `pii` (the PII filter's policy) and `thresholds` (per filter
parameter overrides that win over every language's values). Sources declaring
only code languages skip the filters made for natural language, and the others
skip the filters made for code (code, license, secrets).

Counts: stage `filter:<name>` per filter (kept or reason) and stage `filter`
for the whole chain (kept or the removing reason), so in = kept + removed holds
per shard, per filter, language and source.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from curation import thresholds_job
from curation.catalog import Catalog, CatalogEntry, load_selection
from curation.config import FilterConfig, RunConfig, json_digest
from curation.counts import KEPT, Counts
from curation.filter_thresholds import derivable, read_filter_thresholds
from curation.layout import Layout
from curation.lid import stage as lid_stage
from curation.lm import stage as lm_stage
from curation.quality import stage as quality_stage
from curation.runner import Task, TaskResult, remove_stale, run_tasks, shard_task
from curation.schema import DOCUMENT_SCHEMA, REMOVED_SCHEMA, SHARD_FORMAT, signal_list, signals_of
from curation.shards import ShardWriter, list_shards, read_batches
from curation.stage import Stage, StageResult
from curation.stats import sources_losing
from filters import get_filter_class
from filters.base import Batch, Filter, apply_filter

NAME = "filter"
FILTER_ERROR = "filter_error"
MODEL_STAGES = (lm_stage, lid_stage, quality_stage)  # they train what the chain's filters read from the run's reference text


def is_code_source(entry: CatalogEntry, config: FilterConfig) -> bool:
    return bool(entry.languages) and all(lang in config.code_languages for lang in entry.languages)


def source_values(entry: CatalogEntry, name: str) -> dict[str, Any]:
    """The catalog entry's own parameters for filter `name`: `filters.thresholds.<name>`, `filters.pii` as the pii policy,
    and the entry's license as the license filter's `source_license`."""
    overrides = entry.filters or {}
    values = dict((overrides.get("thresholds") or {}).get(name, {}))
    if name == "pii" and overrides.get("pii"):
        values["policy"] = overrides["pii"]
    if name == "license":
        values["source_license"] = entry.license  # a code document without a license of its own has its source's
    return values


def build_filter(name: str, config: FilterConfig, source: dict[str, Any] | None = None) -> Filter:
    """Filter `name` with the run's parameters (`filter.params`, `filter.langs`) and a source's on top, over the
    values of `filter.thresholds_file` (derived from data) for the filters it covers."""
    derived = read_filter_thresholds(config.thresholds_file).get(name) if config.thresholds_file and name in derivable([name]) else None
    extra = {"derived": derived} if derived else {}
    return get_filter_class(name)(config.params.get(name, {}), config.langs.get(name, {}), source, **extra)


def build_chain(entry: CatalogEntry, config: FilterConfig) -> tuple[list[Filter], list[str]]:
    """The filters that run on this source (with its overrides applied), and the names it skips."""
    overrides = entry.filters or {}
    skip = set(overrides.get("skip") or [])
    code = is_code_source(entry, config)
    unknown = (skip | set(overrides.get("thresholds") or {})) - set(config.chain)
    if unknown:
        raise ValueError(f"catalog entry {entry.id!r}: field 'filters': names {sorted(unknown)} are not in filter.chain {config.chain}")
    chain, skipped = [], []
    for name in config.chain:
        kind = get_filter_class(name)
        if name in skip or (code and kind.natural_language_only) or (not code and kind.code_only):
            skipped.append(name)
            continue
        chain.append(build_filter(name, config, source_values(entry, name)))
    return chain, skipped


def _chain_hash(chain: list[Filter], skipped: list[str], config: FilterConfig, entry: CatalogEntry) -> str:
    key = {
        "filters": [f.config_key() for f in chain],
        "skipped": skipped,
        "batch_rows": config.batch_rows,
        "declared": entry.languages,
        "shard_format": SHARD_FORMAT,
    }
    return json_digest(key)


def with_run_defaults(config: RunConfig) -> FilterConfig:
    """The filter config with run-level defaults filled in: perplexity models from the run's `lm/`, the LID
    extension and thresholds from its `lid/` (stage `lid`), the quality classifiers from its `quality_model/`
    (stage `quality_model`), unless the run's params name their own, and the thresholds derived from its
    reference text (OUT/thresholds/filters.json) unless it names a `filter.thresholds_file`."""
    params = {name: dict(values) for name, values in config.filter.params.items()}
    if "perplexity" in config.filter.chain:
        params.setdefault("perplexity", {}).setdefault("models_dir", str(Layout(config.output_dir).lm_models()))
    for name, value in lid_stage.run_defaults(config).items():
        params.setdefault("langid", {}).setdefault(name, value)
    for name, value in quality_stage.run_defaults(config).items():
        params.setdefault("classifier", {}).setdefault(name, value)
    update: dict[str, Any] = {"params": params}
    if (derived := thresholds_job.run_default(config)) is not None:
        update["thresholds_file"] = derived
    return config.filter.model_copy(update=update)


def effective_parameters(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig) -> dict[str, Any]:
    """The parameters the filter stage applies, as `{"run": {filter: params}, "sources": {id: ...}}`.

    `params` is `Filter.effective_parameters()` (defaults and every language with its own).
    A source is listed only where it differs from the run: `skipped` filters and, per filter
    of its chain, the parameters its catalog entry's `filters` change.
    """
    filter_config = with_run_defaults(config)
    run = {name: build_filter(name, filter_config).effective_parameters() for name in filter_config.chain}
    sources: dict[str, Any] = {}
    for entry in entries:
        chain, skipped = build_chain(entry, filter_config)
        if not is_code_source(entry, filter_config):  # a text source skipping the code filters is no difference worth showing
            skipped = [name for name in skipped if not get_filter_class(name).code_only]
        changed = {f.name: params for f in chain if (params := f.effective_parameters()) != run[f.name]}
        if skipped or changed:
            sources[entry.id] = {"skipped": skipped, "filters": changed}
    return {"run": run, "sources": sources}


def plan(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig) -> tuple[list[Task], list[dict]]:
    layout = Layout(config.output_dir)
    filter_config = with_run_defaults(config)
    tasks, problems = [], []
    for entry in entries:
        shards = list_shards(layout.ingested(entry.id))
        if not shards:
            problems.append({"source": entry.id, "problem": "no_ingested_shards", "detail": str(layout.ingested(entry.id))})
            continue
        chain, skipped = build_chain(entry, filter_config)
        config_hash = _chain_hash(chain, skipped, filter_config, entry)
        for shard in shards:
            rel = shard.relative_to(layout.ingested(entry.id))
            name = f"{entry.id}.{str(rel.with_suffix('')).replace('/', '.')}"
            tasks.append(
                shard_task(
                    layout,
                    NAME,
                    name,
                    [shard],
                    config_hash,
                    entry=entry.model_dump(mode="json"),
                    filter=filter_config.model_dump(mode="json"),
                    out=str(layout.filtered(entry.id) / rel),
                    removed={f.name: str(layout.removed(f.name, entry.id) / rel) for f in chain},
                )
            )
    return tasks, problems


def _to_batch(rb: pa.RecordBatch, declared: tuple[str, ...]) -> Batch:
    cols = rb.to_pydict()
    signals = [signals_of(s) for s in cols["signals"]]
    return Batch(
        ids=cols["id"],
        sources=cols["source"],
        urls=cols["url"],
        texts=cols["text"],
        langs=cols["lang"],
        lang_scores=cols["lang_score"],
        signals=signals,
        declared=[declared] * rb.num_rows,
        metas=cols["meta"],
    )


def _rows_table(batch: Batch, extra: list[tuple[str, str, str]] | None = None) -> pa.Table:
    """The batch's documents as a shard table; with `extra` (stage, reason, detail per row), removed documents."""
    data = {
        "id": batch.ids,
        "source": batch.sources,
        "url": batch.urls,
        "text": batch.texts,
        "lang": batch.langs,
        "lang_score": batch.lang_scores,
        "meta": batch.metas,
        "signals": [signal_list(s) for s in batch.signals],
    }
    if extra is None:
        return pa.table(data, schema=DOCUMENT_SCHEMA)
    data["stage"], data["reason"], data["detail"] = (list(c) for c in zip(*extra)) if extra else ([], [], [])
    return pa.table(data, schema=REMOVED_SCHEMA)


def _apply_safely(f: Filter, batch: Batch, counts: Counts) -> tuple[Batch, list[tuple[int, tuple[str, str]]]]:
    """Apply a filter; if it fails on the batch, apply it per document and remove the documents it fails on."""
    trial = Counts()
    try:
        out = apply_filter(f, batch, trial)
        counts.merge(trial)
        return out
    except Exception:
        if len(batch) == 1:
            raise
    removals = []
    for i in range(len(batch)):
        one = batch.take([i])
        trial = Counts()
        try:
            one, rem = apply_filter(f, one, trial)
        except Exception as exc:
            counts.add(f"{NAME}:{f.name}", batch.langs[i], batch.sources[i], FILTER_ERROR, batch.texts[i])
            removals.append((i, (FILTER_ERROR, f"{type(exc).__name__} in {f.name}")))
            continue
        counts.merge(trial)
        for name in ("texts", "urls", "metas", "langs", "lang_scores", "signals"):
            getattr(batch, name)[i] = getattr(one, name)[0]
        removals.extend((i, verdict) for _, verdict in rem)
    return batch, removals


def filter_shard(task: Task) -> TaskResult:
    entry = CatalogEntry.model_validate(task.payload["entry"])
    config = FilterConfig.model_validate(task.payload["filter"])
    chain, skipped = build_chain(entry, config)
    declared = tuple(entry.languages)
    counts = Counts()
    result = TaskResult(task=task.name)
    kept_writer = ShardWriter(Path(task.payload["out"]))
    removed_writers: dict[str, ShardWriter] = {}
    # documents removed before the PII filter would reach removed/ unredacted (text, url and meta): redact them on the way out
    pii = next((f for f in chain if f.name == "pii"), None)
    try:
        for rb in read_batches(Path(task.inputs[0]), batch_size=config.batch_rows):
            batch = _to_batch(rb, declared)
            for f in chain:
                if not len(batch):
                    break
                batch, removals = _apply_safely(f, batch, counts)
                if not removals:
                    continue
                removed = batch.take([i for i, _ in removals])
                if pii is not None and f is not pii:
                    pii.ensure_setup()
                    removed = pii.redacted(removed)
                if f.name not in removed_writers:
                    removed_writers[f.name] = ShardWriter(Path(task.payload["removed"][f.name]), REMOVED_SCHEMA)
                removed_writers[f.name].write(_rows_table(removed, [(f.name, r, d) for _, (r, d) in removals]))
                for i, (reason, _detail) in removals:
                    counts.add(NAME, batch.langs[i], batch.sources[i], reason, batch.texts[i])
                gone = {i for i, _ in removals}
                batch = batch.take([i for i in range(len(batch)) if i not in gone])
            for i in range(len(batch)):
                counts.add(NAME, batch.langs[i], batch.sources[i], KEPT, batch.texts[i])
            kept_writer.write(_rows_table(batch))
        for name in sorted(removed_writers):
            result.outputs.append(str(removed_writers[name].close()))
        stats = {"stage": NAME, "task": task.name, "skipped_filters": skipped, "counts": counts.to_json()}
        result.outputs.insert(0, str(kept_writer.close(stats)))
    except BaseException:
        kept_writer.abort()
        for w in removed_writers.values():
            w.abort()  # a no-op for the writers already closed
        raise
    result.counts = counts
    return result


def train_models(config: RunConfig, progress: bool = True) -> dict[str, str]:
    """The run's own models the chain reads (perplexity models, LID extension, quality classifiers), trained first
    where missing or stale: `--stages ingest,filter` or `curation filter` never filter without them (a Zulu source
    would lose every document at langid). Each model stage resumes when its outputs are current; the facts name
    the stages that had work to do."""
    trained = []
    for stage in MODEL_STAGES:
        if stage.wanted(config):
            result = stage.STAGE.run(config, progress)
            if result.errors:
                raise RuntimeError(f"stage {stage.NAME!r}, run first for the filter chain, failed: {result.errors[0]}")
            if result.resumed < result.tasks:
                trained.append(stage.NAME)
    return {"models trained first": ", ".join(trained)} if trained else {}


def run_filter(catalog: Catalog, entries: list[CatalogEntry], config: RunConfig, progress: bool = True) -> StageResult:
    models = train_models(config, progress)
    derived = thresholds_job.derive_in_run(entries, config)
    tasks, problems = plan(catalog, entries, config)
    results = run_tasks(tasks, filter_shard, workers=config.workers, description=NAME, progress=progress, spark=config.spark_executor())
    layout = Layout(config.output_dir)
    result = StageResult.of_tasks(results, problems)
    remove_stale(_written_folders(entries, layout), result.outputs)
    errors_path = layout.errors(NAME)
    errors_path.parent.mkdir(parents=True, exist_ok=True)
    errors_path.write_text("".join(json.dumps(p, sort_keys=True) + "\n" for p in problems), encoding="utf-8")
    kept = result.counts.docs(stage=NAME, outcome=KEPT)
    result.facts |= models | {"kept": kept, "removed": result.counts.docs(stage=NAME) - kept}
    result.facts |= thresholds_origin(config, derived)
    losing = sources_losing(result.counts, f"{NAME}:langid")
    if losing:  # most often a language the model cannot output: say so, never lose a source silently
        result.facts["sources losing over half at langid"] = ", ".join(f"{s} ({lost:,} of {n:,})" for s, (lost, n) in losing.items())
    return result


def thresholds_origin(config: RunConfig, derived: TaskResult | None = None) -> dict[str, str]:
    """Where the thresholds of the chain's filters come from, as the stage's facts and `--dry-run` show it."""
    names = derivable(config.filter.chain)
    if not names:
        return {}
    if config.filter.thresholds_file is not None:
        origin = f"{config.filter.thresholds_file} (filter.thresholds_file) over the built-in packs"
    elif thresholds_job.wanted(config):
        path = Layout(config.output_dir).filter_thresholds()
        origin = f"derived from the run's reference text into {path} over the built-in packs"
        if derived is not None:
            origin += f" ({'resumed' if derived.skipped else 'derived'}: {derived.facts.get('derived thresholds', '')})"
        elif not path.exists():
            origin += " (not derived yet: the filter stage derives it before its first shard)"
    else:
        origin = "the built-in packs (no reference text, no filter.thresholds_file)"
    return {f"thresholds of {', '.join(names)}": f"{origin}; filter.params, filter.langs and catalog values win over them"}


def _written_folders(entries: list[CatalogEntry], layout: Layout) -> list[Path]:
    """The folders the filter stage writes for these sources: shards of ingested shards that are gone
    (a changed shard size, a removed file) or of a filter no longer in the chain are stale there."""
    from filters import FILTERS

    return [layout.filtered(e.id) for e in entries] + [layout.removed(name, e.id) for e in entries for name in FILTERS]


def run(config: RunConfig, progress: bool = True) -> StageResult:
    return run_filter(*load_selection(config), config, progress=progress)


STAGE = Stage(NAME, run, section="filter", label="after filters", reads="ingest", output=Layout.filtered)
