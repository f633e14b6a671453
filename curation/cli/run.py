"""`curation run`: the whole pipeline (or chosen stages) on a run config; the bundled sample by default."""

from __future__ import annotations

from pathlib import Path

import typer

from curation.cli.common import (
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
)


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    config: Path | None = typer.Argument(None, help="Run config (YAML); the bundled sample run when omitted."),
    out_dir: Path | None = OutOpt,
    workers: int | None = WorkersOpt,
    stages: str | None = typer.Option(None, "--stages", help="Comma-separated subset, e.g. ingest,filter."),
    sets: list[str] | None = SetOpt,
    dry_run: bool = DryRunOpt,
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bars (logs, CI)."),
    fmt: str = typer.Option("table", "--format", "-f", help="The run summary as a table or as json (for scripts)."),
) -> None:
    """Run ingest → lm → filter → dedup → tokenizer → tokenize → stats → report, each stage resumable."""
    from rich.table import Table

    from curation.lock import OutputLocked
    from curation.pipeline import StageError, parse_stages, run_pipeline

    if fmt not in ("table", "json"):
        fail(f"--format: expected table or json, got {fmt!r}", code=2)
    cfg = resolve_config(config, out_dir, workers, sets)
    try:
        names = parse_stages(stages)
    except ValueError as exc:
        fail(str(exc), code=2)
    if dry_run:
        print_config(cfg)
        if "filter" in names:
            print_effective_filter_parameters(cfg)
        out.print(f"# stages: {', '.join(names)}")
        return
    try:
        summaries = run_pipeline(
            cfg, names, progress=not (no_progress or quiet() or fmt == "json"), on_stage=lambda s: console.rule(f"[bold]{s}")
        )
    except OutputLocked as exc:
        fail(str(exc))
    except StageError as exc:
        fail(f"{exc}\n(completed stages keep their outputs; rerun to resume from {exc.stage!r})")
    if fmt == "json":
        print_summary_json(summaries, Path(cfg.output_dir).resolve())
        return
    table = Table(title="run summary")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("result")
    for s in summaries:
        table.add_row(s.stage, f"{s.seconds:.1f}", s.line())
    out.print(table)
    out.print(f"outputs are in {Path(cfg.output_dir).resolve()}")


def print_summary_json(summaries, output_dir: Path) -> None:
    """One object per stage: its seconds, tasks (resumed) and facts, as the table shows them."""
    import json

    stages = [
        {"stage": s.stage, "seconds": round(s.seconds, 1), "tasks": s.result.tasks, "resumed": s.result.resumed, "facts": s.result.facts}
        for s in summaries
    ]
    text = json.dumps({"output_dir": str(output_dir), "stages": stages}, ensure_ascii=False, indent=1, default=str)
    out.print(text, highlight=False, markup=False, soft_wrap=True)
