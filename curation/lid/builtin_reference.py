"""Built-in reference text for declared languages the base LID model cannot identify, when the run names none.

A source declaring Somali or Hausa loses every document at langid when lid.176 cannot identify the
language (it has no `ha` label; its `so` scores UDHR Somali under 0.15) and nobody supplied reference
text for it. The Universal Declaration of Human Rights (public domain, about 390 varieties, 10-20 KB
each; `filters/data/udhr/udhr2.zip`, assembled at setup from the shared data) then stands in: stage `lid`
trains the extension on it beside the run's own reference text. A working group's reference text always
wins (more text, and of its domain).

A language needs it when the base model cannot output it, or (the default lid.176) when the derived
thresholds preset measured that lid.176 removes at least `WEAK_REMOVAL` of its held-out documents
(`filters/data/lid_thresholds.json`: 38 languages, Somali, Yoruba, Quechua, Swahili, Basque, Scottish Gaelic, ...).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from curation.atomic import write_text_atomic
from curation.config import LidConfig
from curation.file_cache import per_file_version
from curation.lid.labels import uncovered
from filters.lang_labels import normalise_tag, script_of
from filters.lid_thresholds import DATA, expected_removals

UDHR = DATA / "udhr" / "udhr2.zip"
WEAK_REMOVAL = 0.1  # lid.176 removes at least this share of the language's held-out documents: it keeps under 90 %
UDHR_NAME = re.compile(r"(?P<code>[a-z]{3})(?:_(?P<suffix>[A-Za-z0-9]+))?")  # `zul`, `srp_latn`, `hau_NG`, `aka_asante`


def udhr_tag(name: str, keep_region: bool = False) -> str | None:
    """A UDHR file's language as BCP-47 with its script where it names one: `srp_latn` -> `sr-Latn`, `hau_NG` -> `ha`
    (`ha-NG` with `keep_region`), `aka_asante` -> `ak`; None for names without a language code (`007`)."""
    match = UDHR_NAME.fullmatch(name)
    if match is None:
        return None
    suffix = match["suffix"] or ""
    if len(suffix) == 4 and suffix.isalpha():
        return normalise_tag(f"{match['code']}-{suffix.title()}")
    if keep_region and len(suffix) == 2 and suffix.isupper():
        return normalise_tag(f"{match['code']}-{suffix}")
    return normalise_tag(match["code"])


@dataclass(frozen=True)
class UdhrText:
    """One language's UDHR files (sorted: `ha` has the Niger and Nigeria texts) and their characters together."""

    names: tuple[str, ...]
    chars: int


def udhr_members(path: Path = UDHR) -> dict[str, UdhrText]:
    """The UDHR text of each language tag (read once per file: the stage, `catalog validate` and every
    `with_run_defaults` ask)."""
    return _udhr_index(path) if path.exists() else {}


@per_file_version(maxsize=2)
def _udhr_index(path: Path) -> dict[str, UdhrText]:
    names: dict[str, list[str]] = {}
    chars: dict[str, int] = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".txt")):
            if (tag := udhr_tag(Path(name).stem)) is not None:
                names.setdefault(tag, []).append(name)
                chars[tag] = chars.get(tag, 0) + len(z.read(name).decode("utf-8"))
    return {tag: UdhrText(tuple(files), chars[tag]) for tag, files in names.items()}


def min_reference_chars(cfg: LidConfig) -> int:
    """The least text a language needs to train on and hold out (`lid train` holds out every `holdout_every`-th
    document of ~`doc_chars` characters)."""
    return 2 * cfg.holdout_every * cfg.doc_chars


def unidentifiable(languages: Iterable[str], base_labels: frozenset[str], default_model: bool) -> list[str]:
    """The declared languages (normalised, sorted) the base model cannot output, or, for lid.176, that the derived
    preset found it removes at least `WEAK_REMOVAL` of."""
    weak = {lang for lang, removal in expected_removals().items() if removal >= WEAK_REMOVAL} if default_model else set()
    tags = {normalise_tag(lang) for lang in languages}
    lacking = set(uncovered(tags, base_labels))
    return sorted(tag for tag in tags if tag in weak or tag in lacking)


def member_tag(lang: str, members: dict[str, UdhrText]) -> str | None:
    """The UDHR language standing for a declared one: the same tag, or without its region (`pt-BR` -> `pt`)."""
    if lang in members:
        return lang
    script = script_of(lang)
    plain = lang.split("-")[0] + (f"-{script}" if script else "")
    return plain if plain in members else None


def builtin_reference(languages: Iterable[str], folder: Path | None, min_chars: int, path: Path = UDHR) -> dict[str, list[Path]]:
    """`folder/<lang>.txt` for each language the UDHR has at least `min_chars` characters of (written only when its
    text changed: the stage's resume key reads the files), as the run config's `reference` maps languages to files;
    `folder` None: nothing written."""
    members = udhr_members(path)
    found = {lang: members[tag] for lang in languages if (tag := member_tag(lang, members)) is not None}
    found = {lang: text for lang, text in found.items() if text.chars >= min_chars}  # Cherokee: a few lines, too little
    if folder is None or not found:
        return {lang: [] for lang in found}
    reference: dict[str, list[Path]] = {}
    with zipfile.ZipFile(path) as z:
        for lang, udhr in found.items():
            text = "".join(z.read(name).decode("utf-8") for name in udhr.names)
            target = folder / f"{lang}.txt"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                folder.mkdir(parents=True, exist_ok=True)
                write_text_atomic(target, text)
            reference[lang] = [target]
    return reference


def run_reference(
    declared: Iterable[str],
    reference: dict[str, list[Path]],
    base_labels: frozenset[str],
    default_model: bool,
    folder: Path | None,
    min_chars: int,
) -> tuple[dict[str, list[Path]], list[str]]:
    """What the extension trains on: the run's `reference`, and the UDHR text of each `declared` language the base
    model cannot identify that `reference` has none for (written into `folder`; None: only named, with no files),
    of at least `min_chars` characters; and the languages left with no reference text at all."""
    named = {normalise_tag(lang) for lang in reference}
    missing = [lang for lang in unidentifiable(declared, base_labels, default_model) if lang not in named]
    builtin = builtin_reference(missing, folder, min_chars)
    return builtin | dict(reference), [lang for lang in missing if lang not in builtin]
