"""`curation stats`: the run's statistics table, filtered, as rich tables, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer

from curation.cli.common import ConfigOpt, OutOpt, console, fail, out, print_run_provenance, resolve_recorded_config


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def stats(
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    stage: list[str] | None = typer.Option(None, "--stage", help="Only these stages (repeatable)."),
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Only these languages (repeatable)."),
    source: list[str] | None = typer.Option(None, "--source", "-s", help="Only these sources (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    by: str = typer.Option("stage,lang,outcome", "--by", help="Columns to group by (any of stage,lang,source,outcome)."),
) -> None:
    """Documents, bytes, characters and tokens per stage × language × source × outcome; checks reconciliation."""
    from curation.layout import Layout
    from curation.stats import collect, reconcile, write_stats

    cfg = resolve_recorded_config(config, out_dir)
    layout = Layout(cfg.output_dir)
    counts = collect(layout)
    if not counts.rows:
        fail(f"no statistics under {layout.root}: run a stage first (e.g. `curation ingest`)")
    write_stats(layout)
    print_run_provenance(layout)
    keys = [k.strip() for k in by.split(",") if k.strip()]
    unknown = set(keys) - {"stage", "lang", "source", "outcome"}
    if unknown:
        fail(f"--by: unknown column(s) {sorted(unknown)}", code=2)
    rows: dict[tuple, list[int]] = {}
    for record in counts.records():
        if (stage and record["stage"] not in stage) or (lang and record["lang"] not in lang) or (source and record["source"] not in source):
            continue
        key = tuple(record[k] for k in keys)
        acc = rows.setdefault(key, [0, 0, 0, 0])
        for i, f in enumerate(("docs", "bytes", "chars", "tokens")):
            acc[i] += record[f]
    header = keys + ["docs", "bytes", "chars", "tokens"]
    table = [list(k) + v for k, v in sorted(rows.items())]
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(table)
    elif fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(header, r)) for r in table], ensure_ascii=False, indent=1) + "\n")
    elif fmt == "table":
        from rich.table import Table

        t = Table(title=f"statistics of {layout.root}")
        for h in header:
            t.add_column(h, justify="right" if h in ("docs", "bytes", "chars", "tokens") else "left")
        for r in table:
            t.add_row(*[f"{v:,}" if isinstance(v, int) else str(v) for v in r])
        out.print(t)
    else:
        fail(f"--format: expected table, csv or json, got {fmt!r}", code=2)
    mismatches = reconcile(counts)
    if mismatches:
        for m in mismatches:
            console.print(f"[bold red]does not reconcile:[/] {m}", highlight=False)
        raise typer.Exit(1)
    console.print("[green]counts reconcile:[/] every stage accounts for every document the previous stage kept")
