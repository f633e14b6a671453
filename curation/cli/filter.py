"""`curation filter` (run the filter chain) and `curation filter calibrate` (signal percentiles)."""

from __future__ import annotations

from pathlib import Path

import typer

from curation.cli.common import (
    ConfigOpt,
    DryRunOpt,
    OutOpt,
    SetOpt,
    WorkersOpt,
    console,
    fail,
    out,
    print_config,
    print_effective_filter_parameters,
    quiet,
    resolve_config,
    writing,
)

app = typer.Typer(help="Filter ingested documents (langid, quality, adult, ...) and calibrate thresholds.")


def _entries(cfg, ids=None):
    from curation.catalog import CatalogError, load_catalog

    try:
        cat = load_catalog(cfg.catalog)
    except CatalogError as exc:
        fail(f"catalog is invalid:\n{exc}", code=2)
    entries = cat.select(ids=ids or cfg.sources or None, langs=cfg.langs or None, statuses=cfg.statuses or None)
    if not entries:
        fail(f"{cfg.catalog}: no catalog entry matches sources={cfg.sources} langs={cfg.langs} statuses={cfg.statuses}")
    return cat, entries


@app.callback(invoke_without_command=True)
def filter_(
    ctx: typer.Context,
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    workers: int | None = WorkersOpt,
    source: list[str] | None = typer.Option(None, "--source", "-s", help="Only these catalog ids (repeatable)."),
    chain: str | None = typer.Option(None, "--chain", help="Comma-separated filter names (overrides filter.chain)."),
    catalog: Path | None = typer.Option(None, "--catalog", "-C", help="Catalog file (overrides catalog)."),
    sets: list[str] | None = SetOpt,
    dry_run: bool = DryRunOpt,
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar (logs, CI)."),
) -> None:
    """Run the filter chain: OUT/ingested → OUT/filtered (kept) + OUT/removed/<filter> (resumable per shard)."""
    if ctx.invoked_subcommand is not None:
        return
    from curation.filter_stage import run_filter
    from curation.layout import Layout

    overrides = {"sources": source, "catalog": str(catalog) if catalog else None}
    if chain:
        overrides["filter.chain"] = [c.strip() for c in chain.split(",") if c.strip()]
    cfg = resolve_config(config, out_dir, workers, sets, **overrides)
    if dry_run:
        print_config(cfg)
        print_effective_filter_parameters(cfg)
        return
    cat, entries = _entries(cfg)
    try:
        with writing(cfg):
            result = run_filter(cat, entries, cfg, progress=not (no_progress or quiet()))
    except ValueError as exc:
        fail(str(exc), code=2)
    counts = result.counts
    kept, total = counts.docs("filter", "kept"), counts.docs("filter")
    out.print(
        f"kept {kept:,} of {total:,} documents ({result.tasks} shards, {result.resumed} already complete) "
        f"into {Path(cfg.output_dir) / 'filtered'}; removed ones under {Path(cfg.output_dir) / 'removed'}"
    )
    reasons: dict[str, int] = {}
    for (stage, _lang, _src, outcome), row in counts.rows.items():
        if stage == "filter" and outcome != "kept":
            reasons[outcome] = reasons.get(outcome, 0) + row[0]
    for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        out.print(f"  {reason}: {n:,}")
    if result.errors:
        console.print(f"[yellow]{len(result.errors)} sources skipped; see {Layout(cfg.output_dir).errors('filter')}[/]")


@app.command("calibrate")
def calibrate(
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Language to calibrate (BCP-47, e.g. sw); with --derive, repeatable."),
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    source: list[str] | None = typer.Option(None, "--source", "-s", help="Only these catalog ids."),
    sample: int | None = typer.Option(None, "--sample", help="Documents sampled (deterministic; 5000, or filter.derive.corpus_sample)."),
    seed: int = typer.Option(0, "--seed"),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the table as JSON here."),
    derive: Path | None = typer.Option(
        None, "--derive", help="Write a thresholds file derived from data here (for filter.thresholds_file) instead of the table."
    ),
    method: str = typer.Option("reference", "--from", help="With --derive: reference (the run's reference text) or corpus."),
    catalog: Path | None = typer.Option(None, "--catalog", "-C", help="Catalog file (overrides catalog)."),
    sets: list[str] | None = SetOpt,
) -> None:
    """Percentiles of every filter signal on ingested documents of one language, beside the current thresholds;
    with --derive, per-language thresholds derived from reference text or the corpus, written to a file."""
    cfg = resolve_config(config, out_dir, None, sets, catalog=str(catalog) if catalog else None)
    if derive is not None:
        _derive(cfg, derive, method, lang or [], source, cfg.filter.derive.corpus_sample if sample is None else sample)
        return
    if not lang or len(lang) != 1:
        fail("calibrate: give one --lang (several only with --derive)", code=2)
    from curation.calibrate import calibrate as run
    from curation.calibrate import render

    cat, entries = _entries(cfg, ids=source)
    try:
        table = run(cat, entries, cfg, lang[0], sample=5000 if sample is None else sample, seed=seed)
    except ValueError as exc:
        fail(str(exc), code=2)
    from rich.console import Console

    Console(width=max(out.width, 160)).print(render(table))  # the table is wide: never squeeze it
    if json_out:
        import json

        json_out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _derive(cfg, path: Path, method: str, langs: list[str], source: list[str] | None, sample: int) -> None:
    """`calibrate --derive`: the thresholds file, from the run's reference text (corpus removal measured on the
    ingested documents when there are some) or from the corpus' own distribution."""
    from curation.atomic import write_json_atomic
    from curation.filter_thresholds import METHODS, derive, sample_documents
    from curation.thresholds_job import corpus_documents, corpus_text, summary

    if method not in METHODS:
        fail(f"--from must be one of {', '.join(METHODS)}, not {method!r}", code=2)
    d = cfg.filter.derive
    from curation.layout import Layout

    ingested = Layout(cfg.output_dir).ingested()
    ingested = list(ingested.rglob("part-*.parquet")) if ingested.is_dir() else []
    entries = _entries(cfg, ids=source)[1] if ingested or method == "corpus" else []
    if method == "reference":
        reference = {lang: files for lang, files in cfg.reference.items() if not langs or lang in langs}
        if not reference:
            fail(f"calibrate --derive: the run config names no reference text{' for ' + ', '.join(langs) if langs else ''}", code=2)
        samples = sample_documents(reference, d.doc_chars)
        corpus = corpus_documents(entries, cfg, sorted(samples), sample) if entries else None
        info = {"reference": {k: [str(p) for p in v] for k, v in sorted(reference.items())}, "doc_chars": d.doc_chars}
    else:
        if not langs:
            fail("calibrate --derive --from corpus: name the languages (--lang, repeatable)", code=2)
        samples, corpus = corpus_documents(entries, cfg, sorted(langs), sample), None
        if not samples:
            fail(f"calibrate --derive --from corpus: no ingested documents identified as {', '.join(langs)}", code=2)
        info = {}
    if corpus is not None or method == "corpus":
        info["corpus"] = corpus_text(sample)
    try:
        record = derive(cfg.filter.chain, cfg.filter, samples, method, d.expected_removal, corpus, info)
    except ValueError as exc:
        fail(str(exc), code=2)
    write_json_atomic(path, record)
    out.print(f"wrote {path}: {summary(record)}", markup=False, highlight=False, soft_wrap=True)
