"""Maintainers: derive the `derived` langid thresholds preset (`filters/data/lid_thresholds.json`).

    python scripts/derive_lid_thresholds.py            # rewrite the file from the shared data
    python scripts/derive_lid_thresholds.py --check    # exit 1 when the committed file differs

For every language lid.176 can output and the shared data has text in: documents of
the UDHR (paragraphs joined to ~400 characters), the Bible verse sample (5 verses a
document) and UD PUD (5 sentences a document), none of them lid.176's training data.
A language's `min_score` is the 5 % quantile of its documents' langid scores (the
accepted-label mass, as the filter computes it) within [0.2, 0.8], the rule `curation
lid train` applies to held-out reference text. The file keeps only figures (thresholds,
counts, rates): no text.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation.config import LidConfig  # noqa: E402
from curation.lid.train import derive_thresholds  # noqa: E402
from curation.reference import reference_documents  # noqa: E402
from curation.shared_data import shared_data_dir  # noqa: E402
from filters.lang_labels import covers, normalise_label  # noqa: E402
from filters.langid import LanguageId  # noqa: E402
from filters.lid_thresholds import DERIVED_FILE, FORMAT  # noqa: E402

SETTINGS = LidConfig(expected_removal=0.05, min_threshold=0.2, max_threshold=0.8, doc_chars=400)
MIN_DOCS = 10  # languages with fewer documents keep the ROOTS value
OTHERS_PER_LANGUAGE = 5  # documents of each other language checked against a language's threshold


def grouped(items: list[str], size: int, joiner: str = " ") -> list[str]:
    return [joiner.join(items[i : i + size]) for i in range(0, len(items) - size + 1, size)]


def documents(shared: Path, labels: frozenset[str]) -> dict[str, list[str]]:
    """Documents per normalised tag the model can output, from UDHR, Bible verses and UD PUD."""
    docs: dict[str, list[str]] = defaultdict(list)
    with zipfile.ZipFile(shared / "lid/udhr2/udhr2.zip") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".txt")):
            tag = normalise_label(Path(name).stem)
            if covers(labels, tag):
                docs[tag] += reference_documents([z.read(name).decode("utf-8")], SETTINGS.doc_chars)
    verses: dict[str, list[str]] = defaultdict(list)
    text = gzip.decompress((shared / "lid/bible/verses.tsv.gz").read_bytes()).decode("utf-8")
    for row in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        verses[normalise_label(row["iso639_3"])].append(row["text"])
    for tag, texts in sorted(verses.items()):
        if covers(labels, tag):
            docs[tag] += grouped(texts, 5)
    for path in sorted((shared / "lid/ud-pud").glob("*.tsv")):
        if path.stem == "SOURCES":
            continue
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
        sentences = [r[-1] for r in rows if r]  # no header row
        tag = normalise_label(path.stem)
        docs[tag] += grouped(sentences, 5, "" if tag in ("zh", "ja") else " ")
    return {tag: texts for tag, texts in sorted(docs.items()) if len(texts) >= MIN_DOCS}


def derive(shared: Path) -> dict:
    langid = LanguageId({"thresholds": "roots"})
    langid.ensure_setup()
    docs = documents(shared, langid.output_labels())
    languages = derive_thresholds(langid, docs, SETTINGS, others_per_language=OTHERS_PER_LANGUAGE)
    return {
        "format": FORMAT,
        "method": (
            f"per language, the {SETTINGS.expected_removal:g} quantile of the langid score (accepted-label mass) of its "
            f"documents, within [{SETTINGS.min_threshold:g}, {SETTINGS.max_threshold:g}]; other_languages_kept: the share of "
            f"{OTHERS_PER_LANGUAGE} documents of every other language that would pass it (scripts/derive_lid_thresholds.py)"
        ),
        "models": {"base": {"file": langid.model_file().name, "sha256": sha256(langid.model_file())}},
        "sample": {
            "documents": sum(len(v) for v in docs.values()),
            "languages": len(docs),
            "text": "UDHR (lid/udhr2/udhr2.zip, paragraphs to ~400 characters), Bible verses (lid/bible/verses.tsv.gz, "
            "5 a document), UD PUD (lid/ud-pud/*.tsv, 5 sentences a document) of the shared data folder",
        },
        "languages": languages,
    }


def sha256(path: Path) -> str:
    from curation.shards import sha256_file

    return sha256_file(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the committed file differs from a fresh derivation")
    args = ap.parse_args(argv)
    text = json.dumps(derive(shared_data_dir()), ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    if args.check:
        same = DERIVED_FILE.exists() and DERIVED_FILE.read_text(encoding="utf-8") == text
        print(f"{DERIVED_FILE.relative_to(ROOT)}: {'up to date' if same else 'differs from a fresh derivation'}")
        return 0 if same else 1
    DERIVED_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {DERIVED_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
