"""`curation quality ...`: train a quality classifier from labelled files, score JSONL documents with it."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from curation.cli.common import ConfigOpt, SetOpt, console, fail, out, quiet, resolve_config

app = typer.Typer(help="Quality classifier: fastText, reference-like (`high`) vs crawl (`low`) text, per language.", no_args_is_help=True)


@app.command("train")
def train(
    lang: str = typer.Option(..., "--lang", help="The language the model is for (recorded in metrics.json and the card)."),
    positive: list[Path] = typer.Option(..., "--positive", help="`high` documents: JSONL with `text`, or plain text a document a line."),
    negative: list[Path] = typer.Option(..., "--negative", help="`low` documents, same formats (repeatable)."),
    labels: list[Path] | None = typer.Option(
        None,
        "--labels",
        help="Reviewed TSV (`curation inspect --borderline --export`): `label` high/low/ad or 1/0 (empty: skipped, counted) and `text`.",
    ),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for model.bin, metrics.json and model_card.md."),
    examples: int | None = typer.Option(
        None,
        "--examples",
        min=0,
        help="Borderline held-out documents per class in the card, PII-redacted (default: quality_model.card_examples).",
    ),
    config: Path | None = ConfigOpt,
    sets: list[str] | None = SetOpt,
) -> None:
    """Train a fastText classifier (word and character n-grams) on a seeded split; print the held-out figures.

    Parameters come from the run config's `quality_model` section (`--set quality_model.epoch=30`).
    """
    from curation.quality.documents import QualityDataError, read_documents, read_labels
    from curation.quality.train import TrainingSet, train_classifier

    cfg = resolve_config(config, sets=sets).quality_model
    if examples is not None:
        cfg = cfg.model_copy(update={"card_examples": examples})
    try:
        reviews = [read_labels(p) for p in labels or []]
        ts = TrainingSet(
            lang,
            [t for p in positive for t in read_documents(p)],
            [t for p in negative for t in read_documents(p)],
            [row for r in reviews for row in r.rows],
            unlabelled=sum(r.unlabelled for r in reviews),
            inputs={
                "positive": [str(p) for p in positive],
                "negative": [str(p) for p in negative],
                "labels": [str(p) for p in labels or []],
            },
        )
        files = train_classifier(ts, cfg, out_dir, log=lambda m: out.print(m, highlight=False, markup=False))
    except QualityDataError as exc:
        fail(str(exc))
    out.print(f"model card: {files.card}", highlight=False)


@app.command("score")
def score(
    model_dir: Path = typer.Argument(..., help="A folder `curation quality train` wrote (or its model.bin)."),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL documents with a `text` field."),
    output: Path | None = typer.Option(None, "--output", help="Write here (atomically) instead of stdout."),
) -> None:
    """Write FILE's records with `quality_score` added: P(high), in [0, 1]. With --output, a progress bar (bytes read)
    on stderr unless -q."""
    import rich.progress

    from curation.atomic import atomic_path
    from curation.quality.documents import QualityDataError
    from curation.quality.score import QualityModel, score_records

    try:
        model = QualityModel(model_dir)
        if output is None:
            with open(file, encoding="utf-8") as f:
                for line in score_records(model, f, str(file)):
                    sys.stdout.write(line + "\n")
            return
        reading = rich.progress.open(file, encoding="utf-8", description=f"scoring {file.name}", console=console, disable=quiet())
        with reading as f, atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8") as w:
            for line in score_records(model, f, str(file)):
                w.write(line + "\n")
    except QualityDataError as exc:
        fail(str(exc))
