"""Options and helpers shared by the run-style commands (config, overrides, dry run)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console

from curation.config import ConfigError, RunConfig, load_config, parse_override

console = Console(stderr=True)  # notes and progress: silenced by -q
errors = Console(stderr=True)  # errors: never silenced
out = Console()  # results: stdout

ConfigOpt = typer.Option(None, "--config", "-c", help="Run config (YAML). Defaults to the bundled sample run.")
OutOpt = typer.Option(None, "--out", "-o", help="Output directory (overrides output_dir).")
WorkersOpt = typer.Option(None, "--workers", "-w", help="Worker processes (overrides workers).")
SetOpt = typer.Option(None, "--set", help="Override any config field: --set dedup.bands=14 (repeatable).")
DryRunOpt = typer.Option(False, "--dry-run", help="Print the resolved config and exit.")

# the bundled sample run, found from any working directory (the package sits beside `samples/`)
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "samples" / "run.yaml"


def set_verbosity(level: int) -> None:
    """-q silences notes and progress (errors and results still print); -v lets Spark's INFO/WARN logs through."""
    import os

    from curation.spark import VERBOSITY_ENV  # read by Spark sessions, in worker processes too

    os.environ[VERBOSITY_ENV] = str(level)
    console.quiet = level < 0


def quiet() -> bool:
    return console.quiet


def plain_when_piped() -> None:
    """Tables and text sized to their content, never wrapped or cut, when stdout is not a terminal."""
    if not out.is_terminal:
        out.width = 100_000


def resolve_config(
    config: Path | None,
    out_dir: Path | None = None,
    workers: int | None = None,
    sets: list[str] | None = None,
    **overrides,
) -> RunConfig:
    """Config file (or the bundled sample run) + flags; exits 2 with the message on error."""
    if config is None and DEFAULT_CONFIG.exists():
        config = DEFAULT_CONFIG
    flags = {"output_dir": str(out_dir) if out_dir else None, "workers": workers} | overrides
    try:
        extra = dict(parse_override(s) for s in sets or [])
        # a flag given beats --set; a flag not given (None) leaves --set's value alone
        extra.update({k: v for k, v in flags.items() if v is not None})
        return load_config(config, extra)
    except ConfigError as exc:
        fail(str(exc), code=2)


def resolve_recorded_config(config: Path | None, out_dir: Path | None = None, **overrides) -> RunConfig:
    """For commands that read a finished run (report, stats, inspect): an explicit `--config` as usual, else the
    config the run itself recorded in `OUT/run.json` (its catalog, thresholds...), else the default config.

    OUT is `--out`, else the default config's output folder."""
    from curation.run_record import RunRecordError, read_run_record

    if config is not None:
        return resolve_config(config, out_dir, **overrides)
    folder = out_dir if out_dir is not None else resolve_config(None).output_dir
    try:
        record = read_run_record(folder)
        if record is None:
            return resolve_config(None, out_dir, **overrides)
        return record.run_config(folder, **overrides)
    except RunRecordError as exc:
        fail(str(exc), code=2)


def print_run_provenance(layout) -> None:
    """The run record's line (stderr, so csv and json stay clean)."""
    from rich.markup import escape

    from curation.run_record import RunRecordError, read_run_record

    try:
        record = read_run_record(layout.root)
    except RunRecordError as exc:
        console.print(f"[yellow]{escape(str(exc))}[/]", highlight=False)
        return
    console.print(
        escape(record.summary()) if record else "no run record (run.json): stages run one by one", highlight=False, soft_wrap=True
    )


def print_config(config: RunConfig) -> None:
    """The resolved config as YAML that loads back (never wrapped to the terminal's width)."""
    import yaml

    text = yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=10_000)
    out.print(text, end="", markup=False, highlight=False, soft_wrap=True)


PRECEDENCE_NOTE = """\
# effective filter parameters. Precedence, lowest to highest: built-in defaults, built-in per-language
# packs, filter.thresholds_file (derived from data), filter.params, filter.langs, the catalog entry's
# filters (thresholds, pii).
# A language lists only the values that differ from its filter's defaults. A source lists only what
# differs from the run's values, under `defaults` when every language shares the change.
"""


def _changed(values: dict, base: dict) -> dict:
    return {k: v for k, v in values.items() if base.get(k) != v}


def _condensed(params: dict, base: dict | None = None) -> dict:
    """One filter's `{"defaults", "langs"}`, each language reduced to what differs from the defaults.

    With `base` (the run's values of the filter), the defaults and languages are reduced to what differs from it.
    """
    defaults = params["defaults"] if base is None else _changed(params["defaults"], base["defaults"])
    langs = {}
    for lang, values in params["langs"].items():
        own = _changed(values, params["defaults"]) if base is None else _changed(values, base["langs"].get(lang, base["defaults"]))
        if base is None or own not in ({}, defaults):  # {}: as the run has it (a source's own value that equals it)
            langs[lang] = own
    return {"defaults": defaults, "langs": langs} if langs else {"defaults": defaults}


def print_filter_parameters(effective: dict) -> None:
    """`filter_stage.effective_parameters` as compact YAML: full defaults, then only the values that differ."""
    import yaml

    run = effective["run"]
    sources = {
        source: ({"skipped": entry["skipped"]} if entry["skipped"] else {})
        | {name: _condensed(params, run[name]) for name, params in entry["filters"].items()}
        for source, entry in effective["sources"].items()
    }
    doc = {"filter_parameters": {name: _condensed(params) for name, params in run.items()}}
    if sources:
        doc["filter_parameters_by_source"] = sources
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000)
    out.print(PRECEDENCE_NOTE + text, end="", markup=False, highlight=False, soft_wrap=True)


def print_effective_filter_parameters(config: RunConfig) -> None:
    """The filter parameters of the run's selected catalog sources; exits 2 on a catalog or parameter error."""
    from curation.catalog import load_selection
    from curation.filter_stage import effective_parameters, thresholds_origin

    try:
        catalog, entries = load_selection(config)
        effective = effective_parameters(catalog, entries, config)
    except ValueError as exc:
        fail(str(exc), code=2)
    print_filter_parameters(effective)
    for what, origin in thresholds_origin(config).items():
        out.print(f"# {what}: {origin}", markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def writing(config: RunConfig) -> Iterator[None]:
    """Hold the output folder's lock while a command writes it; exit 1, naming the holder, when another run has it."""
    from curation.lock import OutputLocked, output_lock

    try:
        with output_lock(config.output_dir):
            yield
    except OutputLocked as exc:
        fail(str(exc))


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
