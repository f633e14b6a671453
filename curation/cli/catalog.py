"""`curation catalog ...`: validate, list, show, stats and add catalog entries."""

from __future__ import annotations

from pathlib import Path

import typer

from curation.cli.common import console, out

app = typer.Typer(help="Work with the source catalog (catalog.yaml).", no_args_is_help=True)

PathArg = typer.Argument(Path("catalog.yaml"), help="Catalog file.")


@app.command()
def validate(path: Path = PathArg) -> None:
    """Check every entry; each problem names the file, entry id and field. Exit 1 on any problem."""
    from curation.catalog_validate import validate_file

    entries, problems = validate_file(path)
    for problem in problems:
        console.print(str(problem), highlight=False, markup=False)
    if problems:
        console.print(f"[bold red]{len(problems)} problem(s)[/] in {path}")
        raise typer.Exit(1)
    out.print(f"{path}: {len(entries)} entries, valid")
