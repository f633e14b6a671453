"""`curation ingest`: run the catalog's adapters into ingested shards."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from curation.cli.common import ConfigOpt, DryRunOpt, OutOpt, SetOpt, WorkersOpt, console, fail, out, print_config, resolve_config


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)


def ingest(
    config: Optional[Path] = ConfigOpt,
    out_dir: Optional[Path] = OutOpt,
    workers: Optional[int] = WorkersOpt,
    source: Optional[list[str]] = typer.Option(None, "--source", "-s", help="Only these catalog ids (repeatable)."),
    lang: Optional[list[str]] = typer.Option(None, "--lang", "-l", help="Only sources declaring these languages."),
    catalog: Optional[Path] = typer.Option(None, "--catalog", help="Catalog file (overrides catalog)."),
    sets: Optional[list[str]] = SetOpt,
    dry_run: bool = DryRunOpt,
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar (logs, CI)."),
) -> None:
    """Read every selected catalog source into OUT/ingested/<source>/part-NNNNN.parquet (resumable)."""
    from curation.catalog import CatalogError, load_catalog
    from curation.ingest import run_ingest

    cfg = resolve_config(config, out_dir, workers, sets, sources=source, langs=lang, catalog=str(catalog) if catalog else None)
    if dry_run:
        print_config(cfg)
        return
    try:
        cat = load_catalog(cfg.catalog)
    except CatalogError as exc:
        fail(f"catalog is invalid:\n{exc}", code=2)
    entries = cat.select(ids=cfg.sources or None, langs=cfg.langs or None, statuses=cfg.statuses or None)
    if not entries:
        fail(f"{cfg.catalog}: no catalog entry matches sources={cfg.sources} langs={cfg.langs} statuses={cfg.statuses}")
    summary = run_ingest(cat, entries, cfg, progress=not no_progress)
    counts = summary["counts"]
    out.print(
        f"ingested {counts.docs(outcome='kept'):,} documents from {len(entries)} sources "
        f"({summary['tasks']} files, {summary['skipped']} already complete) into {Path(cfg.output_dir) / 'ingested'}"
    )
    if summary["errors"]:
        console.print(f"[yellow]{len(summary['errors'])} bad records or sources skipped; see {summary['errors_path']}[/]")
