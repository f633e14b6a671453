"""The `curation` command. Each command group lives in its own module."""

from __future__ import annotations

import typer

from curation.cli import catalog, dedup, ingest

app = typer.Typer(
    name="curation",
    help="Curate a multilingual training corpus: catalog, ingest, filter, dedup, tokenize, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog.app, name="catalog")
ingest.register(app)
dedup.register(app)


def main() -> None:
    app()
