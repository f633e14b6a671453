"""`curation quality train`: a fastText classifier telling `high` (reference-like) from `low` documents.

Both classes' text is cut into documents of about `doc_chars` characters (whole lines, so document
length is no cue), at most `max_documents` per class (a seeded sample). A seeded `holdout` share of
each class is held out; the model (word n-grams up to `word_ngrams`, character n-grams minn..maxn,
so unsegmented scripts work) is trained on the rest, the smaller class repeated towards the larger
one's size (at most 20 times), plus any human-labelled rows (`--labels`, training only; `ad` is a
third class, so `quality_score`, P(high), counts it against `high`). On the
held-out documents: ROC-AUC, and the threshold (0.01 grid) with the best F1 of `high`, with its
precision and recall. The folder gets `model.bin`, `metrics.json` and `model_card.md`.
"""

from __future__ import annotations

import json
import math
import random
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from curation.atomic import write_json_atomic, write_text_atomic
from curation.config import QualityModelConfig
from curation.fasttext_fit import fit_in_fresh_process
from curation.quality.documents import CLASSES, HIGH, LOW, QualityDataError, one_line
from curation.quality.metrics import held_out_metrics
from curation.quality.score import ModelFiles, QualityModel, model_files
from curation.reference import reference_documents
from curation.shards import sha256_file

FORMAT = "curation-quality-model/1"
MAX_REPEAT = 20
EXAMPLE_CHARS = 200


@dataclass
class TrainingSet:
    """One language's classes: texts as read, the files they came from, and how they were chosen."""

    lang: str
    high: list[str]
    low: list[str]
    labelled: list[tuple[str, str]] = field(default_factory=list)  # (label, text): human labels, training only
    unlabelled: int = 0  # rows of the review files nobody labelled (skipped, counted)
    inputs: dict[str, list[str]] = field(default_factory=dict)  # "positive" / "negative" / "labels" -> files
    recipe: dict[str, str] = field(default_factory=dict)  # "positives" / "negatives" -> how they were chosen


@dataclass
class Split:
    train: dict[str, list[str]]
    held_out: dict[str, list[str]]


def cut(texts: Iterable[str], cfg: QualityModelConfig) -> list[str]:
    """Documents of about `doc_chars` characters, at most `max_documents` (a seeded sample, in order)."""
    docs = reference_documents(texts, cfg.doc_chars)
    if len(docs) > cfg.max_documents:
        keep = sorted(random.Random(cfg.seed).sample(range(len(docs)), cfg.max_documents))
        docs = [docs[i] for i in keep]
    return docs


def split_classes(ts: TrainingSet, cfg: QualityModelConfig) -> Split:
    """Each class cut into documents, a seeded `holdout` share of each held out."""
    split = Split({}, {})
    for label, texts in ((HIGH, ts.high), (LOW, ts.low)):
        docs = cut(texts, cfg)
        if len(docs) < cfg.min_documents:
            where = ", ".join(ts.inputs.get("positive" if label == HIGH else "negative", [])) or "no input"
            raise QualityDataError(
                f"{ts.lang}: class {label!r} ({where}) makes {len(docs)} document(s) of ~{cfg.doc_chars} characters; "
                f"need at least {cfg.min_documents}"
            )
        order = list(range(len(docs)))
        random.Random(f"{cfg.seed}:{label}").shuffle(order)
        n_held = max(1, math.ceil(len(docs) * cfg.holdout))
        held = set(order[:n_held])
        split.held_out[label] = [d for i, d in enumerate(docs) if i in held]
        split.train[label] = [d for i, d in enumerate(docs) if i not in held]
    return split


def training_lines(split: Split, labelled: list[tuple[str, str]], seed: int) -> list[str]:
    """fastText lines, the smaller class repeated towards the larger's size, human labels once each, shuffled."""
    largest = max(len(docs) for docs in split.train.values())
    lines = []
    for label, docs in sorted(split.train.items()):
        repeat = min(MAX_REPEAT, max(1, round(largest / len(docs))))
        lines += [f"__label__{label} {one_line(d)}" for d in docs] * repeat
    lines += [f"__label__{label} {one_line(text)}" for label, text in labelled]
    random.Random(seed).shuffle(lines)
    return lines


def fasttext_params(cfg: QualityModelConfig) -> dict:
    return {
        "dim": cfg.dim,
        "epoch": cfg.epoch,
        "lr": cfg.lr,
        "wordNgrams": cfg.word_ngrams,
        "minn": cfg.minn,
        "maxn": cfg.maxn,
        "bucket": cfg.bucket,
        "seed": cfg.seed,
    }


def train_classifier(ts: TrainingSet, cfg: QualityModelConfig, folder: str | Path, log: Callable = print) -> ModelFiles:
    return train_classifiers([(ts, Path(folder))], cfg, log)[0]


def train_classifiers(sets: list[tuple[TrainingSet, Path]], cfg: QualityModelConfig, log: Callable = print) -> list[ModelFiles]:
    """Train every set's model (one fresh process for all), then measure each on its held-out split and write
    its metrics and model card; a model file appears only complete, with its metrics and card beside it."""
    splits = [split_classes(ts, cfg) for ts, _ in sets]
    jobs, files = [], []
    with tempfile.TemporaryDirectory(prefix="quality-train-") as tmp:
        for (ts, folder), split in zip(sets, splits):
            folder.mkdir(parents=True, exist_ok=True)
            files.append(model_files(folder))
            data = Path(tmp) / f"{len(jobs)}.txt"
            data.write_text("\n".join(training_lines(split, ts.labelled, cfg.seed)) + "\n", encoding="utf-8")
            jobs.append((str(data), str(files[-1].model.with_name(".model.bin.tmp")), fasttext_params(cfg)))
        fit_in_fresh_process(jobs)
    for (ts, _), split, f, job in zip(sets, splits, files, jobs):
        record = evaluate(ts, split, cfg, Path(job[1]))
        write_json_atomic(f.metrics, record["metrics"])
        write_text_atomic(f.card, model_card(record["metrics"], record["examples"]))
        Path(job[1]).replace(f.model)
        held = record["metrics"]["held_out"]
        used = f", {len(ts.labelled)} human labels ({ts.unlabelled} unlabelled rows skipped)" if ts.inputs.get("labels") else ""
        log(f"quality {ts.lang}: held-out ROC-AUC {held['roc_auc']}, F1 {held['f1']} at {held['threshold']}{used} -> {f.folder}")
    return files


def evaluate(ts: TrainingSet, split: Split, cfg: QualityModelConfig, model_path: Path) -> dict:
    """metrics.json's record, and the borderline held-out examples (model card)."""
    model = QualityModel(model_path)
    scores = {label: model.scores(docs) for label, docs in split.held_out.items()}
    metrics = {
        "format": FORMAT,
        "lang": ts.lang,
        "recipe": ts.recipe,
        "inputs": {kind: [{"path": p, "sha256": sha256_file(Path(p))} for p in paths] for kind, paths in sorted(ts.inputs.items())},
        "class_counts": {
            "train": {label: len(docs) for label, docs in sorted(split.train.items())},
            "held_out": {label: len(docs) for label, docs in sorted(split.held_out.items())},
            "human_labels": {label: sum(lab == label for lab, _ in ts.labelled) for label in CLASSES},
            "human_labels_used": len(ts.labelled),
            "unlabelled_rows_skipped": ts.unlabelled,
        },
        "params": cfg.model_dump(mode="json"),
        "held_out": held_out_metrics(scores[HIGH], scores[LOW]),
        "model_sha256": sha256_file(model_path),
    }
    return {"metrics": metrics, "examples": borderline(split, scores, ts.lang, cfg.card_examples)}


def borderline(split: Split, scores: dict[str, list[float]], lang: str, n: int) -> dict[str, list[tuple[float, str]]]:
    """The `n` lowest-scoring held-out `high` and highest-scoring held-out `low` documents, PII-redacted and shortened."""
    if n == 0:
        return {HIGH: [], LOW: []}
    from curation.redact import redact

    picked = {
        HIGH: sorted(zip(scores[HIGH], split.held_out[HIGH]))[:n],
        LOW: sorted(zip(scores[LOW], split.held_out[LOW]), reverse=True)[:n],
    }
    return {label: [(s, shown(redact(text, lang))) for s, text in rows] for label, rows in picked.items()}


def shown(text: str) -> str:
    line = one_line(text).replace("|", "\\|")
    return line if len(line) <= EXAMPLE_CHARS else line[:EXAMPLE_CHARS] + "…"


def model_card(m: dict, examples: dict[str, list[tuple[float, str]]]) -> str:
    """The model card (markdown): recipe, inputs, class counts, parameters, held-out figures, borderline examples."""
    held, counts = m["held_out"], m["class_counts"]
    lines = [
        f"# Quality classifier: {m['lang']}",
        "",
        "fastText supervised classifier; `quality_score` is P(high).",
        "",
        "## Recipe",
        "",
        f"- positives (`high`): {m['recipe'].get('positives', 'the --positive files')}",
        f"- negatives (`low`): {m['recipe'].get('negatives', 'the --negative files')}",
        f"- human labels (training only): {counts['human_labels_used']} used: "
        + ", ".join(f"{n} {label}" for label, n in counts["human_labels"].items())
        + f"; {counts['unlabelled_rows_skipped']} unlabelled review row(s) skipped",
        "",
        "## Inputs",
        "",
        *[f"- {kind}: `{i['path']}` (sha256 {i['sha256'][:16]}…)" for kind, items in m["inputs"].items() for i in items],
        "",
        "## Documents",
        "",
        f"- train: {counts['train'][HIGH]} high, {counts['train'][LOW]} low",
        f"- held out ({m['params']['holdout']:.0%} of each class, seed {m['params']['seed']}): "
        f"{counts['held_out'][HIGH]} high, {counts['held_out'][LOW]} low",
        "",
        "## Held-out figures",
        "",
        f"- ROC-AUC: {held['roc_auc']}",
        f"- threshold (best F1 of `high`): {held['threshold']}",
        f"- precision {held['precision']}, recall {held['recall']}, F1 {held['f1']}",
        "",
        "## Parameters",
        "",
        "```json",
        json.dumps(m["params"], indent=1, sort_keys=True),
        "```",
        "",
        "## Borderline held-out documents (PII-redacted)",
        "",
        "| class | score | text |",
        "|---|---|---|",
        *[f"| {label} | {s:.3f} | {text} |" for label, rows in examples.items() for s, text in rows],
        "",
    ]
    return "\n".join(lines)
