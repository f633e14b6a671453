"""HTML extraction on pages without gold: how far each of our modes agrees with trafilatura, per language.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_extraction_agreement.py [PATHS ...] [--benchmark-not-en] [--dump DIR] [--worst 10]

A proxy for the multilingual pages we have no ground truth for. Pages: the HTML responses of the WARC
files named (a folder means the `*.warc*` files under it; default: the crawl archives of the shared
data folder, `web-archives/`, read where they live) and, with `--benchmark-not-en`, the pages of the
article-extraction benchmark whose gold body is not English. Each page is decoded once
(`sources.html_text.decode_html`, as the ingest does), then extracted by every mode of
`sources.html_extract.MODES` and by the two references, raw trafilatura with its defaults and with
`favor_recall`. Per page: word-multiset F1 (`bench_extraction.scores`, lower-cased `\\w+` tokens; a
token of a script written without spaces is one character) of each mode against each reference, and
whether the cascade escalated (its text is trafilatura's). The language is fastText lid.176's label of
the reference text (of the visible text when trafilatura gives nothing).

Prints one row per language (pages, mean F1 of each mode against each reference, escalations), then
the pages where the cascade and trafilatura disagree most. `--dump DIR` writes, for those pages, the
cascade's and both references' texts side by side (`<n>-<lang>.txt`) to read and judge who is right.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_extraction import BENCHMARK, load_pages, scores  # noqa: E402

ARCHIVES = "web-archives"
# a character of these scripts is one token: word-multiset F1 over whole Chinese or Japanese runs would be 0 or 1
_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f])")
REFERENCES = {"traf": "trafilatura_plain", "recall": "trafilatura_recall"}  # column suffix -> reference text
WARC_ENDINGS = (".warc", ".warc.gz")


@dataclass
class Page:
    where: str  # file and offset, or benchmark key
    url: str | None
    html: str
    texts: dict[str, str] = field(default_factory=dict)
    escalated: bool = False
    lang: str = "?"


def spaced(text: str) -> str:
    return _UNSPACED.sub(r" \1 ", text)


def agreement(text: str, reference: str) -> float:
    return scores(spaced(text), spaced(reference))[2]


def warc_pages(paths: list[Path]) -> list[Page]:
    """Decoded HTML responses of the WARC files, selected as the ingest selects them."""
    from sources.html_text import UndecodableHTML, decode_html
    from sources.warc import HTML_TYPES, crawl_payloads, declared_mime, html_response, looks_like_html

    pages = []
    for path in paths:
        for item in crawl_payloads(path, html_response, Counter()):
            if not isinstance(item, tuple):
                continue  # damaged records: the ingest reports them, nothing to compare
            payload, _crawl = item
            rec = payload.record
            if not payload.data.strip() or (declared_mime(rec) not in HTML_TYPES and not looks_like_html(payload.data)):
                continue
            try:
                html = decode_html(payload.data, rec.http_charset).html
            except UndecodableHTML:
                continue
            pages.append(Page(f"{path.name}:{payload.offset}", rec.headers.get("WARC-Target-URI"), html))
    return pages


def benchmark_pages(folder: Path) -> list[Page]:
    """The article benchmark's pages whose gold body fastText does not call English."""
    from sources.html_text import decode_html

    found = load_pages(folder, "all")
    labels = language_of([gold for _key, _raw, gold, _url in found])
    return [Page(key, url, decode_html(raw).html) for (key, raw, _gold, url), lang in zip(found, labels) if lang != "en"]


def language_of(texts: list[str]) -> list[str]:
    import fasttext

    from filters.langid import default_model_path

    fasttext.FastText.eprint = lambda *a, **k: None
    model = fasttext.load_model(str(default_model_path()))
    labels, _ = model.predict([" ".join(t.split())[:2000] or "-" for t in texts])
    return [label[0].removeprefix("__label__") for label in labels]


def extract_all(pages: list[Page]) -> None:
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    from sources.html_extract import MODES, ExtractionFailed, extract

    def reference(html: str, url: str | None, recall: bool) -> str:
        return trafilatura.extract(html, url=url, favor_recall=recall, include_comments=False, deduplicate=False) or ""

    for page in pages:
        for mode in MODES:
            try:
                got = extract(page.html, mode, page.url)
            except ExtractionFailed:
                page.texts[mode] = ""
                continue
            page.texts[mode] = got.text
            if mode == "cascade":
                page.escalated = got.extractor == "trafilatura"
        page.texts["trafilatura_plain"] = reference(page.html, page.url, False)
        page.texts["trafilatura_recall"] = reference(page.html, page.url, True)
        page.texts["visible"] = extract_plain_text(HTMLTree.parse(page.html), main_content=False)
    refs = [p.texts["trafilatura_plain"] or p.texts["visible"] for p in pages]
    for page, lang in zip(pages, language_of(refs)):
        page.lang = lang


def report(pages: list[Page], modes: list[str]) -> list[tuple[float, Page]]:
    """Per-language table; returns (cascade-vs-trafilatura F1, page) sorted worst first."""
    by_lang: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        by_lang[page.lang].append(page)
    head = " ".join(f"{m[:7] + '/' + r:>14s}" for m in modes for r in REFERENCES)
    print(f"{'lang':6s} {'pages':>5s} {head} {'escalated':>9s}")
    for lang, group in sorted([*by_lang.items(), ("all", pages)], key=lambda kv: (kv[0] == "all", -len(kv[1]), kv[0])):
        cells = []
        for mode in modes:
            for ref in REFERENCES.values():
                cells.append(sum(agreement(p.texts[mode], p.texts[ref]) for p in group) / len(group))
        escalated = sum(p.escalated for p in group)
        print(f"{lang:6s} {len(group):5d} " + " ".join(f"{c:14.3f}" for c in cells) + f" {escalated:9d}")
    print("F1 of each mode's words against raw trafilatura (/traf) and trafilatura favor_recall (/recall); means over pages")
    return sorted(((agreement(p.texts["cascade"], p.texts["trafilatura_plain"]), p) for p in pages), key=lambda fp: (fp[0], fp[1].where))


def input_line(pages: list[Page], what: str) -> str:
    """The benchmarks' input line: MB, pages, distinct pages, languages."""
    mb = sum(len(page.html.encode("utf-8")) for page in pages) / 1e6
    distinct = len({hashlib.sha256(page.html.encode("utf-8")).digest() for page in pages})
    langs = ", ".join(f"{lang} {n}" for lang, n in Counter(page.lang for page in pages).most_common())
    return f"input: {what}: {mb:.1f} MB HTML, {len(pages)} pages, {distinct} distinct, languages: {langs}"


def dump(worst: list[tuple[float, Page]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, (f1, page) in enumerate(worst, 1):
        parts = [f"{page.where} {page.url}\nlang {page.lang}, cascade vs trafilatura F1 {f1:.3f}, escalated {page.escalated}\n"]
        for name in ("cascade", "resiliparse", "trafilatura_plain", "trafilatura_recall"):
            parts.append(f"===== {name} ({len(page.texts[name])} chars)\n{page.texts[name]}\n")
        (folder / f"{n:02d}-{page.lang}.txt").write_text("\n".join(parts), encoding="utf-8")


def main() -> None:
    from curation.shared_data import shared_data_dir
    from sources.html_extract import MODES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="WARC files or folders (default: the shared data's web-archives/)")
    parser.add_argument("--benchmark-not-en", action="store_true", help="add the article benchmark's pages that are not English")
    parser.add_argument("--worst", type=int, default=10, help="pages listed (and dumped) where cascade and trafilatura differ most")
    parser.add_argument("--dump", type=Path, help="folder for the side-by-side texts of the worst pages")
    args = parser.parse_args()

    shared = shared_data_dir()
    files: list[Path] = []
    for path in args.paths or [shared / ARCHIVES]:
        files.extend(sorted(p for p in path.rglob("*") if p.name.endswith(WARC_ENDINGS)) if path.is_dir() else [path])
    pages = warc_pages(files)
    if args.benchmark_not_en:
        pages += benchmark_pages(shared / BENCHMARK)
    extract_all(pages)
    print(
        input_line(
            pages, f"{len(files)} WARC files" + (" + the article benchmark's pages that are not English" if args.benchmark_not_en else "")
        )
    )
    worst = report(pages, list(MODES))[: args.worst]
    for f1, page in worst:
        print(f"  {f1:.3f} {page.lang:3s} escalated={page.escalated!s:5s} {page.where} {page.url}")
    if args.dump:
        dump(worst, args.dump)
        print(f"side-by-side texts of these pages: {args.dump}/")


if __name__ == "__main__":
    main()
