"""The `curation` command. Each command group lives in its own module."""

from __future__ import annotations

import typer

from curation.cli import audit, catalog, dedup, filter, ingest, lid, lm, quality, run, stats, tokenizer

app = typer.Typer(
    name="curation",
    help="Curate a multilingual training corpus: catalog, ingest, filter, dedup, tokenize, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
run.register(app)
app.add_typer(catalog.app, name="catalog")
app.add_typer(lm.app, name="lm")
ingest.register(app)
app.add_typer(filter.app, name="filter")
app.add_typer(lid.app, name="lid")
app.add_typer(quality.app, name="quality")
dedup.register(app)
tokenizer.register(app)
stats.register(app)
audit.register(app)


def main() -> None:
    app()
