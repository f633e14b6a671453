"""`curation lid ...`: language identification tools (`lid eval`: per-language figures on labelled text)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from curation.cli.common import ConfigOpt, SetOpt, fail, out, resolve_config

app = typer.Typer(
    help="Language identification: train the extension for languages the base model lacks; evaluate on labelled text.",
    no_args_is_help=True,
)


@app.command("train")
def train(
    reference: list[str] | None = typer.Option(
        None, "--reference", "-r", help="LANG=FILE reference text (repeatable; default: the run config's `reference`)."
    ),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="Where extension.bin/.json and thresholds.json go (default: OUT/lid)."),
    config: Path | None = ConfigOpt,
    sets: list[str] | None = SetOpt,
) -> None:
    """Train the LID extension (fastText, character n-grams) on reference text and derive per-language thresholds.

    The same job as `curation run` stage `lid`. Prints per language the derived min_score, what it removes of
    the held-out reference text and lets through of other languages', and the base model's confusions.
    """
    from curation.layout import Layout
    from curation.lid.stage import base_model, lid_reference
    from curation.lid.train import LidTrainError, describe, train_lid
    from curation.reference import ReferenceTextError

    cfg = resolve_config(config, sets=sets)
    texts = parse_reference(reference) if reference else lid_reference(cfg)[0]
    if not texts:
        fail("no reference text: pass --reference LANG=FILE or name `reference:` in the run config")
    if not reference and (builtin := sorted(set(texts) - set(cfg.reference))):
        out.print(f"built-in reference (UDHR) for languages the run's sources declare: {', '.join(builtin)}", highlight=False)
    folder = out_dir or Layout(cfg.output_dir).lid_models()
    try:
        files = train_lid(texts, cfg.lid, folder, base_model(cfg), log=lambda m: out.print(m, highlight=False))
    except (LidTrainError, ReferenceTextError, RuntimeError) as exc:
        fail(str(exc))
    for line in describe(files):
        out.print(line, highlight=False, markup=False, soft_wrap=True)
    out.print(f"use them: filter.params.langid.extension_path={files.model} filter.params.langid.thresholds={files.thresholds}")


def parse_reference(items: list[str]) -> dict[str, list[Path]]:
    texts: dict[str, list[Path]] = {}
    for item in items:
        lang, sep, path = item.partition("=")
        if not sep or not lang or not path:
            fail(f"--reference {item!r}: expected LANG=FILE")
        texts.setdefault(lang.strip(), []).append(Path(path))
    return texts


@app.command("eval")
def eval_(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="Labelled text: TSV with a header (lang/language and text columns) or JSONL; .gz allowed."
    ),
    model: Path | None = typer.Option(
        None, "--model", help="fastText LID model (default: the config's langid model_path, else lid.176.ftz)."
    ),
    config: Path | None = ConfigOpt,
    sets: list[str] | None = SetOpt,
    lang_field: str | None = typer.Option(None, "--lang-field", help="Column/field with the gold language (default: lang, else language)."),
    text_field: str = typer.Option("text", "--text-field", help="Column/field with the text."),
    per_lang: int | None = typer.Option(None, "--per-lang", min=1, help="At most this many lines per language (the first ones)."),
    only: list[str] | None = typer.Option(None, "--only", help="Only this gold language (repeatable)."),
    top: int = typer.Option(10, "--top", min=0, help="Most frequent confusions to list."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Per-language precision, recall, F1 and kept share at the configured thresholds, and the top confusions.

    Each line's gold language is treated as its source's declared language: kept share is the share of that
    language's lines the langid filter keeps when a catalog entry declares it. Thresholds come from the run
    config (built-in packs, filter.params.langid, filter.langs.langid; --set filter.langs.langid.hr.min_score=0.5).
    """
    from curation.filter_stage import build_filter, with_run_defaults
    from curation.lid.evaluate import EvalInputError, evaluate, limited_per_language, read_labelled

    cfg = resolve_config(config, sets=sets)
    filter_config = with_run_defaults(cfg)  # the run's LID extension and thresholds when stage `lid` made them
    if model is not None:
        params = {name: dict(values) for name, values in filter_config.params.items()}
        params.setdefault("langid", {})["model_path"] = str(model)
        filter_config = filter_config.model_copy(update={"params": params})
    langid = build_filter("langid", filter_config)
    examples = limited_per_language(read_labelled(file, lang_field, text_field), per_lang, set(only) if only else None)
    try:
        report = evaluate(langid, examples, top_confusions=top)
    except (EvalInputError, RuntimeError) as exc:
        fail(str(exc))
    report = {"file": str(file), "model": langid.model_file().name} | report
    if as_json:
        out.print(json.dumps(report, ensure_ascii=False, indent=2), highlight=False, markup=False, soft_wrap=True)
        return
    print_report(report)


def print_report(report: dict) -> None:
    def number(value) -> str:
        return "-" if value is None else f"{value:.3f}"

    table = Table(title=f"langid ({report['model']}) on {report['file']}: {report['documents']} lines")
    for column in ("lang", "n", "precision", "recall", "F1", "kept", "removed", "top confusion"):
        table.add_column(column, justify="right" if column in ("n", "precision", "recall", "F1", "kept") else "left")
    for lang, v in report["languages"].items():
        removed = ", ".join(f"{reason} {n}" for reason, n in v["removed"].items())
        table.add_row(
            lang,
            str(v["n"]),
            number(v["precision"]),
            number(v["recall"]),
            number(v["f1"]),
            number(v["kept_share"]),
            removed,
            v["top_confusion"] or "",
        )
    out.print(table)
    out.print(
        f"accuracy {number(report['accuracy'])}, macro F1 {number(report['macro_f1'])}, kept share {number(report['kept_share'])}",
        highlight=False,
    )
    if report["confusions"]:
        out.print(
            "most frequent confusions (gold -> detected): "
            + ", ".join(f"{c['gold']}->{c['detected']} {c['count']}" for c in report["confusions"]),
            highlight=False,
            soft_wrap=True,
        )
