"""`curation report` and `curation inspect`: what auditors read."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from curation.cli.common import ConfigOpt, OutOpt, console, fail, print_run_provenance, resolve_recorded_config


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("inspect")(inspect)


def report(
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    catalog: Path | None = typer.Option(None, "--catalog", "-C", help="Catalog file for licenses (overrides catalog)."),
    datacards: bool = typer.Option(True, "--datacards/--no-datacards", help="Also write datacards/<lang>.md."),
) -> None:
    """Write OUT/report.html (self-contained, opens offline) and a markdown data card per language.

    Without --config, the run's own config and catalog come from OUT/run.json when `curation run` wrote one."""
    from curation.catalog import CatalogError, load_catalog
    from curation.layout import Layout
    from curation.report.datacard import write_datacards
    from curation.report.facts import load_counts
    from curation.report.html import write_report
    from curation.report.signals import read_signals
    from curation.report.thresholds import thresholds_for
    from curation.stats import collect, write_stats

    cfg = resolve_recorded_config(config, out_dir, catalog=str(catalog) if catalog else None)
    layout = Layout(cfg.output_dir)
    if collect(layout).rows:
        write_stats(layout)
    elif not load_counts(layout).rows:
        fail(f"no statistics under {layout.root}: run a stage first (e.g. `curation ingest`)")
    cat, problem = None, None
    try:
        cat = load_catalog(cfg.catalog)
    except FileNotFoundError:
        problem = f"{cfg.catalog}: file not found"
    except CatalogError as exc:
        problem = str(exc)
    except OSError as exc:
        problem = f"{cfg.catalog}: {exc}"
    if problem:
        from rich.markup import escape

        console.print(f"[yellow]catalog not available, licenses shown as unknown:[/] {escape(problem)}", highlight=False)
    from curation.filter_stage import with_run_defaults

    # the values the filter stage applied (as the report stage reads them): derived thresholds, each classifier model's own
    thresholds = thresholds_for(cfg.model_copy(update={"filter": with_run_defaults(cfg)}))
    signals = read_signals(layout)
    path = write_report(layout, cat, thresholds, problem, signals)
    typer.echo(f"report: {path}")
    if datacards:
        for card in write_datacards(layout, cat, thresholds, signals):
            typer.echo(f"data card: {card}")


def inspect(
    stage: str = typer.Option(
        ..., "--stage", help="Stage: ingest, filter (the chain), a filter (quality or filter:quality), dedup, tokenize."
    ),
    reason: str | None = typer.Option(None, "--reason", "-r", help="Removal reason (e.g. too_few_words); all reasons when absent."),
    lang: str | None = typer.Option(None, "--lang", "-l", help="Only this language."),
    source: str | None = typer.Option(None, "--source", "-s", help="Only this catalog source."),
    kept: bool = typer.Option(False, "--kept", help="Sample documents the stage kept instead of removed ones."),
    n: int = typer.Option(5, "-n", "--samples", min=1, help="How many documents."),
    seed: int = typer.Option(0, "--seed", help="Another seed gives another sample."),
    chars: int = typer.Option(600, "--chars", min=1, help="Characters of text shown per document."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json (one object per line)."),
    borderline: bool = typer.Option(
        False,
        "--borderline",
        help="With --stage filter:classifier: the scored documents nearest their language's threshold, kept or removed.",
    ),
    export: Path | None = typer.Option(
        None, "--export", help="With --borderline: write a review TSV (id, lang, score, threshold, empty label, redacted text)."
    ),
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
) -> None:
    """Show PII-redacted samples of documents a stage removed (or kept), with their signals.

    `--stage filter:classifier --borderline -n 200 --export review.tsv` writes documents for human review: label
    them high/low/ad (or 1/0) and train with `curation quality train ... --labels review.tsv`."""
    from curation.inspection import InspectError, format_json, format_text, select
    from curation.layout import Layout

    if fmt not in ("text", "json"):
        fail(f"--format: expected text or json, got {fmt!r}", code=2)
    if export is not None and not borderline:
        fail("--export writes borderline documents: add --borderline", code=2)
    cfg = resolve_recorded_config(config, out_dir)
    layout = Layout(cfg.output_dir)
    print_run_provenance(layout)
    if borderline:
        inspect_borderline(cfg, layout, stage, lang, n, export)
        return
    try:
        selection = select(layout, stage, reason, lang, source, kept, n, seed, chars)
    except InspectError as exc:
        fail(str(exc), code=2)
    if not selection.samples:
        what = (
            f"stage {stage!r}"
            + (f", reason {reason!r}" if reason else "")
            + (f", lang {lang!r}" if lang else "")
            + (f", source {source!r}" if source else "")
        )
        fail(
            f"no {'kept' if kept else 'removed'} documents match {what} ({selection.shards} shards read); see `curation stats --stage {stage.split(':')[0]}`"
        )
    if fmt == "json":
        sys.stdout.write(format_json(selection))
    else:
        title = f"{'kept by' if kept else 'removed by'} {stage}" + (f" ({reason})" if reason else "") + (f" in {lang}" if lang else "")
        sys.stdout.write(format_text(selection, title))


def inspect_borderline(cfg, layout, stage: str, lang: str | None, n: int, export: Path | None) -> None:
    """`inspect --borderline`: the classifier's scored documents nearest their language's threshold, printed or exported."""
    from curation.quality.review import ReviewError, applied_thresholds, borderline, review_tsv
    from curation.quality.review import export as export_tsv

    if stage.removeprefix("filter:") != "classifier":
        fail(f"--borderline reads the quality classifier's scores: use --stage filter:classifier (got {stage!r})", code=2)
    try:
        found = borderline(layout, applied_thresholds(cfg), n, lang)
    except ReviewError as exc:
        fail(str(exc), code=2)
    if export is None:
        sys.stdout.write(review_tsv(found.rows))
        return
    export_tsv(found.rows, export)
    per_lang = ", ".join(f"{lg} {sum(r.lang == lg for r in found.rows)} (threshold {t:g})" for lg, t in sorted(found.thresholds.items()))
    typer.echo(f"{export}: {len(found.rows)} of {found.scored:,} scored documents nearest the threshold, PII-redacted; {per_lang}")
    typer.echo(f"fill the label column (high, low, ad, or 1/0), then: curation quality train ... --labels {export}")
