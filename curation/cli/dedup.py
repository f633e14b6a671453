"""`curation dedup`: exact, URL and MinHash near-duplicate removal, as one Spark job."""

from __future__ import annotations

from pathlib import Path

import typer

from curation.cli.common import ConfigOpt, DryRunOpt, OutOpt, SetOpt, console, fail, out, print_config, resolve_config, writing


def register(app: typer.Typer) -> None:
    app.command("dedup")(dedup)


def dedup(
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    inputs: list[Path] | None = typer.Option(None, "--input", "-i", help="Shard folders to dedup (default OUT/filtered; repeatable)."),
    index: Path | None = typer.Option(None, "--index", help="Signature index to dedup against and extend (default OUT/dedup_index)."),
    master: str | None = typer.Option(None, "--master", help="Spark master, e.g. local[2] or spark://host:7077."),
    sets: list[str] | None = SetOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Deduplicate document shards into OUT/deduped/<lang>/, removed documents into OUT/removed/dedup/<source>/."""
    from curation.dedup.index import IndexMismatch
    from curation.dedup.stage import NAME, run_dedup
    from curation.layout import Layout

    overrides = {
        "dedup.input_dirs": [str(p) for p in inputs] if inputs else None,
        "dedup.index_dir": str(index) if index else None,
        "spark.master": master,
    }
    cfg = resolve_config(config, out_dir, None, sets, **overrides)
    if dry_run:
        print_config(cfg)
        return
    try:
        with writing(cfg):
            result = run_dedup(cfg, log=lambda m: console.print(m, highlight=False))
    except (FileNotFoundError, IndexMismatch, ValueError) as exc:
        fail(str(exc))
    counts = result.counts
    if result.resumed:
        console.print("dedup: inputs and config unchanged since the last run; outputs kept")
    _print_rates(counts)
    out.print(
        f"dedup: kept {counts.docs(stage=NAME, outcome='kept'):,} of {counts.docs(stage=NAME):,} documents "
        f"into {Layout(cfg.output_dir).deduped()}; index {result.facts['index']}"
    )


def _print_rates(counts) -> None:
    """Duplicate rates per language and source: the stage's documents (not its `dedup:<step>` rows of lines or
    benchmarks), a column per removal step (`curation.dedup.REMOVALS`)."""
    from collections import defaultdict

    from rich.table import Table

    from curation.dedup import REASONS
    from curation.dedup.stage import NAME

    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (stage, lang, source, outcome), values in counts.rows.items():
        if stage == NAME:
            rows[(lang, source)][outcome] += values[0]
    table = Table(title="dedup: duplicates per language and source")
    for col in ("lang", "source", "in", "kept", *REASONS, "dup rate"):
        table.add_column(col, justify="right" if col not in ("lang", "source") else "left")
    for (lang, source), c in sorted(rows.items()):
        total = sum(c.values())
        rate = f"{(total - c['kept']) / total:.1%}" if total else "-"
        table.add_row(lang, source, f"{total:,}", f"{c['kept']:,}", *(f"{c[reason]:,}" for reason in REASONS.values()), rate)
    out.print(table)
