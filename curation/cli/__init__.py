"""The `curation` command. Each command group lives in its own module."""

from __future__ import annotations

import typer

from curation.cli import audit, catalog, dedup, filter, ingest, lid, lm, quality, run, stats, tokenizer
from curation.cli.common import plain_when_piped, set_verbosity

app = typer.Typer(
    name="curation",
    help="Curate a multilingual training corpus: catalog, ingest, filter, dedup, tokenize, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"curation {version('curation')}")
        raise typer.Exit()


@app.callback()
def options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="More output: Spark's WARN logs too."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only results and errors: no notes, no progress bars."),
) -> None:
    """Curate a multilingual training corpus: catalog, ingest, filter, dedup, tokenize, audit."""
    if verbose and quiet:
        raise typer.BadParameter("-q and -v exclude each other")
    set_verbosity(1 if verbose else -1 if quiet else 0)
    plain_when_piped()


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
