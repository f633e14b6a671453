"""Distinct real documents in many languages, each with its true language, for the language-ID benchmark.

Read where they live in the shared data folder (`curation.shared_data`), never copied:

* UD PUD (`lid/ud-pud/<lang>.tsv`): the same 1,000 news and Wikipedia sentences in 21 languages,
  5 consecutive sentences per document;
* Bible verses (`lid/bible/verses.tsv.gz`): 1,500 verses in each of 46 languages, 5 per document;
* UDHR (`lid/udhr2/udhr2.zip`): each paragraph (non-blank line of at least `MIN_PARAGRAPH` characters)
  of the Declaration in 380 varieties named by an ISO 639-3 code (`srp_latn` -> `sr-Latn`);
* OSCAR 2019 excerpts (`multilingual/oscar2019-excerpts/`): 2 short web documents in each of 160 languages.

A text that occurs twice (a heading shared by two varieties, a verse repeated) is kept once, so every
document is distinct. The order is fixed (corpus, then file or language, then position): same input,
same documents.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from curation.config import FilterConfig
from curation.lid.builtin_reference import udhr_tag
from curation.shared_data import shared_data_dir
from filters.base import Batch
from filters.lang_labels import normalise_label, normalise_tag

PER_DOCUMENT = 5  # sentences (UD PUD) or verses (Bible) per document
MIN_PARAGRAPH = 20  # UDHR lines shorter than this (titles, "Article 1") are not documents
BATCH_ROWS = FilterConfig().batch_rows  # the filter stage's batches


@dataclass(frozen=True)
class Document:
    corpus: str  # ud-pud, bible, udhr, oscar
    lang: str  # BCP-47 tag, normalised as the langid filter normalises labels and declared languages
    text: str


def grouped(texts: list[str], size: int = PER_DOCUMENT) -> Iterator[str]:
    for start in range(0, len(texts), size):
        yield "\n".join(texts[start : start + size])


def ud_pud_documents(root: Path) -> Iterator[Document]:
    for path in sorted((root / "lid" / "ud-pud").glob("*.tsv")):
        if path.stem == "SOURCES":
            continue
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").split("\n") if line]  # not splitlines: U+2028 is text
        for text in grouped([row[3] for row in rows]):
            yield Document("ud-pud", normalise_tag(path.stem), text)


def bible_documents(root: Path) -> Iterator[Document]:
    verses: dict[str, list[str]] = {}
    with gzip.open(root / "lid" / "bible" / "verses.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            verses.setdefault(row["iso639_3"], []).append(row["text"])
    for code in sorted(verses):
        for text in grouped(verses[code]):
            yield Document("bible", normalise_tag(code), text)


def udhr_documents(root: Path) -> Iterator[Document]:
    with zipfile.ZipFile(root / "lid" / "udhr2" / "udhr2.zip") as z:
        for member in sorted(n for n in z.namelist() if n.endswith(".txt")):
            tag = udhr_tag(Path(member).stem, keep_region=True)  # `por_BR` -> `pt-BR`
            if tag is None:
                continue
            for line in io.TextIOWrapper(z.open(member), encoding="utf-8"):
                text = line.strip()
                if len(text) >= MIN_PARAGRAPH:
                    yield Document("udhr", tag, text)


def oscar_documents(root: Path) -> Iterator[Document]:
    path = root / "multilingual" / "oscar2019-excerpts" / "oscar2019_unshuffled_deduplicated_excerpts.jsonl"
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            yield Document("oscar", normalise_label(record["lang"]), record["text"])  # OSCAR uses lid.176's labels (`als`: Alemannic)


CORPORA = (ud_pud_documents, bible_documents, udhr_documents, oscar_documents)


def distinct_documents(root: Path | None = None) -> list[Document]:
    """Every corpus's documents in a fixed order, each text once (the first occurrence wins)."""
    root = root or shared_data_dir()
    seen: set[str] = set()
    docs = []
    for corpus in CORPORA:
        for doc in corpus(root):
            if doc.text.strip() and doc.text not in seen:
                seen.add(doc.text)
                docs.append(doc)
    return docs


def input_line(docs: list[Document]) -> str:
    """The benchmarks' `input:` line: size, documents, distinct ones, languages, repetition, corpora."""
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    distinct = len({d.text for d in docs})
    corpora = sorted({d.corpus for d in docs})
    return (
        f"input: {size / 1e6:.2f} MB, {len(docs):,} documents, {distinct:,} distinct, {len({d.lang for d in docs})} languages, "
        f"repetition factor {len(docs) / distinct:.2f} ({' + '.join(corpora)})"
    )


@dataclass(frozen=True)
class Source:
    """One catalog source of the benchmarks: a corpus in one language, declaring that language."""

    name: str
    lang: str
    texts: tuple[str, ...]

    def batches(self, identified: bool = False, rows: int = BATCH_ROWS) -> list[Batch]:
        """Fresh batches as the filter stage builds them from a shard: no signals yet, and no language unless
        `identified` (then every document in the source's language, as langid leaves it for later filters)."""
        out = []
        for start in range(0, len(self.texts), rows):
            texts = list(self.texts[start : start + rows])
            n = len(texts)
            ids = [f"{self.name}/{start + i}" for i in range(n)]
            langs, scores = ([self.lang] * n, [1.0] * n) if identified else ([None] * n, [None] * n)
            out.append(Batch(ids, [self.name] * n, [None] * n, texts, langs, scores, [{} for _ in texts], [(self.lang,)] * n))
        return out


def sources_of(docs: list[Document]) -> list[Source]:
    """Documents grouped by (corpus, language), in first-seen order."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for doc in docs:
        grouped.setdefault((doc.corpus, doc.lang), []).append(doc.text)
    return [Source(f"{corpus}:{lang}", lang, tuple(texts)) for (corpus, lang), texts in grouped.items()]


def fresh(batch: Batch, identified: bool = False) -> Batch:
    """A copy as the filter stage reads it from a shard (a filter sets signals, langid languages, in place): no
    signals, and its languages only when `identified`."""
    n = len(batch)
    langs, scores = (list(batch.langs), list(batch.lang_scores)) if identified else ([None] * n, [None] * n)
    return Batch(batch.ids, batch.sources, batch.urls, list(batch.texts), langs, scores, [{} for _ in range(n)], batch.declared)
