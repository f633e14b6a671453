"""Regenerate samples/data/multilingual/ from the shared real data (a maintainer tool).

    python scripts/make_samples.py [DATA_DIR]   # default: CURATION_SHARED_DATA, else ../shared/data

Run at setup by scripts/assemble_data.py (which checks every input against
scripts/shared_data.sha256); its outputs are gitignored, not committed. Each language gets a
different number of documents (unequal sizes on purpose: the tokenizer's
per-language sampling and the per-language stats need them) and a different
slice of the 397 UD PUD documents (so the languages are not all translations of
the same few documents). Every kind of file adapter gets a real file to read.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import OrderedDict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "data" / "multilingual"

# documents per language (of 397) and the format each language is bundled in
PARQUET = {"en": 397, "fr": 260, "de": 200, "es": 150, "ru": 110, "zh": 90}
CSV = {"ar": 80, "hi": 60, "ja": 60, "ko": 40, "tr": 30, "th": 25}
TEXT_FOLDER = {"is": 25, "gl": 20}
PARAGRAPHS = {"fi": 40}
HF_SAVED = {"pt": 120, "it": 100, "id": 70, "pl": 50, "sv": 40, "cs": 30}
NO_SPACE = {"zh", "ja"}  # sentences of a document are joined without a space


def _src(shared: Path, rel: str, inputs=None) -> Path:
    """A file of the shared folder; through `inputs` (assemble_data.Inputs) its sha256 is checked."""
    return inputs.path(rel) if inputs is not None else shared / rel


def ud_documents(shared: Path, lang: str, inputs=None) -> list[dict]:
    """UD PUD sentences grouped into their documents, in file order.

    A sentence id is its document id plus three digits (n01001011 is in n01001) in
    every language that marks documents, so that rule fills the languages that do not.
    """
    docs: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
    with open(_src(shared, f"lid/ud-pud/{lang}.tsv", inputs), encoding="utf-8") as f:
        for line in f:
            sent_id, doc_id, tsv_lang, text = line.rstrip("\n").split("\t", 3)
            assert tsv_lang == lang, (lang, line)
            if doc_id == "None":  # gl id ko pl th lack `# newdoc`; the sentence id starts with its doc id
                doc_id = sent_id[:6]
            docs.setdefault(doc_id, []).append((sent_id, text))
    joiner = "" if lang in NO_SPACE else " "
    return [
        {
            "id": f"{lang}/{doc_id}",
            "doc_id": doc_id,
            "lang": lang,
            "sentences": len(sents),
            "sent_ids": [s for s, _ in sents],
            "text": joiner.join(t for _, t in sents),
            "lines": [t for _, t in sents],
        }
        for doc_id, sents in docs.items()
    ]


def pick(docs: list[dict], n: int, k: int) -> list[dict]:
    """n consecutive documents from a language-dependent start (the k-th language)."""
    start = min((k * 53) % len(docs), len(docs) - n)
    return docs[start : start + n]


def main(shared: Path, inputs=None) -> None:
    ud = OUT / "ud_pud"
    ud.mkdir(parents=True, exist_ok=True)
    (ud / "SOURCES.tsv").write_bytes(_src(shared, "lid/ud-pud/SOURCES.tsv", inputs).read_bytes())
    k = 0

    (ud / "parquet").mkdir(parents=True, exist_ok=True)
    for lang, n in PARQUET.items():
        rows = pick(ud_documents(shared, lang, inputs), n, k)
        k += 1
        table = pa.table(
            {
                "id": [r["id"] for r in rows],
                "doc_id": [r["doc_id"] for r in rows],
                "lang": [r["lang"] for r in rows],
                "sentences": pa.array([r["sentences"] for r in rows], pa.int32()),
                "sent_ids": [r["sent_ids"] for r in rows],
                "text": [r["text"] for r in rows],
            }
        )
        pq.write_table(table, ud / "parquet" / f"{lang}.parquet", compression="zstd", row_group_size=100)

    with open(ud / "ud_pud_mixed.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "doc_id", "lang", "sentences", "text"])
        for lang, n in CSV.items():
            for r in pick(ud_documents(shared, lang, inputs), n, k):
                writer.writerow([r["id"], r["doc_id"], r["lang"], r["sentences"], r["text"]])
            k += 1

    for lang, n in TEXT_FOLDER.items():
        folder = ud / "text" / lang
        folder.mkdir(parents=True, exist_ok=True)
        for r in pick(ud_documents(shared, lang, inputs), n, k):
            (folder / f"{r['doc_id']}.txt").write_text(r["text"] + "\n", encoding="utf-8")
        k += 1

    (ud / "paragraphs").mkdir(parents=True, exist_ok=True)
    for lang, n in PARAGRAPHS.items():
        docs = pick(ud_documents(shared, lang, inputs), n, k)
        k += 1
        (ud / "paragraphs" / f"{lang}.txt").write_text("\n\n".join("\n".join(r["lines"]) for r in docs) + "\n", encoding="utf-8")

    import datasets

    rows = []
    for lang, n in HF_SAVED.items():
        rows += pick(ud_documents(shared, lang, inputs), n, k)
        k += 1
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "doc_id": datasets.Value("string"),
            "lang": datasets.Value("string"),
            "sentences": datasets.Value("int32"),
            "text": datasets.Value("string"),
        }
    )
    ds = datasets.Dataset.from_dict({c: [r[c] for r in rows] for c in features}, features=features)
    ds.save_to_disk(str(ud / "hf_saved"), num_shards=2)

    from filters.lang_labels import normalise_label  # the one label table the langid filter reads

    oscar_in = _src(shared, "multilingual/oscar2019-excerpts/oscar2019_unshuffled_deduplicated_excerpts.jsonl", inputs)
    lines = []
    with open(oscar_in, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            # OSCAR's labels are lid.176's (`als` is Alemannic, gsw): normalised as the filter reads them, the original
            # kept in `oscar_lang`
            record = {
                "id": f"{doc['lang']}/{doc['doc_index']}",
                "lang": normalise_label(doc["lang"]),
                "oscar_lang": doc["lang"],
                "doc_index": doc["doc_index"],
                "text": doc["text"],
            }
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    data = "".join(lines).encode("utf-8")
    (OUT / "oscar2019_excerpts.jsonl.zst").write_bytes(zstandard.ZstdCompressor(level=19).compress(data))


if __name__ == "__main__":
    if len(sys.argv) > 2:
        sys.exit("usage: python scripts/make_samples.py [DATA_DIR]")
    if len(sys.argv) == 2:
        main(Path(sys.argv[1]))
    else:
        sys.path.insert(0, str(ROOT))
        from curation.shared_data import SharedDataMissing, shared_data_dir

        try:
            main(shared_data_dir())
        except SharedDataMissing as e:
            sys.exit(f"make_samples: {e}")
