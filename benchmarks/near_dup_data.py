"""Near-duplicate benchmark corpora from real multilingual text, with ground truth.

Base documents are real text: UD PUD documents (the same news/Wikipedia
sentences in 10 languages, `tests/data/dedup/ud-pud/`) and OSCAR 2019 excerpts;
to reach 10 k – 1 M distinct bases, a base is 4–8 random sentences of one
language's pool, in 2–3 paragraphs. Then, with a fixed seed:

- half of the bases get one variant (cluster = base + variant) made by ONE edit:
  - `words@R`: R × (number of tokens) random edits, each an insertion (a word of
    the same language), a deletion or a substitution, equally likely; tokens
    are words, or characters for zh/ja/th; R ∈ {0.01, 0.03, 0.05, 0.1, 0.2, 0.3};
  - `boilerplate`: a 20–35-word boilerplate block (two cookie / share /
    copyright lines) appended;
  - `reorder`: paragraphs shuffled;
  - `exact`: case, punctuation and whitespace changed only;
  - `url`: the same URL with another scheme, `www.`, a tracking parameter and a
    trailing slash, text re-edited at 5 %;
- 10 % of the other bases (the "shared boilerplate" set) get the same
  boilerplate block: distinct documents that must NOT be merged.

`truth.parquet` gives each document's cluster, edit and language.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "dedup"
RATES = (0.01, 0.03, 0.05, 0.1, 0.2, 0.3)
CHAR_LANGS = ("zh", "ja", "th")
MAX_LINE = 400
BOILERPLATE = [
    "We use cookies to improve your experience on our website. By continuing to browse you agree to our use of cookies.",
    "Share this article on Facebook, Twitter, LinkedIn or by email. Print this page.",
    "Copyright all rights reserved. Terms of use, privacy policy and contact information.",
    "Subscribe to our newsletter to receive the latest news and updates directly in your inbox.",
    "Related articles, most read stories and recommended for you.",
]


def load_pools() -> dict[str, list[str]]:
    """Sentences per language (UD PUD) plus OSCAR excerpt lines."""
    pools: dict[str, list[str]] = defaultdict(list)
    for path in sorted((DATA / "ud-pud").glob("*.tsv")):
        if path.name == "SOURCES.tsv":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4 and parts[3].strip():
                pools[parts[2]].append(parts[3].strip())
    for line in (DATA / "oscar2019_excerpts.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        for sent in r["text"].split("\n"):
            # lines of 20–400 characters: a single 30 k-character spam line would make
            # every base that draws it a near-duplicate of every other
            if 20 < len(sent.strip()) <= MAX_LINE:
                pools[r["lang"]].append(sent.strip())
    return dict(sorted(pools.items()))


def _joiner(lang: str) -> str:
    return "" if lang in CHAR_LANGS else " "


def make_base(rng: random.Random, pool: list[str], lang: str) -> list[str]:
    """Paragraphs of a base document: 4–8 sentences in 2–3 paragraphs."""
    sents = rng.sample(pool, rng.randint(4, 8))
    cuts = sorted(rng.sample(range(1, len(sents)), min(len(sents) - 1, rng.randint(1, 2))))
    paras, last = [], 0
    for c in cuts + [len(sents)]:
        paras.append(_joiner(lang).join(sents[last:c]))
        last = c
    return paras


def edit_tokens(rng: random.Random, text: str, rate: float, lang: str, vocab: list[str]) -> str:
    """R × tokens random insertions / deletions / substitutions (tokens: words, or characters for zh/ja/th)."""
    char = lang in CHAR_LANGS
    paras = text.split("\n\n")
    toks = [(list(p) if char else p.split()) for p in paras]
    total = sum(len(t) for t in toks)
    for _ in range(max(1, round(rate * total))):
        p = rng.randrange(len(toks))
        t = toks[p]
        op = rng.randrange(3)
        word = rng.choice(vocab)
        if op == 0 or not t:
            t.insert(rng.randint(0, len(t)), word)
        elif op == 1 and len(t) > 1:
            del t[rng.randrange(len(t))]
        else:
            t[rng.randrange(len(t))] = word
    return "\n\n".join(("" if char else " ").join(t) for t in toks)


def boilerplate(rng: random.Random) -> str:
    return " ".join(rng.sample(BOILERPLATE, 2))


def surface_variant(rng: random.Random, text: str) -> str:
    """Same normalised text: case, punctuation and whitespace changes only."""
    out = text.upper() if rng.random() < 0.5 else text.lower()
    return out.replace(" ", "  ").replace("\n\n", " \n \n ") + " !!!"


def url_variant(url: str) -> str:
    return url.replace("https://", "http://www.") + "/?utm_source=feed"


def build(n_docs: int, seed: int = 0) -> tuple[pa.Table, pa.Table]:
    """(documents in the project schema, truth) with about n_docs documents."""
    from curation.schema import doc_id, documents_table

    rng = random.Random(seed)
    pools = load_pools()
    langs = [l for l in pools if len(pools[l]) >= 50]
    vocab = {l: sorted({w for s in pools[l] for w in (list(s) if l in CHAR_LANGS else s.split())}) for l in langs}
    edits = [f"words@{r}" for r in RATES] + ["boilerplate", "reorder", "exact", "url"]
    shared_block = boilerplate(random.Random(seed + 1))
    rows, truth = [], []
    cluster = 0
    while len(rows) < n_docs:
        lang = langs[cluster % len(langs)]
        paras = make_base(rng, pools[lang], lang)
        text = "\n\n".join(paras)
        url = f"https://news-{lang}.example.org/{cluster}"
        kind = "single"
        if rng.random() < 0.5:
            kind = edits[(cluster // len(langs)) % len(edits)]
        elif rng.random() < 0.1:
            kind = "shared_boilerplate"
            text = text + "\n\n" + shared_block
        docs = [(text, url, "base")]
        if kind.startswith("words@"):
            docs.append((edit_tokens(rng, text, float(kind[6:]), lang, vocab[lang]), url + "-copy", kind))
        elif kind == "boilerplate":
            docs.append((text + "\n\n" + boilerplate(rng), url + "-copy", kind))
        elif kind == "reorder":
            shuffled = paras[:]
            while shuffled == paras:
                rng.shuffle(shuffled)
            docs.append(("\n\n".join(shuffled), url + "-copy", kind))
        elif kind == "exact":
            docs.append((surface_variant(rng, text), url + "-copy", kind))
        elif kind == "url":
            docs.append((edit_tokens(rng, text, 0.05, lang, vocab[lang]), url_variant(url), kind))
        for i, (t, u, role) in enumerate(docs):
            source = "bench_a" if i == 0 else "bench_b"
            did = doc_id(source, f"{cluster}-{i}")
            rows.append({"id": did, "source": source, "url": u, "text": t, "lang": lang})
            truth.append({"id": did, "cluster": cluster, "kind": kind, "role": role, "lang": lang})
        cluster += 1
    return documents_table(rows), pa.Table.from_pylist(truth)


def write(out_dir: Path, n_docs: int, seed: int = 0, shard_docs: int = 50_000) -> tuple[list[Path], Path]:
    """Shuffled documents in `out_dir/docs/part-NNNNN.parquet`, truth in `out_dir/truth.parquet`."""
    from curation.shards import write_shard

    docs, truth = build(n_docs, seed)
    order = list(range(docs.num_rows))
    random.Random(seed + 2).shuffle(order)
    docs = docs.take(pa.array(order))
    paths = []
    for k, start in enumerate(range(0, docs.num_rows, shard_docs)):
        paths.append(write_shard(out_dir / "docs" / f"part-{k:05d}.parquet", docs.slice(start, shard_docs)))
    pq.write_table(truth, out_dir / "truth.parquet")
    return paths, out_dir / "truth.parquet"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    paths, truth = write(args.out, args.docs, args.seed)
    print(f"{sum(pq.read_metadata(p).num_rows for p in paths):,} documents in {len(paths)} shards; truth: {truth}")


if __name__ == "__main__":
    main()
