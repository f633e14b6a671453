"""`curation lm`: build the KenLM tools and train the perplexity filter's models."""

from __future__ import annotations

from pathlib import Path

import typer

from curation.cli.common import console, fail, out

app = typer.Typer(help="Language models for the perplexity filter (SentencePiece + KenLM).", no_args_is_help=True)


@app.command("train")
def train(
    lang: str = typer.Option(..., "--lang", "-l", help="Language code of the model (e.g. en)."),
    inputs: list[Path] = typer.Option(
        ..., "--input", "-i", help="Reference text: .txt, .jsonl[.gz], Parquet shard or folder (repeatable)."
    ),
    models_dir: Path = typer.Option(
        Path("models/lm"), "--models-dir", "-m", help="Where <lang>.sp.model and <lang>.arpa.bin go (the perplexity filter's models_dir)."
    ),
    vocab_size: int = typer.Option(8000, "--vocab-size", min=100, help="SentencePiece vocabulary (shrinks on small corpora)."),
    order: int = typer.Option(5, "--order", min=2, max=9, help="KenLM n-gram order."),
    text_field: str = typer.Option("text", "--text-field", help="Text field of JSON lines / column of Parquet inputs."),
    memory: str = typer.Option("20%", "--memory", help="lmplz memory budget (-S), e.g. 1G or 20%."),
    tools_dir: Path | None = typer.Option(None, "--tools-dir", help="KenLM tools folder (default .tools/kenlm, or $CURATION_KENLM_DIR)."),
) -> None:
    """Train SentencePiece + a KenLM model for one language; builds the KenLM tools first if missing."""
    from curation.lm.tools import KenlmBuildError, ensure_tools
    from curation.lm.train import LmTrainError, train_language_model

    log = lambda msg: console.print(msg, highlight=False, soft_wrap=True)  # noqa: E731
    try:
        tools = ensure_tools(tools_dir, log=log)
        files = train_language_model(
            lang, list(inputs), models_dir, vocab_size=vocab_size, order=order, text_field=text_field, memory=memory, tools=tools, log=log
        )
    except (KenlmBuildError, LmTrainError) as exc:
        fail(str(exc))
    out.print(f"{files.sp_model}\n{files.kenlm_model}")


@app.command("tools")
def tools(
    tools_dir: Path | None = typer.Option(None, "--tools-dir", help="KenLM tools folder (default .tools/kenlm, or $CURATION_KENLM_DIR)."),
    sdist: Path | None = typer.Option(None, "--sdist", help="A local kenlm sdist instead of downloading it from PyPI."),
) -> None:
    """Build `lmplz` and `build_binary` from the kenlm sdist if this machine lacks them; print where they are."""
    from curation.lm.tools import KenlmBuildError, build_tools, default_tools_dir, find_tools

    log = lambda msg: console.print(msg, highlight=False, soft_wrap=True)  # noqa: E731
    try:
        found = find_tools(tools_dir)
        if found is None or sdist is not None:
            found = build_tools(tools_dir or default_tools_dir(), sdist=sdist, log=log)
    except KenlmBuildError as exc:
        fail(str(exc))
    out.print(f"{found.lmplz}\n{found.build_binary}")
