"""`curation catalog ...`: validate, list, show, stats and add catalog entries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
import yaml
from rich.table import Table

from curation.cli.common import console, errors, fail, out, resolve_config

app = typer.Typer(help="Work with the source catalog (catalog.yaml).", no_args_is_help=True)

# one way to name the catalog in every command (`curation ingest --catalog` too); the positional path the
# commands once took is a hidden, deprecated alias
CatalogOpt = typer.Option(None, "--catalog", "-C", help="Catalog file [default: catalog.yaml].")
LegacyPathArg = typer.Argument(None, hidden=True, help="Deprecated: use --catalog.")
FormatOpt = typer.Option("table", "--format", "-f", help="table (for people) or json (for scripts).")
FORMATS = ("table", "json")


def _catalog_path(option: Path | None, positional: Path | None) -> Path:
    """--catalog, or the deprecated positional path (with a note), or catalog.yaml."""
    if positional is not None:
        if option is not None and option != positional:
            fail(f"two catalogs given ({positional} and --catalog {option}); give one with --catalog", code=2)
        console.print(f"note: a positional catalog path is deprecated; write --catalog {positional}", highlight=False, soft_wrap=True)
        return positional
    return option or Path("catalog.yaml")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        fail(f"--format: expected {' or '.join(FORMATS)}, got {fmt!r}", code=2)


def _print_json(data) -> None:
    import json

    out.print(json.dumps(data, ensure_ascii=False, indent=1), highlight=False, markup=False, soft_wrap=True)


def _problem_json(problem) -> dict:
    return {"file": problem.file, "entry": problem.entry, "field": problem.field, "message": problem.message}


def _load(path: Path):
    """The valid catalog, or exit 1 listing its problems (on stderr)."""
    from curation.catalog import CatalogError, load_catalog

    try:
        return load_catalog(path)
    except CatalogError as exc:
        for problem in exc.problems:
            errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
        fail(f"{len(exc.problems)} problem(s) in {path}; run `curation catalog validate --catalog {path}`")


@app.command()
def validate(
    legacy_path: Path | None = LegacyPathArg,
    path: Path | None = CatalogOpt,
    lid_model: Path | None = typer.Option(
        None,
        "--lid-model",
        help="fastText LID model whose languages to check (default: the --config's langid model_path, else lid.176.ftz).",
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="Run config: its filter.params.langid.model_path is the LID model checked."
    ),
    lid_check: bool = typer.Option(True, "--lid-check/--no-lid-check", help="Warn about declared languages the LID model cannot output."),
    fmt: str = FormatOpt,
) -> None:
    """Check every entry; each problem names the file, entry id and field. Exit 1 on any problem.

    Warnings (printed and counted, exit code unchanged): near-duplicate names, licenses the SPDX table does not
    know, and languages the LID model cannot output.
    """
    from curation.catalog.validate import catalog_warnings, validate_file

    _check_format(fmt)
    path = _catalog_path(path, legacy_path)
    entries, problems = validate_file(path)
    warnings = catalog_warnings(entries, str(path))
    warnings += _lid_warnings(entries, path, lid_model, config) if lid_check else []
    if fmt == "json":
        report = {"file": str(path), "entries": len(entries), "valid": not problems}
        _print_json(report | {"problems": [_problem_json(p) for p in problems], "warnings": [_problem_json(w) for w in warnings]})
        raise typer.Exit(1 if problems else 0)
    for problem in problems:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    for warning in warnings:
        console.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
    if problems:
        errors.print(
            f"[bold red]{len(problems)} problem(s)[/] in {path}" + (f", {len(warnings)} warning(s)" if warnings else ""), soft_wrap=True
        )
        raise typer.Exit(1)
    note = f", {len(warnings)} warning(s)" if warnings else ""
    out.print(f"{path}: {len(entries)} entries, valid{note}", highlight=False, soft_wrap=True)


def _lid_warnings(entries, path: Path, lid_model: Path | None, config: Path | None) -> list:
    """`check_lid_coverage` with the configured model and the run's reference languages (the `lid` stage trains
    the extension on them); a note instead when the model cannot be read."""
    from curation.catalog.validate import check_lid_coverage
    from curation.lid.labels import model_labels
    from filters.lang_labels import normalise_tag

    extension: frozenset[str] = frozenset()
    if config is not None:
        run_config = resolve_config(config)
        model_path = run_config.filter.params.get("langid", {}).get("model_path")
        lid_model = lid_model or (Path(model_path) if model_path else None)
        if len(run_config.reference) >= 2:  # the extension needs two languages to tell apart
            extension = frozenset(normalise_tag(lang) for lang in run_config.reference)
    try:
        labels = model_labels(lid_model)
    except (RuntimeError, OSError, ValueError) as exc:
        console.print(f"note: LID coverage not checked: {exc}", highlight=False, markup=False, soft_wrap=True)
        return []
    name = (lid_model.name if lid_model else "lid.176.ftz") + (
        f" + the extension on reference {', '.join(sorted(extension))}" if extension else ""
    )
    return check_lid_coverage(entries, labels | extension, name, str(path))


@app.command("list")
def list_(
    legacy_path: Path | None = LegacyPathArg,
    path: Path | None = CatalogOpt,
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Only entries with this language (repeatable)."),
    kind: list[str] | None = typer.Option(None, "--kind", "-k", help="Only this kind (repeatable)."),
    status: list[str] | None = typer.Option(None, "--status", "-s", help="Only this status (repeatable)."),
    ids_only: bool = typer.Option(False, "--ids", help="Print only the ids, one a line (for scripts)."),
    fmt: str = FormatOpt,
) -> None:
    """List entries, filtered by language, kind and status."""
    _check_format(fmt)
    path = _catalog_path(path, legacy_path)
    catalog = _load(path)
    selected = catalog.select(langs=lang, kinds=kind, statuses=status)
    if fmt == "json":
        _print_json([e.model_dump(mode="json") for e in selected])
        return
    if ids_only:
        for e in selected:
            out.print(e.id, highlight=False, soft_wrap=True)
        return
    table = Table(title=f"{len(selected)} of {len(catalog.entries)} entries in {path}")
    for column in ("id", "kind", "status", "languages", "license", "name"):
        table.add_column(column, overflow="fold")
    for e in selected:
        langs = ", ".join(e.languages[:6]) + (f" +{len(e.languages) - 6}" if len(e.languages) > 6 else "")
        table.add_row(e.id, e.kind, e.status, langs, e.license, e.name)
    out.print(table)


@app.command()
def show(
    source_id: str = typer.Argument(..., metavar="ID", help="Entry id."),
    legacy_path: Path | None = LegacyPathArg,
    path: Path | None = CatalogOpt,
    fmt: str = typer.Option("yaml", "--format", "-f", help="yaml or json."),
) -> None:
    """Print one entry as YAML (or JSON)."""
    if fmt not in ("yaml", "json"):
        fail(f"--format: expected yaml or json, got {fmt!r}", code=2)
    catalog = _load(_catalog_path(path, legacy_path))
    try:
        entry = catalog.get(source_id)
    except KeyError as exc:
        fail(exc.args[0])
    if fmt == "json":
        _print_json(entry.model_dump(mode="json", exclude_defaults=True))
        return
    out.print(_entry_yaml(entry.model_dump(exclude_defaults=True)), end="", highlight=False, markup=False, soft_wrap=True)


@app.command()
def stats(
    legacy_path: Path | None = LegacyPathArg,
    path: Path | None = CatalogOpt,
    top: int = typer.Option(0, "--top", help="Show only the N largest rows of each table (0: all)."),
    fmt: str = FormatOpt,
) -> None:
    """Entries per language, kind, license (SPDX id), license group and status."""
    from curation.catalog.licenses import GROUPS

    _check_format(fmt)
    path = _catalog_path(path, legacy_path)
    catalog = _load(path)
    entries = catalog.entries
    counters = {
        "language": Counter(lang for e in entries for lang in e.languages),
        "kind": Counter(e.kind for e in entries),
        "license": Counter(e.license_id for e in entries),
        "license_group": Counter({g: 0 for g in GROUPS} | Counter(e.license_group for e in entries)),  # every group, 0 too
        "status": Counter(e.status for e in entries),
    }
    ordered = {what: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) for what, counter in counters.items()}
    if fmt == "json":
        _print_json(
            {"file": str(path), "entries": len(entries)} | {what: dict(rows[:top] if top else rows) for what, rows in ordered.items()}
        )
        return
    out.print(f"{path}: {len(entries)} entries", highlight=False)
    for what, rows in ordered.items():
        shown = rows[:top] if top else rows
        title = f"entries per {what.replace('_', ' ')}" + (f" (top {top} of {len(rows)})" if top and len(rows) > top else "")
        table = Table(title=title)
        table.add_column(what.replace("_", " "), overflow="fold")
        table.add_column("entries", justify="right")
        for key, n in shown:
            table.add_row(key, str(n))
        out.print(table)


@app.command()
def add(
    legacy_path: Path | None = LegacyPathArg,
    path: Path | None = CatalogOpt,
    id: str = typer.Option(..., "--id", help="Slug: lowercase letters, digits, '_' or '-'."),
    name: str = typer.Option(..., "--name"),
    lang: list[str] = typer.Option(..., "--lang", "-l", help="BCP-47 language (repeatable)."),
    license: str = typer.Option(..., "--license", help="SPDX-like id, license name, or 'unknown'."),
    kind: str = typer.Option(..., "--kind", "-k", help="Adapter kind (jsonl, hf, pseudo_crawl, ...)."),
    location: str = typer.Option(..., "--location", help="Path/glob under the catalog folder, dataset id or URL prefix."),
    proposed_by: str = typer.Option(..., "--proposed-by", help="Working group or custodian type (no personal names)."),
    description: str = typer.Option("", "--description"),
    homepage: str | None = typer.Option(None, "--homepage"),
    status: str = typer.Option("proposed", "--status"),
    option: list[str] | None = typer.Option(None, "--option", help="Reader option key=value (repeatable)."),
    skip_filter: list[str] | None = typer.Option(None, "--skip-filter", help="Filter to skip for this source (repeatable)."),
    pii: str | None = typer.Option(None, "--pii", help="PII handling override: redact, drop or keep."),
    threshold: list[str] | None = typer.Option(
        None, "--threshold", help="Per-source filter parameter filter.param=number, e.g. quality.min_bytes=300 (repeatable)."
    ),
    priority: int = typer.Option(0, "--priority", help="Dedup survivor preference: higher wins."),
    size_bytes: int | None = typer.Option(None, "--size-bytes"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and print the entry without writing."),
    fmt: str = FormatOpt,
) -> None:
    """Propose a new entry: validated with the catalog rules (against existing ids and locations too), then appended."""
    _check_format(fmt)
    path = _catalog_path(path, legacy_path)
    entry = {"id": id, "name": name, "description": description, "homepage": homepage, "languages": list(lang), "license": license}
    entry |= {"kind": kind, "location": location, "proposed_by": proposed_by, "status": status}
    entry |= {"options": dict(_key_value(o, "--option", parse_number=False) for o in option or [])}
    entry |= {"filters": _filter_overrides(skip_filter, pii, threshold), "priority": priority, "size_bytes": size_bytes}
    optional = {"description", "homepage", "options", "filters", "priority", "size_bytes"}
    entry = {k: v for k, v in entry.items() if k not in optional or v or (k == "size_bytes" and v is not None)}  # only what was given

    text = path.read_text(encoding="utf-8") if path.exists() else "sources:\n"
    existing = _existing_sources(text, path)
    new_problems, warnings = _new_entry_problems(existing, entry, path)
    if fmt == "json":
        _print_json(
            {"file": str(path), "id": id, "added": not new_problems and not dry_run, "entry": entry}
            | {"problems": [_problem_json(p) for p in new_problems], "warnings": [_problem_json(w) for w in warnings]}
        )
    for problem in new_problems:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    for warning in warnings:
        console.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
    if new_problems:
        fail(f"entry {id!r} not added: {len(new_problems)} problem(s)")

    new_text = _append_entry(text, entry)
    check = _parse(new_text)
    if not isinstance(check, dict) or check.get("sources", [None])[-1] != entry:
        fail(f"{path}: cannot append safely ('sources' must be the last key of the file); add the entry by hand")
    if dry_run:
        if fmt != "json":
            out.print(_entry_yaml(entry), end="", highlight=False, markup=False, soft_wrap=True)
        return
    path.write_text(new_text, encoding="utf-8")
    if fmt != "json":
        out.print(f"added {id!r} to {path} ({len(existing) + 1} entries)", highlight=False)


def _filter_overrides(skip_filter: list[str] | None, pii: str | None, threshold: list[str] | None) -> dict:
    """The entry's `filters` from --skip-filter, --pii and --threshold filter.param=number."""
    filters: dict = {"skip": list(skip_filter)} if skip_filter else {}
    if pii:
        filters["pii"] = pii
    for t in threshold or []:
        key, number = _key_value(t, "--threshold", parse_number=True)
        filter_name, _, param = key.partition(".")
        if not param:
            raise typer.BadParameter(f"--threshold {t!r}: expected filter.param=number, e.g. quality.min_bytes=300")
        filters.setdefault("thresholds", {}).setdefault(filter_name, {})[param] = number
    return filters


def _existing_sources(text: str, path: Path) -> list:
    try:
        raw = _parse(text) or {}
    except yaml.YAMLError as exc:
        fail(f"{path}: not valid YAML, fix it first: {exc}")
    existing = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(existing, list):
        fail(f"{path}: expected a mapping with a 'sources' list")
    return existing


def _new_entry_problems(existing: list, entry: dict, path: Path) -> tuple[list, list]:
    """Problems and warnings of the new entry, checked with the catalog's rules beside the existing entries."""
    from curation.catalog.validate import catalog_warnings, validate_items

    entries, problems = validate_items(existing + [entry], str(path))
    warnings = [w for w in catalog_warnings(entries, str(path)) if w.entry == entry["id"]]
    return [p for p in problems if p.index == len(existing)], warnings


def _parse(text: str):
    from curation.yaml_safe import load_yaml

    return load_yaml(text)


def _key_value(text: str, flag: str, parse_number: bool):
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        fail(f"{flag} expects key=value, got {text!r}", code=2)
    if parse_number:
        try:
            return key.strip(), int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError:
            fail(f"{flag} {key}: {value!r} is not a number", code=2)
    return key.strip(), value


def _entry_yaml(entry: dict) -> str:
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)


def _append_entry(text: str, entry: dict) -> str:
    """The file text with the entry appended as the last item of `sources`, comments untouched."""
    import re

    match = re.search(r"^sources:[ \t]*(\[\])?[ \t]*(#.*)?$", text, flags=re.M)
    item = re.search(r"^( *)- ", text[match.end() :], flags=re.M) if match else None
    indent = item.group(1) if item else "  "
    if match and match.group(1):  # `sources: []` becomes a block list
        text = text[: match.start()] + "sources:" + text[match.end() :]
    block = "".join(indent + line + "\n" for line in _entry_yaml(entry).splitlines())
    if text and not text.endswith("\n"):
        text += "\n"
    return text + block
