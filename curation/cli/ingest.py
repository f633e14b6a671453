"""`curation ingest`: run the catalog's adapters into ingested shards."""

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
    quiet,
    resolve_config,
    writing,
)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)


def ingest(
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    workers: int | None = WorkersOpt,
    source: list[str] | None = typer.Option(None, "--source", "-s", help="Only these catalog ids (repeatable)."),
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Only sources declaring these languages."),
    catalog: Path | None = typer.Option(None, "--catalog", "-C", help="Catalog file (overrides catalog)."),
    sets: list[str] | None = SetOpt,
    dry_run: bool = DryRunOpt,
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar (logs, CI)."),
) -> None:
    """Read every selected catalog source into OUT/ingested/<source>/part-NNNNN.parquet (resumable)."""
    from curation.catalog import CatalogError, load_selection
    from curation.ingest.stage import IngestFailed, failed_sources, run_ingest
    from curation.layout import Layout

    cfg = resolve_config(config, out_dir, workers, sets, sources=source, langs=lang, catalog=str(catalog) if catalog else None)
    if dry_run:
        print_config(cfg)
        return
    try:
        cat, entries = load_selection(cfg)
    except CatalogError as exc:
        fail(f"catalog is invalid:\n{exc}", code=2)
    except ValueError as exc:
        fail(str(exc))
    with writing(cfg):
        result = run_ingest(cat, entries, cfg, progress=not (no_progress or quiet()))
    out.print(
        f"ingested {result.counts.docs(outcome='kept'):,} documents from {len(entries)} sources "
        f"({result.tasks} tasks, {result.resumed} already complete) into {Layout(cfg.output_dir).ingested()}"
    )
    errors_path = Layout(cfg.output_dir).errors("ingest")
    failures = failed_sources(entries, result)
    if failures:
        fail(str(IngestFailed(failures, errors_path)))
    if result.errors:
        console.print(f"[yellow]{len(result.errors)} bad records skipped; see {errors_path}[/]")
