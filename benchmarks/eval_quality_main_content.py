"""Development measurement of the quality classifier: main-content text vs the boilerplate of the same web pages.

Data: the article-extraction benchmark (`web-extraction/article-extraction-benchmark/` in the shared data folder,
read where it lives): 181 real news and article pages with the ground-truth article body of each.

* positives (`high`): a page's body paragraphs (the non-empty lines of `articleBody`);
* negatives (`low`): the page's other visible text lines: resiliparse's full-page text (`main_content=False`,
  the extractor the warc adapter uses), each line whose whitespace-normalised text does not occur in the body
  (navigation, bylines, related links, cookie notices, footers).

Pages are split by a hash of their id: 2 of 3 train, 1 of 3 test (a language keeps its pages on both sides only
when it has enough). Our recipe is trained through the `curation quality train` interface (the CLI, default
`quality_model` parameters) on the train pages' files; the plain fastText baseline (`train_supervised`
defaults: word unigrams, 5 epochs, lr 0.1; and tuned: 25 epochs, lr 0.5, word bigrams) on the same train documents, cut the same way (the
recipe's `doc_chars`, whole lines). All are measured on the test pages' documents, cut into ~400 characters
whatever the recipe's `doc_chars` (so recipes compare on the same test documents): ROC-AUC per language (the page
language is lid.176's label of its body) and over all pages.

Recipe variants (`--variant 'dim=16,maxn=3'`, repeatable: `quality_model` overrides given to the CLI as `--set`)
and seeds (`--seeds 0,1,2`: each variant trained with each `quality_model.seed`, which changes the held-out split
and so the training documents: the run-to-run noise) give one row each, with the model's size and raw fastText
`predict(k=-1)` CPU µs per test document (best of 15, one call for all).

Run from the project root:
    PYTHONPATH=. .venv/bin/python benchmarks/eval_quality_main_content.py [--variant ''] [--variant 'dim=16'] [--seeds 0,1]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation.config import QualityModelConfig, parse_override  # noqa: E402
from curation.quality.documents import HIGH, LOW, one_line  # noqa: E402
from curation.quality.metrics import roc_auc  # noqa: E402
from curation.quality.score import QualityModel  # noqa: E402
from curation.reference import reference_documents  # noqa: E402
from curation.shared_data import shared_data_dir  # noqa: E402

TARGET = 0.97
TEST_DOC_CHARS = 400  # test documents: ~400 characters whatever the recipe cuts its training documents into
MIN_TEST_DOCS = 10  # a language is reported alone when its test pages give this many documents of each class


@dataclass(frozen=True)
class Page:
    id: str
    lang: str
    body: list[str]  # body paragraphs
    boilerplate: list[str]  # the page's other visible lines

    @property
    def test(self) -> bool:
        return int(hashlib.sha256(self.id.encode()).hexdigest(), 16) % 3 == 0


def norm(text: str) -> str:
    return " ".join(text.split()).lower()


def read_pages(root: Path) -> list[Page]:
    import fasttext
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    from filters.langid import default_model_path

    lid = fasttext.load_model(str(default_model_path()))
    folder = root / "web-extraction" / "article-extraction-benchmark"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        body_text = truth[page_id]["articleBody"]
        html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        visible = extract_plain_text(HTMLTree.parse(html), main_content=False, alt_texts=False, list_bullets=False)
        body = [line.strip() for line in body_text.split("\n") if line.strip()]
        whole = norm(body_text)
        other = [line.strip() for line in visible.split("\n") if line.strip() and norm(line) not in whole]
        if not body or not other:
            continue
        label = lid.predict(one_line(body_text)[:5000])[0][0].removeprefix("__label__")
        pages.append(Page(page_id, label, body, other))
    return pages


def documents(pages: list[Page], doc_chars: int) -> dict[str, list[tuple[str, str]]]:
    """(language, document) per class, each page's lines cut into ~doc_chars documents as the recipe cuts them
    (0: a page's whole body one document, its whole boilerplate another)."""
    out: dict[str, list[tuple[str, str]]] = {HIGH: [], LOW: []}
    if not doc_chars:
        for page in pages:
            out[HIGH].append((page.lang, "\n".join(page.body)))
            out[LOW].append((page.lang, "\n".join(page.boilerplate)))
        return out
    for page in pages:
        out[HIGH] += [(page.lang, d) for d in reference_documents(page.body, doc_chars)]
        out[LOW] += [(page.lang, d) for d in reference_documents(page.boilerplate, doc_chars)]
    return out


@dataclass(frozen=True)
class Variant:
    """A recipe to measure: the default `quality_model` parameters with these overrides (`dim=16,maxn=3`)."""

    overrides: tuple[tuple[str, object], ...]

    @classmethod
    def parse(cls, spec: str) -> Variant:
        """`dim=16,maxn=3`, each pair read as the run config's `--set` reads it and checked by `QualityModelConfig`."""
        try:
            pairs = [parse_override(item) for item in spec.split(",") if item.strip()]
            QualityModelConfig(**dict(pairs))
        except ValueError as exc:  # ConfigError, pydantic's ValidationError
            raise SystemExit(f"--variant {spec!r}: {exc}") from None
        return cls(tuple(pairs))

    @property
    def name(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.overrides) or "default"

    def sets(self) -> list[str]:
        return [f"quality_model.{k}={v}" for k, v in self.overrides]


def train_ours(train: list[Page], folder: Path, sets: list[str] = ()) -> QualityModel:
    """Through the CLI interface: one positive and one negative file (a line each) per train page set; `sets` are
    `--set` overrides of the `quality_model` parameters."""
    from typer.testing import CliRunner

    from curation.cli import app

    positive, negative = folder / "body.txt", folder / "boilerplate.txt"
    # a blank line between pages: documents never join two pages' lines
    positive.write_text("\n\n".join("\n".join(p.body) for p in train) + "\n", encoding="utf-8")
    negative.write_text("\n\n".join("\n".join(p.boilerplate) for p in train) + "\n", encoding="utf-8")
    args = ["quality", "train", "--lang", "mul", "--positive", str(positive), "--negative", str(negative), "--out", str(folder / "ours")]
    args += [arg for s in sets for arg in ("--set", s)]
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return QualityModel(folder / "ours")


def train_baseline(train_docs: dict[str, list[tuple[str, str]]], folder: Path, params: dict, name: str):
    """fastText's defaults on the same documents (shuffled, seeded), in a fresh process as ours (this one loaded lid.176)."""
    import random

    import fasttext

    from curation.fasttext_fit import fit_in_fresh_process

    lines = [f"__label__{label} {one_line(d)}\n" for label, docs in sorted(train_docs.items()) for _, d in docs]
    random.Random(0).shuffle(lines)
    (folder / f"{name}.txt").write_text("".join(lines), encoding="utf-8")
    fit_in_fresh_process([(str(folder / f"{name}.txt"), str(folder / f"{name}.bin"), params)])
    return fasttext.load_model(str(folder / f"{name}.bin"))


def baseline_scores(model, texts: list[str]) -> list[float]:
    labels, probs = model.predict([one_line(t) for t in texts], k=-1)
    return [dict(zip(names, ps)).get(f"__label__{HIGH}", 0.0) for names, ps in zip(labels, probs)]


def predict_us(model_path: Path, texts: list[str], rounds: int = 15) -> float:
    """Raw fastText `predict(k=-1)` of the texts in one call: CPU µs per document, best of `rounds`."""
    import time

    import fasttext

    model, lines = fasttext.load_model(str(model_path)), [one_line(t) for t in texts]
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        model.predict(lines, k=-1)
        best = min(best, time.process_time() - start)
    return best / len(lines) * 1e6


@dataclass
class Scorer:
    name: str
    score: object  # texts -> P(high) of each
    model_path: Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help="a recipe to measure: quality_model overrides, e.g. 'dim=16,maxn=3' (repeatable; '' the defaults; default: the defaults only)",
    )
    parser.add_argument(
        "--test-chars",
        type=int,
        default=TEST_DOC_CHARS,
        help=f"test documents of about this many characters (default {TEST_DOC_CHARS}; 0: each page's whole body and whole boilerplate)",
    )
    parser.add_argument(
        "--seeds", default="0", help="comma-separated quality_model.seed values each variant is trained with (run-to-run noise)"
    )
    args = parser.parse_args()
    variants = [Variant.parse(v) for v in args.variant] or [Variant(())]
    seeds = [int(s) for s in args.seeds.split(",")]
    cfg = QualityModelConfig()
    pages = read_pages(shared_data_dir())
    train, test = [p for p in pages if not p.test], [p for p in pages if p.test]
    langs = defaultdict(lambda: [0, 0])
    for p in pages:
        langs[p.lang][p.test] += 1
    print(
        f"input: {len(pages)} pages ({len(train)} train, {len(test)} test), languages "
        + ", ".join(f"{lang} {a}+{b}" for lang, (a, b) in sorted(langs.items(), key=lambda kv: -sum(kv[1])))
    )
    train_docs, test_docs = documents(train, cfg.doc_chars), documents(test, args.test_chars)
    print(
        f"train documents of ~{cfg.doc_chars} characters (the recipe's doc_chars): {len(train_docs[HIGH])} body / "
        f"{len(train_docs[LOW])} boilerplate; test documents of ~{args.test_chars or 'a whole page'}: {len(test_docs[HIGH])} / {len(test_docs[LOW])}"
    )
    all_test = [d for docs in test_docs.values() for _, d in docs]
    groups = [g for g in sorted({lang for lang, _ in test_docs[HIGH]}) if enough(test_docs, g, MIN_TEST_DOCS)] + ["all"]
    with tempfile.TemporaryDirectory() as tmp:
        scorers = []
        for variant in variants:
            for seed in seeds:
                folder = Path(tmp) / f"ours-{len(scorers)}"
                folder.mkdir()
                model = train_ours(train, folder, [*variant.sets(), f"quality_model.seed={seed}"])
                scorers.append(Scorer(f"ours {variant.name} seed {seed}", model.scores, model.path))
        for name, params in (
            ("plain fastText (defaults)", {}),
            ("fastText epoch 25 lr .5 bigrams", {"epoch": 25, "lr": 0.5, "wordNgrams": 2}),
        ):
            model = train_baseline(train_docs, Path(tmp), params, name.split()[0] + str(len(params)))
            scorers.append(
                Scorer(name, lambda t, model=model: baseline_scores(model, t), Path(tmp) / f"{name.split()[0]}{len(params)}.bin")
            )
        rows = [
            (s, [group_auc(s, test_docs, g) for g in groups], s.model_path.stat().st_size / 1e6, predict_us(s.model_path, all_test))
            for s in scorers
        ]
    print_table(rows, groups, test_docs)


def print_table(rows: list[tuple[Scorer, list[float], float, float]], groups: list[str], test_docs: dict) -> None:
    """One row per scorer: ROC-AUC per page language and over all, model MB, raw predict µs per document."""
    counts = {g: [sum(g in ("all", lang) for lang, _ in test_docs[label]) for label in (HIGH, LOW)] for g in groups}
    print(
        "ROC-AUC per page language (test documents body + boilerplate: " + ", ".join(f"{g} {h}+{lo}" for g, (h, lo) in counts.items()) + ")"
    )
    print(f"{'recipe':36} " + " ".join(f"{g:>7}" for g in groups) + f" {'MB':>6} {'predict µs/doc':>14}")
    for s, aucs, size, us in rows:
        print(f"{s.name:36} " + " ".join(f"{a:7.4f}" for a in aucs) + f" {size:6.1f} {us:14.1f}")
    worst = min(rows[0][1])
    print(f"{rows[0][0].name}: lowest ROC-AUC {worst:.4f} (target >= {TARGET}): {'met' if worst >= TARGET else 'NOT met'}")


def enough(test_docs: dict[str, list[tuple[str, str]]], lang: str, least: int) -> bool:
    return all(sum(lg == lang for lg, _ in docs) >= least for docs in test_docs.values())


def group_auc(scorer: Scorer, test_docs: dict[str, list[tuple[str, str]]], group: str) -> float:
    pick = {label: [d for lang, d in docs if group in ("all", lang)] for label, docs in test_docs.items()}
    return roc_auc(scorer.score(pick[HIGH]), scorer.score(pick[LOW]))


if __name__ == "__main__":
    main()
