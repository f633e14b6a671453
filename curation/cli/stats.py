"""`curation stats`: the run's statistics table, filtered, as rich tables, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer

from curation.cli.common import ConfigOpt, OutOpt, console, fail, out, print_run_provenance, resolve_recorded_config
from curation.counts import COUNT_FIELDS

GROUP_COLUMNS = ("stage", "lang", "source", "outcome")


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def stats(
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    stage: list[str] | None = typer.Option(None, "--stage", help="Only these stages (repeatable)."),
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Only these languages (repeatable)."),
    source: list[str] | None = typer.Option(None, "--source", "-s", help="Only these sources (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    by: str = typer.Option(
        "stage,lang,outcome",
        "--by",
        help="Columns to group by (any of stage,lang,source,outcome); stage is always one: stages never add up.",
    ),
) -> None:
    """Documents, bytes, characters and tokens per stage × language × source × outcome, stages in pipeline order; checks reconciliation."""
    from curation.layout import Layout
    from curation.stats import collect, reconcile, write_stats

    cfg = resolve_recorded_config(config, out_dir)
    layout = Layout(cfg.output_dir)
    counts = collect(layout)
    if not counts.rows:
        fail(f"no statistics under {layout.root}: run a stage first (e.g. `curation ingest`)")
    write_stats(layout)
    print_run_provenance(layout)
    keys = group_keys(by)
    records = [
        r
        for r in counts.records()
        if not ((stage and r["stage"] not in stage) or (lang and r["lang"] not in lang) or (source and r["source"] not in source))
    ]
    header = keys + list(COUNT_FIELDS)
    table = grouped_rows(records, keys, list(cfg.filter.chain))
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


def group_keys(by: str) -> list[str]:
    """The --by columns, stage first when not named: a document is counted once per stage it passes,
    so rows of different stages never add up (320 ingested documents are not 2,138)."""
    keys = [k.strip() for k in by.split(",") if k.strip()]
    unknown = [k for k in keys if k not in GROUP_COLUMNS]
    if unknown:
        fail(f"--by: unknown column(s) {', '.join(unknown)}; columns: {', '.join(GROUP_COLUMNS)}", code=2)
    if "stage" not in keys:
        console.print("note: --by gains the stage column: counts of different stages never add up", highlight=False)
        keys = ["stage"] + keys
    return list(dict.fromkeys(keys))


def grouped_rows(records: list[dict], keys: list[str], steps: list[str]) -> list[list]:
    """Summed counts per key, stages in pipeline order (`curation.pipeline.STAGES`), a stage's steps
    (`filter:quality`) after it in `steps` order (the filter chain), then by the other columns."""
    rows: dict[tuple, list[int]] = {}
    for record in records:
        acc = rows.setdefault(tuple(record[k] for k in keys), [0] * len(COUNT_FIELDS))
        for i, field in enumerate(COUNT_FIELDS):
            acc[i] += record[field]
    at = keys.index("stage")
    return [list(k) + v for k, v in sorted(rows.items(), key=lambda item: (stage_order(item[0][at], steps), item[0]))]


def stage_order(name: str, steps: list[str]) -> tuple[int, int, str]:
    from curation.pipeline import STAGES

    names = [s.name for s in STAGES]
    stage, _, step = name.partition(":")
    position = names.index(stage) if stage in names else len(names)
    return position, (0 if not step else 1 + steps.index(step) if step in steps else 1 + len(steps)), name
