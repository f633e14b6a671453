"""HTML extraction quality and speed: our modes beside raw resiliparse and raw trafilatura, same pages.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_extraction.py [--pages DIR] [--split all|dev|test] [--rounds 2]

Pages: the article-extraction benchmark (`web-extraction/article-extraction-benchmark/` of the
shared data folder, `curation/shared_data.py`: 181 real article pages, gzipped HTML, with their
ground-truth body in `ground-truth.json`, MIT), read where it lives. `--pages` takes any folder of
the same shape (`html/<key>.html.gz` + `ground-truth.json` with `articleBody`).

Each page is decoded once (`sources.html_text.decode_html`); every variant then extracts the same
decoded strings, one core, timed in CPU seconds (best of `--rounds`):

- ours_<mode>: `sources.html_extract.extract` in each mode of `MODES` (title, declared language,
  boilerplate count and fallback included)
- raw_resiliparse: `extract_plain_text(main_content=True)`; raw_trafilatura: `trafilatura.extract`
  with its defaults (no comments, deduplicate off); raw_trafilatura_precision: with favor_precision.

Scores per page on word multisets (lower-cased `\\w+` tokens): precision = shared / extracted,
recall = shared / gold, F1 their harmonic mean; the table shows means over pages, the pages where
nothing came out, and pages/s. `--split dev|test` keeps the half of the pages whose key hashes even
(dev, the half the cascade's rules were tuned on) or odd (test).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = re.compile(r"\w+")
BENCHMARK = Path("web-extraction") / "article-extraction-benchmark"


def load_pages(folder: Path, split: str) -> list[tuple[str, bytes, str, str | None]]:
    """(key, page bytes, gold body, url) of every page of the folder, in key order."""
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(gold):
        half = "dev" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2 == 0 else "test"
        if split != "all" and half != split:
            continue
        path = folder / "html" / f"{key}.html.gz"
        if not path.exists():
            raise FileNotFoundError(f"{path}: page of ground-truth.json key {key!r} missing")
        pages.append((key, gzip.decompress(path.read_bytes()), gold[key]["articleBody"], gold[key].get("url")))
    return pages


def scores(extracted: str, gold: str) -> tuple[float, float, float]:
    got, want = Counter(TOKEN.findall(extracted.lower())), Counter(TOKEN.findall(gold.lower()))
    shared, n_got, n_want = sum((got & want).values()), sum(got.values()), sum(want.values())
    if not n_got and not n_want:
        return 1.0, 1.0, 1.0
    p = shared / n_got if n_got else 0.0
    r = shared / n_want if n_want else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def variants() -> dict[str, object]:
    """Variant name → function(html, url) -> text."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    from sources.html_extract import MODES, ExtractionFailed, extract

    def ours(mode: str):
        def run(html: str, url: str | None) -> str:
            try:
                return extract(html, mode, url).text
            except ExtractionFailed:
                return ""

        return run

    def raw_trafilatura(precision: bool):
        def run(html: str, url: str | None) -> str:
            import trafilatura

            return trafilatura.extract(html, url=url, favor_precision=precision, include_comments=False, deduplicate=False) or ""

        return run

    table: dict[str, object] = {f"ours_{mode}": ours(mode) for mode in MODES}
    table["raw_resiliparse"] = lambda html, url: extract_plain_text(HTMLTree.parse(html), main_content=True)
    table["raw_trafilatura"] = raw_trafilatura(False)
    table["raw_trafilatura_precision"] = raw_trafilatura(True)
    return table


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def languages(htmls: list[str], golds: list[str]) -> Counter:
    """Languages of the gold bodies by fastText lid.176 (the pipeline's model)."""
    import fasttext

    from filters.langid import default_model_path

    fasttext.FastText.eprint = lambda *a, **k: None
    model = fasttext.load_model(str(default_model_path()))
    labels, _ = model.predict([" ".join(g.split()) for g in golds])
    return Counter(label[0].removeprefix("__label__") for label in labels)


def main() -> None:
    from curation.shared_data import shared_data_dir
    from sources.html_text import decode_html

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, help="folder with html/<key>.html.gz and ground-truth.json (default: the shared benchmark)")
    parser.add_argument("--split", choices=("all", "dev", "test"), default="all")
    parser.add_argument("--rounds", type=int, default=2, help="timed runs per variant; the fastest is kept")
    parser.add_argument("--only", nargs="*", help="variants to run (default: all)")
    args = parser.parse_args()
    unknown = sorted(set(args.only or ()) - set(variants()))
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(variants())}")

    folder = args.pages or shared_data_dir() / BENCHMARK
    pages = load_pages(folder, args.split)
    htmls = [decode_html(raw).html for _key, raw, _gold, _url in pages]
    golds = [gold for _key, _raw, gold, _url in pages]
    urls = [url for *_rest, url in pages]
    mb = sum(len(raw) for _key, raw, _gold, _url in pages) / 1e6
    distinct = len({hashlib.sha256(raw).digest() for _key, raw, _gold, _url in pages})
    langs = ", ".join(f"{lang} {n}" for lang, n in languages(htmls, golds).most_common())
    print(f"input: {folder} ({args.split}): {mb:.1f} MB HTML, {len(pages)} pages, {distinct} distinct, languages: {langs}")

    print(f"{'variant':28s} {'F1':>6s} {'prec':>6s} {'recall':>6s} {'empty':>6s} {'pages/s':>8s}")
    for name, run in variants().items():
        if args.only and name not in args.only:
            continue
        run(htmls[0], urls[0])  # imports and first-call costs out of the timing
        best, texts = float("inf"), []
        for _ in range(max(args.rounds, 1)):
            start = cpu_seconds()
            texts = [run(html, url) for html, url in zip(htmls, urls)]
            best = min(best, cpu_seconds() - start)
        got = [scores(text, gold) for text, gold in zip(texts, golds)]
        n = len(got)
        p, r, f = (sum(s[i] for s in got) / n for i in range(3))
        empty = sum(1 for text in texts if not text.strip())
        print(f"{name:28s} {f:6.3f} {p:6.3f} {r:6.3f} {empty:6d} {n / max(best, 1e-9):8.0f}")
    print("means over pages; pages/s per CPU second of one process, decoding excluded.")


if __name__ == "__main__":
    main()
