"""Options and helpers shared by the run-style commands (config, overrides, dry run)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from curation.config import ConfigError, RunConfig, load_config, parse_override

console = Console(stderr=True)
out = Console()

ConfigOpt = typer.Option(None, "--config", "-c", help="Run config (YAML). Defaults to the bundled sample run.")
OutOpt = typer.Option(None, "--out", "-o", help="Output directory (overrides output_dir).")
WorkersOpt = typer.Option(None, "--workers", "-w", help="Worker processes (overrides workers).")
SetOpt = typer.Option(None, "--set", help="Override any config field: --set dedup.bands=14 (repeatable).")
DryRunOpt = typer.Option(False, "--dry-run", help="Print the resolved config and exit.")

DEFAULT_CONFIG = Path("samples/run.yaml")


def resolve_config(
    config: Optional[Path],
    out_dir: Optional[Path] = None,
    workers: Optional[int] = None,
    sets: Optional[list[str]] = None,
    **overrides,
) -> RunConfig:
    """Config file (or the sample run when it exists here) + flags; exits 2 with the message on error."""
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


def print_config(config: RunConfig) -> None:
    import yaml

    out.print(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True), end="")


def fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)
