"""`curation lid train`: the LID extension and per-language thresholds, from the run's reference text.

Each language's reference text is cut into documents of about `lid.doc_chars`
characters; every `lid.holdout_every`-th document is held out. A fastText
supervised model (character n-grams, one thread: the same bytes on every run) is
trained on the lines of the other documents, every language repeated up to the
largest one's size (at most 20 times) so a language with 10 KB of text is not
drowned by one with 4 MB. The base model's labels on each language's documents
are recorded as that language's confusers (`pcm` -> `en`).

Thresholds are then derived on the held-out documents with the base model and the
extension together, as the filter scores them: a language's `min_score` is the
`lid.expected_removal` quantile of its held-out scores, within
[`lid.min_threshold`, `lid.max_threshold`]; the file records the removal rate that
threshold gives on its held-out text and the share of other languages' held-out
text it would let through.
"""

from __future__ import annotations

import json
import math
import random
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from curation.atomic import write_json_atomic
from curation.config import LidConfig
from curation.fasttext_fit import fit_in_fresh_process
from curation.reference import read_reference, reference_documents
from curation.shards import sha256_file
from filters.lang_labels import accepts, normalise_tag
from filters.langid import LanguageId
from filters.lid_extension import FORMAT as EXTENSION_FORMAT
from filters.lid_extension import sidecar
from filters.lid_thresholds import FORMAT as THRESHOLDS_FORMAT

CONFUSER_SHARE = 0.1  # a base label on at least this share of a language's reference documents is a confuser
MAX_REPEAT = 20


class LidTrainError(ValueError):
    pass


@dataclass(frozen=True)
class LidFiles:
    model: Path
    meta: Path
    thresholds: Path


def lid_files(folder: str | Path) -> LidFiles:
    """Where a trained extension and its thresholds live (the one place that names them)."""
    folder = Path(folder)
    return LidFiles(folder / "extension.bin", sidecar(folder / "extension.bin"), folder / "thresholds.json")


@dataclass
class Split:
    train: dict[str, list[str]]
    held_out: dict[str, list[str]]


def split_reference(reference: Mapping[str, list[Path]], cfg: LidConfig) -> Split:
    """Each language's reference documents, every `holdout_every`-th held out (tags normalised: `swh` -> `sw`)."""
    split = Split({}, {})
    for lang, files in sorted(reference.items()):
        tag = normalise_tag(lang)
        docs = reference_documents(read_reference(files, lang), cfg.doc_chars, cfg.max_bytes_per_lang)
        held = docs[cfg.holdout_every - 1 :: cfg.holdout_every]
        train = [d for i, d in enumerate(docs) if i % cfg.holdout_every != cfg.holdout_every - 1]
        if not train or not held:
            raise LidTrainError(
                f"reference text of {lang!r} ({', '.join(map(str, files))}) makes {len(docs)} document(s) of "
                f"~{cfg.doc_chars} characters; need at least {cfg.holdout_every} (one is held out)"
            )
        split.train[tag] = split.train.get(tag, []) + train
        split.held_out[tag] = split.held_out.get(tag, []) + held
    return split


def training_lines(train: Mapping[str, list[str]], seed: int = 0) -> list[str]:
    """fastText lines (`__label__zu <line>`), each language repeated towards the largest one's size, shuffled."""
    per_lang = {tag: [" ".join(line.split()) for doc in docs for line in doc.split("\n") if line.strip()] for tag, docs in train.items()}
    largest = max(len(lines) for lines in per_lang.values())
    out = []
    for tag, lines in sorted(per_lang.items()):
        repeat = min(MAX_REPEAT, max(1, math.ceil(largest / max(1, len(lines)))))
        out += [f"__label__{tag} {line}" for line in lines] * repeat
    random.Random(seed).shuffle(out)
    return out


def confusers(base: LanguageId, docs: Mapping[str, list[str]]) -> dict[str, dict]:
    """Per language: the base model's top labels on its documents (share), and which of them are confusers."""
    found = {}
    for tag, texts in sorted(docs.items()):
        tops = Counter(p[0][0] for p in base.predict_top(texts) if p)
        shares = {label: round(n / len(texts), 4) for label, n in sorted(tops.items(), key=lambda kv: (-kv[1], kv[0]))}
        found[tag] = {
            "base_top_labels": dict(list(shares.items())[:5]),
            "confusers": {label: share for label, share in shares.items() if share >= CONFUSER_SHARE and not accepts(tag, label)},
        }
    return found


def train_model(lines: list[str], cfg: LidConfig, path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="lid-", dir=path.parent) as tmp:
        data = Path(tmp) / "train.txt"
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        params = {"dim": cfg.dim, "epoch": cfg.epoch, "lr": cfg.lr, "minn": cfg.minn, "maxn": cfg.maxn, "bucket": cfg.bucket}
        fit_in_fresh_process([(str(data), str(path), params | {"wordNgrams": 1, "seed": 0})])


def quantile_threshold(scores: list[float], cfg: LidConfig) -> float:
    """The `expected_removal` quantile of a language's held-out scores, within the configured bounds."""
    ordered = sorted(scores)
    value = ordered[min(len(ordered) - 1, int(cfg.expected_removal * len(ordered)))]
    return round(min(cfg.max_threshold, max(cfg.min_threshold, math.floor(value * 100) / 100)), 2)


def derive_thresholds(
    langid: LanguageId, held_out: Mapping[str, list[str]], cfg: LidConfig, others_per_language: int | None = None
) -> dict[str, dict]:
    """Per language: min_score, the removal it gives on its own held-out text, and what it lets through of the
    others' (at most `others_per_language` documents of each other language)."""
    derived = {}
    for tag, texts in sorted(held_out.items()):
        scores = langid.declared_scores(texts, tag)
        threshold = quantile_threshold(scores, cfg)
        others = [t for other, docs in held_out.items() if other != tag and not accepts(tag, other) for t in docs[:others_per_language]]
        passing = sum(s >= threshold for s in langid.declared_scores(others, tag)) if others else 0
        derived[tag] = {
            "min_score": threshold,
            "held_out_documents": len(texts),
            "expected_removal": round(sum(s < threshold for s in scores) / len(scores), 4),
            "other_languages_kept": round(passing / len(others), 4) if others else None,
        }
    return derived


def train_lid(
    reference: Mapping[str, list[Path]], cfg: LidConfig, folder: str | Path, base_model: str | None = None, log: Callable = print
) -> LidFiles:
    """Train the extension (two languages or more) and derive thresholds for every reference language."""
    files = lid_files(folder)
    files.model.parent.mkdir(parents=True, exist_ok=True)
    split = split_reference(reference, cfg)
    base = LanguageId({"model_path": base_model} if base_model else None)
    base.ensure_setup()
    for stale in (files.model, files.meta):
        stale.unlink(missing_ok=True)
    extension = None
    if len(split.train) >= 2:
        tmp_model = files.model.with_name(f".{files.model.name}.tmp")
        train_model(training_lines(split.train), cfg, tmp_model)
        meta = extension_meta(split, base, cfg, reference)
        write_json_atomic(sidecar(tmp_model), meta)
        tmp_model.replace(files.model)
        sidecar(tmp_model).replace(files.meta)
        extension = str(files.model)
        log(f"lid: extension over {len(split.train)} languages -> {files.model}")
    else:
        log("lid: one reference language: no extension (it needs two or more to tell apart); thresholds only")
    params = {"model_path": base_model, "extension_path": extension, "thresholds": "roots"}
    langid = LanguageId({k: v for k, v in params.items() if v})
    langid.ensure_setup()
    languages = derive_thresholds(langid, split.held_out, cfg)
    write_json_atomic(files.thresholds, thresholds_record(languages, langid, split, cfg, reference))
    return files


def extension_meta(split: Split, base: LanguageId, cfg: LidConfig, reference: Mapping[str, list[Path]]) -> dict:
    everything = {tag: split.train[tag] + split.held_out[tag] for tag in split.train}
    languages = confusers(base, everything)
    for tag, info in languages.items():
        info["train_documents"] = len(split.train[tag])
        info["held_out_documents"] = len(split.held_out[tag])
    return {
        "format": EXTENSION_FORMAT,
        "base_model": {"file": base.model_file().name, "sha256": sha256_file(base.model_file())},
        "params": cfg.model_dump(mode="json"),
        "reference": {lang: [str(p) for p in files] for lang, files in sorted(reference.items())},
        "languages": languages,
    }


def thresholds_record(
    languages: dict[str, dict], langid: LanguageId, split: Split, cfg: LidConfig, reference: Mapping[str, list[Path]]
) -> dict:
    models = {"base": {"file": langid.model_file().name, "sha256": sha256_file(langid.model_file())}}
    if langid.defaults.extension_path:
        models["extension"] = {"file": Path(langid.defaults.extension_path).name, "sha256": sha256_file(langid.defaults.extension_path)}
    return {
        "format": THRESHOLDS_FORMAT,
        "method": (
            f"per language, the {cfg.expected_removal:g} quantile of the langid score (accepted-label mass, base model and "
            f"extension together) of its held-out reference documents, within [{cfg.min_threshold:g}, {cfg.max_threshold:g}]"
        ),
        "models": models,
        "sample": {
            "reference": {lang: [str(p) for p in files] for lang, files in sorted(reference.items())},
            "doc_chars": cfg.doc_chars,
            "held_out": f"every {cfg.holdout_every}th document of each language, never trained on",
        },
        "languages": languages,
    }


def describe(files: LidFiles) -> list[str]:
    """One line per language: what the run's LID extension and thresholds say about it."""
    meta = json.loads(files.meta.read_text(encoding="utf-8")) if files.meta.exists() else {"languages": {}}
    thresholds = json.loads(files.thresholds.read_text(encoding="utf-8"))["languages"]
    lines = []
    for tag, t in sorted(thresholds.items()):
        info = meta["languages"].get(tag, {})
        confused = ", ".join(f"{label} {share:.0%}" for label, share in info.get("confusers", {}).items()) or "none"
        others = "n/a" if t["other_languages_kept"] is None else f"{t['other_languages_kept']:.1%}"
        lines.append(
            f"{tag}: min_score {t['min_score']:.2f} (removes {t['expected_removal']:.1%} of {t['held_out_documents']} held-out "
            f"documents, keeps {others} of other languages'); base model confuses it with: {confused}"
        )
    return lines
