"""The benchmark corpus: distinct real documents in many languages, one module every benchmark reads.

    PYTHONPATH=. .venv/bin/python benchmarks/corpus.py          # build (make bench does it first), print the input line
    PYTHONPATH=. .venv/bin/python benchmarks/corpus.py --langs  # and every language slice

Built once into `benchmarks/data/corpus/` (gitignored: third-party text), Parquet in the project
schema, one folder per language (`<lang>/part-00000.parquet`, the layout of `deduped/`, so a stage
can read it as its input), with `corpus.json` listing the corpora, languages and sizes. Sources, in
this order (`CORPORA`, one table):

* the shared data folder (`curation.shared_data`, each file checked against
  `scripts/shared_data.sha256` or the sum pinned here): UD PUD, Bible verses, UDHR paragraphs and
  OSCAR excerpts (read as `benchmarks/lid_corpus.py` reads them), the CCNet English excerpt, the
  181 article pages' ground-truth text and the HTML pages of the sample WARCs (extracted by
  `sources.warc`); the languages of these last two are lid.176's top label;
* Debian manual pages in English, German, French, Spanish, Polish, Russian and Japanese
  (`benchmarks/debian_docs.py`: pinned packages, sha256-checked): a few MB per language, the
  slices on which the token writer's warm-up is measured.

Each text is kept once (the first occurrence wins), so every document is distinct; the build is
deterministic (same inputs, same bytes). `input_line` is the line every benchmark prints first.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

CORPUS_DIR = HERE / "data" / "corpus"
MANIFEST = "corpus.json"
FORMAT = 1  # bump when the build changes: a corpus of another format is rebuilt
SHARED_SUMS = ROOT / "scripts" / "shared_data.sha256"
PINNED = {
    "web-extraction/article-extraction-benchmark/ground-truth.json": "512e9a9498912047a966e22f47302e849dfa45dca1f555d97588317dac7e5a3d"
}
WARCS = (
    "web-archives/resiliparse/warcfile.warc.gz",
    "web-archives/dolma/sample-0000.warc.gz",
    "web-archives/dolma/sample-0001.warc.gz",
    "web-archives/cc-whirlwind/whirlwind.warc.gz",
)


@dataclass(frozen=True)
class Document:
    corpus: str
    lang: str  # BCP-47, normalised as the langid filter normalises labels
    text: str
    url: str | None = None


class InputChanged(RuntimeError):
    """A shared-data file's sha256 differs from the recorded one."""


def checked(shared: Path, rel: str) -> Path:
    """`shared/rel`, after checking its sha256 against the project's manifest or the sum pinned here."""
    sums = dict(reversed(line.split(None, 1)) for line in SHARED_SUMS.read_text(encoding="utf-8").splitlines() if line and line[0] != "#")
    want = {k.strip(): v for k, v in sums.items()}.get(rel) or PINNED.get(rel)
    path = shared / rel
    got = hashlib.sha256(path.read_bytes()).hexdigest()
    if got != want:
        raise InputChanged(f"{path}: sha256 {got} differs from the recorded {want} ({SHARED_SUMS.name} or benchmarks/corpus.py PINNED)")
    return path


def lid_label(texts: list[str]) -> list[str]:
    """lid.176's top label of each text, normalised to a BCP-47 tag."""
    import fasttext

    from filters.lang_labels import normalise_label
    from filters.langid import default_model_path

    model = fasttext.load_model(str(default_model_path()))
    labels, _ = model.predict([t.replace("\n", " ") for t in texts], k=1)
    return [normalise_label(label[0].removeprefix("__label__")) for label in labels]


def lid_corpora(shared: Path) -> Iterator[Document]:
    import lid_corpus

    for rel in (
        "lid/bible/verses.tsv.gz",
        "lid/udhr2/udhr2.zip",
        "multilingual/oscar2019-excerpts/oscar2019_unshuffled_deduplicated_excerpts.jsonl",
    ):
        checked(shared, rel)
    for read in lid_corpus.CORPORA:
        for doc in read(shared):
            yield Document(doc.corpus, doc.lang, doc.text)


def ccnet(shared: Path) -> Iterator[Document]:
    with gzip.open(checked(shared, "web-archives/dolma/cc_en_head-0091.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            yield Document("ccnet", "en", record["text"], record.get("url") or record.get("id"))


def articles(shared: Path) -> Iterator[Document]:
    truth = json.loads(checked(shared, "web-extraction/article-extraction-benchmark/ground-truth.json").read_text(encoding="utf-8"))
    items = [(key, truth[key]) for key in sorted(truth) if truth[key]["articleBody"].strip()]
    langs = lid_label([item["articleBody"] for _key, item in items])
    for (_key, item), lang in zip(items, langs):
        yield Document("articles", lang, item["articleBody"], item.get("url"))


def warc_pages(shared: Path) -> Iterator[Document]:
    from curation.catalog import CatalogEntry
    from sources import warc
    from sources.base import RawDocument

    entry = CatalogEntry(id="bench", name="bench", languages=["en"], license="x", kind="warc", location="x", proposed_by="bench")
    pages = [
        item for rel in WARCS for item in warc.read(checked(shared, rel), entry) if isinstance(item, RawDocument) and item.text.strip()
    ]
    for page, lang in zip(pages, lid_label([p.text for p in pages])):
        yield Document("warc", lang, page.text, page.url)


def debian(_shared: Path) -> Iterator[Document]:
    import debian_docs

    for package in debian_docs.PACKAGES:
        for _path, text in debian_docs.pages(package):
            yield Document("debian-man", package.lang, text)


CORPORA: tuple[tuple[str, Callable[[Path], Iterable[Document]]], ...] = (
    ("lid", lid_corpora),  # ud-pud, bible, udhr, oscar
    ("ccnet", ccnet),
    ("articles", articles),
    ("warc", warc_pages),
    ("debian-man", debian),
)


def distinct(docs: Iterable[Document]) -> list[Document]:
    seen: set[str] = set()
    out = []
    for doc in docs:
        if doc.text.strip() and doc.text not in seen:
            seen.add(doc.text)
            out.append(doc)
    return out


def build(dest: Path = CORPUS_DIR) -> dict:
    """Assemble the corpus into `dest` (one Parquet shard per language) and write its manifest."""
    import shutil

    from curation.atomic import write_text_atomic
    from curation.schema import doc_id, documents_table
    from curation.shared_data import shared_data_dir

    shared = shared_data_dir()
    docs = distinct(doc for _name, read in CORPORA for doc in read(shared))
    by_lang: dict[str, list[dict]] = {}
    for i, doc in enumerate(docs):
        row = {"id": doc_id(doc.corpus, f"{i:07d}"), "source": doc.corpus, "url": doc.url, "text": doc.text, "lang": doc.lang}
        by_lang.setdefault(doc.lang, []).append(row)
    shutil.rmtree(dest, ignore_errors=True)
    from curation.shards import write_shard

    for lang in sorted(by_lang):
        write_shard(dest / lang / "part-00000.parquet", documents_table(by_lang[lang]))
    manifest = {
        "format": FORMAT,
        "line": input_line(docs),
        "corpora": dict(sorted(Counter(d.corpus for d in docs).items())),
        "languages": {
            lang: {"documents": len(rows), "bytes": sum(len(r["text"].encode()) for r in rows)} for lang, rows in sorted(by_lang.items())
        },
    }
    write_text_atomic(dest / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


def manifest(dest: Path = CORPUS_DIR) -> dict:
    """The corpus's manifest, building the corpus first when it is absent or of another format."""
    path = dest / MANIFEST
    if path.exists():
        found = json.loads(path.read_text(encoding="utf-8"))
        if found.get("format") == FORMAT:
            return found
    return build(dest)


def slice_langs(min_mb: float, dest: Path = CORPUS_DIR) -> list[str]:
    """Languages with at least `min_mb` MB of text, largest first."""
    langs = manifest(dest)["languages"]
    return sorted((lang for lang, v in langs.items() if v["bytes"] >= min_mb * 1e6), key=lambda lang: (-langs[lang]["bytes"], lang))


def shard_paths(langs: Iterable[str] | None = None, dest: Path = CORPUS_DIR) -> list[Path]:
    known = manifest(dest)["languages"]
    return [dest / lang / "part-00000.parquet" for lang in (sorted(known) if langs is None else langs)]


def load(langs: Iterable[str] | None = None, dest: Path = CORPUS_DIR) -> list[Document]:
    """The corpus's documents (all, or those of `langs`), in language then build order."""
    from curation.shards import read_table

    out = []
    for path in shard_paths(langs, dest):
        t = read_table(path, columns=["source", "lang", "text", "url"]).to_pydict()
        out += [Document(c, lang, text, url) for c, lang, text, url in zip(t["source"], t["lang"], t["text"], t["url"])]
    return out


def input_line(docs: Iterable[Document], what: str = "") -> str:
    """`input: MB, documents, distinct, languages, repetition factor (corpora)`: every benchmark prints it first."""
    docs = list(docs)
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    corpora = " + ".join(sorted({d.corpus for d in docs}))
    return summary_line(size / 1e6, len(docs), len({d.text for d in docs}), len({d.lang for d in docs}), what or corpora)


def summary_line(
    mb: float, documents: int, distinct: int, languages: int | None, what: str, unit: str = "MB", items: str = "documents"
) -> str:
    """The input line from its figures, for a benchmark whose input is not a list of `Document`s (WARC files, host names).

    `languages` None: the input has none (host names)."""
    langs = "" if languages is None else f" {languages:,} languages,"
    return (
        f"input: {mb:.2f} {unit}, {documents:,} {items}, {distinct:,} distinct,{langs} "
        f"repetition factor {documents / max(distinct, 1):.2f} ({what})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build even when a corpus of this format exists")
    parser.add_argument("--langs", action="store_true", help="also print each language slice of at least 0.5 MB")
    args = parser.parse_args()
    found = build() if args.rebuild else manifest()
    print(found["line"])
    print("corpora: " + ", ".join(f"{name} {n:,}" for name, n in found["corpora"].items()))
    if args.langs:
        for lang in slice_langs(0.5):
            v = found["languages"][lang]
            print(f"  {lang:<8} {v['bytes'] / 1e6:6.2f} MB {v['documents']:>7,} documents")


if __name__ == "__main__":
    main()
