"""`curation tokenizer train|fertility` and `curation tokenize`."""

from __future__ import annotations

from pathlib import Path

import typer

from curation.cli.common import (
    ConfigOpt,
    DryRunOpt,
    OutOpt,
    SetOpt,
    WorkersOpt,
    console,
    fail,
    out,
    print_config,
    quiet,
    resolve_config,
    writing,
)

app = typer.Typer(help="Train the byte-level BPE tokenizer and report its fertility.", no_args_is_help=True)

InputOpt = typer.Option(None, "--input", "-i", help="Directory of document shards (default: OUT/deduped).")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="tokenizer")
    root.command("tokenize")(tokenize)


@app.command("train")
def train(
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    input_dir: Path | None = InputOpt,
    vocab_size: int | None = typer.Option(None, "--vocab-size", help="Vocabulary size, special tokens included."),
    alpha: float | None = typer.Option(None, "--alpha", help="Sampling exponent: p_l ∝ n_l^alpha."),
    fertility_text: Path | None = typer.Option(None, "--fertility-text", help="Held-out TSV (lang, text columns)."),
    sets: list[str] | None = SetOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Train OUT/tokenizer/tokenizer.json on an α-smoothed per-language sample; print sampling table and fertility."""
    import json

    from curation.layout import Layout
    from curation.tokenizer.fertility import ParallelTextError
    from curation.tokenizer.train import TrainingError, run_train

    overrides = {
        "tokenizer.input_dir": str(input_dir) if input_dir else None,
        "tokenizer.vocab_size": vocab_size,
        "tokenizer.alpha": alpha,
        "tokenizer.fertility_text": str(fertility_text) if fertility_text else None,
    }
    cfg = resolve_config(config, out_dir, None, sets, **overrides)
    if dry_run:
        print_config(cfg)
        return
    try:
        with writing(cfg):
            result = run_train(cfg)
    except (TrainingError, ParallelTextError) as exc:
        fail(str(exc))
    if not result.tasks:
        fail(result.facts["tokenizer"])
    layout = Layout(cfg.output_dir)
    print_sampling(json.loads(layout.tokenizer_sampling().read_text(encoding="utf-8")))
    if cfg.tokenizer.fertility_text is not None:
        print_fertility(json.loads(layout.tokenizer_fertility().read_text(encoding="utf-8"))["languages"])
    facts = result.facts
    again = " (unchanged: same input shards and parameters as the last training)" if result.resumed else ""
    out.print(f"tokenizer: {facts['tokenizer']} (vocabulary {facts['vocabulary']:,}, sha256 {facts['sha256']}){again}")
    if "warning" in facts:
        console.print(f"[yellow]warning: {facts['warning']}[/]")


@app.command("fertility")
def fertility_cmd(
    text: Path = typer.Argument(..., help="Held-out TSV whose header names `lang` and `text` columns."),
    tokenizer: Path = typer.Option(..., "--tokenizer", "-t", help="tokenizer.json"),
) -> None:
    """Tokens per word and per character, per language, of a tokenizer on held-out text."""
    from tokenizers import Tokenizer

    from curation.tokenizer.fertility import ParallelTextError, fertility, read_parallel_text

    try:
        rows = read_parallel_text(text)
    except ParallelTextError as exc:
        fail(str(exc))
    if not tokenizer.exists():
        fail(f"{tokenizer}: tokenizer file not found")
    print_fertility(fertility(Tokenizer.from_file(str(tokenizer)), rows))


def print_sampling(sampling: dict) -> None:
    from rich.table import Table

    table = Table(title=f"tokenizer sample (α = {sampling['alpha']}, seed {sampling['seed']})")
    for col in ("lang", "docs", "MB", "corpus %", "sample %", "rate", "sampled docs", "sampled MB"):
        table.add_column(col, justify="left" if col == "lang" else "right")
    for r in sampling["languages"]:
        table.add_row(
            r["lang"],
            f"{r['docs']:,}",
            f"{r['bytes'] / 1e6:.3f}",
            f"{100 * r['corpus_share']:.2f}",
            f"{100 * r['sample_share']:.2f}",
            f"{r['rate']:.3f}",
            f"{r['sample_docs']:,}",
            f"{r['sample_bytes'] / 1e6:.3f}",
        )
    out.print(table)


def print_fertility(report: dict) -> None:
    from rich.table import Table

    table = Table(title="fertility on held-out text (words = whitespace-separated)")
    for col in ("lang", "sentences", "words", "chars", "tokens", "tokens/word", "tokens/char"):
        table.add_column(col, justify="left" if col == "lang" else "right")
    for lang, r in report.items():
        per_word = f"{r['tokens_per_word']:.3f}" if r["tokens_per_word"] is not None else "-"
        per_char = f"{r['tokens_per_char']:.3f}" if r["tokens_per_char"] is not None else "-"
        table.add_row(lang, f"{r['sentences']:,}", f"{r['words']:,}", f"{r['chars']:,}", f"{r['tokens']:,}", per_word, per_char)
    out.print(table)


def tokenize(
    config: Path | None = ConfigOpt,
    out_dir: Path | None = OutOpt,
    workers: int | None = WorkersOpt,
    input_dir: Path | None = InputOpt,
    tokenizer: Path | None = typer.Option(None, "--tokenizer", "-t", help="tokenizer.json (default: OUT/tokenizer/tokenizer.json)."),
    group_by: str | None = typer.Option(None, "--group-by", help="One dataset family per `lang` or per `source`."),
    sets: list[str] | None = SetOpt,
    dry_run: bool = DryRunOpt,
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar (logs, CI)."),
) -> None:
    """Encode document shards into Megatron datasets OUT/tokens/<group>_NNNNN.bin/.idx + manifest.json (resumable)."""
    import json

    from curation.layout import Layout
    from curation.megatron.tokenize_stage import TokenizeError, run_tokenize

    overrides = {
        "tokenize.input_dir": str(input_dir) if input_dir else None,
        "tokenize.tokenizer": str(tokenizer) if tokenizer else None,
        "tokenize.group_by": group_by,
    }
    cfg = resolve_config(config, out_dir, workers, sets, **overrides)
    if dry_run:
        print_config(cfg)
        return
    try:
        with writing(cfg):
            result = run_tokenize(cfg, progress=not (no_progress or quiet()))
    except TokenizeError as exc:
        fail(str(exc))
    if not result.tasks:
        fail(result.facts["note"])
    layout = Layout(cfg.output_dir)
    manifest = json.loads(layout.token_manifest().read_text(encoding="utf-8"))
    totals = manifest["totals"]
    out.print(
        f"tokenized {totals['docs']:,} documents into {totals['tokens']:,} tokens, {len(manifest['datasets'])} datasets "
        f"({result.tasks} shards, {result.resumed} already complete); manifest: {layout.token_manifest()}"
    )
    if manifest["skipped_docs"]:
        console.print(f"[yellow]skipped documents: {manifest['skipped_docs']}[/]")
    if result.errors:
        console.print(f"[yellow]{len(result.errors)} unreadable shards skipped; see {layout.errors('tokenize')}[/]")
