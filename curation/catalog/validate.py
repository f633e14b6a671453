"""Catalog validation: every problem named by file, entry id and field.

Types come from the pydantic model (`CatalogEntry`, extra keys forbidden); the
rules below add what a type cannot say. A field that already failed its type
check is not checked again, so one mistake gives one problem.

Decisions a working group should know:

* `id`: lowercase slug `[a-z0-9]` with `_`/`-` inside, at most 100 characters,
  unique in the file.
* `languages`: non-empty, valid BCP-47 (langcodes), written in normalised form
  (`eng` -> `en`, `zh-cn` -> `zh-CN`, `iw` -> `he`); the problem names the
  normalised tag to use. `zxx` marks sources with no natural language (code);
  `und` is refused: an undetermined language cannot be routed to filters.
* `license`: required and non-empty. When the license is not established write
  exactly `unknown`; look-alikes (`Unknown`, `n/a`, `unclear`, `none`, `?`) are
  refused so `catalog stats` counts one bucket.
* `kind`: a key of `sources.ADAPTERS`.
* `location` by kind: file kinds (jsonl, parquet, text, csv) take a path or
  glob relative to the catalog's folder that stays inside it (no absolute
  paths, no `~`, no `..` that climbs out): a catalog must work on every
  machine; mount or symlink external storage under its folder. `warc`/`wet`
  also accept http(s)/s3 URLs. `hf` takes a hub dataset id (`owner/name`) or
  a relative path as above. `pseudo_crawl` takes an http(s) URL prefix.
* `homepage`: an http(s) URL when present.
* `proposed_by`: a working group or custodian type. E-mail addresses are
  refused, and so is anything shaped like a personal name (two or three
  capitalised words with no organisation word such as "group", "WG",
  "university"); a heuristic, so the message says what to write instead.
* `location` is unique: two entries reading the same data (for pseudo_crawl the same
  seed, scheme and `www.` ignored) are an error naming the first.
* `options`: the names and value types of the kind's reader (each adapter's `OPTIONS`
  table); a list-typed option written as a string is refused.
* `filters`: only `skip` (a list of langid, quality, perplexity, adult, pii),
  `pii` (redact, drop or keep) and `thresholds` (filter -> parameter -> number,
  e.g. `{quality: {min_bytes: 300}}`); parameter names and ranges are the filter's
  own `Params` model (`langid.min_score: 2` is refused).

Warnings (`catalog_warnings`; the exit code is unchanged): names equal but for case,
spacing and punctuation, and licenses the SPDX table (`catalog.licenses`) does not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import langcodes
from pydantic import ValidationError

from curation.catalog.entry import CatalogEntry, read_raw
from curation.redact import redact
from curation.yaml_safe import shown
from filters import FILTERS, parameter_problems
from sources import ADAPTERS, get_adapter
from sources.base import PATH_OPTIONS, escape_problem

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$")
HF_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
EMAIL_RE = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}")
FILE_KINDS = {"jsonl", "parquet", "text", "csv"}
ARCHIVE_KINDS = {"warc", "wet"}
FILTER_NAMES = tuple(FILTERS)
PII_MODES = ("redact", "drop", "keep")
FILTER_KEYS = ("skip", "pii", "thresholds")
UNKNOWN_LOOKALIKES = {"unknown", "n/a", "na", "none", "unclear", "?", "tbd", "unk", "not known"}
ORG_WORDS = {
    "wg",
    "group",
    "working",
    "team",
    "university",
    "institute",
    "institution",
    "lab",
    "laboratory",
    "foundation",
    "library",
    "archive",
    "museum",
    "association",
    "society",
    "project",
    "workshop",
    "community",
    "committee",
    "council",
    "center",
    "centre",
    "department",
    "ministry",
    "agency",
    "government",
    "organization",
    "organisation",
    "consortium",
    "network",
    "school",
    "college",
    "company",
    "corporation",
    "inc",
    "ltd",
    "gmbh",
    "sample",
    "bigscience",
    "nonprofit",
    "ngo",
    "commercial",
    "entity",
    "custodian",
    "private",
    "individual",
    "sourcing",
    "data",
    "research",
}


@dataclass(frozen=True)
class Problem:
    """One problem; its entry label and message pass the PII redactor (`curation.redact`): they reach
    the console and `run.log`, and quote what the entry says (a homepage, a location, YAML lines)."""

    file: str
    entry: str
    field: str
    message: str
    index: int | None = None  # 0-based position in `sources`, None for file-level problems

    def __post_init__(self) -> None:
        object.__setattr__(self, "entry", redact(self.entry))
        object.__setattr__(self, "message", redact(self.message))

    def __str__(self) -> str:
        return f"{self.file}: entry {self.entry!r}: field {self.field!r}: {self.message}"


def validate_file(path: Path) -> tuple[list[CatalogEntry], list[Problem]]:
    """Entries that passed every check, and every problem found (in file order)."""
    path = Path(path)
    try:
        raw = read_raw(path)
    except FileNotFoundError:
        return [], [Problem(str(path), "-", "-", "file not found")]
    except Exception as exc:  # yaml syntax errors carry their line
        return [], [Problem(str(path), "-", "-", f"not valid YAML: {exc}")]
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        return [], [Problem(str(path), "-", "sources", "expected a mapping with a 'sources' list")]
    extra_top = sorted(str(k) for k in raw if k != "sources")
    problems = [Problem(str(path), "-", k, "unknown top-level key (only 'sources' is allowed)") for k in extra_top]
    entries, entry_problems = validate_items(raw["sources"], str(path))
    return entries, problems + entry_problems


def validate_items(items: list[Any], file: str) -> tuple[list[CatalogEntry], list[Problem]]:
    entries: list[CatalogEntry] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    first_location: dict[tuple, str] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(file, f"#{i + 1}", "-", f"expected a mapping of fields, got {type(item).__name__}", i))
            continue
        label = str(item["id"]) if isinstance(item.get("id"), str) and item["id"].strip() else f"#{i + 1}"
        found: list[tuple[str, str]] = []
        failed: set[str] = set()
        entry = None
        try:
            entry = CatalogEntry.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                loc = [str(p) for p in err["loc"]]
                failed.add(loc[0] if loc else "-")
                found.append((".".join(loc) or "-", type_message(err)))
        for field, check in RULES:
            if field in failed or field not in item or item[field] is None:
                continue
            found += [(f, m) for f, m in check(item[field], item)]
        if isinstance(item.get("id"), str) and "id" not in failed:
            if item["id"] in first_seen:
                found.append(("id", f"duplicate id, first used by entry #{first_seen[item['id']] + 1}"))
            else:
                first_seen[item["id"]] = i
        if entry is not None and not found:  # a duplicate id is one problem, not two
            key = location_key(entry)
            if key in first_location:
                found.append(
                    ("location", f"{shown(entry.location)} duplicates the location of entry {first_location[key]!r}: one source, one entry")
                )
            else:
                first_location[key] = entry.id
        problems += [Problem(file, label, f, m, i) for f, m in found]
        if entry is not None and not found:
            entries.append(entry)
    return entries, problems


def location_key(entry: CatalogEntry) -> tuple:
    """What two entries reading the same data share: a pseudo_crawl seed (host without www., path), else the location."""
    from sources.pseudo_crawl import SeedError, parse_seed

    if entry.kind == "pseudo_crawl":
        try:
            host, path = parse_seed(entry.location)
            return entry.kind, host, path.rstrip("/")
        except SeedError:
            pass
    return entry.kind, entry.location.strip().rstrip("/")


def name_key(name: str) -> str:
    """A name without case, spacing and punctuation: `BBC Hausa` and `bbc-hausa` share it."""
    return re.sub(r"[\W_]+", "", name.casefold())


def catalog_warnings(entries: list[CatalogEntry], file: str) -> list[Problem]:
    """Warnings, not errors: near-duplicate names and licenses the SPDX table does not know."""
    from curation.catalog.licenses import recognised

    warnings = []
    first_name: dict[str, str] = {}
    for entry in entries:
        key = name_key(entry.name)
        if key in first_name:
            message = (
                f"name {shown(entry.name)} nearly duplicates entry {first_name[key]!r}'s: keep one entry per source, or tell them apart"
            )
            warnings.append(Problem(file, entry.id, "name", message))
        else:
            first_name.setdefault(key, entry.id)
        if not recognised(entry.license):
            message = (
                f"license {shown(entry.license)} is not an SPDX id the table knows (curation/catalog/licenses.py): "
                "counted as unknown; write an SPDX id such as CC-BY-4.0, or exactly 'unknown'"
            )
            warnings.append(Problem(file, entry.id, "license", message))
    return warnings


def type_message(err: dict) -> str:
    """A pydantic error in the words a working group uses."""
    field = str(err["loc"][0]) if err["loc"] else "-"
    if err["type"] == "missing":
        if field == "license":
            return "missing license: give an SPDX-like id, the license name, or exactly 'unknown'"
        return f"missing required field {shown(field)}"
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(CatalogEntry.model_fields)
        return f"unknown field {shown(field)}; allowed fields: {allowed}"
    return err["msg"]


# ------------------------------------------------------------------ rules
# Each rule takes (value, whole item) and yields (field path, message).


def check_id(value: str, item: dict):
    if not ID_RE.match(value):
        yield "id", f"{shown(value)} is not a slug: lowercase letters, digits, '_' or '-' inside, at most 100 characters"


def check_name(value: str, item: dict):
    if not value.strip():
        yield "name", "must not be empty"


def check_languages(value: list[str], item: dict):
    if not value:
        yield "languages", "at least one language is required (BCP-47, e.g. 'sw'; 'zxx' for code)"
    seen: set[str] = set()
    for k, tag in enumerate(value):
        field = f"languages.{k}"
        if tag in seen:
            yield field, f"{shown(tag)} is listed twice"
        seen.add(tag)
        problem = language_problem(tag)
        if problem:
            yield field, problem


def language_problem(tag: str) -> str | None:
    """Why `tag` is not a normalised, known BCP-47 language tag (None when it is)."""
    try:
        valid = langcodes.tag_is_valid(tag)
        normal = langcodes.standardize_tag(tag) if valid else None
    except ValueError:
        valid, normal = False, None
    if not valid:
        return f"unknown language code {shown(tag)} (not valid BCP-47)"
    if normal == "und" or tag.lower() == "und":
        return "'und' (undetermined) is not allowed: name the language, or 'zxx' for no linguistic content"
    if normal != tag:
        return f"{shown(tag)} is not in normalised form; write {shown(normal)}"
    return None


def check_license(value: str, item: dict):
    text = value.strip()
    if not text:
        yield "license", "missing license: give an SPDX-like id, the license name, or exactly 'unknown'"
    elif text != "unknown" and text.lower() in UNKNOWN_LOOKALIKES:
        yield "license", f"{shown(value)}: write exactly 'unknown' when the license is not established"


def check_kind(value: str, item: dict):
    if value not in ADAPTERS:
        yield "kind", f"unknown kind {shown(value)}; known kinds: {', '.join(sorted(ADAPTERS))}"


def check_location(value: str, item: dict):
    kind = item.get("kind")
    text = value.strip()
    if not text:
        yield "location", "must not be empty"
        return
    if kind not in ADAPTERS:
        return  # reported on `kind`
    scheme = urlsplit(text).scheme.lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) else ""
    if kind == "pseudo_crawl":
        if scheme not in ("http", "https") or not urlsplit(text).hostname:
            yield "location", f"{shown(value)}: a pseudo_crawl location is an http(s) URL prefix, e.g. https://www.bbc.com/swahili"
        return
    if scheme:
        if kind in ARCHIVE_KINDS and scheme in ("http", "https", "s3") and urlsplit(text).netloc:
            return
        allowed = "http(s)/s3 URL or a relative path" if kind in ARCHIVE_KINDS else "relative path or glob"
        yield "location", f"{shown(value)}: a {kind} location is a {allowed}, not a {scheme}:// URL"
        return
    if kind == "hf" and HF_ID_RE.match(text):
        return  # a hub dataset id: owner/name
    problem = escape_problem(text)
    if problem:
        yield "location", f"{shown(value)}: {problem}"


def check_homepage(value: str, item: dict):
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value.strip():
        yield "homepage", f"{shown(value)} is not an http(s) URL"


def check_proposed_by(value: str, item: dict):
    text = value.strip()
    if not text:
        yield "proposed_by", "must name the proposing working group or custodian type"
    elif EMAIL_RE.search(text) or "@" in text:
        yield "proposed_by", "contains an e-mail address; name the working group or custodian type instead"
    elif looks_like_personal_name(text):
        # not quoted: a personal name is what must not reach the console or run.log
        yield "proposed_by", "looks like a personal name (two or three capitalised words); name the working group or custodian type instead"


def looks_like_personal_name(text: str) -> bool:
    words = re.findall(r"[^\s,()]+", text)
    if not 2 <= len(words) <= 3:
        return False
    if any(re.sub(r"[^a-z]", "", w.lower()) in ORG_WORDS for w in words):
        return False
    return all(re.fullmatch(r"[A-Z][a-zà-ÿ'’.-]+", w) for w in words)


def check_filters(value: dict, item: dict):
    for key in value:
        if key not in FILTER_KEYS:
            yield f"filters.{key}", f"unknown filter override {shown(key)}; allowed: {', '.join(FILTER_KEYS)}"
    if "skip" in value:
        skip = value["skip"]
        if not isinstance(skip, list):
            yield "filters.skip", f"expected a list of filter names ({', '.join(FILTER_NAMES)})"
        else:
            for name in skip:
                if name not in FILTER_NAMES:
                    yield "filters.skip", f"unknown filter {shown(name)}; known: {', '.join(FILTER_NAMES)}"
    if "pii" in value and value["pii"] not in PII_MODES:
        yield "filters.pii", f"{shown(value['pii'])}: expected one of {', '.join(PII_MODES)}"
    if "thresholds" in value:
        thresholds = value["thresholds"]
        if not isinstance(thresholds, dict):
            yield "filters.thresholds", "expected a mapping of filter name to {parameter: number}"
        else:
            for name, params in thresholds.items():
                if name not in FILTER_NAMES:
                    yield f"filters.thresholds.{name}", f"unknown filter {shown(name)}; known: {', '.join(FILTER_NAMES)}"
                elif not isinstance(params, dict):
                    yield f"filters.thresholds.{name}", "expected a mapping of parameter name to number"
                else:
                    numbers = {}
                    for param, number in params.items():
                        if isinstance(number, bool) or not isinstance(number, (int, float)):
                            yield f"filters.thresholds.{name}.{param}", f"{shown(number)} is not a number"
                        else:
                            numbers[param] = number
                    for param, message in parameter_problems(name, numbers):
                        yield f"filters.thresholds.{name}.{param}", message


OPTION_TYPES = {str: "text", int: "an integer", bool: "true or false", list: "a list, e.g. [a, b]"}


def check_options(value: dict, item: dict):
    """Names and value types from the kind's reader (`OPTIONS` of its adapter); path-like options
    (`sources.base.PATH_OPTIONS`) stay inside the catalog's folder, like `location`."""
    kind = item.get("kind")
    if kind not in ADAPTERS:
        return  # reported on `kind`
    known = get_adapter(kind).OPTIONS
    for name, option in value.items():
        expected = known.get(name)
        if expected is None:
            yield f"options.{name}", f"unknown option {shown(name)} for kind {kind}; known options: {', '.join(sorted(known)) or 'none'}"
        elif option is not None and not _has_type(option, expected):
            if expected is list and isinstance(option, str):
                yield f"options.{name}", f"{shown(option)} is a string but {name} is a list: write [{option}]"
            else:
                yield f"options.{name}", f"{shown(option)}: expected {OPTION_TYPES[expected]}"
    for name in PATH_OPTIONS.get(item.get("kind"), ()):
        paths = value.get(name)
        for path in [paths] if isinstance(paths, str) else paths or []:
            problem = escape_problem(str(path)) if isinstance(path, str) else "must be a path or glob (text)"
            if problem:
                yield f"options.{name}", f"{shown(path)}: {problem}"


def _has_type(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, expected)


def check_size(value: int, item: dict):
    if value < 0:
        yield "size_bytes", "must not be negative"


RULES: list[tuple[str, Callable[[Any, dict], Any]]] = [
    ("id", check_id),
    ("name", check_name),
    ("homepage", check_homepage),
    ("languages", check_languages),
    ("license", check_license),
    ("kind", check_kind),
    ("location", check_location),
    ("proposed_by", check_proposed_by),
    ("filters", check_filters),
    ("options", check_options),
    ("size_bytes", check_size),
]


def check_lid_coverage(entries: list[CatalogEntry], labels: frozenset[str], model: str, file: str) -> list[Problem]:
    """Warnings, not errors: entries declaring a language the LID model cannot output, whose documents
    in it langid would remove (`lang_not_declared`). Entries that skip langid or are rejected are left out."""
    from curation.lid.builtin_reference import member_tag, udhr_members
    from curation.lid.labels import languages_listed, uncovered
    from filters.lang_labels import normalise_tag

    udhr = udhr_members()
    warnings = []
    for entry in entries:
        if entry.status == "rejected" or "langid" in ((entry.filters or {}).get("skip") or []):
            continue
        missing = uncovered(entry.languages, labels)
        if missing:
            shown_langs = languages_listed(missing)
            message = (
                f"{shown_langs}: the LID model {model} cannot output {'it' if len(missing) == 1 else 'them'}, so langid "
                "would remove this source's documents in it as lang_not_declared; name reference text for it in the run "
                "config (`reference:`, trains the LID extension), use a model that knows it "
                "(filter.params.langid.model_path, e.g. GlotLID), or set `filters: {skip: [langid]}`"
            )
            if builtin := [lang for lang in missing if member_tag(normalise_tag(lang), udhr)]:
                message += f"; until then a run trains the extension on the built-in UDHR text of {languages_listed(builtin)} (lid.builtin_reference)"
            warnings.append(Problem(file, entry.id, "languages", message))
    return warnings
